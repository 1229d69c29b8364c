"""Export the catalog, or the current differences with Stripe, to CSV or JSON (by file extension)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core.catalog.errors import CatalogError
from core.catalog.store import CatalogStore
from core.rows import ProductRow


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise CatalogError(
            f"Cannot export to {path.name}: unknown file type.", hint="Use a .json or .csv file."
        )
    return suffix[1:]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


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
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        columns = [c.name for c in store.products.columns]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for r in records:
                writer.writerow([_cell(r.product.get(c)) for c in columns])
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
        out.append(item)
    return out


def export_diff(rows: Sequence[ProductRow], path: str | Path) -> int:
    """Write the local-vs-Stripe differences, one line per field in CSV; returns rows written."""
    path = Path(path)
    kind = _kind(path)
    records = diff_records(rows)
    if kind == "json":
        path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return len(records)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "state", "field", "local", "stripe", "note"])
        for item in records:
            note = item.get("reason") or item.get("error") or ""
            if not item["differences"]:
                writer.writerow([item["id"], item["state"], "", "", "", note])
            for d in item["differences"]:
                writer.writerow(
                    [
                        item["id"],
                        item["state"],
                        d["field"],
                        _cell(d["local"]),
                        _cell(d["stripe"]),
                        note,
                    ]
                )
    return len(records)
