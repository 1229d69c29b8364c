"""An import row's prices in other currencies: JSON `"currency_amounts": {"eur": 2345}` on a
product or a variant (the unit's whole set), or CSV columns `price_eur`, `price_jpy` … on a
product (each column sets that currency; a blank cell removes it).

Amounts are whole numbers in each currency's smallest unit (cents; yen for JPY, which has no
minor unit), checked by the same rule a sync applies (core.domain.row_rules).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog import amounts as stored_amounts
from core.domain.row_rules import RowProblem, check_currency_amounts

if TYPE_CHECKING:
    from core.catalog.import_read import Row

JSON_KEY = "currency_amounts"
CSV_PREFIX = "price_"
# One unit whose amounts an import changed: (is a variant, product id, row id, before, after).
AmountChange = tuple[bool, str, str, dict[str, int], dict[str, int]]


@dataclass(frozen=True)
class GivenAmounts:
    """What a row says of its amounts in other currencies: currency → amount (None: remove it);
    `whole`: the row gives its whole set (JSON), so currencies it leaves out are removed."""

    amounts: dict[str, int | None]
    whole: bool


def _is_price_column(key: str, columns: Collection[str]) -> bool:
    return key.startswith(CSV_PREFIX) and len(key) == len(CSV_PREFIX) + 3 and key not in columns


def take(
    raw: dict[str, Any], columns: Collection[str], own: str | None
) -> tuple[dict[str, Any], GivenAmounts | None, list[RowProblem]]:
    """(the row without its currency amounts, what it says of them or None, problems).

    `columns`: the shop's table's columns (a column of its own named `price_eur` stays a column);
    `own`: the row's own currency (the catalog's, or the row's `currency`), which cannot be an
    extra one.
    """
    problems: list[RowProblem] = []
    if JSON_KEY in raw and JSON_KEY not in columns:
        rest = {k: v for k, v in raw.items() if k != JSON_KEY}
        given = raw[JSON_KEY]
        if given is None:
            return rest, GivenAmounts({}, whole=True), problems
        if not isinstance(given, dict):
            problems.append(
                RowProblem(JSON_KEY, 'must be an object such as {"eur": 2345, "jpy": 2300}')
            )
            return rest, None, problems
        ints = {k: v for k, v in given.items() if not isinstance(v, bool)}
        bad = [k for k, v in given.items() if isinstance(v, bool)]
        problems += [RowProblem(f"{JSON_KEY}.{k}", "must be a whole number") for k in bad]
        checked = check_currency_amounts(ints, own, problems, JSON_KEY)
        return rest, GivenAmounts(dict(checked), whole=True), problems
    cells = {k: v for k, v in raw.items() if _is_price_column(k, columns)}
    if not cells:
        return raw, None, problems
    rest = {k: v for k, v in raw.items() if k not in cells}
    amounts: dict[str, int | None] = {}
    values: dict[str, Any] = {}
    for key, value in cells.items():
        code = key[len(CSV_PREFIX) :]
        text = value.strip(" ") if isinstance(value, str) else value
        if text in ("", None):
            amounts[code.lower()] = None
            continue
        values[code] = int(text) if isinstance(text, str) and text.isdigit() else text
    found: list[RowProblem] = []
    checked = check_currency_amounts(values, own, found, "price")
    problems += [RowProblem(p.field.replace("price.", CSV_PREFIX, 1), p.message) for p in found]
    amounts.update(checked)
    return rest, GivenAmounts(amounts, whole=False), problems


def merged(stored: dict[str, int], given: GivenAmounts) -> dict[str, int]:
    """The unit's amounts after the import: the row's set, or the stored ones with its columns."""
    base = {} if given.whole else dict(stored)
    for code, amount in given.amounts.items():
        if amount is None:
            base.pop(code, None)
        else:
            base[code] = amount
    return dict(sorted(base.items()))


def write_amounts(conn: Connection, table: sa.Table, rows: Sequence[Row]) -> list[AmountChange]:
    """Write the prices in other currencies the rows give; returns the units that changed."""
    given = [r for r in rows if r.amounts is not None]
    if not given:
        return []
    pids = {str(r.values.get("product_id") or r.values["id"]) for r in given}
    stored = stored_amounts.load(conn, table, sorted(pids))
    changed: list[AmountChange] = []
    for row in given:
        assert row.amounts is not None
        is_variant = row.section == "variants"
        rid = str(row.values["id"])
        pid = str(row.values["product_id"]) if is_variant else rid
        unit = rid if is_variant else stored_amounts.PRODUCT_UNIT
        old = stored.get(pid, {}).get(unit, {})
        new = merged(old, row.amounts)
        if new != old:
            stored_amounts.replace(conn, table, pid, unit, new)
            changed.append((is_variant, pid, rid, old, new))
    return changed
