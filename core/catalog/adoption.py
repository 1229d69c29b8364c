"""Rows an adoption adds to the shop's catalog: products Stripe had that the catalog lacked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def insert_products(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new product rows (inside the caller's transaction); a value for a column the shop's
    table does not have (e.g. no description column) is left out."""
    columns = set(table.columns.keys())
    for row in rows:
        conn.execute(table.insert().values({k: v for k, v in row.items() if k in columns}))
