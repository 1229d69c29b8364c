"""The operator's archive holds: products archived in one Stripe account and mode by hand.

An archive never changes the shop's catalog (its `sell_status` belongs to the shop, and to every
mode at once). Instead the tool keeps a hold for that account and mode: while it exists, planning
treats the product as not for sale there, so "sync all" keeps it archived; syncing the product
explicitly releases it. Holds and their releases are journaled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog.per_account import of_account, read_rows, upsert_row
from core.catalog.snapshots import as_utc

# Journal operations of holds (beside the Stripe writes' Operation.kind values).
HOLD = "archive_hold"
RELEASE = "release_hold"


@dataclass(frozen=True)
class Hold:
    """One product held archived in one account and mode."""

    product_id: str
    reason: str
    created_at: datetime


def hold_note(mode: str) -> str:
    """What the status says about a held product."""
    return f"archived by the operator in {mode}; sync it explicitly to put it back on sale"


def load_holds(conn: Connection, table: sa.Table, account_id: str, mode: str) -> dict[str, Hold]:
    """The holds of one account and mode, by product id."""
    rows = read_rows(conn, table, account_id, mode, "product_id", "reason", "created_at")
    return {
        pid: Hold(pid, reason, as_utc(created) or datetime.now(UTC))
        for pid, reason, created in rows
    }


def save_hold(
    conn: Connection,
    table: sa.Table,
    *,
    account_id: str,
    mode: str,
    product_id: str,
    reason: str,
    at: datetime,
) -> None:
    """Record (or renew) one hold."""
    upsert_row(
        conn,
        table,
        account_id,
        mode,
        {"product_id": product_id, "reason": reason, "created_at": at},
        ("product_id",),
    )


def delete_hold(
    conn: Connection, table: sa.Table, *, account_id: str, mode: str, product_id: str
) -> bool:
    """Remove one hold; whether there was one."""
    result = conn.execute(
        sa.delete(table).where(
            of_account(table, account_id, mode), table.c.product_id == product_id
        )
    )
    return bool(result.rowcount)
