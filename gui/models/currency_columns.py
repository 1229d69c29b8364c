"""The product table's columns for prices in other currencies (one per currency, e.g. "EUR").

A product's amounts in other currencies come with its plan (what a sync would write); a cell shows
the product's own amount, or its variants' (one amount, or the lowest – highest). A cell whose
amounts differ from Stripe's is highlighted like any other, its tooltip saying Stripe's amount and
who changed it. With no amount in another currency anywhere, there are no such columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt

from core.workspace import FieldDiff, ProductRow, format_money
from gui.models.change_marks import CHANGED_ROLE, change_lines, who_changed

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def extra_currency(field_name: str) -> str | None:
    """The currency of a field naming a price's amount in another currency (`price.eur`,
    `variant:v1.price.eur`), else None."""
    head, _, code = field_name.rpartition(".")
    if len(code) == 3 and code.isalpha() and (head == "price" or head.endswith(".price")):
        return code
    return None


def _local_amounts(row: ProductRow) -> dict[str, list[int]]:
    plan = row.plan
    if plan is None or plan.product is None:
        return {}
    units = [v.currency_amounts for v in plan.variants] or [plan.product.currency_amounts]
    out: dict[str, list[int]] = {}
    for amounts in units:
        for code, amount in amounts.items():
            out.setdefault(code, []).append(amount)
    return out


@dataclass
class CurrencyCell:
    """One row's cell for one currency: text, sort key and the differences it shows."""

    text: str = ""
    sort: int = -1
    diffs: list[FieldDiff] = field(default_factory=list)


def row_cells(row: ProductRow) -> dict[str, CurrencyCell]:
    """The row's cells by currency (only the currencies it has an amount or a difference in)."""
    cells: dict[str, CurrencyCell] = {}
    for code, amounts in _local_amounts(row).items():
        low, high = min(amounts), max(amounts)
        text = format_money(low, code)
        if high != low:
            text += f" – {format_money(high, code)}"
        cells[code] = CurrencyCell(text, low)
    for diff in row.differences:
        other = extra_currency(diff.field)
        if other is not None:
            cells.setdefault(other, CurrencyCell()).diffs.append(diff)
    return cells


def currencies(rows: Iterable[dict[str, CurrencyCell]]) -> list[str]:
    """Every currency some row has a cell in, sorted: the extra columns, none for one currency."""
    return sorted({code for cells in rows for code in cells})


def header(code: str) -> str:
    """The column title, e.g. "EUR"."""
    return code.upper()


def cell_data(cell: CurrencyCell | None, role: int, colors: Any, last_synced: Any) -> Any:
    """What one currency cell shows for `role` (None: nothing)."""
    cell = cell or CurrencyCell()
    differs = bool(cell.diffs)
    if role == Qt.ItemDataRole.DisplayRole:
        return cell.text
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(_RIGHT)
    if role == Qt.ItemDataRole.BackgroundRole:
        return colors.differs_background if differs else None
    if role == Qt.ItemDataRole.ForegroundRole:
        return colors.differs_foreground if differs else None
    if role == CHANGED_ROLE:
        return who_changed(cell.diffs) if differs else None
    if role == Qt.ItemDataRole.ToolTipRole and differs:
        lines = [f"Local: {cell.text or '(none)'}"]
        lines += [f"Stripe: {d.stripe or '(none)'}" for d in cell.diffs]
        return "\n".join(lines + change_lines(cell.diffs, last_synced))
    return None
