"""The product table: one row per product, local and Stripe values side by side.

Display text and sort keys are computed once per row when rows arrive, so painting, sorting and
filtering stay fast with tens of thousands of products. The model sorts itself (`sort`, by the
native values also exposed as `SORT_ROLE`) with one Python sort instead of the proxy calling
`data()` for every comparison: 10,000 rows sort in milliseconds rather than most of a second.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPalette

from core.workspace import FieldDiff, ProductRow, format_money
from gui.models import currency_columns as extra
from gui.models.change_badges import FRESH_ROLE, ChangeBadges
from gui.models.change_marks import CHANGED_ROLE, change_lines, who_changed
from gui.theme import DiffColors, state_label

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ProductRow
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a native value to sort by
DIFFERS_ROLE = Qt.ItemDataRole.UserRole + 3  # whether this cell's local and Stripe values differ

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    """The table's columns, in order."""

    ID = 0
    NAME = 1
    LOCAL_PRICE = 2
    STRIPE_PRICE = 3
    SELL_STATUS = 4
    STRIPE_STATUS = 5
    STATE = 6
    LAST_SYNCED = 7


HEADERS = {
    Column.ID: "Product",
    Column.NAME: "Name",
    Column.LOCAL_PRICE: "Local price",
    Column.STRIPE_PRICE: "Stripe price",
    Column.SELL_STATUS: "Sell status",
    Column.STRIPE_STATUS: "In Stripe",
    Column.STATE: "State",
    Column.LAST_SYNCED: "Last synced",
}

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _variant_price_differs(field: str) -> bool:
    return field.startswith("variant:") and field.endswith(".price")


def stripe_currency(row: ProductRow) -> str:
    """The currency of the Stripe price: the catalog's, unless the currency itself differs."""
    for diff in row.differences:
        if diff.field == "currency" and diff.stripe:
            return diff.stripe
    return row.currency


def differing_variants(row: ProductRow) -> int:
    """How many of the product's variants have another price (or none) in Stripe."""
    return sum(1 for f in row.differing_fields if _variant_price_differs(f))


def only_variants_differ(row: ProductRow) -> bool:
    """Whether the price difference is in some variants only (the product's own price matches)."""
    fields = row.differing_fields
    return not ({"price", "currency"} & fields) and differing_variants(row) > 0


def column_diffs(row: ProductRow) -> dict[Column, list[FieldDiff]]:
    """The differences each column shows. When only some variants' prices differ, only the Stripe
    price cell shows them (it names the variants, not two equal amounts)."""
    product_price = any(d.field in ("price", "currency") for d in row.differences)
    out: dict[Column, list[FieldDiff]] = {}
    for diff in row.differences:
        if diff.field == "name":
            columns: tuple[Column, ...] = (Column.NAME,)
        elif diff.field in ("price", "currency"):
            columns = (Column.LOCAL_PRICE, Column.STRIPE_PRICE)
        elif _variant_price_differs(diff.field) and not product_price:
            columns = (Column.STRIPE_PRICE,)
        elif diff.field == "metadata.sell_status":
            columns = (Column.SELL_STATUS,)
        elif diff.field == "active":
            columns = (Column.STRIPE_STATUS,)
        else:
            columns = ()
        for column in columns:
            out.setdefault(column, []).append(diff)
    return out


def differing_columns(row: ProductRow) -> frozenset[Column]:
    """The columns whose local and Stripe values differ for this row."""
    return frozenset(column_diffs(row))


def _diff_text(row: ProductRow, prefix: str) -> str | None:
    for diff in row.differences:
        if diff.field == prefix or diff.field.startswith(prefix):
            return diff.stripe
    return None


class _Cached:
    """Per-row display strings and sort keys, computed once."""

    __slots__ = ("changed", "diffs", "differs", "display", "extra", "row", "sort")

    def __init__(self, row: ProductRow) -> None:
        self.row = row
        name = row.name if row.has_local else (row.stripe_name or row.name)
        synced = row.last_synced_at
        stripe_price = money(row.stripe_price_cents, stripe_currency(row))
        if only_variants_differ(row):
            stripe_price = f"{differing_variants(row)} of {len(row.variants)} variants"
        self.display = (
            row.product_id,
            name,
            money(row.local_price_cents, row.currency) if row.has_local else "",
            stripe_price,
            row.sell_status or "",
            row.stripe_status,
            state_label(row.state, row.stripe_status),
            synced.strftime("%Y-%m-%d %H:%M") if synced else "never",
        )
        self.sort: tuple[Any, ...] = (
            row.product_id.lower(),
            name.lower(),
            -1 if row.local_price_cents is None else row.local_price_cents,
            -1 if row.stripe_price_cents is None else row.stripe_price_cents,
            row.sell_status or "",
            row.stripe_status,
            state_label(row.state, row.stripe_status),
            synced.timestamp() if synced else 0.0,
        )
        self.diffs = column_diffs(row)
        self.differs = frozenset(self.diffs)
        self.changed = {column: who_changed(diffs) for column, diffs in self.diffs.items()}
        self.extra = extra.row_cells(row)  # prices in other currencies (currency_columns)


