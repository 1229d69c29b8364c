"""API keys: who is calling, in which mode, with which permissions (facts §8.6, §8.7, §9).

A restricted key's permissions come from its name: `readonly` (products, prices and events: read),
`noprices` (products only), `noevents` (products and prices, no events), anything else: products
and prices read and write and events read (docs/stripe-facts.md §4.10).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection
from dataclasses import dataclass

from core.sandbox.errors import NO_KEY_MESSAGE, StripeApiError

_KEY_RE = re.compile(r"\A(sk|rk|pk)_(test|live)_([A-Za-z0-9]{8,})\Z")
READ_ONLY = frozenset({"rak_product_read", "rak_plan_read", "rak_event_read"})
NO_PRICES = frozenset({"rak_product_read", "rak_product_write"})
NO_EVENTS = frozenset({"rak_product_read", "rak_product_write", "rak_plan_read", "rak_plan_write"})
FULL = NO_EVENTS | {"rak_event_read"}


@dataclass(frozen=True)
class Caller:
    """A well-formed key's mode and, for restricted keys, the permissions it holds."""

    key: str
    livemode: bool
    permissions: frozenset[str] | None  # None = a secret key: everything allowed


def mask(key: str, stars: str = "****") -> str:
    """Stripe's way of showing a key in an error: prefix, stars, last four characters."""
    match = re.match(r"\A((?:sk|rk|pk)_(?:test|live)_)", key)
    prefix = match.group(1) if match else ""
    tail = key[-4:] if len(key) > len(prefix) + 4 else ""
    return f"{prefix}{stars}{tail}"


def _key_from(header: str) -> str:
    """The key in `Bearer KEY` or in HTTP Basic auth's user name (`curl -u KEY:`), as Stripe reads."""
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        user = decoded.partition(":")[0].strip()
        if user:
            return user
    raise StripeApiError(401, "Invalid API Key provided: " + mask(value or header.strip()))


def authenticate(header: str | None, revoked: Collection[str] = ()) -> Caller:
    """Check the `Authorization` header (Bearer, or Basic with the key as user name); 401 when
    missing, malformed or revoked (facts §8.6)."""
    if not header or not header.strip():
        raise StripeApiError(401, NO_KEY_MESSAGE)
    key = _key_from(header)
    if key in revoked:
        raise StripeApiError(401, "Expired API Key provided: " + mask(key), code="api_key_expired")
    match = _KEY_RE.match(key)
    if not match:
        raise StripeApiError(401, "Invalid API Key provided: " + mask(key))
    kind, mode, secret = match.groups()
    if kind == "pk":
        raise StripeApiError(
            403,
            "This API call cannot be made with a publishable API key. Please use a secret API key. "
            "You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        )
    permissions: frozenset[str] | None = None
    if kind == "rk":
        lowered = secret.lower()
        if "readonly" in lowered:
            permissions = READ_ONLY
        elif "noprices" in lowered:
            permissions = NO_PRICES
        elif "noevents" in lowered:
            permissions = NO_EVENTS
        else:
            permissions = FULL
    return Caller(key=key, livemode=mode == "live", permissions=permissions)


def require(caller: Caller, resource: str | None, write: bool, account_id: str) -> None:
    """403 unless the key may do this; write implies read (facts §9.6)."""
    if caller.permissions is None or resource is None:
        return
    needed = f"rak_{resource}_{'write' if write else 'read'}"
    if needed in caller.permissions or (
        not write and f"rak_{resource}_write" in caller.permissions
    ):
        return
    raise StripeApiError(
        403,
        f"The provided key '{mask(caller.key, '***')}' does not have the required permissions for "
        f"this endpoint on account '{account_id}'. Having the '{needed}' permission would allow "
        "this request to continue.",
    )
