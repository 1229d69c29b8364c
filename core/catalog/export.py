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


def _json_stream(store: CatalogStore, fh: IO[str]) -> int:
    """The catalog as {"products": [...], "variants": [...]}, one row at a time."""
    count = 0
    fh.write('{\n  "products": [')
    for count, row in enumerate(_rows(store, store.products), start=1):
        fh.write(("\n    " if count == 1 else ",\n    ") + _json_line(row))
    fh.write('\n  ],\n  "variants": [')
    for number, row in enumerate(_rows(store, store.variants), start=1):
        fh.write(("\n    " if number == 1 else ",\n    ") + _json_line(row))
    fh.write("\n  ]\n}\n")
    return count


def _json_line(row: Mapping[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False, default=_plain)


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

    def rows(fh: IO[str]) -> None:
        writer = csv.writer(fh)
        writer.writerow(_csv_row(columns))
        count = 0
        for row in _rows(store, store.products):
            writer.writerow(_csv_row([row.get(c) for c in columns]))
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
