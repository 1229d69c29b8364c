"""Who changed a differing cell since the last sync: the badge painted in it and its tooltip.

Each `FieldDiff` says who moved since the tool last wrote (or adopted) the product: the catalog,
Stripe (a hand edit) or both. The table model answers `CHANGED_ROLE` per cell with that word
("stripe" / "catalog" / "both", or None), and shows it as a small coloured badge with a glyph
("S", "C", "!") at the cell's left (`gui.models.cell_marks`), in colours from the palette
(`gui.theme`), so it reads in light and dark. The tooltip lines come from `change_lines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt

from core.workspace import FieldDiff, format_money

CHANGED_ROLE = Qt.ItemDataRole.UserRole + 4  # who changed this cell's field: see module docstring

STRIPE_CHANGES = frozenset({"stripe", "both"})  # the changes a "take Stripe's edit" applies to

_FIELD_LABELS = {
    "name": "Name",
    "description": "Description",
    "active": "Status",
    "metadata.sell_status": "Sell status",
    "price": "Price",
    "currency": "Currency",
}


# The fields `Workspace.pull` can take from Stripe (besides each variant's price).
PULLABLE = frozenset({"name", "description", "price", "active", "metadata.sell_status"})


def pullable(field: str) -> bool:
    """Whether Stripe's value of this field can be taken into the catalog."""
    return field in PULLABLE or (field.startswith("variant:") and field.endswith(".price"))


def field_label(field: str) -> str:
    """A field's name for people: "Name", "Price", "Variant BLACK price"."""
    if field.startswith("variant:") and field.endswith(".price"):
        return f"Variant {field[len('variant:') : -len('.price')]} price"
    return _FIELD_LABELS.get(field, field)


def who_changed(diffs: Sequence[FieldDiff]) -> str | None:
    """One word for a cell showing these differences: who changed them, "both" when they
    disagree, None when nothing was written yet."""
    seen = {d.changed for d in diffs if d.changed}
    if not seen:
        return None
    return seen.pop() if len(seen) == 1 else "both"


def changed_in_stripe(diffs: Sequence[FieldDiff]) -> list[FieldDiff]:
    """The differences edited in Stripe since the last sync (alone or in both places)."""
    return [d for d in diffs if d.changed in STRIPE_CHANGES]


def _shown(text: str | None, amount: int | None, currency: str | None) -> str:
    if amount is not None and currency:
        return format_money(amount, currency)
    return text if text not in (None, "") else "(none)"


def change_line(diff: FieldDiff, last_synced_at: datetime | None) -> str | None:
    """One difference's history: "Changed in Stripe since the last sync on 2026-03-01 10:00:
    was Lamp, now Desk lamp"; "Not synced or adopted yet" when the tool never wrote the product;
    None when that is not known."""
    if diff.changed is None:
        return "Not synced or adopted yet" if last_synced_at is None else None
    when = f" on {last_synced_at:%Y-%m-%d %H:%M}" if last_synced_at else ""
    was = _shown(diff.last_written, diff.last_written_amount, diff.currency)
    local = _shown(diff.local, diff.local_amount, diff.currency)
    stripe = _shown(diff.stripe, diff.stripe_amount, diff.currency)
    if diff.changed == "stripe":
        return f"Changed in Stripe since the last sync{when}: was {was}, now {stripe}"
    if diff.changed == "catalog":
        return f"Changed in the catalog since the last sync{when}: was {was}, now {local}"
    return (
        f"Changed in both since the last sync{when}: was {was}, now {local} in the catalog "
        f"and {stripe} in Stripe"
    )


def change_lines(diffs: Sequence[FieldDiff], last_synced_at: datetime | None) -> list[str]:
    """The tooltip lines for a cell's differences (named by field when there are several)."""
    lines = [(d, change_line(d, last_synced_at)) for d in diffs]
    if len(diffs) == 1:
        return [line for _, line in lines if line]
    return [f"{field_label(d.field)}: {line}" for d, line in lines if line]
