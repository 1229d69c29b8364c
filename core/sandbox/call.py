"""What an endpoint function gets: the store, the caller's mode, the decoded parameters."""

from __future__ import annotations

import secrets
import string
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
    # Ids to give new objects, in order, instead of random ones: how a preset gets fixed price ids
    # that the API itself does not let a caller choose (facts §4.4). Empty for HTTP requests.
    fixed_ids: list[str] = field(default_factory=list)
    # The HTTP request behind the call, for its events' `request` (None: a preset, not the API).
    request_id: str | None = None
    idempotency_key: str | None = None
    now: float = field(init=False)  # the sandbox's time when the call began (`Store.now`)

    def __post_init__(self) -> None:
        self.now = self.store.now()

    def new_id(self, prefix: str) -> str:
        """The id of a new object: the next fixed id if any, else a random Stripe-style one."""
        if self.fixed_ids:
            return self.fixed_ids.pop(0)
        return random_id(prefix)

    @property
    def data(self) -> ModeData:
        """The caller's mode's data (test and live never mix, facts §9.2)."""
        return self.store.mode(self.livemode)

    @property
    def lag(self) -> float:
        """Seconds before a write shows up in search."""
        return self.store.search_lag
