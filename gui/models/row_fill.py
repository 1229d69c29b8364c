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
from gui.models.row_prep import PreparedRow, PreparedRows, RowSummary

# Rows prepared, changed, inserted or removed per event-loop turn by `show_rows` (about 10 ms of
# work, whatever the catalog's size: no turn walks all the rows while painting waits).
CHUNK = 500
# Rows only looked at (already prepared, unchanged) per turn: about a fifth of the work of
# preparing one.
_SCAN = CHUNK * 4
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
    _move: Callable[[list[int]], None]
    _ids: dict[str, int] | None
    _summary: RowSummary | None
    _reindex: Callable[[], None]
    _sort_keys: Callable[[Sequence[PreparedRow], int], list[Any]]

    def _steps(self, rows: Sequence[ProductRow]) -> Iterator[None]:
        # Every pass below walks at most _SCAN rows per turn: touching all 30,000 rows in one go
        # (even only to read their ids) took 30-100 ms on a busy machine. Rows already shown are
        # found through the id index (no second map of the old rows: they are then freed a chunk
        # at a time as they are replaced, never all at once).
        self._summary = None  # counted again when asked, unless the rows bring theirs
        if self._ids is None:
            yield from self._build_index()
        index = self._index_of
        given = rows if isinstance(rows, PreparedRows) else None
        new: dict[str, PreparedRow] = {}
        fresh: list[PreparedRow] = []  # not shown yet
        extras = []  # the rows' cells in other currencies, for the currency columns
        work = 0
        for row in rows:
            i = index.get(row.product_id)
            prepared = given.prepared_for(row) if given is not None else None
            if prepared is None:
                old = None if i is None else self._rows[i]
                if old is not None and old.row is row:
                    prepared = old
                else:
                    prepared = PreparedRow(row)
                    work += _SCAN // CHUNK
            if i is None and row.product_id not in new:
                fresh.append(prepared)
            new[row.product_id] = prepared
            if prepared.extra:
                extras.append(prepared.extra)
            work += 1
            if work >= _SCAN:
                work = 0
                yield
        self._set_currencies(extra.currencies(extras))
        yield from self._remove_missing(new)
        yield from self._replace(new)
        yield from self._insert(fresh)
        yield from self._reorder(new)
        if self._ids is None:  # rows moved: the id index again, before anyone looks a row up
            yield from self._build_index()
        if given is not None and len(new) == len(rows):
            self._summary = given.summary
        yield  # what follows the rows (`show_rows`' `then`) gets a turn of its own

    def _build_index(self) -> Iterator[None]:
        """The id index worked out again, _SCAN rows per turn."""
        ids: dict[str, int] = {}
        rows = self._rows
        for start in range(0, len(rows), _SCAN):
            part = rows[start : start + _SCAN]
            ids.update((c.row.product_id, i) for i, c in enumerate(part, start))
            yield
        self._ids = ids

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
        gone: list[int] = []
        rows = self._rows
        for start in range(0, len(rows), _SCAN):
            part = rows[start : start + _SCAN]
            gone += (i for i, c in enumerate(part, start) if c.row.product_id not in new)
            yield
        if not gone:
            return
        runs = removed = 0
        for first, last in reversed(_runs(gone)):
            while last >= first:  # a long run goes CHUNK rows at a time, from its end
                start = max(first, last - CHUNK + 1)
                self.beginRemoveRows(QModelIndex(), start, last)
                del self._rows[start : last + 1]  # those rows are freed now, a chunk at most
                self.endRemoveRows()
                runs, removed, last = runs + 1, removed + last - start + 1, start - 1
                if runs >= _REMOVALS or removed >= CHUNK:
                    runs = removed = 0
                    yield
        self._reindex()
        yield from self._build_index()

    def _replace(self, new: dict[str, PreparedRow]) -> Iterator[None]:
        last = self.columnCount() - 1
        changed_since = 0
        for start in range(0, len(self._rows), CHUNK):
            changed = []
            for i in range(start, min(start + CHUNK, len(self._rows))):
                shown = self._rows[i]
                prepared = new[shown.row.product_id]
                if prepared is not shown:
                    self._rows[i] = prepared
                    if not prepared.looks_like(shown):  # the same look: nothing to repaint
                        changed.append(i)
            for first, end in _runs(changed):
                self.dataChanged.emit(self.index(first, 0), self.index(end, last))
            changed_since += len(changed) * (_SCAN // CHUNK) + CHUNK
            if changed_since >= _SCAN:
                changed_since = 0
                yield

    def _insert(self, fresh: list[PreparedRow]) -> Iterator[None]:
        if not fresh:
            return
        if self._sort is not None:
            column, order = self._sort
            keys = self._sort_keys(fresh, column)
            fresh = [fresh[i] for i in sorted_positions(keys, order)]
            yield
        index = self._index_of
        for start in range(0, len(fresh), CHUNK):
            part = fresh[start : start + CHUNK]
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(part) - 1)
            self._rows.extend(part)
            for offset, prepared in enumerate(part):
                index[prepared.row.product_id] = first + offset
            self.endInsertRows()
            yield

    def _reorder(self, new: dict[str, PreparedRow]) -> Iterator[None]:
        """Sorted (or in the given order when unsorted), moving rows with a layout change."""
        if self._sort is not None:
            column, order = self._sort
            keys: list[Any] = []
            for start in range(0, len(self._rows), _SCAN):
                keys += self._sort_keys(self._rows[start : start + _SCAN], column)
                yield
            if not in_order(keys, order):
                self._move(sorted_positions(keys, order))
        elif any(a is not b for a, b in zip(new.values(), self._rows, strict=True)):
            yield
            index = self._index_of
            self._move([index[pid] for pid in new])


def in_order(keys: list[Any], order: Qt.SortOrder) -> bool:
    """Whether `keys` are already sorted in `order`."""
    pairs = zip(keys, keys[1:], strict=False)
    if order == Qt.SortOrder.DescendingOrder:
        return all(a >= b for a, b in pairs)
    return all(a <= b for a, b in pairs)


def sorted_positions(keys: list[Any], order: Qt.SortOrder) -> list[int]:
    """The positions of `keys` in sorted order (stable, also descending)."""
    descending = order == Qt.SortOrder.DescendingOrder
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
