"""The session's pull flow: take fields edited in Stripe back into the catalog, then read the table
again. It writes only the catalog, never Stripe, and runs on the task runner like every other
workspace call.

`PullFlows` is mixed into `gui.session.Session`, which owns the `pull_finished` signal, the task
plumbing (`_start`) and the workspace (`_workspace`, on the pool thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import SignalInstance

from core.errors import CancelledError, StripeUnavailableError, SyncAdminError
from core.workspace import ProductRow
from gui.session_types import PullOutcome, PullResultLike, WorkspaceLike
from gui.tasks import Task

log = logging.getLogger(__name__)

# One pull call: these products, these fields of each (None: every field edited in Stripe).
PullRequest = tuple[Sequence[str], Sequence[str] | None]


class PullFlows:
    """`pull(requests)` → `pull_finished(PullOutcome)`, then the rows read back."""

    # Provided by Session.
    pull_finished: SignalInstance
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]

    def pull(self, requests: Sequence[PullRequest]) -> None:
        """Take Stripe's values of the given fields into the catalog, then refresh. Each request
        is one `Workspace.pull` call, so each product gets exactly the fields asked for it."""
        calls = [(list(ids), None if fields is None else list(fields)) for ids, fields in requests]
        calls = [(ids, fields) for ids, fields in calls if ids]
        if not calls:
            return
        count = len({pid for ids, _ in calls for pid in ids})
        name = f"Taking Stripe's edits into the catalog for {count} product(s)"

        def work(task: Task) -> PullOutcome:
            ws = self._workspace()
            results: list[PullResultLike] = []
            error: Exception | None = None
            try:
                for ids, fields in calls:
                    task.cancel_token.raise_if_cancelled()
                    results += ws.pull(ids, fields=fields, cancel=task.cancel_token)
            except SyncAdminError as exc:  # cancelled, or Stripe/the catalog refused
                if not isinstance(exc, CancelledError):
                    error = exc
            cancelled = task.cancel_token.cancelled
            if cancelled or isinstance(error, StripeUnavailableError):
                return PullOutcome(results, None, error, None, cancelled)
            try:
                return PullOutcome(results, ws.status(), error, None, cancelled)
            except Exception as exc:
                return PullOutcome(results, None, error, exc, cancelled)

        self._start(work, name, self._on_pulled, "Could not take Stripe's edits")

    def _on_pulled(self, outcome: PullOutcome) -> None:
        for result in outcome.results:
            for item in result.refused:
                log.info("%s: %s not taken from Stripe: %s", result.id, item.field, item.reason)
        self.pull_finished.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)
