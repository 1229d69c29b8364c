"""What the window and the `status` command show: one row per product, local beside Stripe.

Built by `core.workspace.Workspace.status()` from the catalog, the Stripe side (read in bulk), the
engine's plan and the tool's own link, snapshot and journal tables. Plain, frozen data: safe to hand
from a worker thread to the GUI thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.domain.compact import CompactModel, empty_dict, empty_list, shared_empty
from core.domain.for_sale import dev_status_words, is_sold_out, stock_text
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
    "unknown",  # Stripe was not read (no key, a locked keyring, Stripe unreachable): catalog only
]

StripeStatus = Literal["active", "archived", "missing", "unknown"]  # unknown: not read


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


class FieldChange(BaseModel):
    """One field a change in Stripe moved: its value before and after (as Stripe shows them)."""

    model_config = ConfigDict(frozen=True)

    old: Any = None
    new: Any = None


class StripeChange(BaseModel):
    """One change seen in Stripe's events: when, by whom, to what, and which fields moved.

    `by`: "this tool" when the request that made it is in the journal (matched by Stripe's
    request id), else "elsewhere" (the Dashboard, another program). `fields` is empty for a
    creation or a deletion. A row keeps the newest change made elsewhere to its product or prices.
    """

    model_config = ConfigDict(frozen=True)

    at: datetime
    by: Literal["this tool", "elsewhere"]
    object: Literal["product", "price"]
    id: str  # the product's or price's Stripe id
    change: Literal["created", "updated", "deleted"]
    product_id: str  # the Stripe product concerned (a price's product)
    local_id: str | None = None
    fields: dict[str, FieldChange] = Field(default_factory=dict)
    event_id: str = ""

    def describe(self) -> str:
        """E.g. "changed in Stripe at 14:02, not by this tool: name (was 'Desk Lamp')"."""
        local = self.at.astimezone()
        when = local.strftime(
            "%H:%M" if local.date() == datetime.now().date() else "%Y-%m-%d %H:%M"
        )
        who = "by this tool" if self.by == "this tool" else "not by this tool"
        what = "price " if self.object == "price" else ""
        verb = {"created": "created", "updated": "changed", "deleted": "deleted"}[self.change]
        text = f"{what}{verb} in Stripe at {when}, {who}"
        if self.fields:
            moved = ", ".join(f"{name} (was {_shown(c.old)})" for name, c in self.fields.items())
            text = f"{text}: {moved}"
        return text


def _shown(value: Any) -> str:
    return "empty" if value is None or value == "" else repr(value)


class ProductRow(CompactModel):
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
    is_live: bool | None = None
    category: str | None = None
    sold_quantity: int | None = None
    max_quantity: int | None = None
    unnamed: bool = False  # the catalog row has no name: `name` holds the id instead
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
    differences: list[FieldDiff] = Field(default_factory=empty_list)
    plan: ProductPlan | None = None
    variants: list[VariantRow] = Field(default_factory=empty_list)
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
    # Whether it is for sale in this account and mode (the catalog's rule, or false while held;
    # None: no catalog row, or one with invalid values), and why in one sentence
    # (core.domain.for_sale), e.g. "Not for sale: not live. A sync archives it in Stripe …".
    for_sale: bool | None = None
    for_sale_reason: str | None = None
    # The catalog row holds values the tool cannot use (`error` says which; state failed).
    invalid: bool = False
    unmanaged_prices: list[OtherPrice] = Field(default_factory=empty_list)
    # Optional product fields Stripe holds that this catalog does not own (core.reconcile.owned):
    # field → value as shown; never written nor cleared, shown read-only.
    stripe_only_fields: dict[str, str] = Field(default_factory=empty_dict)
    # The newest change made in Stripe, not by this tool, to the product or its prices (the
    # mirror's events), e.g. "changed in Stripe at 14:02, not by this tool: name (was 'Lamp')".
    stripe_change: StripeChange | None = None

    @field_validator("differences", "variants", "unmanaged_prices", "stripe_only_fields")
    @classmethod
    def _shared_empty(cls, value: Any) -> Any:
        return shared_empty(value)

    @field_validator("last_written", mode="plain")
    @classmethod
    def _snapshot_as_given(cls, value: Any) -> dict[str, str] | None:
        # The snapshot's own dict, not a copy (one per product at the peak of a status).
        if value is None:
            return None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ValueError("last_written must map field names to texts")
        return value

    @property
    def differing_fields(self) -> set[str]:
        """The names of the fields that differ (for highlighting)."""
        return {d.field for d in self.differences}

    @property
    def stock_text(self) -> str:
        """The catalog's stock: "137 / 500", "" when unknown (core.domain.for_sale)."""
        return stock_text(self.sold_quantity, self.max_quantity)

    @property
    def dev_status_text(self) -> str:
        """The dev status against the one that sells: "3 of 5", "" when there is none."""
        return dev_status_words(self.dev_status)

    @property
    def sold_out(self) -> bool:
        """Whether the catalog says it is sold out (it stays for sale in Stripe all the same)."""
        return self.has_local and is_sold_out(
            self.sell_status, self.sold_quantity, self.max_quantity
        )
