"""Export the catalog, or the current differences with Stripe, to CSV or JSON (by file extension)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from core.catalog.cells import plain
from core.catalog.errors import CatalogError
from core.catalog.store import CatalogStore
from core.reconcile.rows import ProductRow


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
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(_plain(value))


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
            writer.writerow(columns)
            for r in records:
                writer.writerow([_cell(r.product.get(c)) for c in columns])

        _write(path, rows)
    return len(records)


def diff_records(rows: Sequence[ProductRow]) -> list[dict[str, Any]]:
    """Rows as the `status --json` shape: id, state and each differing field."""
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row.product_id,
            "state": row.state,
            "differences": [
                {"field": d.field, "local": d.local, "stripe": d.stripe} for d in row.differences
            ],
        }
        if row.not_ready_reason:
            item["reason"] = row.not_ready_reason
        if row.error:
            item["error"] = row.error
        if row.note:
            item["note"] = row.note
        out.append(item)
    return out


def export_diff(rows: Sequence[ProductRow], path: str | Path) -> int:
    """Write the local-vs-Stripe differences, one line per field in CSV; returns rows written."""
    path = Path(path)
    kind = _kind(path)
    records = diff_records(rows)
    if kind == "json":
        text = _json_text(records)
        _write(path, lambda fh: fh.write(text))
        return len(records)
    _write(path, lambda fh: _diff_csv(fh, records))
    return len(records)


def _diff_csv(fh: IO[str], records: list[dict[str, Any]]) -> None:
    writer = csv.writer(fh)
    writer.writerow(["id", "state", "field", "local", "stripe", "note"])
    for item in records:
        note = item.get("reason") or item.get("error") or item.get("note") or ""
        if not item["differences"]:
            writer.writerow([item["id"], item["state"], "", "", "", note])
        for d in item["differences"]:
            writer.writerow(
                [item["id"], item["state"], d["field"], _cell(d["local"]), _cell(d["stripe"]), note]
            )
