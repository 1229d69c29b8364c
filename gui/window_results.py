"""How the main window reacts to what comes back: the session's results (connected or not, rows,
plans, a run's end, a product's details, errors) and the dialogs' (a plan applied, a key changed).

A plan is shown for review in the plan dialog; Apply starts the sync or archive run.
`SessionResults` is mixed into `gui.main_window.MainWindow`, which builds the widgets shown here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog

from core.workspace import Mode, ProductPlan, ProductRow, plural
from gui.connection_view import ConnectionView
from gui.dialogs.plan_dialog import PlanDialog
from gui.models.product_table import ProductTableModel
from gui.session import Detail, Opened, Overwrite, RunOutcome, Session
from gui.session_runs import to_review
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_bar import FilterBar
from gui.widgets.status_panel import StatusPanel
from gui.widgets.table_placeholder import TablePlaceholder

log = logging.getLogger(__name__)

# After Apply, the run starts this long after the dialog closed, so the window repaints first
# instead of competing with the worker's start-of-run burst (benchmarks/gui_bench.py --explain).
APPLY_DELAY_MS = 30


class SessionResults:
    """Shows what the session and the dialogs report; nothing here waits on Stripe."""

    # Provided by MainWindow.
    session: Session
    plan_dialog: PlanDialog | None
    keys_dialog: QDialog | None
    model: ProductTableModel
    filter_bar: FilterBar
    detail: DetailPane
    placeholder: TablePlaceholder
    status: StatusPanel
    connection: ConnectionView
    _closing: bool
    selected_rows: Callable[[], list[ProductRow]]
    reset_client: Callable[[], None]
    _update_shown: Callable[[], None]
    _show_detail: Callable[[ProductRow | None], None]
    _update_actions: Callable[..., None]
    _reselect: Callable[[set[str]], None]
    _on_shut_down: Callable[[], None]
    overwrite_for: Callable[..., Overwrite]
    run_note: Callable[[], str | None]

    if TYPE_CHECKING:

        @property
        def mode(self) -> Mode: ...

    def _wire_session(self) -> None:
        s = self.session
        s.opened.connect(self._on_opened)
        s.disconnected.connect(self._on_disconnected)
        s.cancelled.connect(self._on_cancelled)
        s.shut_down.connect(self._on_shut_down)
        s.rows_loaded.connect(self._on_rows)
        s.plans_ready.connect(self._on_plans)
        s.run_started.connect(self.status.start_run)
        s.run_progress.connect(self.status.show_progress)
        s.run_finished.connect(self._on_run_finished)
        s.detail_loaded.connect(self._on_detail)
        s.error.connect(self._on_error)
        s.busy_changed.connect(lambda _busy: self._update_actions())

    # -- the connection and the table -----------------------------------------------------------

    def _on_opened(self, opened: Opened) -> None:
        self.connection.connected(opened.mode, opened.account, opened.session_key)

    def _on_disconnected(self, exc: object) -> None:
        """Opening or resetting failed (exc) or was cancelled (None): nothing shown is current."""
        self.model.set_rows([])
        self.filter_bar.set_counts([])
        self._update_shown()
        self._show_detail(None)
        self.connection.lost(self.mode, exc)
        self._update_actions()

    def _on_cancelled(self, what: str) -> None:
        if not self._closing:
            self.status.show_message(f"{what}: cancelled.")

    def _on_rows(self, rows: list[ProductRow]) -> None:
        # The model takes the rows a few hundred per event-loop turn (no reset: the selection
        # stays); the rest follows once they are all in place.
        selected = {r.product_id for r in self.selected_rows()}
        current = self.detail.row.product_id if self.detail.row else None
        self.model.show_rows(rows, then=lambda: self._rows_shown(rows, selected, current))

    def _rows_shown(self, rows: list[ProductRow], selected: set[str], current: str | None) -> None:
        self.filter_bar.set_counts(rows)
        self._update_shown()
        self._reselect(selected)
        if current is not None:
            self._show_detail(self.model.row_for(current))
        self.placeholder.update_visibility()
        if self.status.showing_busy and self.session.account is not None:
            differ = self.model.summary.not_in_sync
            self.status.show_message(
                f"{self.session.account.name}: {len(rows)} products read, {differ} not in sync."
            )
        self._update_actions()

    # -- plans, reviewed in the plan dialog, then applied ---------------------------------------

    def _on_plans(self, purpose: str, plans: list[ProductPlan]) -> None:
        actionable = [p for p in plans if to_review(p)]
        if not any(p.operations for p in actionable):
            errors = [p for p in actionable if p.error]
            if errors:
                first = errors[0]
                self.status.show_error(
                    f"{plural(len(errors), 'product')} cannot be synced",
                    f"{first.product_id}: {first.error}"
                    + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                )
            elif any(p.kept_stripe_edits for p in plans):
                self.status.show_message(
                    "Nothing to write: the edits made in Stripe are kept (Show: Changed in "
                    "Stripe lists them)."
                )
            else:
                self.status.show_message(
                    "Nothing to sync: every product that is ready to sell matches Stripe."
                )
            return
        self.status.show_message(f"{plural(len(actionable), 'product')} to review.")
        self._show_plan(actionable, "Sync")

    def _show_plan(
        self,
        plans: list[ProductPlan],
        verb: str,
        *,
        notes: Sequence[tuple[str, str]] = (),
        apply: Callable[[list[ProductPlan]], None] | None = None,
    ) -> None:
        """Show plans for review; Apply runs `apply(ticked plans)` (default: sync or archive
        them). `notes`: (product, why) for selected products with nothing to write."""
        names = {}  # only the products listed: not a pass over every row of the table
        for product_id in [p.product_id for p in plans] + [pid for pid, _ in notes]:
            row = self.model.row_for(product_id)
            if row is not None:
                names[product_id] = row.name
        titled = [(pid + (f" — {names[pid]}" if pid in names else ""), why) for pid, why in notes]
        dialog = PlanDialog(
            plans,
            mode=self.mode,
            account=self.session.account,
            verb=verb,
            names=names,
            notes=titled,
            parent=self,  # type: ignore[arg-type]
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply(dialog, verb, apply))
        dialog.finished.connect(lambda _r: setattr(self, "plan_dialog", None))
        self.plan_dialog = dialog
        # Shown on the next turn: building it and Qt's show-and-repaint of the window it covers
        # would otherwise be one long turn of the GUI thread (benchmarks/gui_bench.py).
        QTimer.singleShot(0, lambda: self._open_plan(dialog))

    def _open_plan(self, dialog: PlanDialog) -> None:
        if self.plan_dialog is dialog and not self._closing:
            dialog.open()

    def _apply(
        self,
        dialog: PlanDialog,
        verb: str,
        apply: Callable[[list[ProductPlan]], None] | None,
    ) -> None:
        chosen = dialog.selected_plans()
        if not chosen:
            return
        log.info("%s confirmed for %s", verb, ", ".join(p.product_id for p in chosen))
        self.status.show_busy(f"{'Archiving' if verb == 'Archive' else 'Syncing'}")
        self._update_actions(busy=True)  # nothing else may start in the gap before the run
        # Let the window repaint without the dialog before the worker's first burst.
        QTimer.singleShot(APPLY_DELAY_MS, lambda: self._start_run(verb, chosen, apply))

    def _start_run(
        self,
        verb: str,
        chosen: list[ProductPlan],
        apply: Callable[[list[ProductPlan]], None] | None = None,
    ) -> None:
        if self._closing:
            return
        if apply is not None:
            apply(chosen)
        elif verb == "Archive":
            self.session.archive([p.product_id for p in chosen])
        else:
            self.session.sync(chosen, self.overwrite_for(None))

    # -- runs, details, errors, keys ------------------------------------------------------------

    def _on_run_finished(self, outcome: RunOutcome) -> None:
        self.status.finish_run(
            outcome.kind,
            outcome.results,
            outcome.cancelled,
            error=outcome.error,
            stale=outcome.rows is None and outcome.started,
            refresh_error=outcome.refresh_error,
            note=self.run_note(),
        )

    def _on_detail(self, detail: Detail) -> None:
        self.detail.set_detail(detail)

    def _on_error(self, context: str, exc: object) -> None:
        self.status.show_error(context, exc)
        self._update_actions()

    def _on_key_changed(self, mode: str) -> None:
        # Queued on the session's runner behind the key check: the new key takes effect now.
        if mode == self.mode and not self._closing:
            self.reset_client()

    def _on_keys_closed(self, _result: int) -> None:
        self.keys_dialog = None
