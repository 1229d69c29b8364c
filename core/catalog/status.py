"""Compare the catalog with Stripe: one `core.rows.ProductRow` (and plan) per product.

Pure: takes the catalog rows, the Stripe side read in bulk and the tool's own tables, and calls the
engine's pure planner. No network and no database access here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from core.catalog.convert import NotReady, ReadyProduct, to_sync_input
from core.catalog.links import LinkMap
from core.catalog.snapshots import Snapshot
from core.catalog.store import CatalogRecord
from core.engine.plan import plan_product
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_MANAGED_BY,
    META_SELL_STATUS,
    ProductPlan,
    ProductState,
    RemoteCatalog,
    RemoteProduct,
)
from core.rows import ProductRow, StripeStatus, VariantRow


@dataclass
class Evaluation:
    """Rows for display and, for products that can be synced, their plans and inputs."""

    rows: list[ProductRow] = field(default_factory=list)
    plans: dict[str, ProductPlan] = field(default_factory=dict)
    ready: dict[str, ReadyProduct] = field(default_factory=dict)
    not_ready: dict[str, str] = field(default_factory=dict)


Converted = ReadyProduct | NotReady


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
) -> Evaluation:
    """Build rows and plans for `records`; add Stripe products orphaned by the catalog.

    `converted` holds `convert_records` results made beforehand (e.g. while Stripe was read).
    """
    out = Evaluation()
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
        if isinstance(ready, NotReady):
            out.not_ready[record.id] = ready.reason
            out.rows.append(_not_ready_row(record, existing, ready.reason, snapshot, currency))
            continue
        plan = plan_product(ready.product, ready.variants, remote, linked_id=linked)
        out.plans[record.id] = plan
        out.ready[record.id] = ready
        out.rows.append(
            _ready_row(record, ready, existing, plan, snapshot, last_errors.get(record.id))
        )
    if include_orphans or orphan_ids:
        local_ids = {r.id for r in records}
        wanted = set(orphan_ids or ())
        for product in sorted(remote.products.values(), key=lambda p: p.id):
            if product.id in matched or not _managed(product):
                continue
            if product.local_id in local_ids:
                continue  # a twin of a local product: shown through that product's row
            if include_orphans or product.id in wanted or product.local_id in wanted:
                out.rows.append(_orphan_row(product))
    return out


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


def _local_side(record: CatalogRecord, currency: str) -> dict[str, object]:
    p = record.product
    dev = p.get("dev_status")
    return {
        "product_id": record.id,
        "name": str(p.get("name") or record.id),
        "local_price_cents": p.get("base_price_cents"),
        "currency": str(p.get("currency") or currency),
        "sell_status": p.get("sell_status"),
        "dev_status": dev if isinstance(dev, int) else None,
        "description": p.get("description"),
    }


def _snapshot_side(snapshot: Snapshot | None) -> dict[str, object]:
    if snapshot is None:
        return {}
    return {"last_synced_at": snapshot.synced_at, "last_written": snapshot.fields}


def _variant_rows(
    record: CatalogRecord, existing: RemoteProduct | None, currency: str
) -> list[VariantRow]:
    base = record.product.get("base_price_cents")
    rows = []
    for v in record.variants:
        vid = str(v["id"])
        local = None if base is None else base + (v.get("price_modifier") or 0)
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


def _not_ready_row(
    record: CatalogRecord,
    existing: RemoteProduct | None,
    reason: str,
    snapshot: Snapshot | None,
    currency: str,
) -> ProductRow:
    local = _local_side(record, currency)
    return ProductRow(
        state="not_ready",
        not_ready_reason=reason,
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
    local = _local_side(record, converted.product.currency)
    return ProductRow(
        state=state,
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
