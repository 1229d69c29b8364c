"""The session's detail loading: the journal and dashboard links of the one selected product, and
its catalog row, history and price timeline (the Edit and History tabs), read in the background
without blocking the operator's tasks; only the latest selection is shown.

`DetailLoading` is mixed into `gui.session.Session`, which owns the runner, the account, the
`detail_loaded` signal and the workspace (touched here on the pool thread only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import SignalInstance

from core.errors import SyncAdminError
from core.workspace import AccountInfo
from gui.session_types import Detail, WorkspaceLike
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)


class DetailLoading:
    """`request_detail(product_id)` → `detail_loaded(Detail)`, one load at a time; a selection
    that moved while loading is loaded next."""

    # Provided by Session.
    detail_loaded: SignalInstance
    runner: TaskRunner
    account: AccountInfo | None
    shutting_down: bool
    _ws: WorkspaceLike | None

    def _init_detail(self) -> None:
        self._detail_wanted: tuple[str, tuple[str, ...]] | None = None
        self._detail_loaded_for: tuple[str, tuple[str, ...]] | None = None  # set on the pool thread
        self._detail_pending = False

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

    def _load_detail(self, task: Task) -> Detail | None:  # on the pool thread
        wanted = self._detail_loaded_for = self._detail_wanted
        if wanted is None or self._ws is None:
            return None
        product_id, stripe_ids = wanted
        journal = self._ws.journal(product_id, limit=20)
        urls = {stripe_id: self._ws.dashboard_url(stripe_id) for stripe_id in stripe_ids}
        try:
            record = self._ws.editable(product_id)
        except SyncAdminError:  # no catalog row (a product only Stripe has): nothing to edit
            return Detail(product_id, journal, urls)
        history = self._ws.history(product_id)
        modes = None
        if self._ws.mode in ("test", "live"):
            (modes,) = self._ws.test_and_live([product_id])
        return Detail(
            product_id,
            journal,
            urls,
            record,
            history,
            self._ws.price_history(product_id),
            modes,
            self._ws.editable_fields(),
        )

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
