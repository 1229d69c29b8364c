"""Test before live: which writes of a live plan bring Stripe to values never synced to test.

A careful maker tries a change in test mode first. For each operation of a live plan, the values it
writes (name, description, active, sell status, a unit's price) are compared with what the tool
last wrote in test mode for the same product, in the same Stripe account (test and live share the
account id): `tried_in_test` is True when test mode already holds those values, False when not. The
plan says so; the operator decides (nothing is blocked).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.catalog.snapshots import Snapshot
from core.engine.types import Operation, ProductPlan
from core.reconcile.recording import snapshot_fields
from core.reconcile.rows import ProductRow


def _fields(op: Operation) -> set[str]:
    """The snapshot fields whose values an operation writes."""
    unit = f"variant:{op.variant_id}.price" if op.variant_id else "price"
    if op.kind in ("update_product", "archive_product", "unarchive_product"):
        fields = {k for k in op.params if k in ("name", "description", "active")}
        metadata = op.params.get("metadata")
        if isinstance(metadata, dict) and "sell_status" in metadata:
            fields.add("metadata.sell_status")
        return fields
    if op.kind == "create_product":
        return {"name", "description", unit}
    if op.kind in ("create_price", "set_default_price", "archive_price", "update_price"):
        return {unit}
    return set()


def mark_tried(plan: ProductPlan, test: Snapshot | None) -> ProductPlan:
    """The plan with each operation marked `tried_in_test` (see the module docstring)."""
    if not plan.operations:
        return plan
    wanted = snapshot_fields(plan)
    tried_values = test.fields if test is not None else {}
    ops = []
    for op in plan.operations:
        fields = {f for f in _fields(op) if f in wanted}
        tried = bool(fields) and all(tried_values.get(f) == wanted[f] for f in fields)
        if not fields:  # nothing the snapshot records (e.g. a tag): tried if the product was
            tried = test is not None
        ops.append(op.model_copy(update={"tried_in_test": tried}))
    return plan.model_copy(update={"operations": ops})


def mark_rows(
    rows: list[ProductRow], plans: dict[str, ProductPlan], test: Mapping[str, Snapshot]
) -> list[ProductRow]:
    """Rows and plans of a live read with every operation marked (plans are updated in place)."""
    out = []
    for row in rows:
        plan = row.plan
        if plan is None or not plan.operations:
            out.append(row)
            continue
        marked = mark_tried(plan, test.get(row.product_id))
        if row.product_id in plans:
            plans[row.product_id] = marked
        out.append(row.model_copy(update={"plan": marked}))
    return out
