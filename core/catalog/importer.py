"""Import a catalog file: JSON `{"products": [...], "variants": [...]}` or a CSV of products.

Everything is checked before anything is written (core.catalog.import_read), then the rows as a
sync will read them are checked by the sync's own rules (core.domain.row_rules: a variant's final
price, a name that is only spaces …) inside the same transaction: a malformed file or row, or one
a sync would refuse, imports nothing, and every such problem is named at once. Rows are upserted: importing the same file
twice changes nothing, and the report counts inserted, updated and unchanged rows.

The `stripe_product_id`/`stripe_price_id` columns are the tool's to write (after a sync, for the
account and mode they belong to): a file's values are ignored unless they equal what is stored, so
a test-mode export imported over a live catalog cannot replace its live ids.

Each product the import added or changed (its row, or its variants' rows) gets one journal row
(`import`, in the same transaction), its `before` and `after` holding the changed columns, the
variants' under `variants` (see `core.catalog.edits.changed_columns`); an added product has no
`before`. The operating-system user who imported is named in `after`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from core.catalog.cells import same
from core.catalog.db import write_transaction
from core.catalog.edits import IMPORT, as_columns, os_user
from core.catalog.errors import ImportFileError
from core.catalog.import_amounts import AmountChange, write_amounts
from core.catalog.import_read import ParsedFile, Row, read_file
from core.catalog.journal import CATALOG, CATALOG_ACCOUNT, OS_USER, JournalRecord, add_records
from core.catalog.schema import VARIANTS
from core.catalog.store import CatalogStore
from core.catalog.validate import ImportProblems
from core.domain.row_rules import (
    RowProblem,
    check_product_row,
    check_variant_row,
    clip,
    shown,
    uses_variants,
    variant_label,
)

STRIPE_COLUMNS = ("stripe_product_id", "stripe_price_id")
# How a row's prices in other currencies appear in its journal row.
AMOUNTS = "currency_amounts"
# Columns the journal leaves out of an import's before and after (the import's own stamp).
_UNJOURNALED = ("id", "product_id", "updated_at")


@dataclass
class RowChange:
    """One row an import added (`old` None) or changed: its columns before and after."""

    variant: bool
    product_id: str
    row_id: str
    old: dict[str, Any] | None
    new: dict[str, Any]


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
    ignored_stripe_columns: bool = False  # the file's stripe_* values were not written

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
        if self.ignored_stripe_columns:
            text += " stripe_* columns in the file were ignored: the tool writes them itself."
        return text


def import_file(
    store: CatalogStore, path: str | Path, *, currency: str | None = None
) -> ImportReport:
    """Import a .json or .csv catalog file into the store (see the module docstring).

    `currency`: the catalog's currency (Settings.currency), which a row's prices in other
    currencies may not repeat."""
    parsed = read_file(path, store.products, store.variants, currency=currency)
    try:
        with write_transaction(store.engine) as conn:
            return write_parsed(
                conn,
                store.products,
                store.variants,
                parsed,
                journal=store.journal_table,
                amounts_table=store.amounts_table,
            )
    except SQLAlchemyError as err:
        raise ImportFileError(
            parsed.name, f"the database refused the import: {_first_line(err)}"
        ) from err
    except RecursionError:
        raise ImportFileError(parsed.name, "a value is nested too deeply to be stored") from None


def write_parsed(
    conn: Connection,
    products: sa.Table,
    variants: sa.Table,
    parsed: ParsedFile,
    *,
    journal: sa.Table | None = None,
    amounts_table: sa.Table | None = None,
) -> ImportReport:
    """Write a checked file's rows inside the caller's transaction; raises ImportFileError.

    `journal`: the journal table, to record each added or changed product (see the module
    docstring); None records nothing (the sample catalog a first start fills in).
    """
    name = parsed.name
    report = ImportReport(file=name)
    changes: list[RowChange] = []
    problems = ImportProblems(name)
    known = {r.values["id"] for r in parsed.products}
    known |= _existing_ids(conn, products, [r.values["product_id"] for r in parsed.variants])
    for row in parsed.variants:
        pid = row.values["product_id"]
        if pid not in known:
            problems.add(
                f"no product {shown(pid)} in the file or the catalog",
                row=row.number,
                record_id=clip(row.values["id"]),
                field="product_id",
                section="variants",
            )
    problems.raise_any()
    ignored: set[str] = set()
    _upsert_rows(conn, products, parsed.products, report, report.products, ignored, changes)
    _upsert_rows(conn, variants, parsed.variants, report, report.variants, ignored, changes)
    if amounts_table is not None:
        for unit in write_amounts(conn, amounts_table, parsed.products + parsed.variants):
            _note_amounts(report, changes, unit)
    report.ignored_columns = sorted(ignored)
    # The rows as a sync will read them (the file's values over what the catalog held), checked
    # by the sync's own rules; raising here rolls the whole import back.
    check_sync_rules(conn, products, variants, parsed, problems)
    problems.raise_any()
    if journal is not None:
        add_records(conn, journal, journal_records(changes, name))
    return report


def journal_records(changes: list[RowChange], file: str) -> list[JournalRecord]:
    """One `import` journal row per product the import added or changed (module docstring)."""
    at = datetime.now(UTC)
    user = os_user()
    by_product: dict[str, list[RowChange]] = {}
    for change in changes:
        by_product.setdefault(change.product_id, []).append(change)
    records: list[JournalRecord] = []
    for pid, rows in by_product.items():
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        words: list[str] = []
        added = False
        for change in rows:
            old = change.old or {}
            columns = sorted(
                k
                for k, v in change.new.items()
                if k not in _UNJOURNALED and (change.old is None or not same(old.get(k), v))
            )
            new_values = as_columns({k: change.new[k] for k in columns})
            old_values = as_columns({k: old.get(k) for k in columns})
            if AMOUNTS in columns:  # kept as data: {"eur": 2345}, not its text
                new_values[AMOUNTS] = change.new[AMOUNTS]
                old_values[AMOUNTS] = old.get(AMOUNTS, {})
            if not change.variant:
                added = change.old is None
                after.update(new_values)
                if not added:
                    before.update(old_values)
                    words.extend(columns)
                continue
            after.setdefault("variants", {})[change.row_id] = new_values
            if change.old is None:
                words.append(f"added variant {change.row_id}")
            else:
                before.setdefault("variants", {})[change.row_id] = old_values
                words.append(f"variant {change.row_id}: {', '.join(columns)}")
        summary = (
            f"added by importing {file}"
            if added
            else f"imported from {file}: {'; '.join(words) or 'no change'}"
        )
        records.append(
            JournalRecord(
                at=at,
                mode=CATALOG,
                account_id=CATALOG_ACCOUNT,
                product_id=pid,
                operation=IMPORT,
                summary=summary,
                before=None if added else before,
                after={**after, OS_USER: user},
            )
        )
    return records


def check_sync_rules(
    conn: Connection,
    products: sa.Table,
    variants: sa.Table,
    parsed: ParsedFile,
    problems: ImportProblems,
) -> None:
    """Check every product the file touched, with all its variants, by the rules a sync applies
    (core.domain.row_rules), noting each broken rule against the file's row where there is one."""
    product_rows = {r.values["id"]: r for r in parsed.products}
    variant_rows = {r.values["id"]: r for r in parsed.variants}
    ids = list(product_rows) + sorted(
        {r.values["product_id"] for r in parsed.variants} - set(product_rows)
    )
    stored: dict[str, dict[str, Any]] = {}
    children: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in conn.execute(sa.select(products).where(products.c.id.in_(chunk))):
            stored[str(r._mapping["id"])] = dict(r._mapping)
        query = sa.select(variants).where(variants.c.product_id.in_(chunk)).order_by(variants.c.id)
        for r in conn.execute(query):
            children.setdefault(str(r._mapping["product_id"]), []).append(dict(r._mapping))
    for pid in ids:
        product = stored.get(pid)
        if product is None:
            continue
        own = product_rows.get(pid)
        found: list[RowProblem] = []
        fields = check_product_row(product, found)
        for p in found:
            if own is not None:
                problems.add(p.message, row=own.number, record_id=clip(pid), field=p.field)
            else:
                problems.add(f"product {shown(pid)} in the catalog: {p.field}: {p.message}")
        if not uses_variants(product):
            continue
        for variant in children.get(pid, []):
            vid = str(variant["id"])
            found = []
            check_variant_row(variant, fields["price_cents"], found)
            row = variant_rows.get(vid)
            for p in found:
                if row is not None:
                    problems.add(
                        p.message,
                        row=row.number,
                        record_id=clip(vid),
                        field=p.field,
                        section="variants",
                    )
                elif own is not None:
                    field = f"{variant_label(vid)}.{p.field}"
                    problems.add(p.message, row=own.number, record_id=clip(pid), field=field)
                else:
                    problems.add(f"variant {shown(vid)} in the catalog: {p.field}: {p.message}")


