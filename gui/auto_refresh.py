"""The window's own refresh: every few seconds while it is shown, Stripe's events since the last
check are read in the background (`Session.watch`), so a change made in the Dashboard shows up
without the operator pressing Refresh.

The interval is a setting (`SettingsStore.auto_refresh_seconds`: 30 s in test and live, 3 s in
the sandbox, 0 for never). A tick starts nothing while the window cannot take new rows quietly:
hidden or minimised, a task running or queued (a sync, a plan being worked out, an open), a
dialog that will write open, or a check still going. Stripe calls never overlap: the check runs
on the session's one worker thread like every other. The timer starts afresh whenever rows
arrive, so a check never follows right after another read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, SignalInstance

from core.workspace import ProductRow

log = logging.getLogger(__name__)

# Qt timers take a signed 32-bit number of milliseconds.
_MAX_MS = 2**31 - 1


class Watcher(Protocol):
    """The part of `gui.session.Session` the auto-refresh drives."""

    rows_loaded: SignalInstance
    rows_watched: SignalInstance

    @property
    def busy(self) -> bool: ...

    def watch(self, base: Sequence[ProductRow] = ()) -> bool: ...


class AutoRefresh(QObject):
    """Ticks every `interval` seconds (0: off); a tick asks `watcher.watch(rows())` when `ready()`
    (the window is shown and idle) and nothing is running."""

    def __init__(
        self,
        watcher: Watcher,
        ready: Callable[[], bool],
        rows: Callable[[], Sequence[ProductRow]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self._ready = ready
        self._rows = rows
        self._seconds = 0.0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.ticks = 0  # ticks that started a check
        watcher.rows_loaded.connect(self.restart)
        watcher.rows_watched.connect(self.restart)

    @property
    def interval(self) -> float:
        """Seconds between two checks (0: off)."""
        return self._seconds

    def set_interval(self, seconds: float) -> None:
        """Check every `seconds` from now on (0 or less: never)."""
        self._seconds = max(0.0, seconds)
        if self._seconds == 0:
            self.timer.stop()
            log.info("Automatic refresh is off")
            return
        self.timer.setInterval(min(_MAX_MS, max(1, round(self._seconds * 1000))))
        self.timer.start()
        log.info("Automatic refresh every %g s", self._seconds)

    def stop(self) -> None:
        """No more ticks (the window is closing)."""
        self._seconds = 0.0
        self.timer.stop()

    def restart(self, *_args: object) -> None:
        """Rows just arrived: the next check comes a whole interval from now."""
        if self._seconds > 0:
            self.timer.start()

    def tick(self) -> bool:
        """Start a check by events if the window can take it now; whether one started."""
        if not self._ready() or self._watcher.busy:
            return False
        started = self._watcher.watch(self._rows())
        if started:
            self.ticks += 1
        return started
