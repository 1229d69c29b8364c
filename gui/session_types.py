"""What the session hands the window, and the part of the workspace it drives: plain data only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.workspace import (
    AccountInfo,
    CancelToken,
    JournalEntry,
    Mode,
    ProductPlan,
    ProductRow,
    ProgressCallback,
    StripeSyncResult,
)


class WorkspaceLike(Protocol):
    """The part of `core.workspace.Workspace` the window uses."""

    def account(self) -> AccountInfo: ...
    def status(self, ids: Sequence[str] | None = None) -> list[ProductRow]: ...
    def plan(self, ids: Sequence[str] | None = None) -> list[ProductPlan]: ...
    def sync(
        self,
        plans_or_ids: Any = None,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]: ...
    def archive(
        self,
        ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]: ...
    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]: ...
    def reset_client(self) -> AccountInfo: ...
    def dashboard_url(self, stripe_id: str) -> str: ...
    def close(self) -> None: ...
    def cancellable(self, cancel: CancelToken | None) -> AbstractContextManager[None]: ...


OpenWorkspace = Callable[[Mode, "str | None"], WorkspaceLike]  # (mode, api key) -> workspace
ReadKey = Callable[[Mode], "str | None"]  # the stored key for test/live; None for sandbox
RecheckKeys = Callable[[], None]  # look at the keyring again (after the operator unlocked it)
IsSessionKey = Callable[[Mode], bool]  # whether the mode's key is held for this session only


@dataclass(frozen=True)
class Opened:
    """A workspace opened (or its client reset): the account it talks to and its rows."""

    mode: Mode
    account: AccountInfo
    rows: list[ProductRow]
    session_key: bool = False  # the key is held in memory for this session only


@dataclass(frozen=True)
class RunOutcome:
    """The end of a sync or archive run, and the table as it stands afterwards."""

    kind: str  # "sync" or "archive"
    results: list[StripeSyncResult]
    cancelled: bool = False
    rows: list[ProductRow] | None = None  # None: not read again (cancelled, or the read failed)
    refresh_error: Exception | None = None
    error: Exception | None = None  # what stopped the whole run (results: the products before)
    started: bool = True  # False: cancelled while queued, nothing was sent to Stripe


@dataclass(frozen=True)
class Detail:
    """What the detail pane loads in the background for one product."""

    product_id: str
    journal: list[JournalEntry]
    urls: dict[str, str] = field(default_factory=dict)  # Stripe id -> dashboard URL
