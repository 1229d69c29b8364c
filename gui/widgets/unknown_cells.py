"""The table's Stripe cells of a product whose Stripe side is unknown (the catalog listed without
Stripe, `core.workspace.catalog_only_rows`): "unknown" in grey italics, so they never read as a
value Stripe holds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

from core.workspace import ProductRow
from gui.models.change_marks import ChangeMarkDelegate
from gui.models.product_table import ROW_ROLE
from gui.theme import DiffColors


def is_unknown(row: object) -> bool:
    """Whether the row's Stripe side is unknown (Stripe was not read)."""
    return isinstance(row, ProductRow) and row.stripe_status == "unknown"


class UnknownStripeCells(ChangeMarkDelegate):
    """Paints a column as the table's own delegate does (badges included, in the window's current
    colours), with the cells of rows whose Stripe side is unknown in grey italics."""

    def __init__(self, colors: Callable[[], DiffColors], parent: QWidget | None = None) -> None:
        super().__init__(colors(), parent)
        self._current = colors

    def _who(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        self._colors = self._current()  # follows the palette (light ↔ dark) with the window
        return super()._who(index)

    def initStyleOption(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The cell as usual; an unknown Stripe value in grey italics."""
        super().initStyleOption(option, index)
        if not is_unknown(index.data(ROW_ROLE)):
            return
        font = QFont(option.font)
        font.setItalic(True)
        option.font = font
        palette = QPalette(option.palette)
        grey = palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.Text, grey)
        option.palette = palette
