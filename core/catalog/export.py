"""Export the catalog, or the current differences with Stripe, to CSV or JSON (by file extension)."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from core.catalog import amounts
from core.catalog.cells import plain
from core.catalog.csv_safety import escape_cell, number_cell
from core.catalog.db import read_transaction
from core.catalog.errors import CatalogError
from core.catalog.store import CatalogStore


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise CatalogError(
            f"Cannot export to {path.name}: unknown file type.", hint="Use a .json or .csv file."
        )
    return suffix[1:]


def _plain(value: Any) -> Any:
    return plain(value)


def _write(path: Path, fill: Callable[[IO[str]], object]) -> None:
    """Write the file through `fill`, all or nothing: into a temporary file beside it, renamed
    over `path` only when complete. A folder that does not exist, no permission, a full disk …
    → CatalogError naming the file, and `path` is left as it was."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with temporary.open("w", newline="", encoding="utf-8") as fh:
            fill(fh)
        os.replace(temporary, path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise CatalogError(
            f"Cannot write {path}: {err.strerror or err}.",
            hint="Check that the folder exists, you may write there and the disk has room; "
            "nothing was written.",
        ) from None


def _rows(store: CatalogStore, table: sa.Table) -> Iterator[dict[str, Any]]:
    """A table's rows by id, streamed a few hundred at a time (memory stays flat)."""
    with read_transaction(store.engine) as conn:
        query = sa.select(table).order_by(table.c.id)
        for row in conn.execution_options(stream_results=True, yield_per=500).execute(query):
            yield dict(row._mapping)


def _with_amounts(
    store: CatalogStore, rows: Iterator[dict[str, Any]], variants: bool
) -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
    """Each row with its prices in other currencies, read for a few hundred rows at a time."""
    batch: list[dict[str, Any]] = []

    def flush() -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
        pids = [str(r["product_id"] if variants else r["id"]) for r in batch]
        with read_transaction(store.engine) as conn:
            found = amounts.load(conn, store.amounts_table, pids)
        for row, pid in zip(batch, pids, strict=True):
            unit = str(row["id"]) if variants else amounts.PRODUCT_UNIT
            yield row, found.get(pid, {}).get(unit, {})
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= 500:
            yield from flush()
    yield from flush()


def _json_stream(store: CatalogStore, fh: IO[str]) -> int:
    """The catalog as {"products": [...], "variants": [...]}, one row at a time; a row with
    prices in other currencies carries them as `currency_amounts`."""
    count = 0
    fh.write('{\n  "products": [')
    products = _with_amounts(store, _rows(store, store.products), variants=False)
    for count, (row, extra) in enumerate(products, start=1):
        fh.write(("\n    " if count == 1 else ",\n    ") + _json_line(row, extra))
    fh.write('\n  ],\n  "variants": [')
    variants = _with_amounts(store, _rows(store, store.variants), variants=True)
    for number, (row, extra) in enumerate(variants, start=1):
        fh.write(("\n    " if number == 1 else ",\n    ") + _json_line(row, extra))
    fh.write("\n  ]\n}\n")
    return count


def _json_line(row: Mapping[str, Any], extra: Mapping[str, int] | None = None) -> str:
    data = {k: _plain(v) for k, v in row.items()}
    if extra:
        data["currency_amounts"] = dict(extra)
    return json.dumps(data, ensure_ascii=False, default=_plain)


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_plain) + "\n"


def _cell(value: Any) -> str:
    """One CSV cell, never a live spreadsheet formula (core.catalog.csv_safety): text starting
    with = + - @ tab or CR gets a leading ', numbers stay numbers; import reverses it exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return number_cell(value)
    if isinstance(value, dict | list):
        return escape_cell(json.dumps(value, sort_keys=True))
    return escape_cell(str(_plain(value)))


def _csv_row(values: Sequence[Any]) -> list[str]:
    return [_cell(v) for v in values]


def export_catalog(store: CatalogStore, path: str | Path) -> int:
    """Write every product (JSON: with variants; CSV: products only); returns products written.

    Prices in other currencies: JSON `currency_amounts` on a product or variant; CSV a column
    `price_<currency>` per currency some product has (variants' are in the JSON only).

    The JSON file imports back unchanged (`import` of an export changes nothing). Rows are
    streamed from the database, so memory stays flat whatever the catalog's size.
    """
    path = Path(path)
    kind = _kind(path)
    counted: list[int] = []
    if kind == "json":
        _write(path, lambda fh: counted.append(_json_stream(store, fh)))
        return counted[0]
    columns = [c.name for c in store.products.columns]
    with read_transaction(store.engine) as conn:
        currencies = amounts.product_currencies(conn, store.amounts_table)

    def rows(fh: IO[str]) -> None:
        writer = csv.writer(fh)
        writer.writerow(_csv_row(columns + [f"price_{c}" for c in currencies]))
        count = 0
        for row, extra in _with_amounts(store, _rows(store, store.products), variants=False):
            cells = [row.get(c) for c in columns] + [extra.get(c) for c in currencies]
            writer.writerow(_csv_row(cells))
            count += 1
        counted.append(count)

    _write(path, rows)
    return counted[0]


def export_diff(records: Sequence[Mapping[str, Any]], path: str | Path) -> int:
    """Write the local-vs-Stripe differences (the `status --json` records of
    `core.reconcile.report`), one line per field in CSV; returns the records written."""
    path = Path(path)
    kind = _kind(path)
    if kind == "json":
        text = _json_text(records)
        _write(path, lambda fh: fh.write(text))
        return len(records)
    _write(path, lambda fh: _diff_csv(fh, records))
    return len(records)


def _diff_csv(fh: IO[str], records: Sequence[Mapping[str, Any]]) -> None:
    writer = csv.writer(fh)
    writer.writerow(
        _csv_row(["id", "state", "field", "local", "stripe", "last_written", "changed", "note"])
    )
    for item in records:
        note = item.get("reason") or item.get("error") or item.get("note") or ""
        if not item["differences"]:
            writer.writerow(_csv_row([item["id"], item["state"], "", "", "", "", "", note]))
        for d in item["differences"]:
            shown = [
                d.get(f"{side}_text", d.get(side)) for side in ("local", "stripe", "last_written")
            ]
            writer.writerow(
                _csv_row([item["id"], item["state"], d["field"], *shown, d.get("changed"), note])
            )
