"""Import a catalog file: JSON `{"products": [...], "variants": [...]}` or a CSV of products.

Everything is checked before anything is written; the writes are one transaction, so a malformed
file or row imports nothing. Rows are upserted: importing the same file twice changes nothing, and
the report counts inserted, updated and unchanged rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from core.catalog.db import write_transaction
from core.catalog.errors import ImportFileError
from core.catalog.store import CatalogStore
from core.catalog.validate import ProductIn, VariantIn, plain_errors

# Columns the tool manages itself: accepted in a file (an export re-imports) but not written.
_MANAGED = ("updated_at", "last_synced_at")


@dataclass
class Counts:
    """Rows inserted, updated and left unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import did."""

    file: str
    products: Counts = field(default_factory=Counts)
    variants: Counts = field(default_factory=Counts)
    ignored_columns: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the operator."""
        p, v = self.products, self.variants
        text = (
            f"Imported {self.file}: products {p.inserted} inserted, {p.updated} updated, "
            f"{p.unchanged} unchanged; variants {v.inserted} inserted, {v.updated} updated, "
            f"{v.unchanged} unchanged."
        )
        if self.ignored_columns:
            text += f" Ignored (no such column): {', '.join(self.ignored_columns)}."
        return text


@dataclass(frozen=True)
class _Row:
    number: int  # 1-based within its section
    section: str  # "products" or "variants"
    values: dict[str, Any]  # only the fields the file gave


def import_file(store: CatalogStore, path: str | Path) -> ImportReport:
    """Import a .json or .csv catalog file into the store (see the module docstring)."""
    path = Path(path)
    name = path.name
    products, variants = _read(path, name)
    product_rows = _validate(name, "products", products, ProductIn, store, "products")
    variant_rows = _validate(name, "variants", variants, VariantIn, store, "variants")
    _check_duplicates(name, product_rows)
    _check_duplicates(name, variant_rows)
    report = ImportReport(file=name)
    ignored: set[str] = set()
    try:
        with write_transaction(store.engine) as conn:
            known = {r.values["id"] for r in product_rows}
            known |= _existing_ids(
                conn, store.products, [r.values["variant_pid"] for r in variant_rows]
            )
            for row in variant_rows:
                pid = row.values["variant_pid"]
                if pid not in known:
                    raise ImportFileError(
                        name,
                        f"no product {pid!r} in the file or the catalog",
                        row=row.number,
                        record_id=row.values["id"],
                        field="product_id",
                        section="variants",
                    )
            _upsert_rows(conn, store.products, product_rows, report.products, ignored, name)
            _upsert_rows(conn, store.variants, variant_rows, report.variants, ignored, name)
    except SQLAlchemyError as err:
        raise ImportFileError(name, f"the database refused the import: {_first_line(err)}") from err
    report.ignored_columns = sorted(ignored)
    return report


