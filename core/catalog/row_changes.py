"""Adding and removing catalog rows: a new product (or a copy of one), a variant added or removed.

Persistence only, like `core.catalog.edits`: the caller has checked the values with the row rules.
Each change is one transaction with its journal row (`add` with the new columns; a removed variant
as an `edit` whose `before` holds its columns), naming the operating-system user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from core.catalog.db import write_transaction
from core.catalog.edits import EDIT, VARIANT_KEY, EditTables, as_columns, os_user
from core.catalog.errors import CatalogError
from core.catalog.journal import CATALOG, CATALOG_ACCOUNT, OS_USER, JournalRecord, add_records

ADD = "add"  # an operator added a product (new, or a copy) or a variant


def _record(product_id: str, operation: str, summary: str, **columns: Any) -> JournalRecord:
    return JournalRecord(
        at=datetime.now(UTC),
        mode=CATALOG,
        account_id=CATALOG_ACCOUNT,
        product_id=product_id,
        operation=operation,
        summary=summary,
        before=columns.get("before"),
        after={**(columns.get("after") or {}), OS_USER: os_user()},
    )


def insert_product(
    engine: sa.Engine,
    tables: EditTables,
    product: Mapping[str, Any],
    variants: Sequence[Mapping[str, Any]],
    summary: str,
) -> None:
    """Insert a new product and its variants, journaled; CatalogError if the id exists."""
    pid = str(product["id"])
    with write_transaction(engine) as conn:
        taken = conn.execute(
            sa.select(tables.products.c.id).where(tables.products.c.id == pid)
        ).first()
        if taken is not None:
            raise CatalogError(
                f"The catalog already has a product {pid!r}.",
                hint="Choose another id; nothing was added.",
            )
        conn.execute(tables.products.insert().values(dict(product)))
        for variant in variants:
            conn.execute(tables.variants.insert().values(dict(variant)))
        after = as_columns(product)
        if variants:
            after["variants"] = {str(v["id"]): as_columns(v) for v in variants}
        add_records(conn, tables.journal_table, [_record(pid, ADD, summary, after=after)])


def insert_variant(
    engine: sa.Engine, tables: EditTables, product_id: str, variant: Mapping[str, Any]
) -> None:
    """Add one variant to a product, journaled; CatalogError if its id is taken."""
    vid = str(variant["id"])
    with write_transaction(engine) as conn:
        taken = conn.execute(
            sa.select(tables.variants.c.id).where(tables.variants.c.id == vid)
        ).first()
        if taken is not None:
            raise CatalogError(
                f"The catalog already has a variant {vid!r}.",
                hint="Choose another id; nothing was added.",
            )
        conn.execute(tables.variants.insert().values(dict(variant)))
        products = tables.products
        if "has_variants" in products.c:  # a product with a variant sells variants
            conn.execute(
                sa.update(products).where(products.c.id == product_id).values(has_variants=True)
            )
        after = {VARIANT_KEY: vid, **as_columns(variant)}
        record = _record(product_id, ADD, f"added variant {vid}", after=after)
        add_records(conn, tables.journal_table, [record])


def delete_variant(
    engine: sa.Engine, tables: EditTables, product_id: str, expected: Mapping[str, Any]
) -> None:
    """Remove one variant (as read: `expected`), journaled with its columns as `before`; nothing
    is removed when it changed meanwhile (CatalogError)."""
    vid = str(expected["id"])
    table = tables.variants
    with write_transaction(engine) as conn:
        row = conn.execute(sa.select(table).where(table.c.id == vid)).first()
        if row is None or dict(row._mapping) != dict(expected):
            raise CatalogError(
                f"Variant {vid!r} changed or was removed since it was read; nothing was removed.",
                hint="Look at it again, then remove it.",
            )
        conn.execute(sa.delete(table).where(table.c.id == vid))
        before = {VARIANT_KEY: vid, **as_columns(expected)}
        record = _record(product_id, EDIT, f"removed variant {vid}", before=before)
        add_records(conn, tables.journal_table, [record])
