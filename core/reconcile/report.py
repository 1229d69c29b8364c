"""The comparison as plain records: what `status --json` prints and `export --diff` writes.

Each difference carries the three values (`local`, `stripe`, `last_written`) and who moved
(`changed`: "catalog", "stripe", "both" or null). Money is an integer in the currency's smallest
unit with `currency` beside it, and the readable text beside that (`local_text`: "$6.50"), never
instead of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.engine.types import FieldDiff, ProductPlan
from core.reconcile.rows import ProductRow, StripeChange


def difference_record(diff: FieldDiff) -> dict[str, Any]:
    """One difference as JSON-ready data."""
    if not diff.is_money:
        return {
            "field": diff.field,
            "local": diff.local,
            "stripe": diff.stripe,
            "last_written": diff.last_written,
            "changed": diff.changed,
        }
    return {
        "field": diff.field,
        "local": diff.local_amount,
        "stripe": diff.stripe_amount,
        "last_written": diff.last_written_amount,
        "currency": diff.currency,
        "local_text": diff.local,
        "stripe_text": diff.stripe,
        "last_written_text": diff.last_written,
        "changed": diff.changed,
    }


def row_record(row: ProductRow) -> dict[str, Any]:
    """A status row as JSON-ready data: id, state, each differing field, and why."""
    item: dict[str, Any] = {
        "id": row.product_id,
        "state": row.state,
        "differences": [difference_record(d) for d in row.differences],
    }
    if row.has_local:
        item.update(catalog_record(row))
    if row.unmanaged_prices:
        item["unmanaged_prices"] = [
            {"id": p.id, "amount": p.amount, "currency": p.currency, "text": p.text}
            for p in row.unmanaged_prices
        ]
    if row.plan is not None and row.plan.kept_stripe_edits:
        item["kept_stripe_edits"] = list(row.plan.kept_stripe_edits)
    if row.not_ready_reason:
        item["reason"] = row.not_ready_reason
    if row.error:
        item["error"] = row.error
    if row.invalid:
        item["invalid"] = True  # the error is the catalog row's, not a sync's
    if row.note:
        item["note"] = row.note
    if row.stripe_change is not None:
        item["stripe_change"] = change_record(row.stripe_change)
    return item


def catalog_record(row: ProductRow) -> dict[str, Any]:
    """What the catalog says about selling the product: the for-sale sentence and its inputs
    (`for_sale` null and no sentence for a row with invalid values)."""
    return {
        "for_sale": row.for_sale,
        "for_sale_reason": row.for_sale_reason,
        "sell_status": row.sell_status,
        "is_live": row.is_live,
        "dev_status": row.dev_status,
        "sold_quantity": row.sold_quantity,
        "max_quantity": row.max_quantity,
        "category": row.category,
    }


def change_record(change: StripeChange) -> dict[str, Any]:
    """A change seen in Stripe as JSON-ready data (what `watch --json` prints, one per line)."""
    return {
        "at": change.at.isoformat(),
        "object": change.object,
        "id": change.id,
        "local_id": change.local_id,
        "change": change.change,
        "fields": {name: {"old": c.old, "new": c.new} for name, c in change.fields.items()},
        "by": change.by,
        "product_id": change.product_id,
        "event": change.event_id,
    }


def diff_records(rows: Sequence[ProductRow]) -> list[dict[str, Any]]:
    """Every row as `row_record`."""
    return [row_record(row) for row in rows]


def operation_records(plans: Sequence[ProductPlan]) -> list[dict[str, Any]]:
    """The operations of plans as `plan --json` lists them, each marked when it would overwrite a
    value edited in Stripe since the last write."""
    return [
        {
            "product_id": op.product_id,
            "op": op.kind,
            "summary": op.summary,
            "variant_id": op.variant_id,
            "target_id": op.target_id,
            "params": _readable(op.params),
            "overwrites_stripe_edit": op.overwrites_stripe_edit,
            **({} if op.tried_in_test is None else {"tried_in_test": op.tried_in_test}),
        }
        for plan in plans
        for op in plan.operations
    ]


def _readable(value: Any) -> Any:
    """Parameters with the plan's placeholders for objects it creates first (`@product`,
    `@price:UNIT`, `@default_price`) spelled out: {"created_by_this_plan": "price", "unit": …}."""
    if isinstance(value, dict):
        return {k: _readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_readable(v) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        if value.startswith("@price:"):
            unit = value[len("@price:") :]
            return {"created_by_this_plan": "price", "unit": unit or None}
        if value == "@product":
            return {"created_by_this_plan": "product"}
        return {"created_by_this_plan": "default price"}
    return value
