"""Watching Stripe from the window: the session's cheap refresh by events, Refresh all, and when
and how Stripe was last checked.

Every read of the rows brings Stripe's side up to date through the workspace's mirror (Stripe's
events since the last refresh, or a full read when they cannot serve); after each one,
`stripe_checked(Checked)` says when and how, read from `Workspace.last_refresh` on the pool thread.
`watch` is the window's own refresh (started by `gui.auto_refresh`): a background task, so the
window neither looks busy nor offers Cancel for it, whose rows come back through
`rows_watched(Watched)` and not `rows_loaded`, for the window to apply in place; it gives up at
the first failure to reach Stripe (`Workspace.fail_fast`), since the next check comes by itself.
`refresh_all` is the operator's Refresh all (Shift+F5): everything read again, the rows through
`rows_loaded`. Any refresh that fails says so through `stripe_checked` (a `Checked` with its
error), so the window can say how old the rows it keeps showing are.

`RefreshFlows` is mixed into `gui.session.Session`, which owns the signals, the task plumbing and
the workspace (touched here on the pool thread only).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import SignalInstance

from core.runtime.heap import collections_paused
from core.workspace import AccountInfo, ProductRow, StripeRefresh
from gui.models.row_prep import prepare_rows
from gui.session_types import WorkspaceLike
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

WATCH_TASK = "Checking Stripe"


@dataclass(frozen=True)
class Checked:
    """One check of Stripe's side: when (local time), how (None: the workspace does not say), or
    why it failed (then the rows shown are from the check before)."""

    at: datetime
    refresh: StripeRefresh | None = None
    error: Exception | None = None


@dataclass(frozen=True)
class Watched:
    """The rows a refresh by events read, and which differ from `base` (the rows the window
    showed when it asked; compared on the pool thread, so the GUI thread only repaints those)."""

    rows: list[ProductRow]
    checked: Checked
    base: list[ProductRow] = field(default_factory=list)
    changed: frozenset[str] = frozenset()


def _last_refresh(ws: WorkspaceLike | None) -> StripeRefresh | None:
    # A workspace without a mirror of Stripe (a stand-in) has no `last_refresh`: nothing to say.
    refresh: Any = getattr(ws, "last_refresh", None)
    return refresh if isinstance(refresh, StripeRefresh) else None


def _fail_fast(ws: WorkspaceLike) -> AbstractContextManager[None]:
    # A stand-in workspace (tests) may not offer `fail_fast`: it then retries as it does.
    fail_fast: Any = getattr(ws, "fail_fast", None)
    return fail_fast() if callable(fail_fast) else nullcontext()


class RefreshFlows:
    """`watch` → `rows_watched` + `stripe_checked`; `refresh_all` → `rows_loaded`; every
    `rows_loaded` → `stripe_checked`."""

    # Provided by Session.
    rows_loaded: SignalInstance
    rows_watched: SignalInstance
    stripe_checked: SignalInstance
    error: SignalInstance
    runner: TaskRunner
    account: AccountInfo | None
    shutting_down: bool
    _ws: WorkspaceLike | None
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]
    _with_failures: Callable[[list[ProductRow]], list[ProductRow]]

    def _init_refresh(self) -> None:
        self._watching = False  # a watch is queued or running (GUI-thread state)
        self.rows_loaded.connect(self._note_checked)

    @property
    def watching(self) -> bool:
        """Whether a refresh by events is queued or running."""
        return self._watching

    def watch(self, base: Sequence[ProductRow] = ()) -> bool:
        """Bring Stripe's side up to date by its events, in the background; the rows come back
        through `rows_watched`, with which of them differ from `base`. Nothing starts (False)
        while one is already going, without a connected workspace, or once shutting down."""
        if self._watching or self.account is None or self.shutting_down:
            return False
        shown = list(base)

        def work(task: Task) -> Watched:
            ws = self._workspace()
            with (
                ws.cancellable(task.cancel_token),
                _fail_fast(ws),
                collections_paused(),
            ):  # core.runtime.heap
                rows = ws.status()
            at = datetime.now()
            before = {row.product_id: row for row in shown}
            changed = frozenset(r.product_id for r in rows if before.get(r.product_id) != r)
            return Watched(rows, Checked(at, _last_refresh(ws)), shown, changed)

        task = Task(work, name=WATCH_TASK, foreground=False)
        task.signals.succeeded.connect(self._on_watched)
        task.signals.failed.connect(self._on_watch_failed)
        task.signals.finished.connect(self._on_watch_done)
        self._watching = True
        self.runner.start(task)
        return True

    def refresh_all(self) -> None:
        """Read the catalog and everything in Stripe again (not only its changes since the last
        check): for when the table seems wrong, or events cannot be trusted."""

        def work(task: Task) -> list[ProductRow]:
            ws = self._workspace()
            with ws.cancellable(task.cancel_token), collections_paused():  # see core.runtime.heap
                return prepare_rows(ws.status(refresh_all=True))

        self._start(
            work,
            "Reading everything in Stripe",
            self._on_rows,
            "Could not read Stripe",
            on_error=self._refresh_failed,
        )

    # -- results (GUI thread) -----------------------------------------------------------------

    def _on_watched(self, watched: Watched) -> None:
        rows = self._with_failures(watched.rows)
        self.rows_watched.emit(Watched(rows, watched.checked, watched.base, watched.changed))
        self.stripe_checked.emit(watched.checked)

    def _on_watch_failed(self, exc: object) -> None:
        # Said in the status bar's "Stripe checked" corner and the window's notice, not as an
        # error over the operator's work: the next check may well succeed, and the rows shown
        # stay as they were.
        log.info("Checking Stripe failed: %s", exc)
        error = exc if isinstance(exc, Exception) else RuntimeError(str(exc))
        self.stripe_checked.emit(Checked(datetime.now(), error=error))

    def _refresh_failed(self, context: str, exc: object) -> None:
        """Refresh or Refresh all failed: said as an error, and as a failed check (the rows shown
        stay those of the last read that worked)."""
        self.error.emit(context, exc)
        self._on_watch_failed(exc)

    def _on_watch_done(self) -> None:
        self._watching = False

    def _note_checked(self, _rows: object) -> None:
        """Rows were read (opening, Refresh, after a run or an edit): say how Stripe was checked."""
        if self.shutting_down or self.account is None:
            return
        at = datetime.now()

        def work(_task: Task) -> Checked:
            return Checked(at, _last_refresh(self._ws))

        task = Task(work, name="Reading how Stripe was checked", foreground=False)
        task.signals.succeeded.connect(self.stripe_checked)
        self.runner.start(task)
