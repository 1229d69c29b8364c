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
from contextlib import AbstractContextManager
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core.errors import CancelledError, StripeUnavailableError, SyncAdminError
from core.workspace import (
    AccountInfo,
    Mode,
    ProductPlan,
    ProductRow,
    ProgressEvent,
    StripeSyncResult,
)
from gui.session_types import (
    Detail,
    IsSessionKey,
    Opened,
    OpenWorkspace,
    ReadKey,
    RecheckKeys,
    RunOutcome,
    WorkspaceLike,
)
from gui.tasks import Task, TaskRunner

__all__ = ["Detail", "Opened", "OpenWorkspace", "ReadKey", "RunOutcome", "Session", "WorkspaceLike"]

log = logging.getLogger(__name__)


def _fingerprint(key: str | None) -> str | None:
    # Remember which key a workspace was opened with without keeping the key itself around.
    return hashlib.sha256(key.encode()).hexdigest() if key else None


def _cancellable(ws: WorkspaceLike, task: Task) -> AbstractContextManager[None]:
    """A block in which the workspace's Stripe retries end as soon as `task` is cancelled."""
    return ws.cancellable(task.cancel_token)


def _settle_heap() -> None:
    """Keep what is alive now (modules, the workspace, the rows just shown) out of later GC passes.

    A full collection walks every tracked object in one C call that holds the GIL; with Qt, the
    Stripe SDK and the rows loaded it took 60-150 ms and ran on the worker thread in the middle of
    a sync, freezing the window that long (benchmarks/gui_bench.py --explain). Frozen objects are
    still freed by reference counting when the table lets go of them (rows hold no cycles); only
    cyclic garbage that happens to be alive right now is kept.
    """
    gc.freeze()


PROGRESS_INTERVAL_MS = 50  # at most 20 progress updates a second reach the widgets


