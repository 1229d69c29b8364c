"""The `Stripe-Version` header: a version Stripe knows is used and echoed; anything else is
refused with 400 "Invalid Stripe API version: X" (docs/stripe-facts.md §3)."""

from __future__ import annotations

import re

from core.sandbox.errors import StripeApiError

# The version the sandbox answers in when a request names none: the one stripe 16.1.0 pins
# (facts §10.5).
API_VERSION = "2026-10-28.endive"
_FORMAT_RE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(\.[a-z]+)?\Z")
# Versions the sandbox accepts: those the facts name (§6.5, §10.5) and other published release
# versions (docs/stripe-facts.md §3.3). A real version missing here is refused; add it.
KNOWN_VERSIONS = frozenset(
    {
        API_VERSION,
        "2026-06-24.dahlia",
        "2025-09-30.clover",
        "2025-08-27.basil",
        "2025-07-30.basil",
        "2025-06-30.basil",
        "2025-05-28.basil",
        "2025-04-30.basil",
        "2025-03-31.basil",
        "2025-02-24.acacia",
        "2025-01-27.acacia",
        "2024-12-18.acacia",
        "2024-11-20.acacia",
        "2024-10-28.acacia",
        "2024-09-30.acacia",
        "2024-06-20",
        "2024-04-10",
        "2023-10-16",
        "2023-08-16",
        "2022-11-15",
        "2022-08-01",
        "2020-08-27",
    }
)


def check_version(header: str | None) -> str:
    """The API version a request runs under: its `Stripe-Version` header when Stripe knows it,
    the default when the header is absent; 400 `invalid_request_error` otherwise."""
    if header is None:
        return API_VERSION
    version = header.strip()
    if _FORMAT_RE.match(version) and version in KNOWN_VERSIONS:
        return version
    raise StripeApiError(400, f"Invalid Stripe API version: {version}")
