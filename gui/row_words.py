"""A product's situation in a maker's words: why a sync would write nothing, and how a hold ends.

One place for these sentences, so the status bar, the plan dialog and the detail pane say the same
thing. Never "Stripe already matches the catalog" for a product Stripe does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.workspace import Operation, ProductRow, changes_in_stripe
from gui.models.change_marks import field_label
from gui.theme import STATE_LABELS

HELD_HINT = (
    "Sync to release: select it and press Sync selected (Ctrl+S). The hold ends and Stripe shows "
    "the product as the catalog has it again; Sync all leaves it archived here."
)

OVERWRITES_MARK = "⚠"
OVERWRITES_WORDS = "overwrites an edit made in Stripe"

_DEV_STATUS = re.compile(r"dev status (\d+) \(needs (\d+)\)")


def display_name(row: ProductRow) -> str:
    """The product's name as the table shows it (Stripe's for a product with no catalog row)."""
    return row.name if row.has_local else (row.stripe_name or row.name)


def _not_ready(reason: str) -> str:
    dev = _DEV_STATUS.fullmatch(reason)
    if dev is not None:
        return f"not ready (dev status {dev.group(1)} of {dev.group(2)})"
    return f"not ready ({reason})"


def why_no_write(row: ProductRow) -> str:
    """Why syncing this product now would write nothing to Stripe, e.g. "in sync", "not ready
    (dev status 3 of 5)", "keeps what was edited in Stripe (name)"."""
    plan = row.plan
    if not row.has_local:
        return "only in Stripe, with no catalog row to sync from (Archive stops it selling)"
    if row.not_ready_reason:
        return _not_ready(row.not_ready_reason)
    if row.error and plan is None:
        return f"invalid catalog row: {row.error}"
    if plan is not None and plan.error:
        return f"cannot sync: {plan.error}"
    if plan is not None and plan.kept_stripe_edits:
        return f"keeps what was edited in Stripe ({', '.join(plan.kept_stripe_edits)})"
    if row.held:
        return "held archived here by you (Sync selected on it releases the hold)"
    if row.stripe_product_id is None:
        return "not in Stripe, and the catalog does not offer it for sale: nothing to create"
    if row.state == "archived":
        return "archived in Stripe, as the catalog wants (not for sale)"
    if row.state == "in_sync":
        return "in sync"
    label = STATE_LABELS.get(row.state, row.state).lower()
    return f"{label}, but nothing to write" + (f" ({row.note})" if row.note else "")


def nothing_to_sync_line(row: ProductRow) -> str:
    """One product's reason for writing nothing, named: "Lamp: not ready (dev status 3 of 5)"."""
    return f"{display_name(row)}: {why_no_write(row)}"


def sync_words(row: ProductRow) -> str:
    """What syncing this product would do, in one sentence (for the detail pane)."""
    plan = row.plan
    if plan is not None and plan.operations:
        return f"Syncing it makes {changes_in_stripe(plan.writes)} (listed below)."
    return f"Nothing to sync: {why_no_write(row)}."


def operation_text(op: Operation) -> str:
    """A planned write in words, marked when it overwrites an edit made in Stripe."""
    if op.overwrites_stripe_edit:
        return f"{OVERWRITES_MARK} {op.summary} — {OVERWRITES_WORDS}"
    return op.summary


def kept_text(fields: Sequence[str]) -> str:
    """The Stripe edits a plan keeps: "Keeps Stripe's edit of name"."""
    return "Keeps Stripe's edit of " + ", ".join(field_label(f).lower() for f in fields)
