"""Filtering and sorting the product table: text over id, name and variants, and a state filter."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from core.workspace import ProductRow
from gui.models.product_table import ProductTableModel
from gui.models.row_prep import filter_keys, searchable

__all__ = ["STATE_FILTERS", "ProductFilterProxy", "matches_state", "searchable"]

Index = QModelIndex | QPersistentModelIndex

# State filter: key -> label, in the order the filter bar offers them.
STATE_FILTERS: dict[str, str] = {
    "all": "All products",
    "differs": "Differs",
    "missing": "Missing in Stripe",
    "archived": "Archived",
    "held": "Held (archived here by you)",
    "changed_in_stripe": "Changed in Stripe",
    "in_sync": "In sync",
    "orphaned": "Orphaned in Stripe",
    "not_ready": "Not ready",
    "failed": "Failed",
}


# What `QAbstractTableModel` answers for every cell of the product table.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)


def matches_state(row: ProductRow, state: str) -> bool:
    """Whether a row belongs under a state filter key."""
    return state == "all" or state in filter_keys(row)


class ProductFilterProxy(QAbstractProxyModel):
    """Keeps rows matching the text and state filters, in the source model's order; sorting is
    passed to the source model (it sorts its rows in one Python sort by the `SORT_ROLE` values).

    The rows shown are a list of source rows worked out in one pass over the prepared rows when a
    filter or the source's order changes (no Python call per row from Qt, as a
    `QSortFilterProxyModel`'s `filterAcceptsRow` would be: 30,000 of them per keystroke). With no
    filter the proxy shows every source row as it is, passing the source's signals on.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._typed = ""  # the search as typed, for the empty table's message
        self._state = "all"
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._table: ProductTableModel | None = None
        self._shown: list[int] | None = None  # source rows shown, ascending (None: all of them)
        self._saved: list[tuple[QModelIndex, QPersistentModelIndex]] = []

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802 - Qt's name
        """Filter `model`, a `ProductTableModel` (set once)."""
        if model is self._table:
            return
        if not isinstance(model, ProductTableModel) or self._table is not None:
            raise TypeError("ProductFilterProxy filters one ProductTableModel, set once")
        self.beginResetModel()
        super().setSourceModel(model)
        self._table = model
        self._shown = self._visible()
        self.endResetModel()
        model.rowsAboutToBeInserted.connect(self._rows_about_to_be_inserted)
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsAboutToBeRemoved.connect(self._rows_about_to_be_removed)
        model.rowsRemoved.connect(self._rows_removed)
        model.columnsAboutToBeInserted.connect(self._columns_about_to_be_inserted)
        model.columnsInserted.connect(self.endInsertColumns)
        model.columnsAboutToBeRemoved.connect(self._columns_about_to_be_removed)
        model.columnsRemoved.connect(self.endRemoveColumns)
        model.dataChanged.connect(self._data_changed)
        model.headerDataChanged.connect(self.headerDataChanged)
        model.layoutAboutToBeChanged.connect(self._layout_about_to_be_changed)
        model.layoutChanged.connect(self._layout_changed)
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._model_reset)

    # -- sorting and filtering ------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (the source model reorders; the view's header drives this)."""
        if self._table is not None:
            self._table.sort(column, order)
        self._sort = (column, order)

    @property
    def sorted_by(self) -> tuple[int, Qt.SortOrder] | None:
        """The column and order last sorted by, if any."""
        return self._sort

    @property
    def state(self) -> str:
        """The current state filter key."""
        return self._state

    @property
    def text(self) -> str:
        """The current search text."""
        return self._text

    def set_text(self, text: str) -> None:
        """Keep only rows whose id, name (catalog or Stripe) or a variant's id or value (e.g.
        "black" for "color BLACK") contains `text` (case-insensitive)."""
        self._typed = text.strip()
        text = self._typed.casefold()
        if text != self._text:
            self._text = text
            self._refilter()

    def set_state(self, state: str) -> None:
        """Keep only rows in this state (a key of STATE_FILTERS)."""
        if state not in STATE_FILTERS:
            raise ValueError(f"unknown state filter {state!r}")
        if state != self._state:
            self._state = state
            self._refilter()

    def _visible(self, start: int = 0, stop: int | None = None) -> list[int] | None:
        """The source rows in [start, stop) that pass the filters (None: no filter, all)."""
        if self._table is None or (not self._text and self._state == "all"):
            return None
        rows = self._table.prepared_rows()[start:stop]
        text, state = self._text, self._state
        if state == "all":
            return [i for i, p in enumerate(rows, start) if text in p.search]
        if not text:
            return [i for i, p in enumerate(rows, start) if state in p.keys]
        return [i for i, p in enumerate(rows, start) if state in p.keys and text in p.search]

    def _refilter(self) -> None:
        """Show the rows passing the filters now, with one layout change (the selection and
        the current row stay on their products, or go when their product is hidden)."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._source_row(i.row()), i.column()) for i in persistent]
        self._shown = self._visible()
        if persistent:
            moved = [self._from_source_row(row, column) for row, column in sources]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def selection_of(self, product_ids: set[str]) -> QItemSelection:
        """The rows shown of these products (the ones the filters hide are left out)."""
        selection = QItemSelection()
        if self._table is None:
            return selection
        last = self.columnCount() - 1
        for product_id in product_ids:
            row = self._table.source_row(product_id)
            index = QModelIndex() if row is None else self._from_source_row(row, 0)
            if index.isValid():
                selection.select(index, self.index(index.row(), last))
        return selection

    def no_match_text(self) -> str | None:
        """What the empty table says when the filters hide every product (None: they do not)."""
        model = self.sourceModel()
        if model is None or model.rowCount() == 0 or self.rowCount() > 0:
            return None
        among = f" among “{STATE_FILTERS[self._state]}”" if self._state != "all" else ""
        if self._text:
            return f"No product matches “{self._typed}”{among}."
        return f"No product is “{STATE_FILTERS[self._state]}”."

    # -- the mapping ----------------------------------------------------------------------------

    def _source_row(self, row: int) -> int:
        return row if self._shown is None else self._shown[row]

    def _from_source_row(self, row: int, column: int) -> QModelIndex:
        shown = self._shown
        if shown is None:
            return self.createIndex(row, column) if row >= 0 else QModelIndex()
        at = bisect_left(shown, row)
        if at < len(shown) and shown[at] == row:
            return self.createIndex(at, column)
        return QModelIndex()

    def mapToSource(self, proxy_index: Index) -> QModelIndex:  # noqa: N802 - Qt's name
        """The source model's index of a proxy index."""
        if self._table is None or not proxy_index.isValid():
            return QModelIndex()
        return self._table.index(self._source_row(proxy_index.row()), proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:  # noqa: N802 - Qt's name
        """The proxy's index of a source index (invalid when the filters hide it)."""
        if not source_index.isValid():
            return QModelIndex()
        return self._from_source_row(source_index.row(), source_index.column())

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """The index of a cell (a flat table: nothing under a valid parent)."""
        table = self._table
        if table is None or parent.isValid() or row < 0 or column < 0:
            return QModelIndex()
        rows = table.rowCount() if self._shown is None else len(self._shown)
        if row >= rows or column >= table.columnCount():
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: Index | None = None) -> Any:  # type: ignore[override]
        """No cell has a parent (a flat table); without an index, the QObject parent."""
        return QObject.parent(self) if index is None else QModelIndex()

    def sibling(self, row: int, column: int, index: Index) -> QModelIndex:
        """The cell at (`row`, `column`) of the same table."""
        return self.index(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """How many products pass the filters."""
        if parent.isValid() or self._table is None:
            return 0
        return self._table.rowCount() if self._shown is None else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The source's columns."""
        return 0 if parent.isValid() or self._table is None else self._table.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        """Only the table itself has rows."""
        return not parent.isValid() and self.rowCount() > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The source cell's data."""
        if self._table is None or not index.isValid():
            return None
        return self._table.cell(self._source_row(index.row()), index.column(), role)

    def multiData(self, index: Index, roleDataSpan: Any) -> None:  # noqa: N802, N803 - Qt's names
        """Every role a paint asks for, in one call (see `ProductTableModel.multiData`)."""
        if self._table is not None and index.isValid():
            self._table.fill_roles(self._source_row(index.row()), index.column(), roleDataSpan)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles from the source; rows are numbered as shown."""
        if orientation == Qt.Orientation.Horizontal and self._table is not None:
            return self._table.headerData(section, orientation, role)
        return QAbstractItemModel.headerData(self, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """The source cell's flags."""
        if self._table is None or not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CELL_FLAGS  # the table's for every cell, without asking it per painted cell

    # -- the source's changes -------------------------------------------------------------------

    def _rows_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._shown is None:
            self.beginInsertRows(QModelIndex(), first, last)

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = self._shown
        if shown is None:
            self.endInsertRows()
            return
        at = _shift(shown, first, last - first + 1)
        new = self._visible(first, last + 1) or []
        if new:
            self.beginInsertRows(QModelIndex(), at, at + len(new) - 1)
            shown[at:at] = new
            self.endInsertRows()

    def _rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = self._shown
        if shown is None:
            self.beginRemoveRows(QModelIndex(), first, last)
            return
        at, end = bisect_left(shown, first), bisect_right(shown, last)
        if end > at:
            self.beginRemoveRows(QModelIndex(), at, end - 1)
            del shown[at:end]
            self.endRemoveRows()

    def _rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        shown = self._shown
        if shown is None:
            self.endRemoveRows()
            return
        _shift(shown, first, -(last - first + 1))

    def _columns_about_to_be_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        self.beginInsertColumns(QModelIndex(), first, last)

    def _columns_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        self.beginRemoveColumns(QModelIndex(), first, last)

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any) -> None:
        shown = self._shown
        first, last = top_left.row(), bottom_right.row()
        if shown is not None:
            at, end = bisect_left(shown, first), bisect_right(shown, last)
            if shown[at:end] != (self._visible(first, last + 1) or []):
                self._refilter()  # a changed row now passes the filters, or no longer does
                return
            if end == at:
                return
            first, last = at, end - 1
        self.dataChanged.emit(
            self.index(first, top_left.column()), self.index(last, bottom_right.column()), roles
        )

    def _layout_about_to_be_changed(self) -> None:
        self.layoutAboutToBeChanged.emit()
        self._saved = [
            (i, QPersistentModelIndex(self.mapToSource(i))) for i in self.persistentIndexList()
        ]

    def _layout_changed(self) -> None:
        saved, self._saved = self._saved, []
        self._shown = self._visible()
        if saved:
            old = [p for p, _ in saved]
            new = [
                self._from_source_row(s.row(), s.column()) if s.isValid() else QModelIndex()
                for _, s in saved
            ]
            self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _model_reset(self) -> None:
        self._shown = self._visible()
        self.endResetModel()


def _shift(shown: list[int], first: int, by: int) -> int:
    """Move the shown source rows from `first` on by `by` (rows inserted or removed before them);
    where they start in `shown`."""
    at = bisect_left(shown, first)
    if at < len(shown):
        shown[at:] = [row + by for row in shown[at:]]
    return at
