"""The last-synced snapshot of each product: the owned fields as the tool last wrote them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog.per_account import read_rows, upsert_row


@dataclass(frozen=True, slots=True)  # one per product in a status: no per-instance __dict__
class Snapshot:
    """One product's snapshot for one account and mode."""

    product_id: str
    fields: dict[str, str]
    synced_at: datetime


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were written in UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def load_snapshots(
    conn: Connection, table: sa.Table, account_id: str, mode: str
) -> dict[str, Snapshot]:
    """All snapshots of one account and mode, by local product id.

    Each stored row is its own JSON text, so every snapshot would hold its own copy of the same
    field names ("name", "metadata.sell_status" …) and of repeated values ("true", "usd"): the
    names are interned and equal values shared, about half of a snapshot's memory.
    """
    rows = read_rows(conn, table, account_id, mode, "product_id", "fields", "synced_at")
    out: dict[str, Snapshot] = {}
    values: dict[str, str] = {}
    for row_id, fields, synced_at in rows:
        data: dict[str, Any] = fields or {}
        product_id = sys.intern(row_id)  # the id Stripe's side and the links hold
        out[product_id] = Snapshot(
            product_id=product_id,
            fields={sys.intern(str(k)): _shared(str(v), values) for k, v in data.items()},
            synced_at=as_utc(synced_at) or datetime.now(UTC),
        )
    return out


def _shared(value: str, seen: dict[str, str]) -> str:
    """`value`, or the equal string met before (short ones only: words, amounts, not names)."""
    return seen.setdefault(value, value) if len(value) <= 16 else value


def save_snapshot(
    conn: Connection,
    table: sa.Table,
    *,
    account_id: str,
    mode: str,
    product_id: str,
    fields: dict[str, str],
    at: datetime,
) -> None:
    """Insert or replace one product's snapshot."""
    upsert_row(
        conn,
        table,
        account_id,
        mode,
        {"product_id": product_id, "fields": fields, "synced_at": at},
        ("product_id",),
    )
