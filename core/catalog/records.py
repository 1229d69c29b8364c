"""The plain records the store hands out and takes in: a product with its variants, and what one
product's sync writes back."""

from __future__ import annotations

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
