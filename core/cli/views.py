"""How status, plan and sync results read on the command line (tables, or JSON with --json)."""

from __future__ import annotations

import argparse

from core.cli.output import emit, money, out
from core.domain.text import terminal_safe
from core.workspace import (
    ProductRow,
    StripeSyncResult,
    SyncSummary,
    changes_in_stripe,
    diff_records,
    operation_records,
    plan_sentence,
    plural,
)

NEVER_TRIED = "never tried in test mode"


def show_status(rows: list[ProductRow], ns: argparse.Namespace) -> int:
    if ns.json:
        emit(diff_records(rows))
        return _failed_exit(rows)
    # Ids as printed (escaped), so the columns line up however long an escaped id gets.
    shown = {r.product_id: terminal_safe(r.product_id) for r in rows}
    width = max([len(s) for s in shown.values()] + [10])
    out(f"{'PRODUCT':<{width}}  {'STATE':<9}  {'LOCAL':>11}  {'STRIPE':>11}  WHAT DIFFERS")
    for r in rows:
        what = ", ".join(d.field for d in r.differences)
        if r.invalid:
            what = invalid_text(r.error or "")
        elif r.not_ready_reason and r.for_sale_reason:
            what = r.for_sale_reason  # "Not for sale: dev status 3 of 5 (needs 5). A sync …"
        elif r.not_ready_reason:
            what = r.not_ready_reason
        elif r.error:
            what = f"{what} — last error: {r.error}" if what else f"last error: {r.error}"
        # An archived product's note ("internal: not for sale, …") is what the sentence says.
        if r.note and not (r.state == "archived" and r.for_sale_reason):
            what = f"{what} — {r.note}" if what else r.note
        if r.for_sale_reason and not r.not_ready_reason and (r.for_sale is False or r.sold_out):
            what = f"{what} — {r.for_sale_reason}" if what else r.for_sale_reason
        local = money(r.local_price_cents, r.currency) if r.has_local else "-"
        stripe = money(r.stripe_price_cents, r.currency)
        out(f"{shown[r.product_id]:<{width}}  {r.state:<9}  {local:>11}  {stripe:>11}  {what}")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    out(", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items())))
    return _failed_exit(rows)


def invalid_text(error: str) -> str:
    """A catalog row with invalid values, and what to do about it."""
    return (
        f"can't sync: the catalog row has invalid values: {error}. Fix it with `set` or in the "
        "shop's database"
    )


def _failed_exit(rows: list[ProductRow]) -> int:
    """1 when some product failed (its last sync, or its catalog row is invalid), else 0."""
    return 1 if any(r.state == "failed" for r in rows) else 0


def show_plan(rows: list[ProductRow], ns: argparse.Namespace, *, preview: bool = False) -> int:
    """What a sync would write, product by product; nothing is written.

    `preview`: shown just before a sync that goes on to write (live mode), so the closing line
    says what will change, not that nothing was written."""
    changing = [r for r in rows if r.plan is not None and r.plan.operations]
    keeping = [r for r in rows if r.plan is not None and r.plan.kept_stripe_edits]
    if ns.json:
        operations = operation_records([r.plan for r in changing if r.plan is not None])
        kept = [{"id": r.product_id, "fields": r.plan.kept_stripe_edits} for r in keeping if r.plan]
        not_ready = [
            {"id": r.product_id, "reason": r.not_ready_reason} for r in rows if r.not_ready_reason
        ]
        invalid = [{"id": r.product_id, "error": r.error} for r in _invalid(rows)]
        emit(
            {
                "operations": operations,
                "kept_stripe_edits": kept,
                "not_ready": not_ready,
                "failed": invalid,
            }
        )
        return 1 if invalid else 0
    for r in changing:
        assert r.plan is not None
        out(f"{r.product_id}: {plan_sentence(r.plan)}")
        for op in r.plan.operations:
            mark = " — overwrites an edit made in Stripe" if op.overwrites_stripe_edit else ""
            if op.tried_in_test is False:
                mark += f" — {NEVER_TRIED}"
            out(f"  - {op.summary}{mark}")
    for r in keeping:
        assert r.plan is not None
        fields = ", ".join(r.plan.kept_stripe_edits)
        out(
            f"{r.product_id}: keeps what was edited in Stripe ({fields}); take it into the "
            f"catalog with `pull {r.product_id}`, or sync with --overwrite-stripe-edits"
        )
    for r in rows:
        if r.not_ready_reason:
            out(f"{r.product_id}: not ready ({r.not_ready_reason}); will be skipped")
    for r in _invalid(rows):
        out(f"{r.product_id}: invalid catalog row ({r.error}); will fail")
    writes = sum(r.plan.writes for r in changing if r.plan)
    if changing and preview:
        out(f"{plural(len(changing), 'product')} will change: {changes_in_stripe(writes)}.")
    elif changing:
        out(
            f"{plural(len(changing), 'product')} would change: {changes_in_stripe(writes)}; "
            "nothing written."
        )
    elif keeping:
        out("Nothing to write: Stripe's edits are kept.")
    else:
        out("Nothing to do: Stripe matches the catalog.")
    untried = untried_writes(changing)
    if untried:
        out(
            f"{untried} of these {plural(writes, 'change')} {'was' if untried == 1 else 'were'} "
            f"{NEVER_TRIED}: sync to test mode first to try them, or go on if you are sure."
        )
    return 1 if _invalid(rows) else 0


def untried_writes(rows: list[ProductRow]) -> int:
    """How many planned writes (live mode) bring Stripe to values never synced to test mode."""
    return sum(
        1
        for r in rows
        if r.plan is not None
        for op in r.plan.operations
        if op.tried_in_test is False
    )


def _invalid(rows: list[ProductRow]) -> list[ProductRow]:
    """Rows whose catalog data cannot be synced (its values are invalid)."""
    return [r for r in rows if r.invalid]


def show_results(results: list[StripeSyncResult], ns: argparse.Namespace) -> int:
    summary = SyncSummary.of(results)
    if ns.json:
        emit(
            {
                "summary": summary.model_dump(),
                "results": [r.model_dump(mode="json") for r in results],
            }
        )
    else:
        for r in results:
            line = f"{r.action:<8} {r.product_id}"
            if r.stripe_product_id:
                line += f" → {r.stripe_product_id}"
            if r.error:
                line += f": {r.error}"
            elif r.changes and r.action == "skipped":
                line += f" ({'; '.join(r.changes)})"
            if r.kept_stripe_edits:
                line += f" (kept Stripe's edit of {', '.join(r.kept_stripe_edits)})"
            out(line)
        out(
            f"Created {summary.created}, updated {summary.updated}, archived {summary.archived}, "
            f"skipped {summary.skipped}, failed {summary.failed}."
        )
    return 1 if summary.failed else 0
