"""The window's link to core: one workspace per mode, driven through the task runner.

Every workspace call runs on the runner's single pool thread; the workspace object itself is only
touched there (and at shutdown, once the pool is idle). The GUI side learns what happened through the
session's signals and keeps only plain data: the mode, the account and the rows.

Here: opening, refreshing, resetting and closing the workspace, and the task plumbing. The writing
flows (plans, reviews, sync and archive runs) are in `gui.session_runs`, taking Stripe's edits into
the catalog in `gui.session_pulls`, adopting a Stripe catalog made by hand in `gui.session_adopt`,
the detail pane's loading in `gui.session_detail`, editing the catalog (check, save, undo, revert)
in `gui.session_edits`, watching Stripe (refresh by events, Refresh all, when it was last
checked) in `gui.session_refresh`, listing the catalog when Stripe cannot be read in
`gui.session_offline`; all are mixed into `Session` and speak through its signals.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.runtime.heap import collections_paused
from core.workspace import AccountInfo, Mode, ProductRow
from gui.heap import settle_heap
from gui.models.row_prep import carry_prepared, prepare_rows
from gui.session_adopt import AdoptFlows
from gui.session_detail import DetailLoading
from gui.session_edits import EditFlows
from gui.session_offline import CatalogOnly, CatalogOnlyFlows, ListCatalog
from gui.session_pulls import PullFlows, PullRequest
from gui.session_refresh import RefreshFlows
from gui.session_rows import RowFlows
from gui.session_runs import RunFlows
from gui.session_types import (
    AdoptOutcome,
    Detail,
    EditCall,
    EditCheck,
    EditOutcome,
    IsSessionKey,
    Opened,
    OpenWorkspace,
    Overwrite,
    PullOutcome,
    ReadKey,
    RecheckKeys,
    Review,
    RunOutcome,
    WorkspaceLike,
)
from gui.tasks import Task, TaskRunner

__all__ = [
    "AdoptOutcome",
    "CatalogOnly",
    "Detail",
    "EditCall",
    "EditCheck",
    "EditOutcome",
    "Opened",
    "OpenWorkspace",
    "Overwrite",
    "PullOutcome",
    "PullRequest",
    "ReadKey",
    "Review",
    "RunOutcome",
    "Session",
    "WorkspaceLike",
]

log = logging.getLogger(__name__)


def _fingerprint(key: str | None) -> str | None:
    # Remember which key a workspace was opened with without keeping the key itself around.
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def _cancellable(ws: WorkspaceLike, task: Task) -> AbstractContextManager[None]:
    """A block in which the workspace's Stripe retries end as soon as `task` is cancelled."""
    return ws.cancellable(task.cancel_token)


