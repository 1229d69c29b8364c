"""The plain records the store hands out and takes in: a product with its variants, and what one
product's sync writes back."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.catalog.journal import JournalRecord


@dataclass(frozen=True, slots=True)  # one per product in a status: no per-instance __dict__
class CatalogRecord:
    """One product row (as a plain dict of its columns) and its variant rows.

    `currency_amounts`: unit ('' for the product's own price, else the variant id) → currency →
    amount in that currency's smallest unit (prices in other currencies, `ssa_currency_amounts`).
    """

    product: dict[str, Any]
    variants: tuple[dict[str, Any], ...] = ()
    currency_amounts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The product's local id."""
        return str(self.product["id"])


_IDS = frozenset({"id", "product_id"})


def column_values(row: Mapping[Any, Any], seen: dict[str, str]) -> dict[str, Any]:
    """A database row as a plain dict of its columns (a `CatalogRecord.product`), each short text
    ("available", "usd", a category) the same string as the equal one met before (`seen`), its
    ids interned (the same as Stripe's side, the links and the snapshots hold): the database hands
    out a new copy per row, and rows, sync inputs and plans keep them."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, str):
            v = sys.intern(v) if k in _IDS else seen.setdefault(v, v) if len(v) <= 16 else v
        out[k] = v
    return out


@dataclass
class WriteBack:
    """What one product's sync writes back locally, in one transaction."""

    account_id: str
    mode: str
    product_id: str
    stripe_product_id: str | None = None
    stripe_price_id: str | None = None
    variant_prices: dict[str, str] = field(default_factory=dict)
    snapshot: dict[str, str] | None = None  # None: the sync failed, keep the old snapshot
    journal: list[JournalRecord] = field(default_factory=list)
    own_catalog_columns: bool = False  # also write the catalog's own stripe_* columns
    release_hold: bool = False  # synced explicitly: the operator's archive hold ends
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
