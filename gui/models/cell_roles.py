"""What one cell of the product table's fixed columns answers for each role, from its prepared
row: `fixed_cell`, which `ProductTableModel.cell` asks for every role of every painted cell (so
roles are compared as plain ints and fonts and colours are made once)."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from gui.models.cell_marks import badge, fresh_dot
from gui.models.change_badges import FRESH_ROLE, ChangeBadges
from gui.models.change_marks import CHANGED_ROLE
from gui.models.columns import Column
from gui.models.row_prep import PreparedRow, tooltip
from gui.theme import DiffColors

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ProductRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a native value to sort by
DIFFERS_ROLE = Qt.ItemDataRole.UserRole + 3  # whether this cell's local and Stripe values differ

_RIGHT_INT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT_INT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_PRICE_COLUMNS = frozenset({Column.LOCAL_PRICE, Column.STRIPE_PRICE})
# The columns that show Stripe's side: grey italics while it is unknown (`catalog_only_rows`).
STRIPE_COLUMNS = (Column.STRIPE_PRICE, Column.STRIPE_STATUS, Column.STATE, Column.LAST_SYNCED)
FIXED = len(Column)
# Roles as plain ints: `cell` runs for every role of every painted cell.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)


def alignment(col: int) -> int:
    """A fixed column's text alignment (its cells' and its header's): amounts to the right."""
    return _RIGHT_INT if col in _PRICE_COLUMNS else _LEFT_INT


@cache
def _italic() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


@cache
def _grey() -> QColor:
    return QColor("gray")


def fixed_cell(
    cached: PreparedRow, col: int, role: int, colors: DiffColors, badges: ChangeBadges
) -> Any:
    """`data()` of a fixed column's cell showing `cached` (None: nothing for that role)."""
    if role == _DISPLAY:
        return cached.display[col]
    if role == DECORATION:
        if col == Column.ID:
            fresh = badges.is_fresh(cached.row.product_id)
            return fresh_dot(colors) if fresh else None
        return badge(cached.changed.get(col), colors)  # type: ignore[call-overload]
    unknown = col in STRIPE_COLUMNS and cached.row.stripe_status == "unknown"
    if role == _FOREGROUND:
        if unknown:
            return colors.unknown_text
        if col == Column.NAME and cached.row.unnamed:
            return _grey()  # "(no name)": grey italics, not a name
        if col == Column.STATE:
            return colors.state_text.get(cached.row.state)
        return colors.differs_foreground if col in cached.differs else None
    if role == _FONT:
        if unknown or (col == Column.NAME and cached.row.unnamed):
            return _italic()
        return badges.font(cached.row)
    if role == _BACKGROUND:
        return colors.differs_background if col in cached.differs else None
    if role == _ALIGNMENT:
        return alignment(col)
    if role == SORT_ROLE:
        return cached.sort[col]
    if role == ROW_ROLE:
        return cached.row
    if role == DIFFERS_ROLE:
        return col in cached.differs
    if role == CHANGED_ROLE:
        return cached.changed.get(col)  # type: ignore[call-overload]
    if role == _TOOLTIP:
        column = Column(col)
        return badges.tooltip(cached.row, col, tooltip(cached, column))
    if role == FRESH_ROLE:
        return badges.is_fresh(cached.row.product_id)
    return None
