"""Export the catalog, or the current differences with Stripe, to CSV or JSON (by file extension)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from core.catalog.cells import plain
from core.catalog.csv_safety import escape_cell, number_cell
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
    """Write the file through `fill`; a folder that does not exist, no permission … →
    CatalogError naming the file."""
    try:
        with path.open("w", newline="", encoding="utf-8") as fh:
            fill(fh)
    except OSError as err:
        raise CatalogError(
            f"Cannot write {path}: {err.strerror or err}.",
            hint="Check that the folder exists and you may write there.",
        ) from None


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

    The JSON file imports back unchanged (`import` of an export changes nothing).
    """
    path = Path(path)
    kind = _kind(path)
    records = store.list_records()
    if kind == "json":
        data = {
            "products": [{k: _plain(v) for k, v in r.product.items()} for r in records],
            "variants": [{k: _plain(v) for k, v in v.items()} for r in records for v in r.variants],
        }
        text = _json_text(data)
        _write(path, lambda fh: fh.write(text))
    else:
        columns = [c.name for c in store.products.columns]

        def rows(fh: IO[str]) -> None:
            writer = csv.writer(fh)
            writer.writerow(_csv_row(columns))
            for r in records:
                writer.writerow(_csv_row([r.product.get(c) for c in columns]))

        _write(path, rows)
    return len(records)


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
