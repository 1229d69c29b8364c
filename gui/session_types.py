"""What the session hands the window, and the part of the workspace it drives: plain data only."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.workspace import (
    AccountInfo,
    AdoptionPlan,
    CancelToken,
    CatalogRecord,
    EditResult,
    HistoryEntry,
    JournalEntry,
    Match,
    Mode,
    ModeComparison,
    PricePeriod,
    ProductPlan,
    ProductRow,
    ProgressCallback,
    StripeSyncResult,
)

# Overwrite Stripe's edits (as core.reconcile.threeway has it): everywhere (True), nowhere
# (False), or product id -> the fields the operator chose to overwrite.
Overwrite = bool | Mapping[str, Collection[str]]


class PulledField(Protocol):
    """One field taken from Stripe into the catalog (core.workspace's PullResult.pulled items)."""

    field: str
    before: Any
    after: Any


class RefusedField(Protocol):
    """One field the pull did not take, and why."""

    field: str
    reason: str


class PullResultLike(Protocol):
    """What `Workspace.pull` reports per product (core.workspace.pulling.PullResult)."""

    id: str
    pulled: Sequence[PulledField]
    refused: Sequence[RefusedField]


class WorkspaceLike(Protocol):
    """The part of `core.workspace.Workspace` the window uses."""

    def account(self) -> AccountInfo: ...
    def status(
        self,
        ids: Sequence[str] | None = None,
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        cancel: CancelToken | None = None,
        refresh_all: bool = False,
    ) -> list[ProductRow]: ...
    def plan(
        self, ids: Sequence[str] | None = None, *, overwrite_stripe_edits: Overwrite = False
    ) -> list[ProductPlan]: ...
    def sync(
        self,
        plans_or_ids: Any = None,
        *,
        overwrite_stripe_edits: Overwrite = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]: ...
    def sync_reviewed(
        self,
        rows: Sequence[ProductRow],
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]: ...
    def pull(
        self,
        ids: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> Sequence[PullResultLike]: ...
    def archive(
        self,
        ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]: ...
    def adopt(
        self,
        *,
        dry_run: bool = False,
        import_unmatched: bool = False,
        only: Collection[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> AdoptionPlan: ...
    def link(self, local_id: str, stripe_product_id: str) -> Match: ...
    def apply_sandbox_preset(self, name: str = "handmade", *, fresh: bool = False) -> list[str]: ...
    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]: ...
    def editable(self, product_id: str) -> CatalogRecord: ...
    def editable_fields(self) -> tuple[str, ...]: ...
    def edit(
        self,
        product_id: str,
        changes: Mapping[str, str],
        *,
        variant_id: str | None = None,
        expect: Mapping[str, Any] | None = None,
        dry_run: bool = False,
    ) -> EditResult: ...
    def history(self, product_id: str) -> list[HistoryEntry]: ...
    def price_history(self, product_id: str) -> list[PricePeriod]: ...
    def test_and_live(self, ids: Sequence[str] | None = None) -> list[ModeComparison]: ...
    def revert(self, product_id: str, entry_id: int) -> EditResult: ...
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
class Review:
    """A selection as syncing it by name would leave it (`Workspace.status(ids,
    release_holds=True)`), read for the operator to review before anything is written."""

    ids: list[str]
    rows: list[ProductRow]
    overwrite: Overwrite = False  # the overwrite choices the rows were planned with


@dataclass(frozen=True)
class PullOutcome:
    """The end of taking Stripe's edits into the catalog, and the table read again."""

    results: list[PullResultLike]
    rows: list[ProductRow] | None = None  # None: not read again (cancelled or failed)
    error: Exception | None = None  # what stopped the pull (results: the products before)
    refresh_error: Exception | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class AdoptOutcome:
    """The end of an Adopt (or of a link made by hand), and the table read again.

    `preview`: what adopting would still link afterwards (after a link by hand, for the dialog).
    """

    plan: AdoptionPlan | None = None  # what was recorded (None: nothing, it failed)
    match: Match | None = None  # the link made by hand
    rows: list[ProductRow] | None = None  # None: not read again
    error: Exception | None = None  # why nothing was recorded
    refresh_error: Exception | None = None
    preview: AdoptionPlan | None = None


@dataclass(frozen=True)
class Detail:
    """What the detail pane loads in the background for one product: its journal and links,
    and for a catalog product its row as the catalog holds it (what the Edit tab edits), its
    history and each price it has had (the History tab)."""

    product_id: str
    journal: list[JournalEntry]
    urls: dict[str, str] = field(default_factory=dict)  # Stripe id -> dashboard URL
    record: CatalogRecord | None = None  # None: no catalog row (or it could not be read)
    history: list[HistoryEntry] = field(default_factory=list)
    prices: list[PricePeriod] = field(default_factory=list)
    modes: ModeComparison | None = None  # test vs live (in test and live mode)
    owned: tuple[str, ...] = ()  # the optional Stripe fields the catalog owns (the Edit tab's)


@dataclass(frozen=True)
class EditCall:
    """One `Workspace.edit` call: the product's own fields (`variant_id` None) or one variant's,
    as typed, checked against `expect` (the columns as they were loaded; None: not checked)."""

    variant_id: str | None
    changes: dict[str, str]
    expect: dict[str, Any] | None = None


@dataclass(frozen=True)
class EditCheck:
    """A dry run of an edit as it is being typed: the problems per (variant id, field)."""

    product_id: str
    token: int  # which version of the form was checked
    problems: dict[tuple[str | None, str], str] = field(default_factory=dict)
    error: Exception | None = None  # the check itself failed (the catalog could not be read)


@dataclass(frozen=True)
class EditOutcome:
    """The end of a save, undo, redo or revert, and the table read again.

    `error`: why (the rest of) it was not saved — an InvalidEditError, an EditConflict (then
    `failed` is the call it hit: the calls before it were saved) or another refusal.
    """

    product_id: str
    purpose: str  # "save", "undo", "redo", "revert"
    calls: list[EditCall]
    results: list[EditResult] = field(default_factory=list)
    error: Exception | None = None
    failed: int | None = None
    rows: list[ProductRow] | None = None
    refresh_error: Exception | None = None
    token: object = None  # the caller's (the undo step)

    @property
    def changed(self) -> bool:
        """Whether anything was saved."""
        return any(r.changed for r in self.results)