class Session(
    QObject,
    RunFlows,
    PullFlows,
    AdoptFlows,
    DetailLoading,
    EditFlows,
    RefreshFlows,
    RowFlows,
    CatalogOnlyFlows,
):
    """Owns the workspace and the task runner; turns operator requests into background tasks.

    Every task can end in `cancelled(name)`; opening or resetting that fails or is cancelled leaves
    no account (`disconnected`), so the window never looks connected to a workspace it lost.
    """

    opened = Signal(object)  # Opened
    disconnected = Signal(object)  # why there is no account: the exception, or None if cancelled
    catalog_listed = Signal(object)  # CatalogOnly: the catalog, Stripe unknown (session_offline)
    rows_loaded = Signal(object)  # list[ProductRow] (object: no copy into a QVariantList)
    rows_watched = Signal(object)  # Watched: the rows a refresh by events read (session_refresh)
    stripe_checked = Signal(object)  # Checked: when and how Stripe was last checked
    plans_ready = Signal(str, object)  # purpose ("sync_all"), list[ProductPlan]
    review_ready = Signal(object)  # Review: the selection as syncing it by name would leave it
    pull_finished = Signal(object)  # PullOutcome (the rows follow through rows_loaded)
    adopt_preview_ready = Signal(object)  # AdoptionPlan: what adopting would link (dry run)
    adopt_finished = Signal(object)  # AdoptOutcome (the rows follow through rows_loaded)
    link_finished = Signal(object)  # AdoptOutcome of a link made by hand, with a new preview
    preset_applied = Signal(object)  # list[str]: the sandbox objects the preset created
    run_started = Signal(str)  # what runs, in words
    run_progress = Signal(object)  # ProgressEvent (throttled: session_runs.PROGRESS_INTERVAL_MS)
    run_finished = Signal(object)  # RunOutcome
    detail_loaded = Signal(object)  # Detail
    edit_checked = Signal(object)  # EditCheck: a dry run of the edit being typed
    edit_saved = Signal(object)  # EditOutcome of a save, undo, redo or revert (rows follow)
    rows_changed = Signal(str)  # a product or variant added or removed, in words (rows follow)
    error = Signal(str, object)  # what was being done, the exception
    cancelled = Signal(str)  # what was cancelled, in words
    busy_changed = Signal(bool)
    shut_down = Signal()  # after begin_shutdown: no task is left and the workspace is closed

    def __init__(
        self,
        open_workspace: OpenWorkspace,
        read_key: ReadKey,
        parent: QObject | None = None,
        *,
        recheck_keys: RecheckKeys | None = None,
        is_session_key: IsSessionKey | None = None,
        list_catalog: ListCatalog | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_workspace = open_workspace
        self._read_key = read_key
        self._recheck_keys = recheck_keys
        self._is_session_key = is_session_key
        self.runner = TaskRunner(self)
        self.runner.busy_changed.connect(self.busy_changed)
        # Touched on the pool thread only (tasks run one at a time).
        self._ws: WorkspaceLike | None = None
        self._key_fp: str | None = None
        # GUI-thread state.
        self.mode: Mode = "sandbox"
        self.account: AccountInfo | None = None
        self.shutting_down = False
        self._init_runs(self)
        self._init_detail()
        self._init_refresh()
        self._init_offline(list_catalog)

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
            task.cancel_token.raise_if_cancelled()
            self._ws = self._open_workspace(mode, key)
            self._key_fp = _fingerprint(key)
            with _cancellable(self._ws, task):
                account = self._ws.account()
                task.cancel_token.raise_if_cancelled()  # before the full Stripe read
                with collections_paused():
                    rows = prepare_rows(self._ws.status())
                return Opened(mode, account, rows, self._session_key(mode))

        self._connect(work, f"Opening {mode} mode", f"Could not open {mode} mode")

    def refresh(self) -> None:
        """Re-read the catalog and Stripe; reopen the workspace if the last open failed."""
        if self.account is None:
            self.open(self.mode)
            return

        def work(task: Task) -> list[ProductRow]:
            ws = self._workspace()
            with _cancellable(ws, task), collections_paused():
                return prepare_rows(ws.status())

        self._start(
            work, "Refreshing", self._on_rows, "Could not refresh", on_error=self._refresh_failed
        )

    def reset_client(self) -> None:
        """Look at the keyring again, re-read the key, reset the client, re-check the account and
        refresh. On failure the workspace is closed: the window is not connected until it reopens."""
        mode = self.mode

        def work(task: Task) -> Opened:
            if mode != "sandbox" and self._recheck_keys is not None:
                self._recheck_keys()  # the operator may have unlocked the keyring meanwhile
            key = self._read_key(mode)
            task.cancel_token.raise_if_cancelled()
            if self._ws is None or _fingerprint(key) != self._key_fp:
                self._close_workspace()
                self._ws = self._open_workspace(mode, key)
                self._key_fp = _fingerprint(key)
                with _cancellable(self._ws, task):
                    account = self._ws.account()
            else:
                with _cancellable(self._ws, task):
                    account = self._ws.reset_client()
            task.cancel_token.raise_if_cancelled()
            with _cancellable(self._ws, task):
                with collections_paused():
                    rows = prepare_rows(self._ws.status())
                return Opened(mode, account, rows, self._session_key(mode))

        self._connect(work, "Resetting the Stripe client", "Could not reset")

    def cancel(self) -> None:
        """Stop the running task between two Stripe operations."""
        self.runner.cancel_all()

    def begin_shutdown(self) -> None:
        """Cancel every task and close the workspace as the pool's last task, without waiting:
        `shut_down` fires once that is done. The GUI thread never blocks on Stripe here."""
        if self.shutting_down:
            return
        self.shutting_down = True
        self.runner.cancel_all()
        closing = Task(lambda task: self._close_workspace(), name="Closing", foreground=False)
        closing.signals.finished.connect(self.shut_down)
        self.runner.start(closing)  # one pool thread: it runs after whatever is running now

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Cancel any task and wait (blocking) up to `msecs` for the pool, then close the
        workspace if the pool is idle; False if a task was still running. For tests and scripts:
        the window uses `begin_shutdown`."""
        self.shutting_down = True
        if not self.runner.shutdown(msecs):
            log.warning("A Stripe call was still running; the workspace was left open")
            return False
        self._close_workspace()
        return True

    # -- work on the pool thread --------------------------------------------------------------

    def _workspace(self) -> WorkspaceLike:
        if self._ws is None:
            raise RuntimeError("No workspace is open.")
        return self._ws

    def _session_key(self, mode: Mode) -> bool:
        return mode != "sandbox" and self._is_session_key is not None and self._is_session_key(mode)

    def _close_workspace(self) -> None:
        ws, self._ws = self._ws, None
        self._key_fp = None
        if ws is not None:
            try:
                ws.close()
            except Exception as exc:  # closing must not stop a mode switch
                log.warning("Closing the workspace failed: %s", exc)

    # -- results (GUI thread) -----------------------------------------------------------------

    def _start(
        self,
        fn: Callable[[Task], Any],
        name: str,
        on_success: Callable[[Any], None],
        error_context: str,
        *,
        on_error: Callable[[str, object], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
    ) -> Task | None:
        if self.shutting_down:
            return None
        task = Task(fn, name=name)
        task.signals.succeeded.connect(on_success)
        failed = on_error or self._on_failed
        task.signals.failed.connect(lambda exc: failed(error_context, exc))
        task.signals.cancelled.connect(on_cancel or (lambda: self.cancelled.emit(name)))
        self.runner.start(task)
        log.info("Started: %s", name)
        return task

    def _connect(self, fn: Callable[[Task], Opened], name: str, error_context: str) -> None:
        """Start an open or reset: on failure or cancellation the workspace is closed and the
        session has no account (Refresh then reopens)."""

        def guarded(task: Task) -> Opened:
            try:
                return fn(task)
            except BaseException:
                self._close_workspace()
                raise

        def lost(context: str, exc: object) -> None:
            self.account = None
            self.error.emit(context, exc)
            self.disconnected.emit(exc)
            self._list_catalog_after(self.mode, exc)

        def cancelled() -> None:
            self.account = None
            self.cancelled.emit(name)
            self.disconnected.emit(None)
            self._list_catalog_after(self.mode, None)

        self._connect_started()
        self._start(
            guarded, name, self._on_opened, error_context, on_error=lost, on_cancel=cancelled
        )

    def _on_failed(self, context: str, exc: object) -> None:
        self.error.emit(context, exc)

    def _on_opened(self, opened: Opened) -> None:
        self.mode = opened.mode
        self.account = opened.account
        log.info("Account %s (%s) in %s mode", opened.account.name, opened.account.id, opened.mode)
        self.opened.emit(opened)
        self._on_rows(opened.rows)

    def _on_rows(self, rows: list[ProductRow]) -> None:
        # Rows of an open or a Refresh come prepared for the table (`prepare_rows`, worked out
        # on the worker); a failure mark replaces a few of them, the rest stay prepared.
        self.rows_loaded.emit(carry_prepared(self._with_failures(rows), rows))
        settle_heap()
