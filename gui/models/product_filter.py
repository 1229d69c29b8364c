"""Filtering and sorting the product table: text over id, name and variants, and a state filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from core.workspace import ProductRow
from gui.models.change_marks import changed_in_stripe
from gui.models.product_table import SORT_ROLE, ProductTableModel

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
        return bool(changed_in_stripe(row.differences))
    return row.state == state


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
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

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
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_state(self, state: str) -> None:
        """Keep only rows in this state (a key of STATE_FILTERS)."""
        if state not in STATE_FILTERS:
            raise ValueError(f"unknown state filter {state!r}")
        if state != self._state:
            self.beginFilterChange()
            self._state = state
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Whether a source row passes both filters."""
        model = self.sourceModel()
        if not isinstance(model, ProductTableModel):
            return True
        row = model.row_at(source_row)
        if not matches_state(row, self._state):
            return False
        return not self._text or self._text in searchable(row)

    def no_match_text(self) -> str | None:
        """What the empty table says when the filters hide every product (None: they do not)."""
        model = self.sourceModel()
        if model is None or model.rowCount() == 0 or self.rowCount() > 0:
            return None
        among = f" among “{STATE_FILTERS[self._state]}”" if self._state != "all" else ""
        if self._text:
            return f"No product matches “{self._typed}”{among}."
        return f"No product is “{STATE_FILTERS[self._state]}”."


def searchable(row: ProductRow) -> str:
    """The text the search looks in: id, names, and each variant's id and label, case-folded.
    Lines keep one field's end from joining the next one's start into a false match."""
    parts = [row.product_id, row.name, row.stripe_name or ""]
    for variant in row.variants:
        parts += [variant.variant_id, variant.label]
    return "\n".join(parts).casefold()
