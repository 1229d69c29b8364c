"""The sandbox's state file: SQLite, one row per object (products, prices, events) and per
idempotency key.

A write touches only the rows of the objects it changed (and the counters), in one transaction, so
its cost does not grow with what the sandbox already holds. Idempotency answers are kept compactly
(a hash of the request, the status, the body zlib-compressed) and read back only when a key comes
again; those older than Stripe's 24 hours are pruned (facts §7.2).

A state file in the old format (one JSON document, rewritten whole after every write) is read once
and replaced by a database at the same path (`migrate_json`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMA_VERSION = 2  # 1 was the whole-file JSON document
RETENTION_SECONDS = 24 * 3600
LOAD_CHUNK = 500  # rows per fetch: the GIL is free between fetches and between rows
KINDS = ("products", "prices", "events")

# (livemode, key, fingerprint hash, status, body, request id, saved at)
IdemRow = tuple[bool, str, bytes, int, dict[str, Any], str, float]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    livemode INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
    seq INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (livemode, kind, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_order ON objects (livemode, kind, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    livemode INTEGER NOT NULL, key TEXT NOT NULL, fingerprint BLOB NOT NULL,
    status INTEGER NOT NULL, body BLOB NOT NULL, request_id TEXT NOT NULL, saved_at REAL NOT NULL,
    PRIMARY KEY (livemode, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_age ON idempotency (saved_at);
"""


def pack(body: dict[str, Any]) -> bytes:
    """A saved answer's body, compact (answers repeat field names, so they shrink ~4x)."""
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode("utf-8"), 1)


def unpack(blob: bytes) -> dict[str, Any]:
    """The body `pack` stored."""
    body: dict[str, Any] = json.loads(zlib.decompress(blob))
    return body


def is_sqlite(path: Path) -> bool:
    """True when `path` is a SQLite database (or empty, which SQLite treats as a new one)."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    return head == SQLITE_HEADER or head == b""


class StateDB:
    """One open state file. Not locked here: the sandbox's `Store.lock` serialises every use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Used from the request threads, always under Store.lock, hence check_same_thread=False.
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a commit is an append to the log, no fsync (the old JSON file had none
        # either); a crash of the machine may lose the last writes, never corrupt the file.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self.rows_written = 0  # rows inserted, replaced or deleted since opening (for tests)
        self.last_prune = 0.0

    def close(self) -> None:
        """Close the file; SQLite folds its write-ahead log back in and removes it."""
        self.conn.close()

    # -- objects ---------------------------------------------------------------------------
    def counters(self) -> tuple[int, int]:
        """The creation counter and the last `created` timestamp given out."""
        found = dict(self.conn.execute("SELECT name, value FROM meta").fetchall())
        return int(found.get("seq", 0)), int(found.get("last_created", 0))

    def objects(self, livemode: bool, kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(creation number, object) of one mode and kind, oldest first, fetched in chunks."""
        cursor = self.conn.execute(
            "SELECT seq, body FROM objects WHERE livemode = ? AND kind = ? ORDER BY seq",
            (int(livemode), kind),
        )
        while rows := cursor.fetchmany(LOAD_CHUNK):
            for seq, body in rows:
                yield int(seq), json.loads(body)

    def write(
        self,
        upserts: Iterable[tuple[bool, str, str, int, dict[str, Any]]],
        deletes: Iterable[tuple[bool, str, str]],
        counters: tuple[int, int],
        answers: Iterable[IdemRow],
    ) -> None:
        """One transaction: changed objects, removed objects, counters, new idempotency answers."""
        objects = [
            (int(live), kind, oid, seq, json.dumps(obj, separators=(",", ":")))
            for live, kind, oid, seq, obj in upserts
        ]
        gone = [(int(live), kind, oid) for live, kind, oid in deletes]
        saved = [
            (int(live), key, print_, status, pack(body), rid, at)
            for live, key, print_, status, body, rid, at in answers
        ]
        with self.conn:
            self.conn.execute("BEGIN")
            if objects:
                self.conn.executemany(
                    "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?)", objects
                )
            if gone:
                self.conn.executemany(
                    "DELETE FROM objects WHERE livemode = ? AND kind = ? AND id = ?", gone
                )
            if saved:
                self.conn.executemany(
                    "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?, ?)", saved
                )
            self.conn.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                (("seq", counters[0]), ("last_created", counters[1])),
            )
        self.rows_written += len(objects) + len(gone) + len(saved) + 2

    # -- idempotency -----------------------------------------------------------------------
    def answer(self, livemode: bool, key: str) -> IdemRow | None:
        """The saved answer under this key, or None."""
        row = self.conn.execute(
            "SELECT fingerprint, status, body, request_id, saved_at FROM idempotency "
            "WHERE livemode = ? AND key = ?",
            (int(livemode), key),
        ).fetchone()
        if row is None:
            return None
        print_, status, body, rid, saved_at = row
        return (livemode, key, bytes(print_), int(status), unpack(body), str(rid), float(saved_at))

    def forget(self, livemode: bool, key: str) -> None:
        """Drop one saved answer (it outlived Stripe's 24 hours)."""
        with self.conn:
            self.conn.execute(
                "DELETE FROM idempotency WHERE livemode = ? AND key = ?", (int(livemode), key)
            )

    def forget_all(self) -> None:
        """Drop every saved answer."""
        with self.conn:
            self.conn.execute("DELETE FROM idempotency")

    def prune(self, now: float | None = None) -> int:
        """Drop the answers older than 24 hours; returns how many."""
        now = time.time() if now is None else now
        self.last_prune = now
        with self.conn:
            cursor = self.conn.execute(
                "DELETE FROM idempotency WHERE saved_at < ?", (now - RETENTION_SECONDS,)
            )
        return int(cursor.rowcount)

    def answer_count(self) -> int:
        """How many answers are kept."""
        return int(self.conn.execute("SELECT COUNT(*) FROM idempotency").fetchone()[0])


def _legacy_rows(
    state: dict[str, Any],
) -> tuple[list[tuple[bool, str, str, int, dict[str, Any]]], list[IdemRow]]:
    from core.sandbox.idempotency import digest  # here: idempotency imports this module

    objects = [
        (livemode, kind, str(obj["id"]), int(seq), obj)
        for name, livemode in (("test", False), ("live", True))
        for kind in KINDS
        for seq, obj in state.get("modes", {}).get(name, {}).get(kind, [])
    ]
    now = time.time()
    answers: list[IdemRow] = [
        (bool(live), str(key), digest(str(print_)), int(status), dict(body), str(rid), float(at))
        for live, key, print_, status, body, rid, at in state.get("idempotency", [])
        if now - float(at) <= RETENTION_SECONDS
    ]
    return objects, answers


def migrate_json(path: Path) -> None:
    """Replace an old whole-file JSON state at `path` by a database holding the same data.

    The database is built next to it and moved over it in one step, so an interruption leaves the
    old file as it was.
    """
    state = json.loads(path.read_text(encoding="utf-8"))
    objects, answers = _legacy_rows(state)
    counters = (int(state.get("seq", 0)), int(state.get("last_created", 0)))
    fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".sqlite3", dir=path.parent)
    os.close(fd)
    try:
        db = StateDB(Path(tmp))
        try:
            db.write(objects, [], counters, answers)
        finally:
            db.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
