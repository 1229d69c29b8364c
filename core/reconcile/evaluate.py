"""Compare the catalog with Stripe: one `core.rows.ProductRow` (and plan) per product.

Pure: takes the catalog rows, the Stripe side read in bulk and the tool's own tables, and calls the
engine's pure planner. No network and no database access here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.catalog.holds import Hold
from core.catalog.links import LinkMap
from core.catalog.records import CatalogRecord
from core.catalog.snapshots import Snapshot
from core.engine.plan import plan_product
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_MANAGED_BY,
    META_SELL_STATUS,
    FieldDiff,
    Operation,
    ProductPlan,
    RemoteCatalog,
    RemoteProduct,
)
from core.reconcile.convert import (
    Converted,
    Invalid,
    NotReady,
    ReadyProduct,
    to_sync_input,
    whole_number,
)
from core.reconcile.holds import hold_archive_plan, held_row, not_for_sale, releasing_plan
from core.reconcile.rows import ProductRow, ProductState, StripeStatus, VariantRow

@dataclass
class Evaluation:
    """Rows for display and, for products that can be synced, their plans and inputs.

    `plans` also holds the archive of a held product that cannot otherwise be synced (not ready,
    invalid, or orphaned in Stripe); `ready` only the products planned from their catalog row
    (as planned: with the hold applied unless released). `invalid`: product id → what is wrong.
    """

    rows: list[ProductRow] = field(default_factory=list)
    plans: dict[str, ProductPlan] = field(default_factory=dict)
    ready: dict[str, ReadyProduct] = field(default_factory=dict)
    not_ready: dict[str, str] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)  # holds in effect (not released)
    releasing: set[str] = field(default_factory=set)  # holds this sync releases


def convert_records(records: Sequence[CatalogRecord], currency: str) -> dict[str, Converted]:
    """Each record's engine input (or why it cannot be synced), by product id."""
    return {record.id: to_sync_input(record, currency=currency) for record in records}


def evaluate(
    records: Sequence[CatalogRecord],
    remote: RemoteCatalog,
    *,
    links: LinkMap,
    snapshots: dict[str, Snapshot],
    last_errors: dict[str, str | None],
    currency: str,
    include_orphans: bool,
    orphan_ids: Sequence[str] | None = None,
    converted: Mapping[str, Converted] | None = None,
    holds: Mapping[str, Hold] | None = None,
    released: Collection[str] = (),
    mode: str = "",
) -> Evaluation:
    """Build rows and plans for `records`; add Stripe products orphaned by the catalog.

    `converted` holds `convert_records` results made beforehand (e.g. while Stripe was read).
    A product in `holds` is planned as not for sale (archived) unless it is in `released` (being
    synced explicitly), whose plan then says it releases the hold.
    """
    out = Evaluation()
    holds = holds or {}
    matched: set[str] = set()
    for record in records:
        linked = links.linked_product(record.id)
        existing = remote.find(record.id, linked)
        if existing is not None:
            matched.add(existing.id)
        ready = converted.get(record.id) if converted is not None else None
        if ready is None:
            ready = to_sync_input(record, currency=currency)
        snapshot = snapshots.get(record.id)
        # A hold means "keep Stripe's product archived here": with no Stripe product in this
        # account and mode (a hold recorded before that was refused) there is nothing to hold.
        held = record.id in holds and record.id not in released and existing is not None
        releasing = record.id in holds and record.id in released
        if held:
            out.held.add(record.id)
        if releasing:
            out.releasing.add(record.id)
        if not isinstance(ready, ReadyProduct):
            if held and existing is not None and existing.active:
                out.plans[record.id] = hold_archive_plan(record.id, existing)
            if isinstance(ready, Invalid):
                out.invalid[record.id] = ready.error
            else:
                out.not_ready[record.id] = ready.reason
            row = _unready_row(record, existing, ready, snapshot, currency)
            if held:
                row = held_row(row, holds[record.id], mode, out.plans.get(record.id))
            out.rows.append(row)
            continue
        if held:
            ready = not_for_sale(ready)
        plan = plan_product(
            ready.product, ready.variants, remote, linked_id=linked, unmanaged=ready.unmanaged
        )
        if releasing:
            plan = releasing_plan(plan)
        out.plans[record.id] = plan
        out.ready[record.id] = ready
        row = _ready_row(record, ready, existing, plan, snapshot, last_errors.get(record.id))
        out.rows.append(held_row(row, holds[record.id], mode, plan) if held else row)
    if include_orphans or orphan_ids:
        local_ids = {r.id for r in records}
        wanted = set(orphan_ids or ())
        for product in sorted(remote.products.values(), key=lambda p: p.id):
            if product.id in matched or not _managed(product):
                continue
            if product.local_id in local_ids:
                continue  # a twin of a local product: shown through that product's row
            if include_orphans or product.id in wanted or product.local_id in wanted:
                key = orphan_key(product)
                row = _orphan_row(product)
                if key in holds and key not in released:
                    out.held.add(key)
                    if product.active:
                        out.plans[key] = hold_archive_plan(key, product)
                    row = held_row(row, holds[key], mode, out.plans.get(key))
                out.rows.append(row)
    return out


