"""Filtering and sorting the product table: text over id, name and variants, and a state filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from core.workspace import ProductRow
from gui.models.change_marks import changed_in_stripe
from gui.models.product_table import SORT_ROLE, ProductTableModel
from gui.models.row_prep import PreparedRow, searchable

__all__ = ["STATE_FILTERS", "ProductFilterProxy", "matches_state", "searchable"]

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


def matches_state(row: ProductRow, state: str) -> bool:
    """Whether a row belongs under a state filter key."""
    if state == "all":
        return True
    if state == "failed":
        return row.state == "failed" or row.error is not None
    if state == "changed_in_stripe":
        return bool(row.differences) and bool(changed_in_stripe(row.differences))
    return row.state == state


def _matches_prepared(prepared: PreparedRow, state: str) -> bool:
    if state == "changed_in_stripe":
        return prepared.changed_in_stripe
    return matches_state(prepared.row, state)


class ProductFilterProxy(QSortFilterProxyModel):
    """Keeps rows matching the text and state filters; sorting is passed to the source model.

    The proxy itself never sorts (its sort column stays -1, so it keeps the source order): the
    source model sorts its rows in one Python sort by the same native values as `SORT_ROLE`.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._typed = ""  # the search as typed, for the empty table's message
        self._state = "all"
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._table: ProductTableModel | None = None
        self._everything = True  # no filter: every row passes (checked first, once per row)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802 - Qt's name
        """Filter and sort `model` (a `ProductTableModel` is filtered by its prepared rows)."""
        self._table = model if isinstance(model, ProductTableModel) else None
        self._note_filters()
        super().setSourceModel(model)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (the source model reorders; the view's header drives this)."""
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)
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
            self.beginFilterChange()
            self._text = text
            self._note_filters()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state(self, state: str) -> None:
        """Keep only rows in this state (a key of STATE_FILTERS)."""
        if state not in STATE_FILTERS:
            raise ValueError(f"unknown state filter {state!r}")
        if state != self._state:
            self.beginFilterChange()
            self._state = state
            self._note_filters()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Whether a source row passes both filters (called once per row: kept cheap; with
        30,000 rows, every sort or new order calls it 30,000 times)."""
        if self._everything or self._table is None:
            return True
        prepared = self._table.prepared_at(source_row)
        if self._state != "all" and not _matches_prepared(prepared, self._state):
            return False
        return not self._text or self._text in prepared.search

    def _note_filters(self) -> None:
        self._everything = self._table is None or (not self._text and self._state == "all")

    def no_match_text(self) -> str | None:
        """What the empty table says when the filters hide every product (None: they do not)."""
        model = self.sourceModel()
        if model is None or model.rowCount() == 0 or self.rowCount() > 0:
            return None
        among = f" among “{STATE_FILTERS[self._state]}”" if self._state != "all" else ""
        if self._text:
            return f"No product matches “{self._typed}”{among}."
        return f"No product is “{STATE_FILTERS[self._state]}”."
