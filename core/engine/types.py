"""The engine's vocabulary, shared with the catalog, the command line and the window.

Stripe's side as read (`RemoteProduct`, `RemotePrice`, `RemoteCatalog`), how a product compares
(`FieldDiff`, `ProductState`), what a sync would write (`Operation`, `ProductPlan`), and the hooks
for progress and cancellation. Everything here is plain data: no network, no Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator

from core.domain.compact import CompactModel, empty_dict, empty_list, shared_empty
from core.domain.models import ProductSyncInput, StripeSyncResult, SyncAction, VariantSyncInput
from core.engine.remote import (
    MANAGED_BY_VALUE,
    META_LOCAL_ID,
    META_MANAGED_BY,
    META_SELL_STATUS,
    META_VARIANT_ID,
    RemotePrice,
    RemoteProduct,
    is_managed,
)
from core.errors import CancelledError

__all__ = [
    "MANAGED_BY_VALUE",
    "META_LOCAL_ID",
    "META_MANAGED_BY",
    "META_SELL_STATUS",
    "META_VARIANT_ID",
    "RemotePrice",
    "RemoteProduct",
    "is_managed",
]


@dataclass
class RemoteCatalog:
    """The Stripe side of a catalog, read in bulk (list calls, not one call per product).

    Finding a local product's Stripe product is O(1): by link and by id through `products`, by
    `metadata.local_id` through an index built once (on first use) and kept up to date by `add`.
    Add products with `add`, not by writing into `products`, so the index stays true.
    """

    products: dict[str, RemoteProduct] = field(default_factory=dict)
    read_calls: int = 0
    _tagged: dict[str, list[RemoteProduct]] | None = field(default=None, repr=False, compare=False)
    _prices: dict[str, RemotePrice] | None = field(default=None, repr=False, compare=False)

    def add(self, product: RemoteProduct) -> None:
        """Add (or replace) one product, keeping the local_id index true."""
        old = self.products.get(product.id)
        self.products[product.id] = product
        if self._prices is not None:
            self._prices.update((price.id, price) for price in product.prices)
        if self._tagged is None:
            return
        if old is not None and old.local_id:
            self._tagged[old.local_id] = [p for p in self._tagged[old.local_id] if p.id != old.id]
        if product.local_id:
            self._tagged.setdefault(product.local_id, []).append(product)

    def _index(self) -> dict[str, list[RemoteProduct]]:
        if self._tagged is None:
            tagged: dict[str, list[RemoteProduct]] = {}
            for product in self.products.values():
                if product.local_id:
                    tagged.setdefault(product.local_id, []).append(product)
            self._tagged = tagged
        return self._tagged

    def find(self, local_id: str, linked_id: str | None = None) -> RemoteProduct | None:
        """Find a local product's Stripe product (design.md §1): link, then id, then local_id tag."""
        if linked_id and linked_id in self.products:
            return self.products[linked_id]
        if local_id in self.products:
            return self.products[local_id]
        tagged = self._index().get(local_id)
        if not tagged:
            return None
        # Prefer an active product, then the oldest: the one most likely referenced by Checkout.
        return min(tagged, key=lambda p: (not p.active, p.created, p.id))

    def find_price(self, price_id: str) -> RemotePrice | None:
        """A price read with any product, by its id (an index built once, on first use)."""
        if self._prices is None:
            self._prices = {
                price.id: price for product in self.products.values() for price in product.prices
            }
        return self._prices.get(price_id)

    def tagged_local_ids(self) -> dict[str, list[str]]:
        """local_id → Stripe product ids carrying that tag (more than one id = a duplicate)."""
        return {key: [p.id for p in found] for key, found in self._index().items() if found}


Changed = Literal["catalog", "stripe", "both"]


class FieldDiff(CompactModel):
    """One owned field whose local and Stripe values differ, both as display strings.

    Money fields also carry the amounts in the currency's smallest unit and the currency. The
    reconcile layer adds what the tool last wrote or adopted (`last_written`) and who moved since
    (`changed`: the catalog, Stripe — a hand edit — or both; None when nothing was written yet).
    """

    model_config = ConfigDict(frozen=True)

    # "name", "description", "active", "metadata.sell_status", "price", "variant:ID.price", ...
    field: str
    local: str | None
    stripe: str | None
    currency: str | None = None  # money fields: the amounts' currency
    local_amount: int | None = None
    stripe_amount: int | None = None
    last_written: str | None = None
    last_written_amount: int | None = None
    changed: Changed | None = None

    @property
    def is_money(self) -> bool:
        """Whether this is a price field (its amounts are integers in `currency`)."""
        return self.currency is not None


OperationKind = Literal[
    "create_product",
    "update_product",
    "archive_product",
    "unarchive_product",
    "create_price",
    "update_price",
    "set_default_price",
    "archive_price",
]


