"""Versioning of the tool's own `ssa_` tables: create them, upgrade an older layout, refuse a newer.

History:
- 1: `ssa_links` and `ssa_journal` (without the `error` column).
- 2: adds `ssa_snapshots` and `ssa_journal.error`.
- 3: adds `ssa_holds` (the operator's archive holds, per account and mode).
- 4: adds `ssa_intents` (the write-ahead journal: Stripe writes about to be made).
- 5: adds `ssa_currency_amounts` (prices in other currencies, per product and variant).
- 6: adds `ssa_intents.owner` (the process that made an intent, so a run settles only the
  intents of runs that died, never those of one still writing).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog import schema
from core.catalog.errors import SchemaVersionError

CURRENT_VERSION = 6


def _v1_to_v2(conn: Connection) -> None:
    metadata = sa.MetaData()
    schema.define_snapshots(metadata).create(conn, checkfirst=True)
    columns = {c["name"] for c in sa.inspect(conn).get_columns(schema.JOURNAL)}
    if "error" not in columns:
        conn.execute(sa.text(f"ALTER TABLE {schema.JOURNAL} ADD COLUMN error TEXT"))


def _v2_to_v3(conn: Connection) -> None:
    schema.define_holds(sa.MetaData()).create(conn, checkfirst=True)


def _v3_to_v4(conn: Connection) -> None:
    schema.define_intents(sa.MetaData()).create(conn, checkfirst=True)


def _v4_to_v5(conn: Connection) -> None:
    schema.define_currency_amounts(sa.MetaData()).create(conn, checkfirst=True)


def _v5_to_v6(conn: Connection) -> None:
    columns = {c["name"] for c in sa.inspect(conn).get_columns(schema.INTENTS)}
    if "owner" not in columns:
        conn.execute(sa.text(f"ALTER TABLE {schema.INTENTS} ADD COLUMN owner TEXT"))


# version N → N+1
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
}


def read_version(conn: Connection) -> int | None:
    """The schema version recorded in the database, or None when the tool's tables are absent."""
    if not sa.inspect(conn).has_table(schema.SCHEMA_VERSION):
        return None
    table = schema.define_schema_version(sa.MetaData())
    value = conn.execute(sa.select(sa.func.max(table.c.version))).scalar()
    return int(value) if value is not None else None


def ensure_tool_tables(conn: Connection, where: str) -> int:
    """Create or upgrade the `ssa_` tables inside the caller's (locked) transaction.

    Returns the version found before (0 when the tables were new). Raises SchemaVersionError when
    the database was written by a newer release.
    """
    found = read_version(conn)
    version_table = schema.define_schema_version(sa.MetaData())
    if found is None:
        metadata = sa.MetaData()
        for define in (
            schema.define_schema_version,
            schema.define_links,
            schema.define_snapshots,
            schema.define_journal,
            schema.define_holds,
            schema.define_intents,
            schema.define_currency_amounts,
        ):
            define(metadata)
        metadata.create_all(conn, checkfirst=True)
        conn.execute(sa.insert(version_table).values(id=1, version=CURRENT_VERSION))
        return 0
    if found > CURRENT_VERSION:
        raise SchemaVersionError(
            f"The catalog {where} was written by a newer stripe-sync-admin (schema version "
            f"{found}; this release knows up to {CURRENT_VERSION}).",
            hint="Upgrade stripe-sync-admin; nothing was changed.",
        )
    for version in range(found, CURRENT_VERSION):
        MIGRATIONS[version](conn)
    if found != CURRENT_VERSION:
        conn.execute(sa.delete(version_table))
        conn.execute(sa.insert(version_table).values(id=1, version=CURRENT_VERSION))
    return found
