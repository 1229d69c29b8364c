"""Rate limits (facts §1) and injected faults for tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


class TokenBucket:
    """Allows `rate` requests per second on average, bursting up to one second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = max(rate, 1.0)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        capacity = max(self.rate, 1.0)
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


SEARCH_RATE = 20.0


class RateLimiter:
    """Per-mode global limit, plus Search's own 20 requests/s when limiting is on (facts §1.3)."""

    def __init__(self, per_second: float) -> None:
        self._lock = threading.Lock()
        self.set_rate(per_second)

    def set_rate(self, per_second: float) -> None:
        """Change the limit; 0 turns limiting off. Buckets start full."""
        with self._lock:
            self.per_second = max(0.0, float(per_second))
            self._buckets: dict[tuple[bool, str], TokenBucket] = {}

    def check(self, livemode: bool, is_search: bool) -> str | None:
        """None when allowed, else the `Stripe-Rate-Limited-Reason` to answer with."""
        with self._lock:
            if self.per_second <= 0:
                return None
            if is_search:
                search = self._bucket(livemode, "search", SEARCH_RATE)
                if not search.take():
                    return "endpoint-rate"
            if not self._bucket(livemode, "global", self.per_second).take():
                return "global-rate"
            return None

    def _bucket(self, livemode: bool, name: str, rate: float) -> TokenBucket:
        bucket = self._buckets.get((livemode, name))
        if bucket is None:
            bucket = self._buckets[(livemode, name)] = TokenBucket(rate)
        return bucket


@dataclass
class FailPlan:
    """Fail this many requests with this status (and optional error code)."""

    remaining: int
    status: int
    code: str | None


class Faults:
    """Queued failures: errors before execution, errors during a write's execution (saved under
    its idempotency key, as Stripe does), and writes whose response is lost."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fail: FailPlan | None = None
        self._exec_fail: FailPlan | None = None
        self._drop = 0

    def fail_next(self, n: int, status: int, code: str | None) -> None:
        """The next `n` requests get `status`, and nothing is applied."""
        with self._lock:
            self._fail = FailPlan(n, status, code) if n > 0 else None

    def fail_during_execution_next(self, n: int, status: int) -> None:
        """The next `n` write requests fail once their execution has begun (nothing applied)."""
        with self._lock:
            self._exec_fail = FailPlan(n, status, None) if n > 0 else None

    def take_execution_failure(self) -> FailPlan | None:
        """The during-execution failure for this write, if one is queued."""
        with self._lock:
            plan = self._exec_fail
            if plan is None:
                return None
            plan.remaining -= 1
            if plan.remaining <= 0:
                self._exec_fail = None
            return FailPlan(1, plan.status, plan.code)

    def drop_next(self, n: int) -> None:
        """The next `n` write requests are applied, then the connection closes unanswered."""
        with self._lock:
            self._drop = max(0, n)

    def take_failure(self) -> FailPlan | None:
        """The failure for this request, if one is queued."""
        with self._lock:
            plan = self._fail
            if plan is None:
                return None
            plan.remaining -= 1
            if plan.remaining <= 0:
                self._fail = None
            return FailPlan(1, plan.status, plan.code)

    def take_drop(self) -> bool:
        """True when this write's response must be lost."""
        with self._lock:
            if self._drop <= 0:
                return False
            self._drop -= 1
            return True
