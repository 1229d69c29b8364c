"""Watching Stripe in the main window: the automatic refresh by events (`gui.auto_refresh`), Refresh
all (Shift+F5), the marks on rows changed in Stripe since the operator last looked
(`gui.models.change_badges`) and the status bar's "Stripe checked 14:02:05 — events: 2 changes".

Rows from the automatic refresh are applied in place: only the rows that changed are repainted,
so the selection, the scroll position and an edit being typed stay as they are; a product that
came or went replaces the table as a Refresh does (the selection is kept). Rows that arrive while
a task runs or a dialog that will write is open are dropped: that task reads the table itself.

`WatchFlows` is mixed into `gui.main_window.MainWindow`, which calls `_wire_watch` once its
widgets are built.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence

from PySide6.QtCore import QItemSelection, QModelIndex
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QStatusBar, QTableView, QWidget

from core.workspace import ProductRow
from gui.actions import WindowActions
from gui.auto_refresh import AutoRefresh
from gui.models.product_table import ROW_ROLE, ProductTableModel
from gui.session import Opened, Session
from gui.session_refresh import Watched
from gui.settings_store import SettingsStore
from gui.theme import DiffColors
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_bar import FilterBar
from gui.widgets.status_panel import StatusPanel
from gui.widgets.stripe_checked import StripeCheckedLabel

log = logging.getLogger(__name__)


class WatchFlows:
    """The window's side of watching Stripe (see the module docstring)."""

    # Provided by MainWindow.
    session: Session
    settings: SettingsStore
    actions: WindowActions
    model: ProductTableModel
    table: QTableView
    colors: DiffColors
    detail: DetailPane
    filter_bar: FilterBar
    status: StatusPanel
    stripe_menu: QMenu
    plan_dialog: QDialog | None
    keys_dialog: QDialog | None
    adopt_dialog: QDialog | None
    preset_box: QMessageBox | None
    conflict_dialog: QDialog | None
    _closing: bool
    statusBar: Callable[[], QStatusBar]
    isVisible: Callable[[], bool]
    isMinimized: Callable[[], bool]
    refresh: Callable[[], None]
    _on_rows: Callable[[list[ProductRow]], None]
    _update_shown: Callable[[], None]
    _show_detail: Callable[[ProductRow | None], None]
    _update_actions: Callable[..., None]

    def _wire_watch(self) -> None:
        parent: QWidget = self  # type: ignore[assignment]
        self.checked_label = StripeCheckedLabel(parent)
        self.statusBar().addPermanentWidget(self.checked_label)
        self.stripe_menu.insertAction(self.actions.sync_selected, self.actions.refresh_all)
        self.auto_refresh = AutoRefresh(self.session, self.can_watch, self.model.rows, parent)
        s = self.session
        s.opened.connect(self._watch_opened)
        s.disconnected.connect(lambda _exc: self.checked_label.clear_checked())
        s.rows_loaded.connect(self._mark_changes)
        s.rows_watched.connect(self._on_watched)
        s.stripe_checked.connect(self.checked_label.show_checked)
        self.actions.refresh_all.triggered.connect(self.refresh_all)
        self.table.selectionModel().selectionChanged.connect(self._looked_at)
        self.table.pressed.connect(lambda index: self._look([index]))

    def refresh_all(self) -> None:
        """Read the catalog and everything in Stripe again, not only what changed since the
        last check (reopen if not connected)."""
        if self.session.account is None:
            self.refresh()
            return
        self.status.show_busy("Reading everything in Stripe")
        self.session.refresh_all()

    def can_watch(self) -> bool:
        """Whether the window can take rows from an automatic refresh now: shown, not minimised,
        not closing, idle (Refresh is enabled) and no dialog that will write is open."""
        dialogs = (
            self.plan_dialog,
            self.keys_dialog,
            self.adopt_dialog,
            self.preset_box,
            self.conflict_dialog,
        )
        return (
            self.isVisible()
            and not self.isMinimized()
            and not self._closing
            and self.actions.refresh.isEnabled()
            and all(dialog is None for dialog in dialogs)
        )

    def apply_auto_refresh_setting(self) -> None:
        """Take the automatic refresh's interval for the current mode from the settings."""
        self.auto_refresh.set_interval(self.settings.auto_refresh_seconds(self.session.mode))

    # -- results ------------------------------------------------------------------------------

    def _watch_opened(self, opened: Opened) -> None:
        self.model.badges.reset()  # another workspace: its rows are the new baseline
        self.checked_label.clear_checked()
        self.auto_refresh.set_interval(self.settings.auto_refresh_seconds(opened.mode))

    def _on_watched(self, watched: Watched) -> None:
        if not self.can_watch() or self.session.busy:
            log.info("Rows from an automatic refresh dropped: the window is busy")
            return
        shown = self.model.rows()
        same_base = {id(row) for row in shown} == {id(row) for row in watched.base}
        same_ids = {r.product_id for r in shown} == {r.product_id for r in watched.rows}
        if not (same_base and same_ids):
            self._on_rows(watched.rows)  # products came or went: as a Refresh shows them
            self._mark_changes(watched.rows)
            return
        changed = [row for row in watched.rows if row.product_id in watched.changed]
        if changed:
            self.model.update_rows(changed)
            self.filter_bar.set_counts(watched.rows)
            self._update_shown()
            current = self.detail.row
            now = self.model.row_for(current.product_id) if current is not None else None
            if now is not None and now is not current:
                self._show_detail(now)
            self._update_actions()
        self._mark_changes(watched.rows)

    def _mark_changes(self, rows: Sequence[ProductRow]) -> None:
        self._repaint(self.model.badges.update(rows))

    def _looked_at(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._look(selected.indexes())

    def _look(self, indexes: Sequence[QModelIndex]) -> None:
        ids = set()
        for index in indexes:
            row = index.data(ROW_ROLE) if index.isValid() else None
            if isinstance(row, ProductRow):
                ids.add(row.product_id)
        self._repaint(self.model.badges.look(ids))

    def _repaint(self, product_ids: Collection[str]) -> None:
        if not product_ids:
            return
        model = self.model
        last = model.columnCount() - 1
        for i, row in enumerate(model.rows()):
            if row.product_id in product_ids:
                model.dataChanged.emit(model.index(i, 0), model.index(i, last))
