"""The journal: every write the tool made to Stripe, every product sync that failed, and every
change made to the catalog itself (an edit, a revert, an import, a pull).

A change to the catalog belongs to no Stripe account or mode: its rows carry the account ""
and the mode `CATALOG` ("catalog"), and the operating-system user who made it under the
`OS_USER` key of `after` (a key no SQL column can have, so it never mixes with a column's value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Connection

from core.catalog.per_account import of_account
from core.catalog.snapshots import as_utc
from core.settings import Mode

# The mode and account of a change to the catalog itself (not to any Stripe account).
CATALOG: Literal["catalog"] = "catalog"
CATALOG_ACCOUNT = ""
# The key of `after` naming the operating-system user who changed the catalog.
OS_USER = "@os_user"


class JournalEntry(BaseModel):
    """One journal row: a write the tool made to Stripe, or a change to the catalog.

    `seq` is the row's number in the journal (rising; what a revert names).
    """

    model_config = ConfigDict(frozen=True)

    at: datetime
    mode: Mode | Literal["catalog"]
    account_id: str
    product_id: str
    operation: str  # Operation.kind
    summary: str
    stripe_object_id: str | None = None
    request_id: str | None = None
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None
    error: str | None = None
    seq: int | None = None


# The operation recorded when a product's sync failed before (or without) a failing write.
SYNC_FAILED = "sync_failed"


@dataclass(frozen=True)
class JournalRecord:
    """One journal row to write."""

    at: datetime
    mode: str
    account_id: str
    product_id: str
    operation: str
    summary: str
    stripe_object_id: str | None = None
    request_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    error: str | None = None
    intent: int | None = None  # the write-ahead intent this row settles (core.catalog.intents)


def add_records(conn: Connection, table: sa.Table, records: list[JournalRecord]) -> None:
    """Append journal rows."""
    if not records:
        return
    conn.execute(
        sa.insert(table),
        [
            {
                "at": r.at,
                "mode": r.mode,
                "account_id": r.account_id,
                "product_id": r.product_id,
                "operation": r.operation,
                "summary": r.summary,
                "stripe_object_id": r.stripe_object_id,
                "request_id": r.request_id,
                "before": r.before,
                "after": r.after,
                "error": r.error,
            }
            for r in records
        ],
    )


def read_entries(
    conn: Connection,
    table: sa.Table,
    *,
    product_id: str | None = None,
    account_id: str | None = None,
    mode: str | None = None,
    limit: int = 50,
) -> list[JournalEntry]:
    """The newest `limit` entries (newest first), optionally for one product, account and mode."""
    query = sa.select(table).order_by(table.c.seq.desc()).limit(limit)
    if product_id is not None:
        query = query.where(table.c.product_id == product_id)
    if account_id is not None:
        query = query.where(table.c.account_id == account_id)
    if mode is not None:
        query = query.where(table.c.mode == mode)
    return [to_entry(row._mapping) for row in conn.execute(query)]


def to_entry(row: Any) -> JournalEntry:
    """A journal row as JournalEntry."""
    at = as_utc(row["at"])
    assert at is not None
    return JournalEntry(
        at=at,
        mode=cast(Mode, row["mode"]),
        account_id=row["account_id"],
        product_id=row["product_id"],
        operation=row["operation"],
        summary=row["summary"],
        stripe_object_id=row["stripe_object_id"],
        request_id=row["request_id"],
        before=row["before"],
        after=row["after"],
        error=row["error"],
        seq=row.get("seq"),
    )


def last_errors(
    conn: Connection, table: sa.Table, account_id: str, mode: str
) -> dict[str, str | None]:
    """Product id → the error of its newest journal entry (None when that entry succeeded)."""
    newest = (
        sa.select(sa.func.max(table.c.seq))
        .where(of_account(table, account_id, mode))
        .group_by(table.c.product_id)
    )
    rows = conn.execute(
        sa.select(table.c.product_id, table.c.error).where(
            table.c.seq.in_(newest.scalar_subquery())
        )
    )
    return {product_id: error for product_id, error in rows}
