"""Made-up Stripe keys for tests.

Live-mode keys are assembled at run time, so no tracked file holds a string shaped like a real live
key (secret scanners, and people, would rightly stop at one). None of these keys exists at Stripe.
"""

from __future__ import annotations


def fake_key(kind: str, mode: str, body: str) -> str:
    """A well-formed key no account has: `fake_key("sk", "live", "FakeBody9999")`."""
    return f"{kind}_{mode}_{body}"
