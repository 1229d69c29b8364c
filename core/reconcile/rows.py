"""What the window and the `status` command show: one row per product, local beside Stripe.

Built by `core.workspace.Workspace.status()` from the catalog, the Stripe side (read in bulk), the
engine's plan and the tool's own link, snapshot and journal tables. Plain, frozen data: safe to hand
from a worker thread to the GUI thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from core.engine.types import FieldDiff, ProductPlan

ProductState = Literal[
    "in_sync",  # Stripe matches the catalog
    "differs",  # exists in Stripe, some owned field differs
    "missing",  # no Stripe product yet
    "archived",  # archived in Stripe and meant to be (internal / not live)
    "held",  # kept archived in this account and mode by the operator (catalog unchanged)
    "orphaned",  # tagged by the tool in Stripe, no local row
    "not_ready",  # local row cannot be synced yet (no price, dev status < 5, invalid)
    "failed",  # the last sync of this product failed
]

StripeStatus = Literal["active", "archived", "missing"]


class OtherPrice(BaseModel):
    """An active Stripe price of the product that the tool does not manage (a subscription, a
    tiered price, another currency, one made by hand and not linked): never archived or changed."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str  # e.g. "$19.00 every month", "tiered (every month)", "€110.00"
    amount: int | None
    currency: str


class VariantRow(BaseModel):
    """One variant: its local price beside its Stripe price."""

    model_config = ConfigDict(frozen=True)

    variant_id: str
    label: str  # e.g. "color BLACK"
    local_price_cents: int | None
    stripe_price_cents: int | None = None
    stripe_price_id: str | None = None
    currency: str = "usd"

    @property
    def differs(self) -> bool:
        """Whether the Stripe price is missing or has another amount."""
        return self.stripe_price_cents != self.local_price_cents


class ProductRow(BaseModel):
    """One product as the table shows it. `differences` names every owned field that differs."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    state: ProductState
    # Local side (None for a product orphaned in Stripe).
    has_local: bool = True
    local_price_cents: int | None = None
    currency: str = "usd"
    sell_status: str | None = None
    dev_status: int | None = None
    description: str | None = None
    # Stripe side.
    stripe_product_id: str | None = None
    stripe_status: StripeStatus = "missing"
    stripe_name: str | None = None
    stripe_description: str | None = None
    stripe_price_cents: int | None = None
    stripe_price_id: str | None = None
    stripe_sell_status: str | None = None
    # Comparison.
    differences: list[FieldDiff] = Field(default_factory=list)
    plan: ProductPlan | None = None
    variants: list[VariantRow] = Field(default_factory=list)
    last_synced_at: datetime | None = None
    last_written: dict[str, str] | None = None  # owned fields as the tool last wrote them
    not_ready_reason: str | None = None  # e.g. "no price yet", "dev status 3 (needs 5)"
    # The last sync's error, or (state failed, no plan) what is wrong with the catalog row,
    # field by field: "base_price_cents: must be a whole number of cents ≥ 0, got 'abc'".
    error: str | None = None
    # Why the row is in its state when that is not obvious, e.g. "internal: not for sale, nothing
    # in Stripe" or the operator's archive hold ("archived by the operator in live; …").
    note: str | None = None
    held: bool = False  # archived by the operator in this account and mode (core.catalog.holds)
    unmanaged_prices: list[OtherPrice] = Field(default_factory=list)

    @property
    def differing_fields(self) -> set[str]:
        """The names of the fields that differ (for highlighting)."""
        return {d.field for d in self.differences}