def _existing_ids(conn: Connection, table: sa.Table, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        found |= {
            str(r[0]) for r in conn.execute(sa.select(table.c.id).where(table.c.id.in_(chunk)))
        }
    return found


def _keep_stripe_ids(values: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """Drop the file's stripe_* values unless they equal the stored ones; whether any was dropped."""
    dropped = False
    for column in STRIPE_COLUMNS:
        if column not in values:
            continue
        value = values.pop(column)
        if old is not None and same(old.get(column), value):
            values[column] = value
        elif value is not None:
            dropped = True
    return dropped


def _upsert_rows(
    conn: Connection,
    table: sa.Table,
    rows: list[Row],
    report: ImportReport,
    counts: Counts,
    ignored: set[str],
    changes: list[RowChange],
) -> None:
    if not rows:
        return
    name = report.file
    is_variant = table.name == VARIANTS
    existing: dict[str, dict[str, Any]] = {}
    ids = [r.values["id"] for r in rows]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in conn.execute(sa.select(table).where(table.c.id.in_(chunk))):
            existing[str(r._mapping["id"])] = dict(r._mapping)
    now = datetime.now(UTC)
    stamp = "updated_at" in table.c
    for row in rows:
        values = dict(row.values)
        ignored |= {k for k in values if k not in table.c}
        values = {k: v for k, v in values.items() if k in table.c}
        old = existing.get(values["id"])
        if _keep_stripe_ids(values, old):
            report.ignored_stripe_columns = True
        try:
            if old is None:
                if stamp:
                    values["updated_at"] = now
                conn.execute(sa.insert(table).values(**values))
                counts.inserted += 1
                changes.append(_change(table, values, None, is_variant))
            elif any(not same(old.get(k), v) for k, v in values.items()):
                if stamp:
                    values["updated_at"] = now
                conn.execute(sa.update(table).where(table.c.id == values["id"]).values(**values))
                counts.updated += 1
                changes.append(_change(table, values, old, is_variant))
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


def _change(
    table: sa.Table, values: dict[str, Any], old: dict[str, Any] | None, is_variant: bool
) -> RowChange:
    product_id = values.get("product_id") if is_variant else values["id"]
    if product_id is None and old is not None:
        product_id = old.get("product_id")
    return RowChange(is_variant, str(product_id), str(values["id"]), old, values)


def _first_line(err: Exception) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _note_amounts(report: ImportReport, changes: list[RowChange], unit: AmountChange) -> None:
    """Count and journal a row's changed prices in other currencies like a changed column."""
    found = next((c for c in changes if (c.variant, c.row_id) == (unit[0], unit[2])), None)
    if found is None:
        counts = report.variants if unit[0] else report.products
        counts.unchanged -= 1
        counts.updated += 1
        changes.append(RowChange(unit[0], unit[1], unit[2], {AMOUNTS: unit[3]}, {AMOUNTS: unit[4]}))
        return
    found.new[AMOUNTS] = unit[4]
    if found.old is not None:
        found.old[AMOUNTS] = unit[3]
