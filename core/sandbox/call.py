"""What an endpoint function gets: the store, the caller's mode, the decoded parameters."""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

from core.sandbox.store import ModeData, Store

_ALNUM = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 14) -> str:
    """A Stripe-style id: `prod_` / `price_` / `req_` + random letters and digits."""
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


@dataclass
class Call:
    """One authenticated API call, run while holding `store.lock`."""

    store: Store
    livemode: bool
    params: dict[str, Any]
    object_id: str = ""
    now: float = field(default_factory=time.time)

    @property
    def data(self) -> ModeData:
        """The caller's mode's data (test and live never mix, facts §9.2)."""
        return self.store.mode(self.livemode)

    @property
    def lag(self) -> float:
        """Seconds before a write shows up in search."""
        return self.store.search_lag
