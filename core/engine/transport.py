"""How every Stripe call goes out: the token bucket, the retry loop, counting and cancellation.

`Transport` is the base of `core.engine.gateway.StripeGateway`, which adds Stripe's resources on
top. Retries: 429s, connection failures, 409s and 5xx answers, with capped exponential backoff and
jitter, until the retry budget is spent (facts §1.9–1.13); `core.engine.failures` says which error
is which. A create whose failure Stripe saved under its key raises `StripeReplayedFailureError`;
an update in that case is resent under a fresh key.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe

from core.engine.errors import StripeReplayedFailureError
from core.engine.failures import classify, gave_up
from core.engine.throttle import (
    HEADROOM,
    LIVE_RATE_LIMIT,
    TEST_RATE_LIMIT,
    RetryPolicy,
    TokenBucket,
    wait_unless_cancelled,
)
from core.engine.types import CancelToken
from core.keys.shape import mask_key

T = TypeVar("T")


@dataclass
class CallStats:
    """HTTP requests this gateway sent (retries included), split into reads and writes."""

    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        """All requests sent."""
        return self.reads + self.writes


@dataclass(frozen=True)
class Written:
    """The object a write returned, with Stripe's request id (for the journal)."""

    obj: Any  # RemoteProduct or RemotePrice
    request_id: str | None
    # Stripe answered with a create's saved result (Idempotent-Replayed): the object may have
    # changed since (see core.engine.price_create).
    replayed: bool = False


def as_dict(obj: Any) -> dict[str, Any]:
    result: dict[str, Any] = obj.to_dict()
    return result


def header(obj: Any, name: str) -> str | None:
    response = getattr(obj, "last_response", None)
    if response is None:
        return None
    headers = response.headers
    for key in (name, name.lower()):
        if key in headers:
            return str(headers[key])
    return None


class Transport:
    """Calls through one `stripe.StripeClient`: throttled, retried, counted, cancellable."""

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        api_key: str,
        rate_limit: float | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        read_retry: RetryPolicy | None = None,
    ) -> None:
        self._client = client
        self._v1: Any = client.v1
        self._masked_key = mask_key(api_key)
        self._fingerprint = hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:16]
        self.livemode = "_live_" in api_key
        limit = rate_limit
        if limit is None:
            limit = (LIVE_RATE_LIMIT if self.livemode else TEST_RATE_LIMIT) * HEADROOM
        self.rate_limit = limit
        self.retry = retry or RetryPolicy()
        # Reads may give up sooner than writes: a refresh should say Stripe is out of reach
        # quickly, while a write keeps trying so that a sync settles.
        self.read_retry = read_retry or self.retry
        self._fail_fast = False  # see `fail_fast`
        self._bucket = TokenBucket(limit, sleep=sleep, clock=clock)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self.stats = CallStats()
        # The running operation's cancel token (see `cancellable`): one Stripe task runs at a
        # time, and the threads it starts (the bulk read) share it, so a plain attribute will do.
        self.cancel_token: CancelToken | None = None

    # -- cancellation ---------------------------------------------------------------------------

    @contextmanager
    def cancellable(self, token: CancelToken | None) -> Iterator[None]:
        """Within the block, retry backoff and throttle waits end early when `token` is cancelled.

        A cancelled wait raises `CancelledError`, so a run cancelled during a storm of 429s or
        5xx answers stops within moments instead of after the retry budget (30 s by default).
        `None` keeps whatever token is already in force (blocks nest).
        """
        previous = self.cancel_token
        if token is not None:
            self.cancel_token = token
        try:
            yield
        finally:
            self.cancel_token = previous

    @contextmanager
    def fail_fast(self) -> Iterator[None]:
        """Within the block, a read that cannot reach Stripe gives up at its first connection
        failure instead of retrying (429s and 5xx answers are still retried within the read
        budget). For checks that come again by themselves, like the window's automatic refresh."""
        previous = self._fail_fast
        self._fail_fast = True
        try:
            yield
        finally:
            self._fail_fast = previous

    def _wait(self, seconds: float) -> None:
        wait_unless_cancelled(seconds, self.cancel_token, self._sleep)

    # -- the retry loop -------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T], *, write: bool, what: str, permission: str) -> T:
        started = self._clock()
        attempt = 0
        policy = self.retry if write else self.read_retry
        while True:
            self._bucket.acquire(self._wait)
            with self._lock:
                if write:
                    self.stats.writes += 1
                else:
                    self.stats.reads += 1
            try:
                return fn()
            except stripe.StripeError as err:
                attempt += 1
                delay = 0.0
                failure = classify(
                    err, write=write, what=what, permission=permission, key=self._masked_key
                )
                if failure is None:
                    delay = policy.delay(attempt)
                    elapsed = self._clock() - started
                    at_once = self._fail_fast and not write
                    if elapsed + delay > policy.budget_s or (
                        at_once and isinstance(err, stripe.APIConnectionError)
                    ):
                        failure = gave_up(err, what, attempt, elapsed)
            # Raised here, outside the `except`, so the SDK's error (whose message or request may
            # hold the raw key, e.g. an invalid header) is not kept as the __context__.
            if failure is not None:
                raise failure
            self._wait(delay)

    def _read(self, fn: Callable[[], T], what: str, permission: str) -> T:
        return self._call(fn, write=False, what=what, permission=permission)

    def _write(
        self,
        fn: Callable[[str], Any],
        key: str,
        *,
        what: str,
        permission: str,
        update: bool,
    ) -> tuple[dict[str, Any], str | None, bool]:
        try:
            obj = self._call(lambda: fn(key), write=True, what=what, permission=permission)
        except StripeReplayedFailureError:
            if not update:
                raise  # a create: the caller re-reads Stripe before trying another key
            # An update sets values, so sending it again under a fresh key is harmless.
            fresh = f"{key}-again-{uuid.uuid4().hex[:12]}"
            obj = self._call(lambda: fn(fresh), write=True, what=what, permission=permission)
        replayed = header(obj, "Idempotent-Replayed") == "true"
        if update and replayed:
            # A replayed answer to an update may be an older write's (see core.engine.idempotency):
            # setting the same values again is harmless, so send it once more under a fresh key.
            fresh = f"{key}-again-{uuid.uuid4().hex[:12]}"
            obj = self._call(lambda: fn(fresh), write=True, what=what, permission=permission)
            replayed = header(obj, "Idempotent-Replayed") == "true"
        return as_dict(obj), header(obj, "Request-Id"), replayed