def orphan_key(product: RemoteProduct) -> str:
    """The id an orphaned Stripe product is known by (its row's product_id, its hold's key)."""
    return product.local_id or product.id


def _managed(product: RemoteProduct) -> bool:
    return bool(product.local_id) or product.metadata.get(META_MANAGED_BY) == MANAGED_BY_VALUE


def _stripe_side(product: RemoteProduct | None) -> dict[str, object]:
    if product is None:
        return {"stripe_status": "missing"}
    price = product.active_price_for_variant(None) or product.default_price_object()
    status: StripeStatus = "active" if product.active else "archived"
    return {
        "stripe_product_id": product.id,
        "stripe_status": status,
        "stripe_name": product.name,
        "stripe_description": product.description,
        "stripe_price_cents": price.unit_amount if price else None,
        "stripe_price_id": price.id if price else None,
        "stripe_sell_status": product.metadata.get(META_SELL_STATUS),
    }


def _text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _cents(value: Any) -> int | None:
    number = whole_number(value)
    return number if number is not None and number >= 0 else None


def _local_side(record: CatalogRecord, currency: str) -> dict[str, object]:
    """The catalog's values for display; a value the row cannot hold (SQLite keeps anything)
    shows as empty, the row's error says what is wrong."""
    p = record.product
    dev = whole_number(p.get("dev_status"))
    return {
        "product_id": record.id,
        "name": _text(p.get("name")) or record.id,
        "local_price_cents": _cents(p.get("base_price_cents")),
        "currency": _text(p.get("currency")) or currency,
        "sell_status": _text(p.get("sell_status")),
        "dev_status": dev,
        "description": _text(p.get("description")),
    }


def _snapshot_side(snapshot: Snapshot | None) -> dict[str, object]:
    if snapshot is None:
        return {}
    return {"last_synced_at": snapshot.synced_at, "last_written": snapshot.fields}


def _variant_rows(
    record: CatalogRecord, existing: RemoteProduct | None, currency: str
) -> list[VariantRow]:
    base = _cents(record.product.get("base_price_cents"))
    rows = []
    for v in record.variants:
        vid = str(v["id"])
        modifier = whole_number(v.get("price_modifier") or 0)
        local = None if base is None or modifier is None else base + modifier
        price = existing.active_price_for_variant(vid) if existing else None
        label = f"{v.get('variant_type') or 'variant'} {v.get('variant_value') or vid}"
        rows.append(
            VariantRow(
                variant_id=vid,
                label=label,
                local_price_cents=local,
                stripe_price_cents=price.unit_amount if price else None,
                stripe_price_id=price.id if price else None,
                currency=currency,
            )
        )
    return rows


def _unready_row(
    record: CatalogRecord,
    existing: RemoteProduct | None,
    converted: NotReady | Invalid,
    snapshot: Snapshot | None,
    currency: str,
) -> ProductRow:
    local = _local_side(record, currency)
    invalid = isinstance(converted, Invalid)
    return ProductRow(
        state="failed" if invalid else "not_ready",
        not_ready_reason=None if isinstance(converted, Invalid) else converted.reason,
        error=converted.error if isinstance(converted, Invalid) else None,
        variants=_variant_rows(record, existing, str(local["currency"])),
        **local,
        **_stripe_side(existing),
        **_snapshot_side(snapshot),
    )


def _ready_row(
    record: CatalogRecord,
    converted: ReadyProduct,
    existing: RemoteProduct | None,
    plan: ProductPlan,
    snapshot: Snapshot | None,
    last_error: str | None,
) -> ProductRow:
    state: ProductState
    error: str | None = None
    if plan.error or plan.action == "failed":
        state, error = "failed", plan.error
    elif last_error and plan.operations:
        state, error = "failed", last_error
    elif plan.action == "created":
        state = "missing"
    elif plan.operations:
        state = "differs"
    elif not converted.product.wants_active:
        state = "archived"
    else:
        state = "in_sync"
    note = None
    if state == "archived" and existing is None:
        why = "internal" if converted.product.sell_status == "internal" else "not live"
        note = f"{why}: not for sale, nothing in Stripe"
    local = _local_side(record, converted.product.currency)
    return ProductRow(
        state=state,
        note=note,
        differences=list(plan.differences),
        plan=plan,
        error=error,
        variants=_variant_rows(record, existing, converted.product.currency),
        **local,
        **_stripe_side(existing),
        **_snapshot_side(snapshot),
    )


def _orphan_row(product: RemoteProduct) -> ProductRow:
    return ProductRow(
        product_id=product.local_id or product.id,
        name=product.name,
        state="orphaned",
        has_local=False,
        **_stripe_side(product),
    )
