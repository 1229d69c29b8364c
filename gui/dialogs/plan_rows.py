"""The plan dialog's rows: a product's line (its name, and what syncing it does in one sentence,
shared with the command line) and under it each planned write; long text wraps to the column
when it is drawn (`WrapToColumn`: only the rows on screen are wrapped, not all 1,000 at once).

Part of `gui.dialogs.plan_dialog`. A name too long for its column is shortened in the middle (its
id and the end of its name stay readable), with the whole name in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
)

from core.workspace import ProductPlan, plan_sentence
from gui.row_words import kept_text, operation_text

TEXT_PADDING = 12  # what an item view keeps around a cell's text
NEVER_TRIED = "never tried in test mode"
UNTRIED_MARK = "⚠"
ERROR_RED = "#d32f2f"


class MiddleElide(QStyledItemDelegate):
    """Draws a cell's text shortened in the middle when it does not fit ("lamp — Found…ition")."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The default option, eliding in the middle."""
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle  # type: ignore[attr-defined]


def wrap_to_width(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` broken into lines at spaces so each fits `width` pixels (a word longer than that
    gets a line of its own)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def set_wrapped(item: QTreeWidgetItem, text: str) -> None:
    """Show `text` in the second column (wrapped to it when drawn), whole in the tooltip."""
    item.setText(1, text)
    item.setToolTip(1, text)


class WrapToColumn(QStyledItemDelegate):
    """Draws (and measures) a cell's text broken into lines that fit the column's width. Only
    the rows painted or measured are wrapped, each once per width and font."""

    def __init__(self, tree: QTreeWidget, column: int = 1) -> None:
        super().__init__(tree)
        self._tree = tree
        self._column = column
        self._width = 0
        self._wrapped: dict[tuple[str, str], str] = {}

    def shown_text(self, text: str, font: QFont | None = None) -> str:
        """`text` as the cell shows it at the column's present width (in `font`: the tree's)."""
        width = self._tree.columnWidth(self._column) - TEXT_PADDING
        if width <= 0:
            return text
        if width != self._width:
            self._width = width
            self._wrapped.clear()
        font = font or self._tree.font()
        key = (text, font.key())
        found = self._wrapped.get(key)
        if found is None:
            found = self._wrapped[key] = wrap_to_width(text, QFontMetrics(font), width)
        return found

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The default option, its text wrapped to the column."""
        super().initStyleOption(option, index)
        text = option.text.replace("\u2028", "\n")  # type: ignore[attr-defined]
        if text:
            # Qt's own line break in a cell (as `displayText` makes of "\n"): rows measure it.
            wrapped = self.shown_text(text, option.font)  # type: ignore[attr-defined]
            option.text = wrapped.replace("\n", "\u2028")  # type: ignore[attr-defined]


def product_item(
    plan: ProductPlan, name: str | None, warn: QBrush, quiet: QBrush
) -> QTreeWidgetItem:
    """A product's line and, under it, its writes (`warn`: an overwritten Stripe edit; `quiet`:
    the Stripe edits it keeps)."""
    title = plan.product_id + (f" — {name}" if name else "")
    item = QTreeWidgetItem([title, ""])
    set_wrapped(item, plan_sentence(plan))
    item.setData(0, Qt.ItemDataRole.UserRole, plan.product_id)
    item.setToolTip(0, title)
    if plan.error or not plan.operations:
        # Nothing to apply: shown for completeness, cannot be ticked.
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        item.setDisabled(True)
        if plan.error:
            item.setForeground(1, QBrush(QColor(ERROR_RED)))
    else:
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked)
    for op in plan.operations:
        text = operation_text(op)
        if op.tried_in_test is False:
            text = f"{UNTRIED_MARK} {text} — {NEVER_TRIED}"
        child = QTreeWidgetItem(["", ""])
        set_wrapped(child, text)
        if op.overwrites_stripe_edit:
            child.setForeground(1, warn)
            font = child.font(1)
            font.setBold(True)
            child.setFont(1, font)
        item.addChild(child)
    if plan.kept_stripe_edits:
        kept = QTreeWidgetItem(["", ""])
        set_wrapped(kept, kept_text(plan.kept_stripe_edits))
        kept.setToolTip(
            1,
            "Syncing leaves these as they were edited in Stripe. To change that, take them "
            "into the catalog or choose to overwrite them in the product's details.",
        )
        kept.setForeground(1, quiet)
        font = kept.font(1)
        font.setItalic(True)
        kept.setFont(1, font)
        item.addChild(kept)
    return item
