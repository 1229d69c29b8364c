"""Editing the catalog in the main window: the detail pane's Edit and History tabs, double-click or
F2 on a table's catalog cell, saving (with the conflict dialog when another writer got there
first), reverting to a history entry, and Undo / Redo of the edits made since the window opened.

None of it writes to Stripe: a save changes the catalog, the table shows the difference
(changed: catalog), and the operator syncs through the plan as usual. Every call runs on the
session's task runner (`gui.session_edits`).

`EditWindowFlows` is mixed into `gui.main_window.MainWindow`, which calls `_edit_tabs` while
laying out (after `_init_edits`), `_edit_menu` while building the menus, `_wire_edits` and `_show_edit`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QTableView, QTabWidget, QWidget

from core.workspace import EditConflict, InvalidEditError, ProductRow
from gui.dialogs.conflict_dialog import ConflictDialog
from gui.edit_undo import EditUndo, SavedEdit, step_text
from gui.models.product_table import ROW_ROLE, Column
from gui.session import EditCall, EditOutcome, Session
from gui.session_edits import problem_key
from gui.widgets.detail_pane import DetailPane
from gui.widgets.edit_form import EditForm
from gui.widgets.history_view import HistoryView
from gui.widgets.modes_view import ModesView
from gui.widgets.status_panel import StatusPanel

log = logging.getLogger(__name__)

# The table's catalog cells and the field the Edit tab focuses for each.
CELL_FIELDS = {Column.ID: "name", Column.NAME: "name", Column.LOCAL_PRICE: "base_price"}
CELL_FIELDS |= {Column.SELL_STATUS: "sell_status"}
SAVED_NOTE = "Nothing was written to Stripe: Sync selected shows what a sync would change."


class EditWindowFlows:
    """The window's editing (see the module docstring)."""

    # Provided by MainWindow.
    session: Session
    status: StatusPanel
    detail: DetailPane
    table: QTableView
    menuBar: Callable[[], QMenuBar]

    def _init_edits(self) -> None:
        parent: QWidget = self  # type: ignore[assignment]
        self.conflict_dialog: ConflictDialog | None = None
        self._focus_wanted: str | None = None
        self.edit_form = EditForm(parent)
        self.history_view = HistoryView(parent)
        self.undo = EditUndo(parent, self._run_step)
        self.edit_cell = QAction("Edit this field", parent)
        self.edit_cell.setShortcut(QKeySequence("F2"))
        self.edit_cell.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _edit_tabs(self, detail: QWidget) -> QTabWidget:
        """The detail pane's tabs: Details, Edit, History."""
        self.tabs = QTabWidget(detail.parentWidget())
        self.tabs.setObjectName("detail-tabs")
        self.tabs.addTab(detail, "Details")
        self.tabs.addTab(self.edit_form, "Edit")
        self.tabs.addTab(self.history_view, "History")
        self.modes_view = ModesView(self.tabs)
        self.tabs.addTab(self.modes_view, "Test vs Live")
        return self.tabs

    def _edit_menu(self) -> None:
        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.undo.undo)
        menu.addAction(self.undo.redo)
        self.edit_menu = menu

    def _wire_edits(self) -> None:
        s = self.session
        s.edit_checked.connect(self.edit_form.show_check)
        s.edit_saved.connect(self._on_edit_saved)
        s.detail_loaded.connect(self._on_edit_detail)
        s.detail_loaded.connect(self.modes_view.show_detail)
        s.busy_changed.connect(self._edits_busy)
        s.error.connect(self._edit_task_failed)
        self.edit_form.check_wanted.connect(s.check_edit)
        self.edit_form.save_requested.connect(self._save_edit)
        self.edit_form.draft_kept.connect(self._draft_kept)
        self.history_view.revert_requested.connect(self._revert)
        self.table.addAction(self.edit_cell)
        self.edit_cell.triggered.connect(lambda: self.edit_at(self.table.currentIndex()))
        self.table.doubleClicked.connect(self.edit_at)

    def _show_edit(self, row: ProductRow | None) -> None:
        """Follow the selection in the Edit and History tabs."""
        self.edit_form.show_product(row)
        self.history_view.show_product(
            row.product_id if row else None, has_local=bool(row and row.has_local)
        )

    def edit_at(self, index: QModelIndex) -> None:
        """Double-click or F2 on a catalog cell: select its product, open the Edit tab with
        that field focused."""
        field = CELL_FIELDS.get(Column(index.column())) if index.isValid() else None
        row: ProductRow | None = index.data(ROW_ROLE) if index.isValid() else None
        if field is None or row is None or not row.has_local:
            return
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        flags |= QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().select(index, flags)
        self.tabs.setCurrentWidget(self.edit_form)
        self._focus_wanted = field
        self._apply_focus()

    # -- results ------------------------------------------------------------------------------

    def _on_edit_detail(self, detail: object) -> None:
        record = getattr(detail, "record", None)
        pid = getattr(detail, "product_id", None)
        if record is None or pid is None:
            return
        row = self.detail.row
        currency = record.product.get("currency") or (row.currency if row else "usd")
        self.edit_form.set_record(record, str(currency).lower(), owned=getattr(detail, "owned", ()))
        self.history_view.set_history(pid, detail.history, detail.prices)  # type: ignore[attr-defined]
        self._apply_focus()

    def _apply_focus(self) -> None:
        if self._focus_wanted and self.edit_form.field(self._focus_wanted) is not None:
            self.edit_form.focus_field(self._focus_wanted)
            self._focus_wanted = None

    def _edits_busy(self, busy: bool) -> None:
        self.edit_form.set_busy(busy)
        self.history_view.set_busy(busy)
        self.undo.set_busy(busy)

    def _edit_task_failed(self, _context: str, _exc: object) -> None:
        """A task failed outright (shown by the window): nothing is saving or running any more."""
        self.edit_form.save_failed()
        self.undo.fail_running()

    def _save_edit(self, product_id: str, calls: list[EditCall]) -> None:
        self.status.show_busy(f"Saving {self._name(product_id)} in the catalog")
        self.session.save_edit(product_id, calls)

    def _revert(self, product_id: str, entry_id: int) -> None:
        self.status.show_busy(f"Reverting {self._name(product_id)} to entry #{entry_id}")
        self.session.revert_to(product_id, entry_id)

    def _run_step(
        self, product_id: str, calls: list[EditCall], purpose: str, step: SavedEdit
    ) -> None:
        verb = "Undoing" if purpose == "undo" else "Redoing"
        self.status.show_busy(f"{verb} {step.text()}")
        self.session.save_edit(product_id, calls, purpose=purpose, token=step)

    def _on_edit_saved(self, outcome: EditOutcome) -> None:
        pid, error = outcome.product_id, outcome.error
        changed = [c for r in outcome.results for c in r.changed]
        name = self._name(pid)
        if outcome.purpose in ("undo", "redo"):
            self.undo.finished(outcome.token, ok=error is None)
        elif changed:
            if outcome.purpose == "revert":
                text = f"revert of {name} to entry #{outcome.token}"
            else:
                text = step_text(name, changed, self._variant_names())
            self.undo.push(pid, changed, text)
        if outcome.purpose == "save":
            self._saved(outcome)
        if error is not None:
            what = {"undo": "Could not undo", "redo": "Could not redo"}
            self.status.show_error(what.get(outcome.purpose, f"{name} was not saved"), error)
        elif outcome.refresh_error is not None:
            self.status.show_error(
                "Saved in the catalog, but the table could not be read again", outcome.refresh_error
            )
        elif not changed:
            self.status.show_message(
                f"{name}: nothing to change, the catalog already holds those values."
            )
        else:
            verb = {"undo": "Undid", "redo": "Redid", "revert": "Reverted"}.get(
                outcome.purpose, "Saved"
            )
            what = step_text(name, changed, self._variant_names())
            self.status.show_message(f"{verb} {what} in the catalog. {SAVED_NOTE}")
        self._reload(pid)

    def _saved(self, outcome: EditOutcome) -> None:
        error = outcome.error
        if error is None:
            self.edit_form.saved([c for r in outcome.results for c in r.changed])
            return
        self.edit_form.save_failed()
        at = outcome.failed or 0
        if isinstance(error, InvalidEditError):
            vid = outcome.calls[at].variant_id if at < len(outcome.calls) else None
            self.edit_form.show_problems(
                {problem_key(vid, p.field): p.message for p in error.problems}
            )
        elif isinstance(error, EditConflict) and outcome.product_id == self.edit_form.product_id:
            self._conflict(outcome, error, at)

    def _conflict(self, outcome: EditOutcome, conflict: EditConflict, at: int) -> None:
        row = self.detail.row
        dialog = ConflictDialog(
            conflict,
            title=self._name(outcome.product_id),
            currency=row.currency if row else "usd",
            parent=self,  # type: ignore[arg-type]
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rest = outcome.calls[at:]
        again = [replace(rest[0], expect={**(rest[0].expect or {}), **conflict.current}), *rest[1:]]

        def mine() -> None:
            self.status.show_busy(f"Saving {self._name(outcome.product_id)} over the other change")
            self.session.save_edit(outcome.product_id, again)

        def theirs() -> None:
            self.edit_form.discard()
            self.status.show_message("Kept the catalog's values; your typed values were discarded.")
            self._reload(outcome.product_id)

        dialog.accepted.connect(mine)
        dialog.rejected.connect(theirs)
        dialog.finished.connect(lambda _r: setattr(self, "conflict_dialog", None))
        self.conflict_dialog = dialog
        dialog.open()

    def _reload(self, product_id: str) -> None:
        """Read the product's row and history again when it is the one shown."""
        row = self.detail.row
        if row is not None and row.product_id == product_id:
            self.session.request_detail(product_id)

    def _draft_kept(self, product_id: str) -> None:
        self.status.show_message(
            f"Your unsaved changes to {self._name(product_id)} are kept: select it again to save "
            "or discard them."
        )

    def _name(self, product_id: str) -> str:
        model = getattr(self, "model", None)
        row = model.row_for(product_id) if model is not None else None
        return row.name if row is not None and row.name else product_id

    def _variant_names(self) -> dict[str, str]:
        record = self.edit_form.record
        if record is None:
            return {}
        return {str(v["id"]): str(v.get("variant_value") or v["id"]) for v in record.variants}
