"""Stripe objects as plain JSON (dicts) → the engine's `RemoteProduct` / `RemotePrice`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.domain.product_fields import DIMENSIONS, PRODUCT_FIELDS
from core.engine.remote import EMPTY, RemotePrice, RemoteProduct, maybe_word, metadata, word


def remote_price(data: dict[str, Any]) -> RemotePrice:
    """Turn a Stripe price (as a dict) into a RemotePrice."""
    product = data.get("product")
    if isinstance(product, dict):
        product = product.get("id")
    return RemotePrice(
        id=word(str(data["id"])),
        product=word(str(product or "")),
        unit_amount=data.get("unit_amount"),
        currency=word(str(data.get("currency") or "")),
        active=bool(data.get("active", True)),
        nickname=data.get("nickname"),
        metadata=metadata(data.get("metadata")),
        lookup_key=maybe_word(data.get("lookup_key")),
        livemode=bool(data.get("livemode", False)),
        created=int(data.get("created") or 0),
        type=word(str(data.get("type") or "one_time")),
        billing_scheme=word(str(data.get("billing_scheme") or "per_unit")),
        recurring_interval=maybe_word((data.get("recurring") or {}).get("interval")),
        custom_amount=bool(data.get("custom_unit_amount")),
        currency_options=_options(data),
        tax_behavior=maybe_word(data.get("tax_behavior")),
    )


def _options(data: dict[str, Any]) -> Mapping[str, int] | None:
    """The price's fixed amounts in other currencies; None when Stripe did not show them (they
    are shown only when expanded). An option without a fixed amount (tiers, or the customer
    chooses it) is left out."""
    options = data.get("currency_options")
    if not isinstance(options, dict):
        return None
    own = str(data.get("currency") or "")
    found = {
        word(str(code)): int(entry["unit_amount"])
        for code, entry in sorted(options.items())
        if code != own and isinstance(entry, dict) and isinstance(entry.get("unit_amount"), int)
    }
    return found or EMPTY


def remote_product(data: dict[str, Any], prices: tuple[RemotePrice, ...] = ()) -> RemoteProduct:
    """Turn a Stripe product (as a dict) into a RemoteProduct carrying `prices`."""
    default = data.get("default_price")
    if isinstance(default, dict):
        default = default.get("id")
    return RemoteProduct(
        id=word(str(data["id"])),
        name=str(data.get("name") or ""),
        description=data.get("description") or None,
        active=bool(data.get("active", True)),
        metadata=metadata(data.get("metadata")),
        default_price=maybe_word(default or None),
        livemode=bool(data.get("livemode", False)),
        created=int(data.get("created") or 0),
        updated=int(data.get("updated") or 0),
        prices=prices,
        fields=optional_fields(data) or EMPTY,
    )


def optional_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A Stripe product's optional fields in the catalog's form, only those it has a value for:
    images and marketing feature names as tuples, package dimensions as a dict of floats."""
    out: dict[str, Any] = {}
    for name in PRODUCT_FIELDS:
        value = data.get(name)
        if value is None or value == [] or value == "":
            continue
        if name == "images":
            value = tuple(str(v) for v in value)
        elif name == "marketing_features":
            value = tuple(str(f.get("name")) if isinstance(f, dict) else str(f) for f in value)
        elif name == "package_dimensions" and isinstance(value, dict):
            value = {d: float(value.get(d) or 0) for d in DIMENSIONS}
        out[name] = value
    return out
