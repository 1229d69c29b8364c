"""What the detail pane says when several products are selected: how many, their states, what
they have in common, and what each action would do for them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from html import escape

from core.workspace import ProductRow, plural
from gui.actions import SYNCABLE_STATES
from gui.models.change_marks import changed_in_stripe
from gui.theme import state_label

# What the rows may share, in the order shown: a label and how to read it from a row.
_COMMON: tuple[tuple[str, Callable[[ProductRow], object]], ...] = (
    ("State", lambda r: state_label(r.state, r.stripe_status)),
    ("Sell status", lambda r: r.sell_status),
    ("In Stripe", lambda r: r.stripe_status),
    ("Currency", lambda r: r.currency.upper()),
    ("Category", lambda r: getattr(r, "category", None)),
)


def _lower_first(label: str) -> str:
    """'Missing in Stripe' → 'missing in Stripe' (a name inside stays capitalised)."""
    return label[:1].lower() + label[1:]


def _in_common(rows: Sequence[ProductRow]) -> list[str]:
    lines = []
    for label, read in _COMMON:
        values = {read(r) for r in rows}
        if len(values) == 1:
            (value,) = values
            if value not in (None, ""):
                lines.append(f"{label}: {value}")
    return lines


def _actions(rows: Sequence[ProductRow]) -> list[str]:
    local = [r for r in rows if r.has_local]
    syncable = [r for r in local if r.state in SYNCABLE_STATES or r.error]
    in_stripe = [r for r in rows if r.stripe_status == "active"]
    edited = [r for r in local if changed_in_stripe(r.differences)]
    lines = []
    if syncable:
        lines.append(
            f"<b>Sync selected</b> (Ctrl+S) shows what it would write for "
            f"{plural(len(syncable), 'product')} that differ or are missing in "
            "Stripe, and writes nothing until you confirm."
        )
    else:
        lines.append("<b>Sync selected</b>: nothing to write, every one matches Stripe.")
    if in_stripe:
        lines.append(
            f"<b>Archive</b> (Ctrl+Shift+A) would stop selling "
            f"{plural(len(in_stripe), 'product')} active in Stripe (after a review)."
        )
    if edited:
        lines.append(
            f"<b>Take Stripe's edits</b> (Ctrl+Shift+T) copies the fields edited in Stripe "
            f"into the catalog for {plural(len(edited), 'product')}."
        )
    lines.append("Right-click for copying the ids. Select one product to see it field by field.")
    return lines


def selection_html(rows: Sequence[ProductRow]) -> str:
    """The detail pane's text for a selection of several products."""
    states = Counter(state_label(r.state, r.stripe_status) for r in rows)
    parts = [f"<p><b>{len(rows)} products selected</b></p>"]
    parts.append(
        "<p>"
        + " · ".join(f"{n} {escape(_lower_first(label))}" for label, n in states.most_common())
    )
    edited = sum(1 for r in rows if changed_in_stripe(r.differences))
    if edited:
        parts.append(f" · {edited} changed in Stripe since the last sync")
    parts.append("</p>")
    common = _in_common(rows)
    if common:
        items = "".join(f"<li>{escape(line)}</li>" for line in common)
        parts.append(f"<p>All of them:</p><ul>{items}</ul>")
    else:
        parts.append("<p>They share no state, sell status or currency.</p>")
    actions = "".join(f"<li>{line}</li>" for line in _actions(rows))
    parts.append(f"<p>What you can do with them:</p><ul>{actions}</ul>")
    return "".join(parts)
