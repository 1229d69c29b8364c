"""Filtering and sorting the product table: text over id and name, and a state filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from core.rows import ProductRow
from gui.models.product_table import SORT_ROLE, ProductTableModel

# State filter: key -> label, in the order the filter bar offers them.
STATE_FILTERS: dict[str, str] = {
    "all": "All products",
    "differs": "Differs",
    "missing": "Missing in Stripe",
    "archived": "Archived",
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
    return row.state == state


class ProductFilterProxy(QSortFilterProxyModel):
    """Sorts by the model's native sort keys and keeps rows matching the text and state filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._state = "all"
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    @property
    def state(self) -> str:
        """The current state filter key."""
        return self._state

    @property
    def text(self) -> str:
        """The current search text."""
        return self._text

    def set_text(self, text: str) -> None:
        """Keep only rows whose id or name contains `text` (case-insensitive)."""
        text = text.strip().casefold()
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
        if not self._text:
            return True
        return self._text in row.product_id.casefold() or self._text in (
            row.name.casefold() + "\n" + (row.stripe_name or "").casefold()
        )
