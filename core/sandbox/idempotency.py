"""Idempotency keys: replay the first answer, refuse a key reused with other parameters (facts §7).

Stripe keeps an answer for 24 hours whatever happens to the process (facts §7.2), so with a state
file the answers live in it (`persist.StateDB`), read back only when their key comes again;
without one they are kept in memory. Either way a request is remembered by a hash of it, not by
its text.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from core.sandbox.errors import StripeApiError, invalid
from core.sandbox.persist import RETENTION_SECONDS, IdemRow, StateDB

MAX_KEY_LENGTH = 255
PRUNE_EVERY = 3600.0  # seconds between sweeps of the expired answers in a state file

__all__ = ["MAX_KEY_LENGTH", "RETENTION_SECONDS", "IdempotencyStore", "Saved", "fingerprint"]


@dataclass(frozen=True)
class Saved:
    """The first answer given under a key."""

    fingerprint: bytes  # `digest` of the request's `fingerprint`
    status: int
    body: dict[str, Any]
    request_id: str
    saved_at: float


def fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    """What "the same request" means: method, path and the decoded parameters."""
    return json.dumps([method, path, params], sort_keys=True, separators=(",", ":"))


def digest(print_: str) -> bytes:
    """The compact form a fingerprint is kept in."""
    return hashlib.sha256(print_.encode("utf-8")).digest()


class IdempotencyStore:
    """Saved answers per (mode, key). Callers hold the store lock, so no locking here."""

    def __init__(self) -> None:
        self._saved: dict[tuple[bool, str], Saved] = {}  # without a file; or not yet written
        self._db: StateDB | None = None

    def attach(self, db: StateDB | None) -> None:
        """Keep answers in `db` from now on (None: in memory); prunes the expired ones."""
        self._db = db
        if db is not None:
            db.prune()

    def check_key(self, key: str) -> None:
        """Refuse keys longer than Stripe accepts."""
        if len(key) > MAX_KEY_LENGTH:
            raise invalid(
                f"Invalid Idempotency-Key: keys can be at most {MAX_KEY_LENGTH} characters long.",
                param="Idempotency-Key",
            )

    def _find(self, livemode: bool, key: str) -> Saved | None:
        saved = self._saved.get((livemode, key))
        if saved is not None or self._db is None:
            return saved
        row = self._db.answer(livemode, key)
        return None if row is None else Saved(*row[2:])

    def lookup(self, livemode: bool, key: str, print_: str) -> Saved | None:
        """The saved answer to replay, None for a new key; 400 idempotency_error on a mismatch."""
        saved = self._find(livemode, key)
        if saved is None:
            return None
        if time.time() - saved.saved_at > RETENTION_SECONDS:
            self._saved.pop((livemode, key), None)
            if self._db is not None:
                self._db.forget(livemode, key)
            return None
        if saved.fingerprint != digest(print_):
            raise StripeApiError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were "
                f"first used with. Try using a key other than '{key}' if you meant to execute a "
                "different request.",
                type_="idempotency_error",
            )
        return saved

    def save(
        self, livemode: bool, key: str, print_: str, status: int, body: dict[str, Any], rid: str
    ) -> None:
        """Remember the first answer for this key (written to the file by the next `take`)."""
        self._saved[(livemode, key)] = Saved(digest(print_), status, body, rid, time.time())

    def take(self) -> list[IdemRow]:
        """The answers saved since the last call, to write to the state file (empty without
        one: in memory they stay where they are)."""
        if self._db is None:
            return []
        rows: list[IdemRow] = [
            (live, key, s.fingerprint, s.status, s.body, s.request_id, s.saved_at)
            for (live, key), s in self._saved.items()
        ]
        self._saved.clear()
        return rows

    def prune_due(self, now: float) -> bool:
        """True when the state file's expired answers should be swept (hourly)."""
        return self._db is not None and now - self._db.last_prune >= PRUNE_EVERY

    def clear(self) -> None:
        """Forget every key."""
        self._saved.clear()
        if self._db is not None:
            self._db.forget_all()

    def rows(self) -> list[IdemRow]:
        """The answers held in memory and still within Stripe's 24 hours."""
        now = time.time()
        return [
            (live, key, s.fingerprint, s.status, s.body, s.request_id, s.saved_at)
            for (live, key), s in self._saved.items()
            if now - s.saved_at <= RETENTION_SECONDS
        ]