class Operation(CompactModel):
    """One Stripe write a sync would make, in the order it will be made."""

    model_config = ConfigDict(frozen=True)

    kind: OperationKind
    product_id: str  # the local product id
    variant_id: str | None = None
    target_id: str | None = None  # the Stripe object written, when it exists already
    params: dict[str, object] = Field(default_factory=dict)
    summary: str  # plain words: 'price $120.00 → $130.00 as a new price, old one archived'
    # The write replaces a value someone edited in Stripe since the tool last wrote it.
    overwrites_stripe_edit: bool = False
    # Live mode: whether test mode (same account) already holds the values this write brings.
    tried_in_test: bool | None = None
    # The target's state this update was planned from (part of its idempotency key, see
    # core.engine.idempotency); None for a create, whose key names what it creates.
    version: str | None = None


_NAME_SETS: dict[frozenset[str], frozenset[str]] = {}
_NAME_SETS_LOCK = threading.Lock()


def shared_names(names: frozenset[str]) -> frozenset[str]:
    """One shared frozenset per distinct set of field names: a catalog's products all have the
    same unmanaged (and owned) fields, and a frozenset of nine names takes 0.7 KB per product."""
    with _NAME_SETS_LOCK:
        return _NAME_SETS.setdefault(names, names)


class ProductPlan(CompactModel):
    """What a sync would do for one product: the action, the ordered writes and why."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    action: SyncAction
    stripe_product_id: str | None = None
    operations: list[Operation] = Field(default_factory=empty_list)
    differences: list[FieldDiff] = Field(default_factory=empty_list)
    error: str | None = None
    # What the plan was made from, so apply can re-plan (e.g. when a create finds the product
    # already exists) and report price ids: unit ("" = the product's own price, else the variant
    # id) → the Stripe price that already sells it unchanged.
    product: ProductSyncInput | None = None
    variants: tuple[VariantSyncInput, ...] = ()
    current_prices: dict[str, str] = Field(default_factory=empty_dict)
    # Product fields the catalog does not hold: left as Stripe has them (see plan_product).
    unmanaged: frozenset[str] = frozenset()
    # Fields edited in Stripe since the last write, kept as Stripe has them (not overwritten).
    kept_stripe_edits: list[str] = Field(default_factory=empty_list)

    @field_validator("unmanaged")
    @classmethod
    def _shared_unmanaged(cls, value: frozenset[str]) -> frozenset[str]:
        return shared_names(value)

    @field_validator("operations", "differences", "kept_stripe_edits", "current_prices")
    @classmethod
    def _shared_empty(cls, value: Any) -> Any:
        return shared_empty(value)

    @property
    def writes(self) -> int:
        """How many Stripe writes applying this plan takes."""
        return len(self.operations)


@dataclass(frozen=True)
class ProgressEvent:
    """Reported after each product (and before the first): `done` of `total`, which product."""

    done: int
    total: int
    product_id: str | None
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]


class CancelToken:
    """Cooperative cancellation, checked before each product and before a product's first write.

    A product whose writes have begun is finished (its few writes go out), so a price change never
    stops between creating the new price and archiving the old; the run stops after it.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the run to stop at the next safe point."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking at once on cancel(); True when cancelled.

        Used for the gateway's retry backoff and throttle waits, so a cancel during a storm of
        429s or 5xx answers takes effect within moments instead of after the retry budget.
        """
        return self._event.wait(max(0.0, seconds))

    def raise_if_cancelled(self) -> None:
        """Raise CancelledError if cancel() was called."""
        if self._event.is_set():
            raise CancelledError("Cancelled by the operator; nothing was left half-written.")


@dataclass(frozen=True)
class AccountInfo:
    """The Stripe account a key belongs to."""

    id: str
    name: str
    livemode: bool


@dataclass(frozen=True)
class WriteRecord:
    """One Stripe write as made, for the journal: reported through apply's `on_write` hook."""

    operation: Operation
    stripe_object_id: str | None
    request_id: str | None
    error: str | None = None


WriteCallback = Callable[[WriteRecord], None]
# Called just before a write is sent (operation, resolved target, resolved parameters), so the
# caller can record it as intended first (a write-ahead journal); raising stops the product there.
BeforeWrite = Callable[[Operation, str | None, dict[str, Any]], None]


class SyncCancelledError(CancelledError):
    """A bulk sync stopped on the operator's request; `results` holds the products done before.

    Raised by `sync_products_to_stripe` instead of returning, so a cancelled run can never be
    mistaken for a complete one; products after the last result were not touched. A product whose
    write was being retried when the cancel came is reported failed and may be part-written (say
    a new price made, the old one not yet archived): the next sync completes it.
    """

    def __init__(self, results: list[StripeSyncResult], total: int) -> None:
        super().__init__(
            f"Cancelled by the operator after {len(results)} of {total} products; "
            "the products after those were not touched."
        )
        self.results = results
        self.total = total
