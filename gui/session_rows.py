"""The session's catalog rows: add a product, duplicate one, add or remove a variant — catalog only,
never Stripe. Each runs on the task runner, then reads the table again; `rows_changed` says what was
done (or `error` why not)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SignalInstance

from core.runtime.heap import collections_paused
from core.workspace import ProductRow
from gui.models.row_prep import prepare_rows
from gui.session_types import WorkspaceLike
from gui.tasks import Task

log = logging.getLogger(__name__)


class RowFlows:
    """`change_rows(what, call)` → `rows_changed(text)` and the rows read again."""

    # Provided by Session.
    rows_changed: SignalInstance
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]

    def change_rows(self, what: str, call: Callable[[Any], str]) -> None:
        """Run `call(workspace)` (it returns what was done, in words) in the background, then
        read the table again."""

        def work(task: Task) -> tuple[str, list[ProductRow]]:
            ws = self._workspace()
            text = call(ws)
            with collections_paused():  # the whole catalog read again: see core.runtime.heap
                return text, prepare_rows(ws.status())

        def done(result: tuple[str, list[ProductRow]]) -> None:
            text, rows = result
            self._on_rows(rows)
            self.rows_changed.emit(text)

        self._start(work, what, done, f"Could not {what[0].lower()}{what[1:]}")
