"""Ready-made Stripe catalogs for a sandbox's test-mode data (`--preset`, `apply_preset`).

`handmade` is what a shop owner might have clicked together in the Stripe Dashboard for the sample
catalog (resources/sample_catalog.json) before using this tool: Dashboard-style ids, none of the
tool's metadata tags, and the awkward cases adoption must handle (design.md decision 11).

Every object is made by the sandbox's own endpoint code, as an API call would make it; ids are
fixed, so applying a preset twice changes nothing.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.sandbox import prices, products
from core.sandbox.call import Call
from core.sandbox.store import Store

_ALNUM = string.digits + string.ascii_uppercase + string.ascii_lowercase


class HasStore(Protocol):
    """Anything holding a sandbox `Store` (a `SandboxServer`)."""

    store: Store


@dataclass(frozen=True)
class PresetPrice:
    """One price of a preset product: its fixed-id label and its create parameters."""

    label: str
    params: Mapping[str, Any]
    default: bool = False


@dataclass(frozen=True)
class PresetProduct:
    """One product of a preset: label (→ fixed id), create parameters, prices, archived or not."""

    label: str
    params: Mapping[str, Any]
    prices: Sequence[PresetPrice] = field(default_factory=tuple)
    archived: bool = False


def fixed_id(prefix: str, label: str) -> str:
    """A Dashboard-looking id (`prod_` / `price_` + 14 letters and digits) that never changes."""
    number = int.from_bytes(hashlib.sha256(f"handmade/{label}".encode()).digest(), "big")
    chars = []
    for _ in range(14):
        number, digit = divmod(number, len(_ALNUM))
        chars.append(_ALNUM[digit])
    return prefix + "".join(chars)


def _usd(label: str, amount: int, *, default: bool = False, **extra: Any) -> PresetPrice:
    return PresetPrice(label, {"currency": "usd", "unit_amount": amount, **extra}, default)


_CABLE = "JST Link Cable 30 cm"
HANDMADE: tuple[PresetProduct, ...] = (
    # Same name as a catalog product, its catalog price as the default, plus a euro price.
    PresetProduct(
        "panel-8x8",
        {
            "name": "Material-8x8-V LED Panel",
            "description": (
                "Modular 64-pixel RGB LED panel for installations; chain up to 32 panels."
            ),
            "metadata": {"sku": "MAT-8X8"},
            "statement_descriptor": "MATERIAL PANEL",
        },
        (
            _usd("panel-8x8-usd", 12000, default=True),
            PresetPrice(
                "panel-8x8-eur",
                {"currency": "eur", "unit_amount": 11000, "tax_behavior": "inclusive"},
            ),
        ),
    ),
    # Differs from "Material-16x16 LED Panel" only in case and spacing.
    PresetProduct(
        "panel-16x16",
        {"name": "material-16x16  led panel"},
        (_usd("panel-16x16-usd", 34500, default=True),),
    ),
    # Same name; a one-time price plus a tiered (volume) subscription price.
    PresetProduct(
        "strip",
        {"name": "Material Strip 1 m", "unit_label": "metre"},
        (
            _usd("strip-usd", 2900, default=True),
            PresetPrice(
                "strip-volume",
                {
                    "currency": "usd",
                    "nickname": "Monthly volume supply",
                    "billing_scheme": "tiered",
                    "tiers_mode": "volume",
                    "tiers": [
                        {"up_to": 10, "unit_amount": 2900},
                        {"up_to": 50, "unit_amount": 2500},
                        {"up_to": "inf", "unit_amount": 2200},
                    ],
                    "recurring": {"interval": "month"},
                },
            ),
        ),
    ),
    # Same name; one one-time price per variant at the catalog's amounts (base + modifier).
    PresetProduct(
        "founder",
        {
            "name": "Founder Edition Controller",
            "description": "Numbered first-run controller in an anodised aluminium case.",
        },
        (
            _usd("founder-black", 49900, default=True, nickname="Black"),
            _usd("founder-white", 49900, nickname="White"),
            _usd("founder-silver", 54900, nickname="Silver"),
        ),
    ),
    # Two Stripe products with one identical name: ambiguous for adoption by name.
    PresetProduct(
        "cable-a",
        {"name": _CABLE, "description": "Panel-to-panel data and power cable."},
        (_usd("cable-a-usd", 450, default=True),),
    ),
    PresetProduct(
        "cable-b",
        {"name": _CABLE, "description": "Imported from the old shop."},
        (_usd("cable-b-usd", 450, default=True),),
    ),
    # Same name; the catalog price plus a subscription (recurring) price.
    PresetProduct(
        "pulse-v2",
        {"name": "Pulse Controller v2"},
        (
            _usd("pulse-v2-usd", 18900, default=True),
            _usd("pulse-v2-rental", 1900, nickname="Rental", recurring={"interval": "month"}),
        ),
    ),
    # Archived in Stripe (its price stays active, facts §2.6).
    PresetProduct(
        "hexagon",
        {"name": "Hexagon Panel Prototype"},
        (_usd("hexagon-usd", 9900, default=True),),
        archived=True,
    ),
    # A product the catalog lacks, with a customer-chosen amount.
    PresetProduct(
        "gift-card",
        {"name": "Gift Card", "statement_descriptor": "SANDBOX GIFT CARD"},
        (
            PresetPrice(
                "gift-card-usd",
                {
                    "currency": "usd",
                    "custom_unit_amount": {
                        "enabled": True,
                        "minimum": 1000,
                        "maximum": 50000,
                        "preset": 2500,
                    },
                },
                default=True,
            ),
        ),
    ),
)
PRESETS: dict[str, tuple[PresetProduct, ...]] = {"handmade": HANDMADE}


def _form(value: Any) -> Any:
    """A parameter as it arrives decoded from a form body: strings, dicts and lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return {str(k): _form(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_form(v) for v in value]
    return str(value)


def apply_preset(target: Store | HasStore, name: str) -> list[str]:
    """Add preset `name` (see `PRESETS`; "handmade") to the sandbox's test-mode data.

    `target` is a `SandboxServer` (running or not) or its `Store`; in-process callers use
    `SandboxServer.apply_preset(name)`, e.g. the window's "Start from a hand-made Stripe catalog".
    Each object is created through the sandbox's own endpoint code (`POST /v1/products`,
    `POST /v1/prices`, `POST /v1/products/{id}`) with fixed ids. A product whose id is already
    there is left exactly as it is, prices included, so applying twice changes nothing. The state
    file, if any, is saved. Returns the ids created (empty when nothing was missing); raises
    `ValueError` for an unknown preset name.
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown sandbox preset {name!r}; known: {', '.join(sorted(PRESETS))}")
    store = target if isinstance(target, Store) else target.store
    created: list[str] = []
    with store.lock:
        for item in PRESETS[name]:
            product_id = fixed_id("prod_", item.label)
            if store.mode(False).products.get(product_id) is not None:
                continue
            products.create(Call(store, False, _form({**item.params, "id": product_id})))
            created.append(product_id)
            for price in item.prices:
                price_id = fixed_id("price_", price.label)
                params = _form({**price.params, "product": product_id})
                prices.create(Call(store, False, params, fixed_ids=[price_id]))
                created.append(price_id)
                if price.default:
                    update = {"default_price": price_id}
                    products.update(Call(store, False, update, object_id=product_id))
            if item.archived:
                products.update(Call(store, False, {"active": "false"}, object_id=product_id))
        if created:
            store.save()
    return created
