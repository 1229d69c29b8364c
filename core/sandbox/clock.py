"""The sandbox's clock: the wall clock plus an offset a test can move.

Every `created` and `updated` timestamp and every event's age come from `Store.now()`, so a test can
make a month pass (`SandboxServer.advance_clock`) instead of waiting for it, e.g. to see events
leave the 30 days Stripe keeps them (docs/stripe-facts.md §4.9).
"""

from __future__ import annotations

import time


class Clock:
    """Seconds since the epoch, as the sandbox sees them."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        """The sandbox's current time."""
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox's time forward (a negative number moves it back)."""
        self.offset += float(seconds)

    def set(self, timestamp: float) -> None:
        """Make the sandbox's current time `timestamp`; it runs on from there."""
        self.offset = float(timestamp) - time.time()