class ProductTableModel(QAbstractTableModel):
    """A table model over `ProductRow`s; `set_rows` replaces them all, `update_rows` some."""

    def __init__(self, colors: DiffColors | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[_Cached] = []
        self._index_of: dict[str, int] = {}
        self._colors = colors or DiffColors.from_palette(QPalette())
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self.badges = ChangeBadges()  # rows changed in Stripe since the operator last looked
        self._currencies: list[str] = []  # one more column each, after the fixed ones

    # -- data in --------------------------------------------------------------------------------

    def set_rows(self, rows: list[ProductRow]) -> None:
        """Replace every row (a model reset)."""
        self.beginResetModel()
        self._rows = [_Cached(row) for row in rows]
        self._currencies = extra.currencies(c.extra for c in self._rows)
        self._apply_sort()
        self.endResetModel()

    def update_rows(self, rows: list[ProductRow]) -> None:
        """Replace the given products' rows in place (dataChanged per row); unknown ids are added."""
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
            self._rows[i] = _Cached(row)
            self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for offset, row in enumerate(new):
                self._rows.append(_Cached(row))
                self._index_of[row.product_id] = first + offset
            self.endInsertRows()
        if self._sort is not None:
            self.sort(*self._sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by a column's native values (stable); selections follow their rows."""
        if not 0 <= column < self.columnCount():
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].row.product_id for i in persistent]
        self._apply_sort()
        moved = [
            self.index(self._index_of[pid], i.column())
            for pid, i in zip(ids, persistent, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        if self._sort is not None:
            column, order = self._sort
            descending = order == Qt.SortOrder.DescendingOrder
            self._rows.sort(key=lambda c: self._sort_key(c, column), reverse=descending)
        self._index_of = {c.row.product_id: i for i, c in enumerate(self._rows)}

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

    def row_at(self, source_row: int) -> ProductRow:
        """The product shown in source row `source_row`."""
        return self._rows[source_row].row

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

    def _sort_key(self, cached: _Cached, column: int) -> Any:
        if column < len(Column):
            return cached.sort[column]
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
                return int(self._align(Column(section)))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip, colours, alignment, the row itself and sort keys for one cell."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        cached = self._rows[index.row()]
        col = index.column()
        if col >= len(Column):
            if role in (SORT_ROLE, ROW_ROLE):
                return self._sort_key(cached, col) if role == SORT_ROLE else cached.row
            cell = cached.extra.get(self._currencies[col - len(Column)])
            if role == DIFFERS_ROLE:
                return bool(cell and cell.diffs)
            return extra.cell_data(cell, role, self._colors, cached.row.last_synced_at)
        if role == Qt.ItemDataRole.DisplayRole:
            return cached.display[col]
        if role == SORT_ROLE:
            return cached.sort[col]
        if role == ROW_ROLE:
            return cached.row
        column = Column(col)
        if role == DIFFERS_ROLE:
            return column in cached.differs
        if role == CHANGED_ROLE:
            return cached.changed.get(column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._colors.differs_background if column in cached.differs else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.STATE:
                return self._colors.state_text.get(cached.row.state)
            return self._colors.differs_foreground if column in cached.differs else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.badges.tooltip(cached.row, col, self._tooltip(cached, column))
        if role == Qt.ItemDataRole.FontRole:
            return self.badges.font(cached.row)
        if role == FRESH_ROLE:
            return self.badges.is_fresh(cached.row.product_id)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self._align(column))
        return None

    @staticmethod
    def _align(column: Column) -> Qt.AlignmentFlag:
        return _RIGHT if column in (Column.LOCAL_PRICE, Column.STRIPE_PRICE) else _LEFT

    @classmethod
    def _tooltip(cls, cached: _Cached, column: Column) -> str | None:
        values = cls._values_tooltip(cached, column)
        diffs = cached.diffs.get(column)
        if values is None or not diffs:
            return values
        return "\n".join([values, *change_lines(diffs, cached.row.last_synced_at)])

    @staticmethod
    def _values_tooltip(cached: _Cached, column: Column) -> str | None:
        row = cached.row
        if column == Column.STATE:
            if row.error:
                return f"Last sync failed: {row.error}"
            if row.not_ready_reason:
                return f"Not ready: {row.not_ready_reason}"
            lines = []
            if row.note:
                lines.append(row.note)
            if row.differences:
                lines.append("Differs in: " + ", ".join(d.field for d in row.differences))
            if only_variants_differ(row):
                lines.append(
                    f"{differing_variants(row)} of {len(row.variants)} variants have another "
                    "price in Stripe"
                )
            return "\n".join(lines) or None
        if column not in cached.differs:
            return None
        if column == Column.NAME:
            return f"Stripe: {_diff_text(row, 'name') or row.stripe_name or '(none)'}"
        if column in (Column.LOCAL_PRICE, Column.STRIPE_PRICE):
            remote_currency = stripe_currency(row)
            lines = [f"Local: {cached.display[Column.LOCAL_PRICE] or '(none)'}"]
            stripe_price = money(row.stripe_price_cents, remote_currency)
            lines.append(f"Stripe: {stripe_price or '(no price)'}")
            if only_variants_differ(row):
                lines.append(f"{differing_variants(row)} of {len(row.variants)} variants differ:")
            for variant in row.variants:
                if variant.differs:
                    local = money(variant.local_price_cents, variant.currency)
                    remote = money(variant.stripe_price_cents, remote_currency)
                    lines.append(f"{variant.label}: {local} here, {remote or 'none'} in Stripe")
            return "\n".join(lines)
        if column == Column.SELL_STATUS:
            value = _diff_text(row, "metadata.sell_status") or row.stripe_sell_status
            return f"Stripe: {value or '(not set)'}"
        if column == Column.STRIPE_STATUS:
            return f"Stripe: {_diff_text(row, 'active') or row.stripe_status}"
        return None


def money(cents: int | None, currency: str) -> str:
    """An amount for a cell: `$120.00`, or empty when there is none."""
    return "" if cents is None else format_money(cents, currency)
