"""The write-ahead journal: every Stripe write is recorded as intended before it is sent.

`IntentLog.add` commits an intent in its own transaction just before the write goes out; the
write-back that journals the write removes it (`clear`, inside that transaction). If the process
dies in between (a kill, a power cut, a full disk), the intent stays, and the next run settles it
against Stripe — the write reached Stripe, or it never did — journaling what it found (`settle`).
So every Stripe object the tool made has its journal row, whatever happened to the process.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.catalog.db import read_transaction, write_transaction
from core.catalog.journal import JournalRecord, add_records
from core.catalog.snapshots import as_utc

# An intent of another computer's run (or one recorded without an owner) is settled once it is this
# old: far longer than one write and its retries take (30 s by default).
ABANDONED_AFTER = timedelta(minutes=10)


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
    owner: str | None = None  # host:pid of the process that made it

    def abandoned(self, now: datetime, in_flight: set[int]) -> bool:
        """Whether the run that made this intent is gone: this process's, when its write is no
        longer on its way (`in_flight`); another process's on this computer, when that process
        has ended; another computer's (or an older version's), when it is older than
        `ABANDONED_AFTER`, longer than any write with its retries takes."""
        host, _, pid = (self.owner or "").rpartition(":")
        if host == socket.gethostname() and pid.isdigit():
            if int(pid) == os.getpid():
                return self.seq not in in_flight
            return not _alive(int(pid))
        return now - self.at > ABANDONED_AFTER


class IntentLog:
    """The `ssa_intents` table; see the module docstring."""

    def __init__(self, engine: Engine, table: sa.Table) -> None:
        self.engine = engine
        self.table = table
        self.in_flight: set[int] = set()  # this process's intents whose write is on its way

    def done(self, seqs: Iterable[int]) -> None:
        """This process is no longer sending these writes (answered, failed, or given up)."""
        self.in_flight.difference_update(seqs)

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
                    owner=f"{socket.gethostname()}:{os.getpid()}",
                )
            )
            key = result.inserted_primary_key
            seq = int(key[0]) if key else 0
        self.in_flight.add(seq)
        return seq

    def pending(self, account_id: str, mode: str) -> list[Intent]:
        """The intents not settled yet (in flight, or left by runs that did not finish), oldest
        first; `Intent.abandoned` tells which belong to runs that are gone."""
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
                    owner=row.owner,
                )
                for row in conn.execute(query)
            ]

    def settle(self, intent: Intent, record: JournalRecord, journal: sa.Table) -> None:
        """Journal what became of an intent and remove it, in one transaction."""
        with write_transaction(self.engine) as conn:
            add_records(conn, journal, [record])
            clear(conn, self.table, [intent.seq])


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def clear(conn: Connection, table: sa.Table, seqs: Iterable[int]) -> None:
    """Remove settled intents (inside the caller's transaction)."""
    numbers = [s for s in seqs if s]
    if numbers:
        conn.execute(sa.delete(table).where(table.c.seq.in_(numbers)))