def _read(path: Path, name: str) -> tuple[list[Any], list[Any]]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ImportFileError(name, "unknown file type; use a .json or .csv file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as err:
        raise ImportFileError(name, "no such file") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ImportFileError(name, f"cannot be read ({err})") from err
    if suffix == ".csv":
        return _read_csv(text, name), []
    return _read_json(text, name)


def _read_json(text: str, name: str) -> tuple[list[Any], list[Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportFileError(
            name, f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
        ) from err
    if not isinstance(data, dict):
        raise ImportFileError(name, 'must be a JSON object with a "products" list')
    unknown = sorted(set(data) - {"products", "variants"})
    if unknown:
        raise ImportFileError(
            name, f'unknown key {unknown[0]!r} (expected "products" and "variants")'
        )
    products = data.get("products")
    variants = data.get("variants", [])
    if not isinstance(products, list):
        raise ImportFileError(name, 'must have a "products" list')
    if not isinstance(variants, list):
        raise ImportFileError(name, '"variants" must be a list')
    return products, variants


def _read_csv(text: str, name: str) -> list[Any]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise ImportFileError(name, "is empty (expected a header row with column names)")
    header = [h.strip() for h in reader.fieldnames]
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise ImportFileError(name, f"the header names the column {dup!r} twice")
    reader.fieldnames = header
    rows: list[Any] = []
    for number, raw in enumerate(reader, start=1):
        if None in raw:
            raise ImportFileError(
                name,
                f"has {len(header) + len(raw[None])} values but the header has {len(header)}",
                row=number,
                record_id=(raw.get("id") or None),
            )
        if any(v is None for v in raw.values()):
            raise ImportFileError(
                name,
                f"has fewer values than the header's {len(header)} columns",
                row=number,
                record_id=(raw.get("id") or None),
            )
        rows.append(raw)
    return rows


def _validate(
    name: str,
    section: str,
    rows: list[Any],
    model: type[BaseModel],
    store: CatalogStore,
    table: str,
) -> list[_Row]:
    target = store.products if table == "products" else store.variants
    label = section if section == "variants" else None
    out: list[_Row] = []
    for number, raw in enumerate(rows, start=1):
        rid = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else None
        if not isinstance(raw, dict):
            raise ImportFileError(name, "must be an object", row=number, section=label)
        # Columns the shop's own table has beyond the canonical ones are passed through.
        extra = {
            k: v
            for k, v in raw.items()
            if k not in model.model_fields and k not in _MANAGED and k in target.c
        }
        given = {k: v for k, v in raw.items() if k not in extra and k not in _MANAGED}
        try:
            parsed = model.model_validate(given)
        except ValidationError as err:
            fld, message = plain_errors(err)[0]
            raise ImportFileError(
                name, message, row=number, record_id=rid, field=fld, section=label
            ) from err
        values = {k: getattr(parsed, k) for k in parsed.model_fields_set}
        if "base_price" in given:
            values["base_price_cents"] = parsed.base_price_cents  # type: ignore[attr-defined]
        values.update({k: (None if v == "" else v) for k, v in extra.items()})
        if section == "variants":
            values["variant_pid"] = values["product_id"]
        out.append(_Row(number=number, section=section, values=values))
    return out


def _check_duplicates(name: str, rows: list[_Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        rid = row.values["id"]
        if rid in seen:
            raise ImportFileError(
                name,
                f"duplicate id (also in row {seen[rid]})",
                row=row.number,
                record_id=rid,
                field="id",
                section="variants" if row.section == "variants" else None,
            )
        seen[rid] = row.number


def _existing_ids(conn: Connection, table: sa.Table, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        found |= {
            str(r[0]) for r in conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk)))
        }
    return found


def _upsert_rows(
    conn: Connection,
    table: sa.Table,
    rows: list[_Row],
    counts: Counts,
    ignored: set[str],
    name: str,
) -> None:
    if not rows:
        return
    existing: dict[str, dict[str, Any]] = {}
    ids = [r.values["id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in conn.execute(sa.select(table).where(table.c.id.in_(chunk))):
            existing[str(r._mapping["id"])] = dict(r._mapping)
    now = datetime.now(UTC)
    stamp = "updated_at" in table.c
    for row in rows:
        values = {k: v for k, v in row.values.items() if k != "variant_pid"}
        ignored |= {k for k in values if k not in table.c}
        values = {k: v for k, v in values.items() if k in table.c}
        old = existing.get(values["id"])
        try:
            if old is None:
                if stamp:
                    values["updated_at"] = now
                conn.execute(sa.insert(table).values(**values))
                counts.inserted += 1
            elif any(not _same(old.get(k), v) for k, v in values.items()):
                if stamp:
                    values["updated_at"] = now
                conn.execute(sa.update(table).where(table.c.id == values["id"]).values(**values))
                counts.updated += 1
            else:
                counts.unchanged += 1
        except SQLAlchemyError as err:
            raise ImportFileError(
                name,
                f"the database refused the row: {_first_line(err)}",
                row=row.number,
                record_id=values["id"],
                section="variants" if row.section == "variants" else None,
            ) from err


def _same(old: Any, new: Any) -> bool:
    if isinstance(new, bool) or isinstance(old, bool):
        return old is not None and new is not None and bool(old) == bool(new)
    return bool(old == new)


def _first_line(err: Exception) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__
