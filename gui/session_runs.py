"""The session's writing flows: work out the plans, then run a sync or archive of the chosen
products, with progress coalesced for the widgets and the run's failures kept on the table.

Sync selected takes the command line's `sync IDS` path: `request_review` reads the selection as
syncing it by name would leave it (`status(ids, release_holds=True)`, holds released), and
`sync_reviewed` applies exactly those rows. Sync all plans (`request_plans`) and applies plans.
Both pass the operator's choices of Stripe edits to overwrite.

`RunFlows` is mixed into `gui.session.Session`, which owns the signals, the task plumbing
(`_start`) and the workspace (`_workspace`, on the pool thread) these flows use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, SignalInstance

from core.errors import CancelledError, StripeUnavailableError, SyncAdminError
from core.runtime.heap import collections_paused, let_go
from core.workspace import ProductPlan, ProductRow, ProgressEvent, StripeSyncResult
from gui.heap import young_collections_only
from gui.models.row_prep import prepare_rows
from gui.session_types import Overwrite, Review, RunOutcome, WorkspaceLike
from gui.tasks import Task

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_MS = 50  # at most 20 progress updates a second reach the widgets


def to_review(plan: ProductPlan) -> bool:
    """Whether the plan dialog lists a plan: it writes something, cannot be synced, or keeps
    edits made in Stripe."""
    return bool(plan.operations or plan.error or plan.kept_stripe_edits)


class RunFlows:
    """Plans (`request_plans` → `plans_ready`) and runs (`sync`/`archive` → `run_started`,
    `run_progress`, `run_finished`, then the rows read back)."""

    # Provided by Session.
    cancelled: SignalInstance
    plans_ready: SignalInstance
    review_ready: SignalInstance
    run_started: SignalInstance
    run_progress: SignalInstance
    run_finished: SignalInstance
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]

    def _init_runs(self, parent: QObject) -> None:
        # GUI-thread state: the last run's failures (product id -> error) and progress to show.
        self._failures: dict[str, str] = {}
        self._progress: ProgressEvent | None = None
        self._progress_timer = QTimer(parent)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self._progress_timer.timeout.connect(self._flush_progress)

    # -- operator requests (GUI thread) -------------------------------------------------------

    def request_plans(
        self, ids: Sequence[str] | None, purpose: str, overwrite: Overwrite = False
    ) -> None:
        """Work out what a sync of `ids` (None: everything) would write; emits plans_ready."""
        wanted = list(ids) if ids is not None else None
        name = "Working out the changes"

        def work(task: Task) -> tuple[list[ProductPlan], bool]:
            ws = self._workspace()
            with (
                ws.cancellable(task.cancel_token),
                collections_paused(),
            ):  # reads it all: core.runtime.heap
                every = ws.plan(wanted, overwrite_stripe_edits=overwrite)
            # Only the plans to review go to the GUI thread: the rest (tens of thousands with
            # nothing to do) are freed here, not in the dialog's turn, and a piece at a time.
            plans = [plan for plan in every if to_review(plan)]
            let_go(every)
            return plans, task.cancel_token.cancelled  # Esc while planning: no dialog after all

        def done(result: tuple[list[ProductPlan], bool]) -> None:
            plans, cancelled = result
            if cancelled:
                self.cancelled.emit(name)
            else:
                self.plans_ready.emit(purpose, list(plans))

        self._start(work, name, done, "Could not work out the changes")

    def request_review(self, ids: Sequence[str], overwrite: Overwrite = False) -> None:
        """Read the selection as syncing it by name would leave it; emits review_ready(Review)."""
        wanted = list(ids)
        name = "Working out the changes"

        def work(task: Task) -> tuple[list[ProductRow], bool]:
            ws = self._workspace()
            with ws.cancellable(task.cancel_token), collections_paused():  # see core.runtime.heap
                rows = ws.status(wanted, release_holds=True, overwrite_stripe_edits=overwrite)
            return rows, task.cancel_token.cancelled  # Esc while reading: no dialog after all

        def done(result: tuple[list[ProductRow], bool]) -> None:
            rows, cancelled = result
            if cancelled:
                self.cancelled.emit(name)
            else:
                self.review_ready.emit(Review(wanted, list(rows), overwrite))

        self._start(work, name, done, "Could not work out the changes")

    def sync(self, plans: Sequence[ProductPlan], overwrite: Overwrite = False) -> None:
        """Apply exactly these plans, then refresh."""
        chosen = list(plans)
        self._run("sync", f"Syncing {len(chosen)} product(s)", chosen, overwrite)

    def sync_reviewed(self, rows: Sequence[ProductRow], overwrite: Overwrite = False) -> None:
        """Sync exactly these reviewed rows (from `request_review`), releasing their holds."""
        chosen = list(rows)
        self._run("reviewed", f"Syncing {len(chosen)} product(s)", chosen, overwrite)

    def archive(self, ids: Sequence[str]) -> None:
        """Archive these products in Stripe, then refresh."""
        chosen = list(ids)
        self._run("archive", f"Archiving {len(chosen)} product(s)", chosen)

    # -- the run (pool thread), its progress and its end (GUI thread) --------------------------

    def _run(self, kind: str, title: str, payload: list[Any], overwrite: Overwrite = False) -> None:
        def work(task: Task) -> RunOutcome:
            ws = self._workspace()
            results: list[StripeSyncResult] = []
            error: Exception | None = None
            what: dict[str, Any] = {"progress": task.report, "cancel": task.cancel_token}
            try:
                with young_collections_only():
                    results = self._apply(ws, kind, payload, overwrite, what)
            except SyncAdminError as exc:  # cancelled, or a run-level error (key, Stripe down)
                results = list(exc.results or [])
                if not isinstance(exc, CancelledError):
                    error = exc
            cancelled = task.cancel_token.cancelled
            if cancelled or isinstance(error, StripeUnavailableError):
                # The operator wants it to stop, or Stripe is not answering: reading the whole
                # catalog back would take as long again. The window says the table may be stale.
                return RunOutcome(shown, results, cancelled, None, None, error)
            try:
                with collections_paused():  # the whole catalog read back: see core.runtime.heap
                    rows: list[ProductRow] | None = prepare_rows(ws.status())
                refresh_error: Exception | None = None
            except Exception as exc:
                rows, refresh_error = None, exc
            return RunOutcome(shown, results, cancelled, rows, refresh_error, error)

        shown = "archive" if kind == "archive" else "sync"  # what the outcome says ran
        self._failures.clear()
        task = self._start(
            work,
            title,
            self._on_run_finished,
            f"{title} failed",
            on_cancel=lambda: self._on_run_finished(RunOutcome(shown, [], True, started=False)),
        )
        if task is None:
            return
        task.signals.progress.connect(self._on_progress)
        self.run_started.emit(title)

    @staticmethod
    def _apply(
        ws: WorkspaceLike, kind: str, payload: list[Any], overwrite: Overwrite, what: dict[str, Any]
    ) -> list[StripeSyncResult]:
        if kind == "sync":
            return ws.sync(payload, overwrite_stripe_edits=overwrite, **what)
        if kind == "reviewed":
            return ws.sync_reviewed(
                payload, release_holds=True, overwrite_stripe_edits=overwrite, **what
            )
        return ws.archive(payload, **what)

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
