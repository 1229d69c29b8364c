"""The operator's archive holds, as plans and rows.

A hold (core.catalog.holds) keeps a product archived in one Stripe account and mode without touching
the shop's catalog. Here a hold becomes a plan (archive the product; or, when the product is synced
by name, say the plan releases the hold) and a row (state "held", with a note saying since when and
how to release it).
"""

from __future__ import annotations

from typing import Any

from core.catalog.holds import Hold
from core.engine.types import FieldDiff, Operation, ProductPlan, RemoteProduct
from core.reconcile.convert import ReadyProduct
from core.reconcile.rows import ProductRow

RELEASES_HOLD = "releases the operator's archive hold"


def hold_archive_plan(product_id: str, existing: RemoteProduct) -> ProductPlan:
    """Archive a Stripe product the operator holds archived (no catalog row to plan from)."""
    return ProductPlan(
        product_id=product_id,
        action="archived",
        stripe_product_id=existing.id,
        operations=[
            Operation(
                kind="archive_product",
                product_id=product_id,
                target_id=existing.id,
                params={"active": False},
                version=str(existing.updated),
                summary="archive the product (the operator's archive); its prices stay as they are",
            )
        ],
        differences=[FieldDiff(field="active", local="archived", stripe="active")],
    )


def not_for_sale(ready: ReadyProduct) -> ReadyProduct:
    """The input as the hold has it: not for sale (archived), everything else as the shop's."""
    product = ready.product.model_copy(update={"is_live": False})
    return ready.with_product(product)


def releasing_plan(plan: ProductPlan) -> ProductPlan:
    """Say in the plan that syncing it releases the operator's archive hold."""
    ops = list(plan.operations)
    if not ops:
        return plan
    at = next((i for i, op in enumerate(ops) if op.kind == "unarchive_product"), 0)
    op = ops[at]
    if op.kind == "unarchive_product":
        summary = op.summary.replace("unarchive the product", f"unarchive ({RELEASES_HOLD})", 1)
        if summary == op.summary:
            summary = f"{op.summary} ({RELEASES_HOLD})"
    else:
        summary = f"{op.summary} ({RELEASES_HOLD})"
    ops[at] = op.model_copy(update={"summary": summary})
    return plan.model_copy(update={"operations": ops})


def hold_note(hold: Hold, mode: str) -> str:
    """What the status says about a held product: since when, and how to release the hold."""
    since = hold.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"archived by the operator in {mode} mode on {since}; the catalog is unchanged. Sync this "
        f"product by name (Sync selected, or `stripe-sync-admin sync {hold.product_id}`) to "
        "release the hold"
    )


def held_row(row: ProductRow, hold: Hold, mode: str, plan: ProductPlan | None) -> ProductRow:
    """A held product's row: state "held", the hold's note, and the archive still to write (if
    Stripe's product is active) as its plan."""
    update: dict[str, Any] = {"held": True, "note": hold_note(hold, mode)}
    if row.has_local:
        update["for_sale"] = False
        update["for_sale_reason"] = held_sentence(mode, row.for_sale_reason)
    if row.state != "failed":  # a failed archive stays visible as a failure
        update["state"] = "held"
    if plan is not None and plan.operations and row.plan is None:
        update["plan"] = plan
        update["differences"] = list(plan.differences)
    return row.model_copy(update=update)


def held_sentence(mode: str, catalog_says: str | None) -> str:
    """Why a held product is not for sale here, then what the catalog alone would make of it."""
    sentence = f"Not for sale in {mode} mode: you hold it archived here."
    return f"{sentence} Without the hold: {catalog_says}" if catalog_says else sentence


def with_withheld_differences(row: ProductRow, released: ProductPlan) -> ProductRow:
    """A held row with the differences its hold keeps out of the plan: an archived product's
    prices are not compared, yet a sync releasing the hold would write them (`released`: the
    product's plan without the hold)."""
    have = row.differing_fields
    more = [d for d in released.differences if d.field not in have and d.field != "active"]
    return row.model_copy(update={"differences": [*row.differences, *more]}) if more else row
