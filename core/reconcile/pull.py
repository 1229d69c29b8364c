"""Taking Stripe's values back into the catalog (a pull), field by field. Pure.

Given one catalog product, its status row (differences annotated with who changed them) and its
Stripe product, decide for each owned field that differs what to write into which catalog column,
which Stripe price to link and which last-written value to record; or why the catalog cannot take
Stripe's value. Field names are `FieldDiff`'s:

- `name`, `description`: as Stripe has them;
- `price` (a product without variants): the amount of Stripe's default price, which is then linked
  to the product, so the next sync creates no new price;
- `variant:<id>.price`: the variant's price in Stripe; the catalog keeps it as `price_modifier`
  = amount − the product's base price (the new base when that is pulled too), and links that price;
- `active`: Stripe archived → the catalog's sell status becomes `internal`; for sale in Stripe
  while the catalog says `internal` → Stripe's `sell_status` tag when it is one for sale, else
  `available`;
- `metadata.sell_status`: Stripe's sell status tag, when the catalog knows it.

Refused, with the reason and nothing written for that field: a price the catalog cannot hold (a
subscription, a tiered price, one the customer chooses, another currency), and a value the
catalog's row rules (`core.reconcile.convert`, the same rules an import applies) refuse.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from core.catalog.edits import PULL, FieldChange, RecordEdit
from core.catalog.records import CatalogRecord
from core.domain.product_fields import PRODUCT_FIELDS as OPTIONAL_PRODUCT_FIELDS
from core.engine.types import FieldDiff, RemoteProduct
from core.reconcile.convert import Invalid, ReadyProduct, to_sync_input
from core.reconcile.pull_fields import FieldTake, PulledField, take_field, variant_id
from core.reconcile.rows import ProductRow

NOT_IN_STRIPE = "not in Stripe in this mode: nothing to pull"
PRODUCT_FIELDS = (
    "name",
    "description",
    "price",
    "active",
    "metadata.sell_status",
    *OPTIONAL_PRODUCT_FIELDS,  # only those the catalog owns differ (core.reconcile.owned)
)
# The product's own columns a pull decides from: another writer changing one meanwhile voids it.
_WATCHED = (
    *OPTIONAL_PRODUCT_FIELDS,
    "name",
    "description",
    "base_price_cents",
    "sell_status",
    "is_live",
    "dev_status",
    "has_variants",
    "currency",
)


class RefusedField(BaseModel):
    """A field whose Stripe value the catalog cannot take, and why in plain words."""

    model_config = ConfigDict(frozen=True)

    field: str
    reason: str

    def record(self) -> dict[str, Any]:
        """As `pull --json` lists it."""
        return {"field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class PullDecision:
    """What pulling one product takes and refuses; `edit` is None when nothing is written."""

    product_id: str
    pulled: tuple[PulledField, ...] = ()
    refused: tuple[RefusedField, ...] = ()
    edit: RecordEdit | None = None


def is_pullable(name: str) -> bool:
    """Whether `name` is a field a pull can take (see the module docstring)."""
    return name in PRODUCT_FIELDS or variant_id(name) is not None


@dataclass
class _Work:
    """The would-be rows and everything the pull records, built field by field."""

    record: CatalogRecord
    product: dict[str, Any] = field(default_factory=dict)  # column → new value
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    pulled: list[PulledField] = field(default_factory=list)
    refused: list[RefusedField] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    snapshot: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)

    def would_be(
        self, product: Mapping[str, Any], variants: Mapping[str, Mapping[str, Any]]
    ) -> CatalogRecord:
        rows = tuple({**v, **variants.get(str(v["id"]), {})} for v in self.record.variants)
        return CatalogRecord(product={**self.record.product, **product}, variants=rows)


def decide_pull(
    record: CatalogRecord,
    row: ProductRow,
    existing: RemoteProduct | None,
    *,
    unit_prices: Mapping[str, str],
    currency: str,
    fields: Collection[str] | None,
    account_id: str,
    mode: str,
    own_catalog_columns: bool = False,
    at: datetime | None = None,
) -> PullDecision:
    """Decide what pulling `record` takes from `existing` (see the module docstring).

    `row`: the product's status row (its differences say which fields differ and who changed
    them). `unit_prices`: the Stripe price linked to each unit ("" = the product's own, else the
    variant id). `fields`: only these (None: every differing field a pull can take).
    """
    pid = record.id
    if existing is None:
        return PullDecision(pid, refused=(RefusedField(field="product", reason=NOT_IN_STRIPE),))
    converted = to_sync_input(record, currency=currency)
    if not isinstance(converted, ReadyProduct):
        why = (
            f"the catalog row is invalid ({converted.error}); fix it in the catalog first"
            if isinstance(converted, Invalid)
            else f"the catalog row is not ready to compare ({converted.reason})"
        )
        return PullDecision(pid, refused=(RefusedField(field="product", reason=why),))
    diffs = _candidates(row, converted, fields)
    work = _Work(record)
    archived_in_stripe = "active" in diffs and not existing.active
    for name, diff in diffs.items():
        if name == "metadata.sell_status" and ("active" in diffs or archived_in_stripe):
            continue  # decided with `active`
        tag_differs = "metadata.sell_status" in diffs
        take = take_field(
            name, diff, record, work.product, converted, existing, unit_prices, tag_differs
        )
        if isinstance(take, str):
            work.refused.append(RefusedField(field=name, reason=take))
            continue
        problem = _row_rules(work, take)
        if problem:
            work.refused.append(RefusedField(field=name, reason=problem))
            continue
        work.product.update(take.product)
        if take.variant is not None:
            work.variants.setdefault(take.variant[0], {}).update(take.variant[1])
        work.snapshot.update(take.snapshot)
        if take.link is not None:
            work.links[take.link[0]] = take.link[1]
        work.pulled.append(take.pulled)
        work.changes.append(take.change)
    edit = None
    if work.pulled:
        edit = RecordEdit(
            product_id=pid,
            account_id=account_id,
            mode=mode,
            operation=PULL,
            product=work.product,
            variants=work.variants,
            expected_product={k: record.product[k] for k in _WATCHED if k in record.product},
            expected_variants={
                str(v["id"]): {"price_modifier": v.get("price_modifier")}
                for v in record.variants
                if str(v["id"]) in work.variants
            },
            changes=tuple(work.changes),
            snapshot=work.snapshot,
            stripe_product_id=existing.id,
            price_links=work.links,
            own_catalog_columns=own_catalog_columns,
            at=at or datetime.now(UTC),
        )
    return PullDecision(pid, tuple(work.pulled), tuple(work.refused), edit)


def _candidates(
    row: ProductRow, ready: ReadyProduct, fields: Collection[str] | None
) -> dict[str, FieldDiff]:
    """The differing fields to pull, product fields first, then the variants' prices."""
    diffs = {d.field: d for d in row.differences if is_pullable(d.field)}
    if "price" not in diffs and not ready.variants:
        # Stripe's default price moved to another price (the old one still active): its price.
        for d in row.differences:
            if d.field == "default_price":
                diffs["price"] = FieldDiff(field="price", local=d.local, stripe=d.stripe)
    ordered = [f for f in PRODUCT_FIELDS if f in diffs]
    ordered += [f for f in diffs if f not in PRODUCT_FIELDS]
    if fields is not None:
        ordered = [f for f in ordered if f in fields]
    return {f: diffs[f] for f in ordered}


def _row_rules(work: _Work, take: FieldTake) -> str | None:
    """What the catalog's row rules say against the row with this field taken (None: fine)."""
    before = _problems(work.would_be(work.product, work.variants))
    variants = {k: dict(v) for k, v in work.variants.items()}
    if take.variant is not None:
        variants.setdefault(take.variant[0], {}).update(take.variant[1])
    after = _problems(work.would_be({**work.product, **take.product}, variants))
    new = [p for p in after if p not in before]
    return "the catalog cannot hold Stripe's value: " + "; ".join(new) if new else None


def _problems(record: CatalogRecord) -> list[str]:
    converted = to_sync_input(record)
    return converted.error.split("; ") if isinstance(converted, Invalid) else []
