"""Idempotency keys: replay the first answer, refuse a key reused with other parameters (facts §7)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from core.sandbox.errors import StripeApiError, invalid

MAX_KEY_LENGTH = 255
RETENTION_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Saved:
    """The first answer given under a key."""

    fingerprint: str
    status: int
    body: dict[str, Any]
    request_id: str
    saved_at: float


def fingerprint(method: str, path: str, params: dict[str, Any]) -> str:
    """What "the same request" means: method, path and the decoded parameters."""
    return json.dumps([method, path, params], sort_keys=True, separators=(",", ":"))


class IdempotencyStore:
    """Saved answers per (mode, key). Callers hold the store lock, so no locking here."""

    def __init__(self) -> None:
        self._saved: dict[tuple[bool, str], Saved] = {}

    def check_key(self, key: str) -> None:
        """Refuse keys longer than Stripe accepts."""
        if len(key) > MAX_KEY_LENGTH:
            raise invalid(
                f"Invalid Idempotency-Key: keys can be at most {MAX_KEY_LENGTH} characters long.",
                param="Idempotency-Key",
            )

    def lookup(self, livemode: bool, key: str, print_: str) -> Saved | None:
        """The saved answer to replay, None for a new key; 400 idempotency_error on a mismatch."""
        saved = self._saved.get((livemode, key))
        if saved is None:
            return None
        if time.time() - saved.saved_at > RETENTION_SECONDS:
            del self._saved[(livemode, key)]
            return None
        if saved.fingerprint != print_:
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
        """Remember the first answer for this key."""
        self._saved[(livemode, key)] = Saved(print_, status, body, rid, time.time())

    def clear(self) -> None:
        """Forget every key."""
        self._saved.clear()

    def dump(self) -> list[list[Any]]:
        """The keys still within Stripe's 24 hours, as JSON-ready rows (for the state file)."""
        now = time.time()
        return [
            [live, key, s.fingerprint, s.status, s.body, s.request_id, s.saved_at]
            for (live, key), s in self._saved.items()
            if now - s.saved_at <= RETENTION_SECONDS
        ]

    def load(self, rows: list[list[Any]]) -> None:
        """Restore what `dump` wrote."""
        for live, key, print_, status, body, rid, saved_at in rows:
            self._saved[(bool(live), str(key))] = Saved(
                str(print_), int(status), dict(body), str(rid), float(saved_at)
            )
