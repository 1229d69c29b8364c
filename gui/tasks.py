"""Background work: run workspace calls off the GUI thread, one at a time, reporting through signals.

A `Task` owns a `TaskSignals` object created on the GUI thread, so every slot connected to it runs on
the GUI thread (queued) while the work itself runs on the runner's single pool thread. Cancelling is
cooperative: the task's `CancelToken` is checked by core between two Stripe operations, never inside
one. The runner keeps every task alive until its `finished` signal has been delivered.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import CancelledError
from core.workspace import CancelToken, ProgressEvent

log = logging.getLogger(__name__)

# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). Qt calls
# back into Python (the table model's data(), slots) once per cell and role, taking the GIL each
# time; while the pool thread runs Python-heavy work, each of those waits could last a whole
# interval, so one repaint stalled the window for 100-200 ms (benchmarks/gui_bench.py --explain).
GUI_SWITCH_INTERVAL_S = 0.0005


class TaskSignals(QObject):
    """What a task reports: progress events, its result or error, a cancellation, and the end."""

    progress = Signal(object)  # ProgressEvent
    succeeded = Signal(object)  # whatever the task's function returned
    failed = Signal(object)  # the exception
    cancelled = Signal()
    finished = Signal()  # always last, after exactly one of succeeded / failed / cancelled


class Task(QRunnable):
    """One unit of background work: `fn(task)` runs on the pool thread and may call `task.report`."""

    def __init__(self, fn: Callable[[Task], Any], *, name: str, foreground: bool = True) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner (Python) owns the task, not the pool
        self.name = name
        self.foreground = foreground
        self.signals = TaskSignals()  # created here, on the GUI thread: slots run there
        self.cancel_token = CancelToken()
        self._fn = fn

    def report(self, event: ProgressEvent) -> None:
        """Pass a progress event to the GUI thread (a core `progress=` callback)."""
        self.signals.progress.emit(event)

    def cancel(self) -> None:
        """Ask the task to stop at its next safe point (between two Stripe operations)."""
        self.cancel_token.cancel()

    def run(self) -> None:
        """Run the function and emit its outcome; never lets an exception escape the pool."""
        try:
            self.cancel_token.raise_if_cancelled()
            result = self._fn(self)
        except CancelledError:
            log.info("%s: cancelled", self.name)
            self._emit(self.signals.cancelled)
        except Exception as exc:  # shown to the operator, in plain words, by the window
            log.warning("%s failed: %s", self.name, exc)
            self._emit(self.signals.failed, exc)
        else:
            self._emit(self.signals.succeeded, result)
        finally:
            self._emit(self.signals.finished)

    def _emit(self, signal: Any, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the signals object is gone: whoever listened was closed meanwhile
            log.debug("%s finished after its listeners were gone", self.name)


class TaskRunner(QObject):
    """Runs tasks on a dedicated pool with one thread, so Stripe calls never overlap.

    `busy_changed(bool)` tells whether a foreground task (one the operator started) is queued or
    running; background tasks (loading the detail pane's journal) do not make the window busy.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        sys.setswitchinterval(min(sys.getswitchinterval(), GUI_SWITCH_INTERVAL_S))
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread: core objects stay on one thread
        self._tasks: list[Task] = []

    @property
    def busy(self) -> bool:
        """Whether a foreground task is queued or running."""
        return any(task.foreground for task in self._tasks)

    @property
    def current(self) -> Task | None:
        """The oldest foreground task still alive (the one a Cancel button cancels)."""
        return next((task for task in self._tasks if task.foreground), None)

    def start(self, task: Task) -> Task:
        """Queue a task; connect to `task.signals` before calling this, since delivery is queued."""
        was_busy = self.busy
        self._tasks.append(task)
        # A bound slot (not a lambda): Qt drops the connection if the runner is deleted first.
        task.signals.finished.connect(self._on_finished)
        self._pool.start(task)
        if self.busy != was_busy:
            self.busy_changed.emit(True)
        return task

    def cancel_all(self) -> None:
        """Ask every queued or running task to stop at its next safe point."""
        for task in self._tasks:
            task.cancel()

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Cancel everything and wait for the pool thread to finish (used when the window closes)."""
        self.cancel_all()
        return self._pool.waitForDone(msecs)

    def _on_finished(self) -> None:
        signals = self.sender()
        task = next((t for t in self._tasks if t.signals is signals), None)
        if task is not None:
            self._forget(task)

    def _forget(self, task: Task) -> None:
        was_busy = self.busy
        if task in self._tasks:
            self._tasks.remove(task)
        if was_busy != self.busy:
            self.busy_changed.emit(self.busy)
