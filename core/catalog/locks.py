"""A per-product lock shared by every process using one catalog database.

Two operators may sync the same catalog at once. Each holds the product's lock while it writes that
product to Stripe and records it, so the other never applies a plan made from a state that is
being changed under it (PostgreSQL: an advisory lock; SQLite: a byte-range lock on a file beside
the database; other databases: none).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

_LOCK_CLASS = 7155914  # the tool's advisory-lock namespace (first key of the pair)
_SLOTS = 1 << 20


def _slot(product_id: str) -> int:
    return int.from_bytes(hashlib.sha256(product_id.encode("utf-8")).digest()[:4], "big") % _SLOTS


@contextmanager
def product_lock(engine: Engine, product_id: str) -> Iterator[None]:
    """Hold the product's lock for the duration of the block (waits for another holder)."""
    name = engine.dialect.name
    if name == "postgresql":
        with engine.connect() as conn:
            slot = _slot(product_id) - (1 << 19)  # fit PostgreSQL's signed int4
            conn.execute(sa.text("SELECT pg_advisory_lock(:c, :k)"), {"c": _LOCK_CLASS, "k": slot})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(
                    sa.text("SELECT pg_advisory_unlock(:c, :k)"), {"c": _LOCK_CLASS, "k": slot}
                )
                conn.commit()
        return
    database = engine.url.database if name == "sqlite" else None
    if not database or database == ":memory:" or os.name != "posix":
        yield
        return
    import fcntl

    path = Path(database).with_name(Path(database).name + ".ssa-locks")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX, 1, _slot(product_id))
        try:
            yield
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN, 1, _slot(product_id))
    finally:
        os.close(fd)
