"""The window's link to core: one workspace per mode, driven through the task runner.

Every workspace call runs on the runner's single pool thread; the workspace object itself is only
touched there (and at shutdown, once the pool is idle). The GUI side learns what happened through the
session's signals and keeps only plain data: the mode, the account and the rows.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from core.engine.types import (
    AccountInfo,
    CancelToken,
    ProductPlan,
    ProgressCallback,
    SyncCancelledError,
)
from core.errors import CancelledError
from core.models import StripeSyncResult
from core.rows import JournalEntry, Mode, ProductRow
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)


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


OpenWorkspace = Callable[[Mode, "str | None"], WorkspaceLike]  # (mode, api key) -> workspace
ReadKey = Callable[[Mode], "str | None"]  # the stored key for test/live; None for sandbox


@dataclass(frozen=True)
class Opened:
    """A workspace opened (or its client reset): the account it talks to and its rows."""

    mode: Mode
    account: AccountInfo
    rows: list[ProductRow]


@dataclass(frozen=True)
class RunOutcome:
    """The end of a sync or archive run, and the table as it stands afterwards."""

    kind: str  # "sync" or "archive"
    results: list[StripeSyncResult]
    cancelled: bool = False
    rows: list[ProductRow] | None = None
    refresh_error: Exception | None = None


@dataclass(frozen=True)
class Detail:
    """What the detail pane loads in the background for one product."""

    product_id: str
    journal: list[JournalEntry]
    urls: dict[str, str] = field(default_factory=dict)  # Stripe id -> dashboard URL


def _fingerprint(key: str | None) -> str | None:
    # Remember which key a workspace was opened with without keeping the key itself around.
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def _settle_heap() -> None:
    """Keep what is alive now (modules, the workspace, the rows just shown) out of later GC passes.

    A full collection walks every tracked object in one C call that holds the GIL; with Qt, the
    Stripe SDK and the rows loaded it took 60-150 ms and ran on the worker thread in the middle of
    a sync, freezing the window that long (benchmarks/gui_bench.py --explain). Frozen objects are
    still freed by reference counting when the table lets go of them (rows hold no cycles); only
    cyclic garbage that happens to be alive right now is kept.
    """
    gc.freeze()


class Session(QObject):
    """Owns the workspace and the task runner; turns operator requests into background tasks."""

    opened = Signal(object)  # Opened
    rows_loaded = Signal(object)  # list[ProductRow] (object: no copy into a QVariantList)
    plans_ready = Signal(str, object)  # purpose ("sync_selected" / "sync_all"), list[ProductPlan]
    run_started = Signal(str)  # what runs, in words
    run_progress = Signal(object)  # ProgressEvent
    run_finished = Signal(object)  # RunOutcome
    detail_loaded = Signal(object)  # Detail
    error = Signal(str, object)  # what was being done, the exception
    busy_changed = Signal(bool)

    def __init__(
        self, open_workspace: OpenWorkspace, read_key: ReadKey, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._open_workspace = open_workspace
        self._read_key = read_key
        self.runner = TaskRunner(self)
        self.runner.busy_changed.connect(self.busy_changed)
        # Touched on the pool thread only (tasks run one at a time).
        self._ws: WorkspaceLike | None = None
        self._key_fp: str | None = None
        # GUI-thread state.
        self.mode: Mode = "sandbox"
        self.account: AccountInfo | None = None
        self._failures: dict[str, str] = {}
        self._detail_wanted: tuple[str, tuple[str, ...]] | None = None
        self._detail_loaded_for: tuple[str, tuple[str, ...]] | None = None  # set on the pool thread
        self._detail_pending = False

    # -- operator requests (GUI thread) -------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a task the operator started is queued or running."""
        return self.runner.busy

    def open(self, mode: Mode) -> None:
        """Open a new workspace for `mode` (closing the current one): a fresh client and account."""
        self.mode = mode
        self.account = None
        self._failures.clear()

        def work(task: Task) -> Opened:
            self._close_workspace()
            key = self._read_key(mode)
            self._ws = self._open_workspace(mode, key)
            self._key_fp = _fingerprint(key)
            return Opened(mode, self._ws.account(), self._ws.status())

        self._start(work, f"Opening {mode} mode", self._on_opened, "Could not open the workspace")

    def refresh(self) -> None:
        """Re-read the catalog and Stripe; reopen the workspace if the last open failed."""
        if self.account is None:
            self.open(self.mode)
            return
        self._start(
            lambda task: self._workspace().status(),
            "Refreshing",
            self._on_rows,
            "Could not refresh",
        )

    def reset_client(self) -> None:
        """Reset the Stripe client, re-read the key, re-check the account and refresh."""
        mode = self.mode

        def work(task: Task) -> Opened:
            key = self._read_key(mode)
            if self._ws is None or _fingerprint(key) != self._key_fp:
                self._close_workspace()
                self._ws = self._open_workspace(mode, key)
                self._key_fp = _fingerprint(key)
                account = self._ws.account()
            else:
                account = self._ws.reset_client()
            return Opened(mode, account, self._ws.status())

        self._start(work, "Resetting the Stripe client", self._on_opened, "Could not reset")

    def request_plans(self, ids: Sequence[str] | None, purpose: str) -> None:
        """Work out what a sync of `ids` (None: everything) would write; emits plans_ready."""
        wanted = list(ids) if ids is not None else None
        self._start(
            lambda task: self._workspace().plan(wanted),
            "Working out the changes",
            lambda plans: self.plans_ready.emit(purpose, list(plans)),
            "Could not work out the changes",
        )

    def sync(self, plans: Sequence[ProductPlan]) -> None:
        """Apply exactly these plans, then refresh."""
        chosen = list(plans)
        self._run("sync", f"Syncing {len(chosen)} product(s)", chosen)

    def archive(self, ids: Sequence[str]) -> None:
        """Archive these products in Stripe, then refresh."""
        chosen = list(ids)
        self._run("archive", f"Archiving {len(chosen)} product(s)", chosen)

    def cancel(self) -> None:
        """Stop the running task between two Stripe operations."""
        self.runner.cancel_all()

    def request_detail(self, product_id: str | None, stripe_ids: Sequence[str] = ()) -> None:
        """Load the journal and dashboard links for one product, in the background."""
        self._detail_wanted = (product_id, tuple(stripe_ids)) if product_id else None
        if self._detail_wanted is None or self._detail_pending or self.account is None:
            return
        self._detail_pending = True
        task = Task(self._load_detail, name="Loading details", foreground=False)
        task.signals.succeeded.connect(self._on_detail)
        task.signals.failed.connect(lambda exc: log.warning("Loading details failed: %s", exc))
        task.signals.finished.connect(self._on_detail_done)
        self.runner.start(task)

    def shutdown(self, msecs: int = 30_000) -> None:
        """Cancel any task, wait for it, and close the workspace (the window is closing)."""
        self.runner.shutdown(msecs)
        self._close_workspace()

    # -- work on the pool thread --------------------------------------------------------------

    def _workspace(self) -> WorkspaceLike:
        if self._ws is None:
            raise RuntimeError("No workspace is open.")
        return self._ws

    def _close_workspace(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            try:
                ws.close()
            except Exception as exc:  # closing must not stop a mode switch
                log.warning("Closing the workspace failed: %s", exc)

    def _run(self, kind: str, title: str, payload: list[Any]) -> None:
        def work(task: Task) -> RunOutcome:
            ws = self._workspace()
            results: list[StripeSyncResult] = []
            cancelled = False
            try:
                if kind == "sync":
                    results = ws.sync(payload, progress=task.report, cancel=task.cancel_token)
                else:
                    results = ws.archive(payload, progress=task.report, cancel=task.cancel_token)
            except SyncCancelledError as exc:
                results, cancelled = list(exc.results), True
            except CancelledError:
                cancelled = True
            cancelled = cancelled or task.cancel_token.cancelled
            try:
                rows: list[ProductRow] | None = ws.status()
                refresh_error: Exception | None = None
            except Exception as exc:
                rows, refresh_error = None, exc
            return RunOutcome(kind, results, cancelled, rows, refresh_error)

        self._failures.clear()
        task = self._start(work, title, self._on_run_finished, f"{title} failed")
        task.signals.progress.connect(self.run_progress)
        self.run_started.emit(title)

    def _load_detail(self, task: Task) -> Detail | None:
        wanted = self._detail_loaded_for = self._detail_wanted
        if wanted is None or self._ws is None:
            return None
        product_id, stripe_ids = wanted
        journal = self._ws.journal(product_id, limit=20)
        urls = {stripe_id: self._ws.dashboard_url(stripe_id) for stripe_id in stripe_ids}
        return Detail(product_id, journal, urls)

    # -- results (GUI thread) -----------------------------------------------------------------

    def _start(
        self,
        fn: Callable[[Task], Any],
        name: str,
        on_success: Callable[[Any], None],
        error_context: str,
    ) -> Task:
        task = Task(fn, name=name)
        task.signals.succeeded.connect(on_success)
        task.signals.failed.connect(lambda exc: self._on_failed(error_context, exc))
        self.runner.start(task)
        log.info("Started: %s", name)
        return task

    def _on_failed(self, context: str, exc: object) -> None:
        self.error.emit(context, exc)

    def _on_opened(self, opened: Opened) -> None:
        self.mode = opened.mode
        self.account = opened.account
        log.info("Account %s (%s) in %s mode", opened.account.name, opened.account.id, opened.mode)
        self.opened.emit(opened)
        self._on_rows(opened.rows)

    def _on_rows(self, rows: list[ProductRow]) -> None:
        self.rows_loaded.emit(self._with_failures(rows))
        _settle_heap()

    def _on_run_finished(self, outcome: RunOutcome) -> None:
        self._failures = {
            r.product_id: r.error or "failed"
            for r in outcome.results
            if r.error or r.action == "failed"
        }
        for product_id, error in self._failures.items():
            log.warning("%s failed: %s", product_id, error)
        self.run_finished.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)
        if outcome.refresh_error is not None:
            self.error.emit("Could not refresh after the run", outcome.refresh_error)

    def _with_failures(self, rows: list[ProductRow]) -> list[ProductRow]:
        # A product that failed in the last run shows as failed (with its error) until it is in
        # sync again, even if the workspace does not record the failure itself.
        if not self._failures:
            return rows
        out = []
        for row in rows:
            error = self._failures.get(row.product_id)
            if error and row.state not in ("in_sync", "failed"):
                row = row.model_copy(update={"state": "failed", "error": row.error or error})
            out.append(row)
        return out

    def _on_detail(self, detail: Detail | None) -> None:
        if (
            detail is not None
            and self._detail_wanted
            and detail.product_id == self._detail_wanted[0]
        ):
            self.detail_loaded.emit(detail)

    def _on_detail_done(self) -> None:
        self._detail_pending = False
        if self._detail_wanted is not None and self._detail_wanted != self._detail_loaded_for:
            self.request_detail(*self._detail_wanted)  # the selection moved while loading
