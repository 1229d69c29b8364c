"""Client-side throttling and retry timing: a token bucket and capped exponential backoff.

The gateway's default rate is `HEADROOM` (90 %) of Stripe's per-account limit for the key's mode:
22.5 requests/s in test mode (limit 25), 90/s in live mode (limit 100), facts §1.2. The bucket
holds up to `BURST_SECONDS` (1 s) of that rate and starts full, so a short run — reading one
product, syncing a handful — goes out at once instead of being spaced from its very first call;
a long run settles at the rate. In any interval of t seconds at most rate·(1 + t) requests leave:
under a limiter that allows a second's worth at once and refills at the limit (a token bucket, as
Stripe describes its request limiter and as core.sandbox implements it), that stays below Stripe's
limit by 10 % plus 10 % of the limit per second — room for the shop's other clients of the same
account. A stricter limiter (a fixed one-second window) could see up to 1.8× the rate in the first
second of a long run; its 429s are then retried with backoff like any other.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.engine.types import CancelToken
from core.errors import CancelledError

# Stripe's per-account limits (stripe-api-facts.md §1.2): requests per second.
TEST_RATE_LIMIT = 25.0
LIVE_RATE_LIMIT = 100.0
# Stay a little under the limit so that clock skew, boundary effects and the account's other
# clients (checkout, webhooks) don't earn 429s.
HEADROOM = 0.9
# How much of the rate may go out at once (and is available at the start): one second's worth.
BURST_SECONDS = 1.0


class TokenBucket:
    """Let `rate` calls per second through on average, shared by every thread using one gateway.

    The bucket holds at most `burst` tokens (default: `BURST_SECONDS` of the rate, at least one)
    and starts full: the first `burst` calls go out without waiting, later ones are spaced to the
    rate. A rate of 0 (or less) switches throttling off.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(1.0, rate * BURST_SECONDS if burst is None else burst)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self, sleep: Callable[[float], None] | None = None) -> None:
        """Block until one call may go out; `sleep` (default: the bucket's) does the waiting.

        The gateway passes a cancel-aware sleep, which may raise to abandon the wait: the token is
        spent all the same, so later callers keep their place in the queue.
        """
        if self.rate <= 0:
            return
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            wait = -self._tokens / self.rate if self._tokens < 0 else 0.0
        # Sleep outside the lock: the debt is already booked, later callers queue behind it.
        if wait > 0:
            (sleep or self._sleep)(wait)


@dataclass(frozen=True)
class RetryPolicy:
    """How long and how patiently one Stripe call is retried after 429s and transient failures.

    Delays grow `initial_s`, 2×, 4×… up to `max_s`, each scaled by a random factor in [0.5, 1]
    (jitter, so that parallel clients don't retry in lockstep). The call gives up once the next
    wait would end after `budget_s` seconds from its first attempt.
    """

    budget_s: float = 30.0
    initial_s: float = 0.25
    max_s: float = 4.0

    def delay(self, attempt: int) -> float:
        """The wait before retry number `attempt` (1 = first retry), with jitter."""
        base = min(self.initial_s * 2.0 ** (attempt - 1), self.max_s)
        jitter: float = random.uniform(0.5, 1.0)
        return base * jitter


def wait_unless_cancelled(
    seconds: float, token: CancelToken | None, sleep: Callable[[float], None] = time.sleep
) -> None:
    """Sleep `seconds`, waking early and raising CancelledError if `token` is cancelled meanwhile.

    With the real `time.sleep` the wait is the token's own (it ends the moment cancel() is
    called); an injected sleep (a test's fake clock) is kept and the token looked at after it.
    """
    if token is None:
        sleep(seconds)
        return
    if sleep is time.sleep:
        cancelled = token.wait(seconds)
    else:
        sleep(seconds)
        cancelled = token.cancelled
    if cancelled:
        raise CancelledError(
            "Cancelled by the operator while waiting to retry a Stripe call; "
            "the call was abandoned."
        )
