"""Engine set-up and the few dialect-specific pieces: SQLite locking, upserts, write transactions.

SQLite: WAL journal, a 30 s busy timeout, and `BEGIN IMMEDIATE` for write transactions so two
processes writing one file wait for each other instead of failing with "database is locked". When
another program holds the file longer than that, the error says so (`CatalogBusyError`), naming the
file, instead of sounding like a wrong URL.
PostgreSQL: through psycopg 3 (`postgresql+psycopg://`); upserts use ON CONFLICT.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from core.catalog.errors import CatalogError

_WRITE = "ssa_write"
# How long SQLite waits for another connection's lock on the file before giving up.
BUSY_TIMEOUT_S = 30.0
# How long a PostgreSQL (or other server) connection attempt may take before it is an error.
CONNECT_TIMEOUT_S = 10
# The password part of anything URL-like: `scheme://user:PASSWORD@` or, without a scheme,
# `user:PASSWORD@` at the start.
# Greedy up to the last @, so a password that itself holds an @ is masked whole.
_PASSWORD_RE = re.compile(r"(\A|://)([^:/@\s]*):(?!//)\S*@")


def mask_url(text: str) -> str:
    """`text` with any password between `user:` and `@` replaced by *** (a URL or not)."""
    return _PASSWORD_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@", text)


def parse_url(url: str) -> sa.URL:
    """A SQLAlchemy URL; a malformed one → CatalogError that never shows its password."""
    try:
        return sa.make_url(url)
    except (ArgumentError, ValueError):
        # ValueError: a port that is not a number, an unclosed [IPv6 address.
        raise CatalogError(
            f"{mask_url(url)!r} is not a database URL.",
            hint="Use e.g. sqlite:///path/to/catalog.db or postgresql+psycopg://user@host:5432/db.",
        ) from None


def display_url(url: sa.URL) -> str:
    """The URL as shown to the operator: its password masked."""
    return url.render_as_string(hide_password=True)


def create_engine(url: str | sa.URL) -> Engine:
    """Create an engine for a SQLAlchemy URL, with the locking behaviour described above."""
    parsed = parse_url(url) if isinstance(url, str) else url
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
            _sqlite_locking(engine, memory=parsed.database in (None, "", ":memory:"))
        elif parsed.get_backend_name() == "postgresql":
            # A server that does not answer is an error after a while, not a hang; a
            # connect_timeout in the URL itself wins.
            timeout = (
                {} if "connect_timeout" in parsed.query else {"connect_timeout": CONNECT_TIMEOUT_S}
            )
            engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args=timeout)
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as err:
        raise CatalogError(
            f"No database driver for {parsed.drivername!r}: {err}.",
            hint="For PostgreSQL install the extra: pip install 'stripe-sync-admin[postgres]' "
            "and use a postgresql+psycopg:// URL.",
        ) from err
    return engine


def _sqlite_locking(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (below) issue BEGIN itself, so writes can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class CatalogBusyError(CatalogError):
    """Another program kept the SQLite catalog file locked for longer than the busy timeout."""


def _busy_error(engine: Engine, err: OperationalError) -> CatalogBusyError | None:
    """The plain-words error for SQLite's "database is locked", or None for any other error."""
    if engine.dialect.name != "sqlite" or "is locked" not in str(err.orig):
        return None
    file = engine.url.database or "(in memory)"
    return CatalogBusyError(
        f"Another program is using the catalog file {file} and kept it locked for "
        f"{BUSY_TIMEOUT_S:g} s.",
        hint="Close the other program (another Stripe Sync Admin window or command, or a "
        "database tool such as DB Browser for SQLite), or wait for it to finish, then try again.",
    )


@contextmanager
def _mapped(engine: Engine) -> Iterator[None]:
    try:
        yield
    except OperationalError as err:
        busy = _busy_error(engine, err)
        if busy is None:
            raise
        raise busy from err


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises.

    A SQLite file another program keeps locked raises CatalogBusyError."""
    with _mapped(engine), engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction (one consistent view of the database); CatalogBusyError as above."""
    with _mapped(engine), engine.connect() as conn, conn.begin():
        yield conn


def upsert(
    conn: Connection,
    table: sa.Table,
    values: Mapping[str, Any],
    keys: Sequence[str],
) -> None:
    """Insert a row or, when its key exists, update the other columns (atomic on both dialects)."""
    updates = {k: v for k, v in values.items() if k not in keys}
    insert = _insert_on_conflict(conn.dialect.name)
    if insert is not None:
        statement = insert(table).values(**values)
        if updates:
            conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=updates))
        else:
            conn.execute(statement.on_conflict_do_nothing(index_elements=list(keys)))
        return
    where = sa.and_(*(table.c[k] == values[k] for k in keys))
    if updates and conn.execute(sa.update(table).where(where).values(**updates)).rowcount:
        return
    if conn.execute(sa.select(sa.literal(1)).select_from(table).where(where)).first() is None:
        conn.execute(sa.insert(table).values(**values))


def _insert_on_conflict(dialect: str) -> Any:
    """The dialect's INSERT with ON CONFLICT (SQLite, PostgreSQL), or None where it has none."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    return None


def lock_for_schema(conn: Connection) -> None:
    """Serialise schema creation/migration between processes (SQLite: BEGIN IMMEDIATE does it)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7155913)"))
