"""Client-side throttling and retry timing: a token bucket and capped exponential backoff."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Stripe's per-account limits (stripe-api-facts.md §1.2): requests per second.
TEST_RATE_LIMIT = 25.0
LIVE_RATE_LIMIT = 100.0
# Stay a little under the limit so that clock skew and boundary effects don't earn 429s.
HEADROOM = 0.9


class TokenBucket:
    """Let at most `rate` calls per second through, shared by every thread using one gateway.

    The bucket holds at most `burst` tokens, so no second ever sees much more than `rate` calls.
    A rate of 0 (or less) switches throttling off.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.burst = max(1.0, burst)
        self._tokens = self.burst
        self._clock = clock
        self._sleep = sleep
        self._last = clock()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Block until one call may go out."""
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
            self._sleep(wait)


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
