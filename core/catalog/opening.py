"""Opening a catalog database: reflect or create the shop's tables, create or upgrade the tool's.

Everything happens in one write transaction under a lock, so two processes opening a new
database at once do not both create it, and a first run that fails leaves nothing half-made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.catalog import schema
from core.catalog.db import lock_for_schema, write_transaction
from core.catalog.errors import CatalogError
from core.catalog.migrate import ensure_tool_tables

Fill = Callable[[Connection, sa.Table, sa.Table], None]


def sample_filler(sample: Path | None) -> Fill:
    """Fill new shop tables from the sample catalog, inside the transaction that created them."""

    def fill(conn: Connection, products: sa.Table, variants: sa.Table) -> None:
        from core.catalog.import_read import read_file
        from core.catalog.importer import write_parsed
        from core.catalog.sample import sample_catalog_path

        write_parsed(
            conn, products, variants, read_file(sample or sample_catalog_path(), products, variants)
        )

    return fill


def refuse_missing_sqlite_file(url: sa.URL, display: str) -> None:
    """A SQLite URL naming a file that does not exist: refuse before connecting creates it."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    if not Path(str(url.database)).exists():
        raise _no_catalog(display)


def _no_catalog(display: str) -> CatalogError:
    return CatalogError(
        f"No products table in {display}.",
        hint=f"Import a catalog first with `stripe-sync-admin import FILE --db {display}`.",
    )


def prepare(
    engine: Engine, display: str, *, create: bool, fill: Fill | None
) -> tuple[dict[str, sa.Table], bool]:
    """Reflect or create the shop's tables and create/upgrade the tool's, under a lock.

    Returns the tables and whether the shop's tables were created. Without `create`, a database
    without a `products` table is refused (nothing is created in it). `fill` runs in the same
    transaction when the shop's tables were created.
    """
    metadata = sa.MetaData()
    with write_transaction(engine) as conn:
        lock_for_schema(conn)
        created = not sa.inspect(conn).has_table(schema.PRODUCTS)
        if created and not create:
            raise _no_catalog(display)
        products = _shop_table(conn, metadata, schema.PRODUCTS, display)
        variants = _shop_table(conn, metadata, schema.VARIANTS, display)
        ensure_tool_tables(conn, display)
        if created and fill is not None:
            fill(conn, products, variants)
    tool = sa.MetaData()
    tables = {
        schema.PRODUCTS: products,
        schema.VARIANTS: variants,
        schema.LINKS: schema.define_links(tool),
        schema.SNAPSHOTS: schema.define_snapshots(tool),
        schema.JOURNAL: schema.define_journal(tool),
        schema.HOLDS: schema.define_holds(tool),
        schema.INTENTS: schema.define_intents(tool),
        schema.CURRENCY_AMOUNTS: schema.define_currency_amounts(tool),
    }
    return tables, created


def _shop_table(conn: Connection, metadata: sa.MetaData, name: str, display: str) -> sa.Table:
    """The shop's table `name` as it is (with the columns the tool needs), or a new canonical one."""
    define, required = schema.SHOP_TABLES[name]
    if sa.inspect(conn).has_table(name):
        table = sa.Table(name, metadata, autoload_with=conn)
        _require(table, required, display)
        return table
    table = define(metadata)
    table.create(conn)
    return table


def _require(table: sa.Table, columns: Sequence[str], display: str) -> None:
    missing = [c for c in columns if c not in table.c]
    if missing:
        raise CatalogError(
            f"The table {table.name!r} in {display} lacks the column(s) {', '.join(missing)}.",
            hint="Add them, or point --db at the shop's catalog database.",
        )
