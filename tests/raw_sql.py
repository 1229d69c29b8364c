"""Plain SQL against a catalog database, the way the shop's other programs change it behind the tool."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa


def run_sql(url: str, *statements: str, params: Mapping[str, Any] | None = None) -> None:
    """Run `statements` in one committed transaction (`params` bind `:name` placeholders)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement), dict(params or {}))
    finally:
        engine.dispose()


def query_value(url: str, query: str) -> Any:
    """The single value `query` returns."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar_one()
    finally:
        engine.dispose()
