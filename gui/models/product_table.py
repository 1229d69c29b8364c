"""The product table: one row per product, local and Stripe values side by side.

Display text and sort keys are worked out once per row (`gui.models.row_prep`), so painting,
sorting and filtering stay fast with tens of thousands of products. The model sorts itself (`sort`,
by the native values also exposed as `SORT_ROLE`) with one Python sort instead of the proxy calling
`data()` for every comparison.

New rows never reset the model: `set_rows` compares them with the rows shown and removes the
products that went, replaces the ones that changed (`dataChanged`) and inserts the new ones, so the
selection, the scroll position and the current row stay where they are. `show_rows` does the same
a few hundred rows per event-loop turn (the window stays responsive while 30,000 rows arrive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPalette

from core.workspace import ProductRow
from gui.models import currency_columns as extra
from gui.models.cell_marks import badge
from gui.models.cell_roles import (
    DECORATION,
    DIFFERS_ROLE,
    FIXED,
    ROW_ROLE,
    SORT_ROLE,
    alignment,
    fixed_cell,
)
from gui.models.change_badges import ChangeBadges
from gui.models.change_marks import CHANGED_ROLE
from gui.models.columns import HEADERS, Column
from gui.models.row_fill import CHUNK, RowFill, in_order, sorted_positions
from gui.models.row_prep import (
    PreparedRow,
    RowSummary,
    column_diffs,
    differing_columns,
    differing_variants,
    money,
    only_variants_differ,
    stripe_currency,
    summarize_prepared,
)
from gui.theme import DiffColors

__all__ = [
    "CHUNK",
    "DIFFERS_ROLE",
    "HEADERS",
    "ROW_ROLE",
    "SORT_ROLE",
    "Column",
    "ProductTableModel",
    "column_diffs",
    "differing_columns",
    "differing_variants",
    "money",
    "only_variants_differ",
    "stripe_currency",
]

Index = QModelIndex | QPersistentModelIndex


class ProductTableModel(RowFill, QAbstractTableModel):
    """A table model over `ProductRow`s; `set_rows`/`show_rows` replace them all (without a
    reset), `update_rows` some."""

    def __init__(self, colors: DiffColors | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PreparedRow] = []
        self._ids: dict[str, int] | None = {}  # product id -> row; None: worked out when asked
        self._summary: RowSummary | None = None  # of the rows shown; None: counted when asked
        self._colors = colors or DiffColors.from_palette(QPalette())
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.badges = ChangeBadges()  # rows changed in Stripe since the operator last looked
        self._currencies: list[str] = []  # one more column each, after the fixed ones
        self._pending: Iterator[None] | None = None  # the rest of a `show_rows`
        self._then: Callable[[], None] | None = None
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._step)
        # After a sort, the id index is worked out again over the next turns (not in the sort's).
        self._index_steps: Iterator[None] | None = None
        self._index_turn = QTimer(self)
        self._index_turn.setSingleShot(True)
        self._index_turn.setInterval(0)
        self._index_turn.timeout.connect(self._index_step)

    # -- data in --------------------------------------------------------------------------------

    @property
    def filling(self) -> bool:
        """Whether rows from `show_rows` are still being put in place."""
        return self._pending is not None

    def set_rows(self, rows: Sequence[ProductRow]) -> None:
        """Show exactly these rows now: rows, inserts and removals, never a model reset."""
        self._drop_pending()
        for _ in self._steps(rows):
            pass

    def show_rows(self, rows: Sequence[ProductRow], then: Callable[[], None] | None = None) -> None:
        """Show these rows as `set_rows` does, `CHUNK` rows per event-loop turn when there are
        many; `then()` runs once they are all in place (at once for a few). Rows coming as
        `PreparedRows` are not prepared again. A newer call replaces an unfinished one."""
        self._drop_pending()
        steps = self._steps(rows)
        if len(rows) <= CHUNK and len(self._rows) <= CHUNK:
            for _ in steps:
                pass
            if then is not None:
                then()
            return
        self._pending, self._then = steps, then
        self._turn.start()  # the first chunk too: whatever else takes these rows runs first

    def finish(self) -> None:
        """Put every row of an unfinished `show_rows` in place now."""
        if self._pending is not None:
            self._turn.stop()
            for _ in self._pending:
                pass
            self._done()

    def _drop_pending(self) -> None:
        self._turn.stop()
        self._pending = self._then = None

    def _step(self) -> None:
        if self._pending is None:
            return
        if next(self._pending, StopIteration) is StopIteration:
            self._done()
        else:
            self._turn.start()

    def _done(self) -> None:
        then = self._then
        self._pending = self._then = None
        if then is not None:
            then()

    def update_rows(self, rows: list[ProductRow]) -> None:
        """Replace the given products' rows in place (dataChanged per row); unknown ids are added."""
        self.finish()
        self._summary = None
        cells = [extra.row_cells(row) for row in rows]
        if not set(extra.currencies(cells)) <= set(self._currencies):  # a new currency column
            known = {r.product_id: r for r in self.rows()}
            self.set_rows(list({**known, **{r.product_id: r for r in rows}}.values()))
            return
        last = self.columnCount() - 1
        new = []
        for row in rows:
            i = self._index_of.get(row.product_id)
            if i is None:
                new.append(row)
                continue
            self._rows[i] = PreparedRow(row)
            self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, row in enumerate(new):
                self._rows.append(PreparedRow(row))
                self._index_of[row.product_id] = first + offset
            self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column's native values (stable); selections follow their rows."""
        if not 0 <= column < self.columnCount():
            return
        self.finish()
        keys = self._sort_keys(self._rows, column)
        if (column, order) == self._sort and in_order(keys, order):
            return  # Qt's sortByColumn asks twice; sorting sorted rows would only repaint
        self._sort = (column, order)
        self._move(sorted_positions(keys, order))

    def _move(self, positions: list[int]) -> None:
        """Put the rows in a new order (`positions`: the old row of each new one) with one layout
        change; persistent indexes (the selection, the current row) follow their rows."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        rows = self._rows
        self._rows = [rows[i] for i in positions]
        self._reindex()
        if persistent:
            now = [0] * len(positions)
            for new, old in enumerate(positions):
                now[old] = new
            moved = [self.index(now[i.row()], i.column()) for i in persistent]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    @property
    def _index_of(self) -> dict[str, int]:
        """Product id -> source row. After rows moved it is worked out again over the next
        event-loop turns (a sort does not pay for it: 30,000 scattered rows take tens of ms), or
        at once when asked before then."""
        if self._ids is None:
            self._ids = {c.row.product_id: i for i, c in enumerate(self._rows)}
        return self._ids

    def _reindex(self) -> None:
        self._ids = None
        self._index_steps = None  # one under way indexes rows that moved since
        if len(self._rows) > CHUNK:  # a few rows are indexed at once when asked
            self._index_turn.start()

    def _index_step(self) -> None:
        if self._ids is not None or self._pending is not None:  # built, or `_steps` builds it
            self._index_steps = None
            return
        if self._index_steps is None:
            self._index_steps = self._build_index()
        if next(self._index_steps, StopIteration) is StopIteration:
            self._index_steps = None
        else:
            self._index_turn.start()

    def set_colors(self, colors: DiffColors) -> None:
        """Use new colours (the palette changed); call on the GUI thread."""
        self._colors = colors
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1)
            )

    # -- data out -------------------------------------------------------------------------------

    def rows(self) -> list[ProductRow]:
        """All rows, in source order."""
        return [c.row for c in self._rows]

    def prepared_rows(self) -> list[PreparedRow]:
        """What every row shows, in source order (the model's own list: do not change it)."""
        return self._rows

    @property
    def summary(self) -> RowSummary:
        """The rows' counts per state filter and whether any could be synced: the ones that
        came with prepared rows (`prepare_rows`), else counted once after the rows changed."""
        if self._summary is None:
            self._summary = summarize_prepared(self._rows)
        return self._summary

    def source_row(self, product_id: str) -> int | None:
        """The source row showing a product id, if any."""
        return self._index_of.get(product_id)

    def row_at(self, source_row: int) -> ProductRow:
        """The product shown in source row `source_row`."""
        return self._rows[source_row].row

    def prepared_at(self, source_row: int) -> PreparedRow:
        """What source row `source_row` shows, worked out (its search text, its state)."""
        return self._rows[source_row]

    def row_for(self, product_id: str) -> ProductRow | None:
        """The row of a product id, if present."""
        i = self._index_of.get(product_id)
        return None if i is None else self._rows[i].row

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of products (0 under any valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Number of columns (0 under any valid parent)."""
        return 0 if parent.isValid() else len(Column) + len(self._currencies)

    def currencies(self) -> list[str]:
        """The other currencies shown as columns after the fixed ones (none: one currency)."""
        return list(self._currencies)

    def _sort_keys(self, rows: Sequence[PreparedRow], column: int) -> list[Any]:
        """The sort keys of `rows` by `column`, in one pass (no call per row for fixed columns)."""
        if column < len(Column):
            return [c.sort[column] for c in rows]
        return [self._sort_key(c, column) for c in rows]

    def _sort_key(self, cached: PreparedRow, column: int) -> Any:
        if column < len(Column):
            return cached.sort[column]
        if column - len(Column) >= len(self._currencies):
            return -1  # sorted by a currency column that is gone
        cell = cached.extra.get(self._currencies[column - len(Column)])
        return -1 if cell is None else cell.sort

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and len(Column) <= section < self.columnCount():
            code = self._currencies[section - len(Column)]
            return extra.header(code) if role == Qt.ItemDataRole.DisplayRole else None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(Column):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[Column(section)]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return alignment(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip, colours, alignment, the row itself and sort keys for one cell."""
        if not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N802, N803 - Qt's names
        """Every role a paint asks for in one call (Qt's delegate asks seven per cell)."""
        if index.isValid():
            self.fill_roles(index.row(), index.column(), roleDataSpan)

    def fill_roles(self, row: int, col: int, span: Any) -> None:
        """`multiData` of the cell at (`row`, `col`) (the proxy asks, without an index)."""
        cell = self.cell
        for item in span:
            value = cell(row, col, item.role())
            if value is None:
                item.clearData()  # the span is reused from cell to cell
            else:
                item.setData(value)

    def cell(self, row: int, col: int, role: int) -> Any:
        """`data()` of the cell at (`row`, `col`), without making an index (the proxy asks)."""
        if not 0 <= row < len(self._rows):
            return None
        cached = self._rows[row]
        if col >= FIXED:
            return self._extra_cell(cached, col, role)
        return fixed_cell(cached, col, role, self._colors, self.badges)

    def _extra_cell(self, cached: PreparedRow, col: int, role: int) -> Any:
        """A currency column's cell."""
        if role in (SORT_ROLE, ROW_ROLE):
            return self._sort_key(cached, col) if role == SORT_ROLE else cached.row
        cell = cached.extra.get(self._currencies[col - FIXED])
        if role == DIFFERS_ROLE:
            return bool(cell and cell.diffs)
        if role == DECORATION:
            return badge(extra.cell_data(cell, CHANGED_ROLE, self._colors, None), self._colors)
        return extra.cell_data(cell, role, self._colors, cached.row.last_synced_at)
