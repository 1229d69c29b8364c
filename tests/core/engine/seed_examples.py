"""The seed's examples, verbatim (seed-stripe-sync-service.md), as Python dicts."""

from __future__ import annotations

from typing import Any

SIMPLE: dict[str, Any] = {
    "id": "material-8x8-v1",
    "name": "Material-8x8-V LED Panel",
    "description": "Modular 64-pixel LED panel for installations",
    "price_usd": 12000,
    "sell_status": "available",
}

WITH_VARIANTS: dict[str, Any] = {
    "id": "material-8x8-v1",
    "name": "Material-8x8-V LED Panel",
    "description": "Modular LED panel with color options",
    "price_usd": 12000,
    "sell_status": "available",
}

VARIANTS: list[dict[str, Any]] = [
    {"id": "material-8x8-v1-black", "color": "BLACK", "price_usd": 12000, "inventory_count": 500},
    {"id": "material-8x8-v1-white", "color": "WHITE", "price_usd": 12000, "inventory_count": 300},
]

# "Pre-Sale to Live Transition": a deposit price during pre-sale, then the full price.
PRE_SALE: dict[str, Any] = {
    "id": "founder-edition-black",
    "name": "Founder Edition (Black)",
    "description": "Limited Founder Series unit",
    "price_usd": 9900,
    "sell_status": "pre-sale",
}
LIVE: dict[str, Any] = {**PRE_SALE, "sell_status": "available", "price_usd": 49900}
