"""Who changed a differing cell since the last sync: the badge painted in it and its tooltip.

Each `FieldDiff` says who moved since the tool last wrote (or adopted) the product: the catalog,
Stripe (a hand edit) or both. The table model answers `CHANGED_ROLE` per cell with that word
("stripe" / "catalog" / "both", or None); `ChangeMarkDelegate` paints it as a small coloured badge
with a glyph ("S", "C", "!") at the cell's left, in colours from the palette (`gui.theme`), so it
reads in light and dark. The tooltip lines come from `change_lines`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from core.workspace import FieldDiff, format_money
from gui.theme import CHANGE_GLYPHS, DiffColors

CHANGED_ROLE = Qt.ItemDataRole.UserRole + 4  # who changed this cell's field: see module docstring

STRIPE_CHANGES = frozenset({"stripe", "both"})  # the changes a "take Stripe's edit" applies to

BADGE = 13  # the badge's side, in pixels
_GAP = 4  # between the cell's edge, the badge and the text

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


class ChangeMarkDelegate(QStyledItemDelegate):
    """Paints cells as usual, plus a "who changed it" badge in cells that have one."""

    def __init__(self, colors: DiffColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colors = colors

    def set_colors(self, colors: DiffColors) -> None:
        """Use new palette colours (light ↔ dark)."""
        self._colors = colors

    def _who(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        who = index.data(CHANGED_ROLE)
        return who if who in self._colors.change_fill else None

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Room for the badge beside the text."""
        size = super().sizeHint(option, index)
        if self._who(index) is not None:
            size.setWidth(size.width() + BADGE + 2 * _GAP)
        return size

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The cell's background and selection, the badge at its left, then its text beside."""
        who = self._who(index)
        if who is None:
            super().paint(painter, option, index)
            return
        colour = self._colors.change_fill[who]

        def badge(painter: QPainter, box: QRect) -> None:
            painter.setBrush(colour)
            painter.drawRoundedRect(box, 3, 3)
            font = painter.font()
            font.setBold(True)
            font.setPixelSize(BADGE - 3)
            painter.setFont(font)
            painter.setPen(self._colors.change_glyph)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, CHANGE_GLYPHS[who])

        self.paint_marked(painter, option, index, BADGE, _GAP, badge)

    def paint_marked(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        size: int,
        gap: int,
        mark: Callable[[QPainter, QRect], None],
    ) -> None:
        """The cell's background and selection, a `size`-pixel mark drawn by `mark` at its left
        (antialiased, no pen), then its text beside the mark."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        element = QStyle.ControlElement.CE_ItemViewItem
        text = opt.text  # type: ignore[attr-defined]
        opt.text = ""  # type: ignore[attr-defined]
        style.drawControl(element, opt, painter, widget)
        cell: QRect = opt.rect  # type: ignore[attr-defined]
        box = QRect(cell.left() + gap, cell.center().y() - size // 2 + 1, size, size)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        mark(painter, box)
        painter.restore()
        # The text beside the mark; the background is painted already.
        opt.text = text  # type: ignore[attr-defined]
        opt.rect = cell.adjusted(size + 2 * gap, 0, 0, 0)  # type: ignore[attr-defined]
        opt.backgroundBrush = QBrush()  # type: ignore[attr-defined]
        opt.state &= ~QStyle.StateFlag.State_HasFocus  # type: ignore[attr-defined]
        style.drawControl(element, opt, painter, widget)