class Session(QObject):
    """Owns the workspace and the task runner; turns operator requests into background tasks.

    Every task can end in `cancelled(name)`; opening or resetting that fails or is cancelled leaves
    no account (`disconnected`), so the window never looks connected to a workspace it lost.
    """

    opened = Signal(object)  # Opened
    disconnected = Signal(object)  # why there is no account: the exception, or None if cancelled
    rows_loaded = Signal(object)  # list[ProductRow] (object: no copy into a QVariantList)
    plans_ready = Signal(str, object)  # purpose ("sync_selected" / "sync_all"), list[ProductPlan]
    run_started = Signal(str)  # what runs, in words
    run_progress = Signal(object)  # ProgressEvent (throttled to PROGRESS_INTERVAL_MS)
    run_finished = Signal(object)  # RunOutcome
    detail_loaded = Signal(object)  # Detail
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
        self._failures: dict[str, str] = {}
        self._detail_wanted: tuple[str, tuple[str, ...]] | None = None
        self._detail_loaded_for: tuple[str, tuple[str, ...]] | None = None  # set on the pool thread
        self._detail_pending = False
        self._progress: ProgressEvent | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self._progress_timer.timeout.connect(self._flush_progress)

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
                return Opened(mode, account, self._ws.status(), self._session_key(mode))

        self._connect(work, f"Opening {mode} mode", "Could not open the workspace")

    def refresh(self) -> None:
        """Re-read the catalog and Stripe; reopen the workspace if the last open failed."""
        if self.account is None:
            self.open(self.mode)
            return

        def work(task: Task) -> list[ProductRow]:
            ws = self._workspace()
            with _cancellable(ws, task):
                return ws.status()

        self._start(
            work,
            "Refreshing",
            self._on_rows,
            "Could not refresh",
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
                return Opened(mode, account, self._ws.status(), self._session_key(mode))

        self._connect(work, "Resetting the Stripe client", "Could not reset")

    def request_plans(self, ids: Sequence[str] | None, purpose: str) -> None:
        """Work out what a sync of `ids` (None: everything) would write; emits plans_ready."""
        wanted = list(ids) if ids is not None else None
        name = "Working out the changes"

        def work(task: Task) -> tuple[list[ProductPlan], bool]:
            ws = self._workspace()
            with _cancellable(ws, task):
                plans = ws.plan(wanted)
            return plans, task.cancel_token.cancelled  # Esc while planning: no dialog after all

        def done(result: tuple[list[ProductPlan], bool]) -> None:
            plans, cancelled = result
            if cancelled:
                self.cancelled.emit(name)
            else:
                self.plans_ready.emit(purpose, list(plans))

        self._start(work, name, done, "Could not work out the changes")

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
        if self.shutting_down:
            return
        self._detail_pending = True
        task = Task(self._load_detail, name="Loading details", foreground=False)
        task.signals.succeeded.connect(self._on_detail)
        task.signals.failed.connect(lambda exc: log.warning("Loading details failed: %s", exc))
        task.signals.finished.connect(self._on_detail_done)
        self.runner.start(task)

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

    def _run(self, kind: str, title: str, payload: list[Any]) -> None:
        def work(task: Task) -> RunOutcome:
            ws = self._workspace()
            results: list[StripeSyncResult] = []
            error: Exception | None = None
            try:
                if kind == "sync":
                    results = ws.sync(payload, progress=task.report, cancel=task.cancel_token)
                else:
                    results = ws.archive(payload, progress=task.report, cancel=task.cancel_token)
            except SyncAdminError as exc:  # cancelled, or a run-level error (key, Stripe down)
                results = list(exc.results or [])
                if not isinstance(exc, CancelledError):
                    error = exc
            cancelled = task.cancel_token.cancelled
            if cancelled or isinstance(error, StripeUnavailableError):
                # The operator wants it to stop, or Stripe is not answering: reading the whole
                # catalog back would take as long again. The window says the table may be stale.
                return RunOutcome(kind, results, cancelled, None, None, error)
            try:
                rows: list[ProductRow] | None = ws.status()
                refresh_error: Exception | None = None
            except Exception as exc:
                rows, refresh_error = None, exc
            return RunOutcome(kind, results, cancelled, rows, refresh_error, error)

        self._failures.clear()
        task = self._start(
            work,
            title,
            self._on_run_finished,
            f"{title} failed",
            on_cancel=lambda: self._on_run_finished(RunOutcome(kind, [], True, started=False)),
        )
        if task is None:
            return
        task.signals.progress.connect(self._on_progress)
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

        def cancelled() -> None:
            self.account = None
            self.cancelled.emit(name)
            self.disconnected.emit(None)

        self._start(
            guarded, name, self._on_opened, error_context, on_error=lost, on_cancel=cancelled
        )

    def _on_failed(self, context: str, exc: object) -> None:
        self.error.emit(context, exc)

    def _on_progress(self, event: ProgressEvent) -> None:
        # Coalesce: a 1,000-product run reports thousands of events; repainting the status bar
        # for each one kept the GUI thread busy. The first goes out at once, the rest at most
        # every PROGRESS_INTERVAL_MS (the latest one wins).
        self._progress = event
        if not self._progress_timer.isActive():
            self._flush_progress()
            self._progress_timer.start()

    def _flush_progress(self) -> None:
        event, self._progress = self._progress, None
        if event is not None:
            self.run_progress.emit(event)

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
        self._progress_timer.stop()
        self._flush_progress()
        self._failures = {
            r.product_id: r.error or "failed"
            for r in outcome.results
            if r.error or r.action == "failed"
        }
        for product_id, error in self._failures.items():
            log.warning("%s failed: %s", product_id, error)
        if outcome.error is not None:
            log.warning("%s stopped: %s", outcome.kind, outcome.error)
        self.run_finished.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)
        if outcome.refresh_error is not None:  # shown with the run's summary, not instead of it
            log.warning("Could not refresh after the run: %s", outcome.refresh_error)

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
