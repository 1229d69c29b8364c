"""The write-ahead journal: every Stripe write is recorded as intended before it is sent.

`IntentLog.add` commits an intent in its own transaction just before the write goes out; the
write-back that journals the write removes it (`clear`, inside that transaction). If the process
dies in between (a kill, a power cut, a full disk), the intent stays, and the next run settles it
against Stripe — the write reached Stripe, or it never did — journaling what it found (`settle`).
So every Stripe object the tool made has its journal row, whatever happened to the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.catalog.db import read_transaction, write_transaction
from core.catalog.journal import JournalRecord, add_records
from core.catalog.snapshots import as_utc


@dataclass(frozen=True)
class Intent:
    """A Stripe write about to be made (or made, and not yet journaled)."""

    seq: int
    at: datetime
    mode: str
    account_id: str
    product_id: str
    operation: str
    summary: str
    variant_id: str | None
    target_id: str | None
    params: dict[str, Any]


class IntentLog:
    """The `ssa_intents` table; see the module docstring."""

    def __init__(self, engine: Engine, table: sa.Table) -> None:
        self.engine = engine
        self.table = table

    def add(
        self,
        *,
        account_id: str,
        mode: str,
        product_id: str,
        operation: str,
        summary: str,
        variant_id: str | None,
        target_id: str | None,
        params: dict[str, Any],
    ) -> int:
        """Record an intended write and commit it at once; returns its number."""
        with write_transaction(self.engine) as conn:
            result = conn.execute(
                sa.insert(self.table).values(
                    at=datetime.now(UTC),
                    mode=mode,
                    account_id=account_id,
                    product_id=product_id,
                    operation=operation,
                    summary=summary,
                    variant_id=variant_id,
                    target_id=target_id,
                    params=params,
                )
            )
            key = result.inserted_primary_key
            return int(key[0]) if key else 0

    def pending(self, account_id: str, mode: str) -> list[Intent]:
        """The intents left by runs that did not finish, oldest first."""
        t = self.table
        query = sa.select(t).where(t.c.account_id == account_id, t.c.mode == mode).order_by(t.c.seq)
        with read_transaction(self.engine) as conn:
            return [
                Intent(
                    seq=row.seq,
                    at=as_utc(row.at) or datetime.now(UTC),
                    mode=row.mode,
                    account_id=row.account_id,
                    product_id=row.product_id,
                    operation=row.operation,
                    summary=row.summary,
                    variant_id=row.variant_id,
                    target_id=row.target_id,
                    params=dict(row.params or {}),
                )
                for row in conn.execute(query)
            ]

    def settle(self, intent: Intent, record: JournalRecord, journal: sa.Table) -> None:
        """Journal what became of an intent and remove it, in one transaction."""
        with write_transaction(self.engine) as conn:
            add_records(conn, journal, [record])
            clear(conn, self.table, [intent.seq])


def clear(conn: Connection, table: sa.Table, seqs: Iterable[int]) -> None:
    """Remove settled intents (inside the caller's transaction)."""
    numbers = [s for s in seqs if s]
    if numbers:
        conn.execute(sa.delete(table).where(table.c.seq.in_(numbers)))
