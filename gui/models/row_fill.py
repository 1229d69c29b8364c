"""How the product table takes a new set of rows without a model reset (`RowFill`, mixed into
`gui.models.product_table.ProductTableModel`): the products that went are removed, the ones that
changed replaced in place (`dataChanged`), the new ones inserted, then the rows are put back in
order with one layout change if they need it. Each step yields after `CHUNK` rows of work, so
`show_rows` can spread a big catalog over several event-loop turns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from core.workspace import ProductRow
from gui.models import currency_columns as extra
from gui.models.columns import Column
from gui.models.row_prep import PreparedRow, PreparedRows

# Rows prepared, changed or inserted per event-loop turn by `show_rows` (about 10 ms of work).
CHUNK = 500
# Separate removals (runs of adjacent rows) per turn.
_REMOVALS = 50


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """Ascending indexes as (first, last) runs of adjacent ones."""
    out: list[tuple[int, int]] = []
    for i in indexes:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


class RowFill:
    """The steps of replacing every row; the model provides the state and Qt's signals."""

    _rows: list[PreparedRow]
    _index_of: dict[str, int]
    _sort: tuple[int, Qt.SortOrder] | None
    _currencies: list[str]
    dataChanged: Any
    beginRemoveColumns: Callable[..., None]
    endRemoveColumns: Callable[[], None]
    beginInsertColumns: Callable[..., None]
    endInsertColumns: Callable[[], None]
    beginRemoveRows: Callable[..., None]
    endRemoveRows: Callable[[], None]
    beginInsertRows: Callable[..., None]
    endInsertRows: Callable[[], None]
    index: Callable[..., QModelIndex]
    columnCount: Callable[..., int]
    sort: Callable[..., None]
    _move: Callable[[Callable[[], list[PreparedRow]]], None]
    _reindex: Callable[[], None]
    _sort_key: Callable[[PreparedRow, int], Any]

    def _steps(self, rows: Sequence[ProductRow]) -> Iterator[None]:
        given = rows if isinstance(rows, PreparedRows) else None
        shown = {c.row.product_id: c for c in self._rows}
        new: dict[str, PreparedRow] = {}
        made = 0
        for row in rows:
            prepared = given.prepared_for(row) if given is not None else None
            if prepared is None:
                old = shown.get(row.product_id)
                if old is not None and old.row is row:
                    prepared = old
                else:
                    prepared = PreparedRow(row)
                    made += 1
                    if made % CHUNK == 0:
                        yield
            new[row.product_id] = prepared
        self._set_currencies(extra.currencies(p.extra for p in new.values()))
        yield from self._remove_missing(new)
        yield from self._replace(new)
        yield from self._insert(new)
        self._reorder(list(new.values()))

    def _set_currencies(self, codes: list[str]) -> None:
        if codes == self._currencies:
            return
        first = len(Column)
        if self._currencies:
            self.beginRemoveColumns(QModelIndex(), first, first + len(self._currencies) - 1)
            self._currencies = []
            self.endRemoveColumns()
        if codes:
            self.beginInsertColumns(QModelIndex(), first, first + len(codes) - 1)
            self._currencies = codes
            self.endInsertColumns()

    def _remove_missing(self, new: dict[str, PreparedRow]) -> Iterator[None]:
        gone = [i for i, c in enumerate(self._rows) if c.row.product_id not in new]
        for n, (first, last) in enumerate(reversed(_runs(gone)), start=1):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
            if n % _REMOVALS == 0:
                self._reindex()
                yield
        self._reindex()

    def _replace(self, new: dict[str, PreparedRow]) -> Iterator[None]:
        last = self.columnCount() - 1
        for start in range(0, len(self._rows), CHUNK):
            changed = []
            for i in range(start, min(start + CHUNK, len(self._rows))):
                prepared = new[self._rows[i].row.product_id]
                if prepared is not self._rows[i]:
                    self._rows[i] = prepared
                    changed.append(i)
            for first, end in _runs(changed):
                self.dataChanged.emit(self.index(first, 0), self.index(end, last))
            if changed:
                yield

    def _insert(self, new: dict[str, PreparedRow]) -> Iterator[None]:
        fresh = [p for pid, p in new.items() if pid not in self._index_of]
        if self._sort is not None:
            column, order = self._sort
            descending = order == Qt.SortOrder.DescendingOrder
            fresh.sort(key=lambda c: self._sort_key(c, column), reverse=descending)
        for start in range(0, len(fresh), CHUNK):
            part = fresh[start : start + CHUNK]
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(part) - 1)
            self._rows.extend(part)
            for offset, prepared in enumerate(part):
                self._index_of[prepared.row.product_id] = first + offset
            self.endInsertRows()
            if start + CHUNK < len(fresh):
                yield

    def _reorder(self, given: list[PreparedRow]) -> None:
        """Sorted (or in the given order when unsorted), moving rows with a layout change."""
        if self._sort is not None:
            column, order = self._sort
            keys = [self._sort_key(c, column) for c in self._rows]
            pairs = zip(keys, keys[1:], strict=False)
            if order == Qt.SortOrder.DescendingOrder:
                in_order = all(a >= b for a, b in pairs)
            else:
                in_order = all(a <= b for a, b in pairs)
            if not in_order:
                self.sort(column, order)
        elif any(a is not b for a, b in zip(given, self._rows, strict=True)):
            self._move(lambda: given)
