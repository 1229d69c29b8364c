"""What a sync leaves behind locally: journal rows from the engine's writes, and the snapshot."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from core.catalog.journal import SYNC_FAILED, JournalRecord
from core.catalog.links import LinkMap
from core.catalog.records import WriteBack
from core.catalog.snapshots import Snapshot
from core.domain.models import StripeSyncResult
from core.domain.money import format_money
from core.domain.product_fields import PRODUCT_FIELDS, shown_value
from core.engine.types import ProductPlan, RemoteCatalog, WriteRecord


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return out


def _before(record: WriteRecord, remote: RemoteCatalog) -> dict[str, Any] | None:
    """The written object's owned fields as they were, for the fields the write changed."""
    op = record.operation
    target = op.target_id
    if not target:
        return None
    keys = [k for k in op.params if k not in ("expand",)]
    product = remote.products.get(target)
    if product is not None:
        data = product.model_dump(exclude={"prices"})
        return _json_safe({k: data.get(k) for k in keys})
    price = remote.find_price(target)
    if price is not None:
        pdata = price.model_dump()
        return _json_safe({k: pdata.get(k) for k in keys})
    return None


def journal_record(
    record: WriteRecord, remote: RemoteCatalog, *, account_id: str, mode: str
) -> JournalRecord:
    """A journal row for one write the engine made (or tried to make)."""
    op = record.operation
    return JournalRecord(
        at=datetime.now(UTC),
        mode=mode,
        account_id=account_id,
        product_id=op.product_id,
        operation=op.kind,
        summary=op.summary,
        stripe_object_id=record.stripe_object_id,
        request_id=record.request_id,
        before=_before(record, remote),
        after=_json_safe(dict(op.params)),
        error=record.error,
    )


def snapshot_fields(plan: ProductPlan) -> dict[str, str]:
    """The owned fields the sync brought Stripe to (what the tool last wrote)."""
    product = plan.product
    if product is None:
        return {}
    fields = {
        "name": product.name,
        "description": product.description or "",
        "active": "true" if product.wants_active else "false",
        "metadata.sell_status": product.sell_status,
        "currency": product.currency,
    }
    if plan.variants:
        for variant in plan.variants:
            amount = variant.unit_amount(product.price_cents)
            fields[f"variant:{variant.id}.price"] = format_money(amount, product.currency)
            fields.update(_extra(f"variant:{variant.id}.price", variant.currency_amounts))
    else:
        fields["price"] = format_money(product.price_cents, product.currency)
        fields.update(_extra("price", product.currency_amounts))
    taxed = "tax_behavior" not in plan.unmanaged
    for unit in [f"variant:{v.id}.price" for v in plan.variants] or ["price"]:
        if taxed:
            fields[f"{unit}.tax_behavior"] = product.tax_behavior or "unspecified"
    for name in PRODUCT_FIELDS:
        fields[name] = shown_value(name, getattr(product, name))
    for name in plan.unmanaged:
        fields.pop(name, None)  # the shop's table has no such column: not the tool's
    return fields


def _extra(field: str, amounts: dict[str, int]) -> dict[str, str]:
    """A price's amounts in other currencies as snapshot fields: `price.eur` → "€23.45"."""
    return {f"{field}.{code}": format_money(amount, code) for code, amount in amounts.items()}


def build_write_back(
    result: StripeSyncResult,
    plan: ProductPlan | None,
    journal: list[JournalRecord],
    *,
    account_id: str,
    mode: str,
    own_columns: bool,
    release_hold: bool = False,
    previous: Snapshot | None = None,
) -> WriteBack:
    """The local record of one product's sync (links, snapshot, journal, a released hold).

    A plan made without a catalog row (archiving a held product) keeps the old snapshot. A field
    whose hand edit in Stripe the sync kept keeps its last written value from `previous`, so it
    still shows as changed in Stripe (the tool did not write it).
    """
    failed = bool(result.error) or result.action == "failed"
    records = list(journal)
    if failed and not any(r.error for r in records):
        records.append(
            JournalRecord(
                at=datetime.now(UTC),
                mode=mode,
                account_id=account_id,
                product_id=result.product_id,
                operation=SYNC_FAILED,
                summary="sync failed",
                error=result.error or "failed",
            )
        )
    return WriteBack(
        account_id=account_id,
        mode=mode,
        product_id=result.product_id,
        stripe_product_id=result.stripe_product_id,
        stripe_price_id=result.stripe_price_id,
        variant_prices={vp.variant_id: vp.stripe_price_id for vp in result.variant_prices},
        # Nothing in Stripe (an internal product never synced): nothing was written, so there is
        # no "last written" to record either.
        snapshot=None
        if failed or plan is None or plan.product is None or not result.stripe_product_id
        else _keeping(snapshot_fields(plan), plan.kept_stripe_edits, previous),
        journal=records,
        own_catalog_columns=own_columns,
        release_hold=release_hold,
    )


def _keeping(fields: dict[str, str], kept: list[str], previous: Snapshot | None) -> dict[str, str]:
    for name in kept:
        if previous is not None and name in previous.fields:
            fields[name] = previous.fields[name]
        else:
            fields.pop(name, None)
    return fields


def needs_write(wb: WriteBack, links: LinkMap, snapshots: dict[str, Snapshot]) -> bool:
    """Whether a write-back changes anything (a no-op sync of a linked product writes nothing)."""
    if wb.journal or wb.release_hold:
        return True
    pid = wb.product_id
    if wb.stripe_product_id and links.products.get(pid) != wb.stripe_product_id:
        return True
    if wb.stripe_price_id and links.prices.get(pid) != wb.stripe_price_id:
        return True
    for vid, price in wb.variant_prices.items():
        if links.variant_prices.get(vid) != price:
            return True
    if wb.snapshot is not None:
        old = snapshots.get(pid)
        if old is None or old.fields != wb.snapshot:
            return True
    return False
