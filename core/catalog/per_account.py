"""Rows kept per Stripe account and mode (links, snapshots): read one account and mode, upsert one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog.db import upsert


def of_account(table: sa.Table, account_id: str, mode: str) -> sa.ColumnElement[bool]:
    """The WHERE clause for one account and mode's rows of `table`."""
    return sa.and_(table.c.account_id == account_id, table.c.mode == mode)


def read_rows(
    conn: Connection, table: sa.Table, account_id: str, mode: str, *columns: str
) -> Iterable[Sequence[Any]]:
    """`columns` of one account and mode's rows."""
    query = sa.select(*(table.c[name] for name in columns)).where(
        of_account(table, account_id, mode)
    )
    return conn.execute(query)


def upsert_row(
    conn: Connection,
    table: sa.Table,
    account_id: str,
    mode: str,
    values: Mapping[str, Any],
    key: Sequence[str],
) -> None:
    """Insert or update one row; its key is the account, the mode and the `key` columns."""
    upsert(
        conn,
        table,
        {"account_id": account_id, "mode": mode, **values},
        ("account_id", "mode", *key),
    )
