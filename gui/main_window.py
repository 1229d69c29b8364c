"""The main window: layout and wiring only. Work goes through `Session`; widgets show its results."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.workspace import Mode, ProductPlan, ProductRow
from gui.actions import MODE_LABELS, ActionState, WindowActions, archive_plans, has_changes
from gui.connection_view import ConnectionView
from gui.dialogs.plan_dialog import PlanDialog
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import ROW_ROLE, Column, ProductTableModel
from gui.session import Detail, Opened, RunOutcome, Session
from gui.settings_store import SettingsStore
from gui.tasks import TaskRunner
from gui.theme import DiffColors
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_bar import FilterBar
from gui.widgets.mode_banner import ModeBanner
from gui.widgets.status_panel import StatusPanel
from gui.widgets.table_placeholder import TablePlaceholder

log = logging.getLogger(__name__)

# Opens the keys dialog on the session's runner, so its key checks queue behind the window's
# tasks (None: unavailable). A dialog with a `keys_changed(mode)` signal resets the client.
OpenKeys = Callable[[QWidget, TaskRunner], "QDialog | None"]
# After Apply, the run starts this long after the dialog closed, so the window repaints first
# instead of competing with the worker's start-of-run burst (benchmarks/gui_bench.py --explain).
APPLY_DELAY_MS = 30


class MainWindow(QMainWindow):
    """Toolbar, mode banner, filter bar, product table beside the detail pane, status bar."""

    def __init__(
        self,
        session: Session,
        settings: SettingsStore,
        *,
        open_keys: OpenKeys | None = None,
        icon: QIcon | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self._open_keys = open_keys
        self.plan_dialog: PlanDialog | None = None
        self.keys_dialog: QDialog | None = None
        self._closing = False  # the operator closed the window; the session is shutting down
        self._closed = False  # the session is shut down: the next close is for real
        if icon is not None:
            self.setWindowIcon(icon)
        self.colors = DiffColors.from_palette(self.palette())

        self.actions = WindowActions(self)
        self.model = ProductTableModel(self.colors, self)
        self.proxy = ProductFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._wire()
        self._restore()
        self.connection.connecting(self.mode)
        self._update_actions()

    # -- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.addWidget(QLabel(" Mode: ", self))
        self.mode_box = QComboBox(self)
        self.mode_box.setAccessibleName("Mode")
        self.mode_box.setToolTip("Sandbox (local, no key), Test or Live Stripe mode")
        for mode, label in MODE_LABELS.items():
            self.mode_box.addItem(label, mode)
        toolbar.addWidget(self.mode_box)
        self.account_label = QLabel(self)
        self.account_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.account_label.setContentsMargins(8, 0, 12, 0)
        toolbar.addWidget(self.account_label)
        toolbar.addSeparator()
        a = self.actions
        for action in (a.refresh, a.sync_selected, a.sync_all, a.archive):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(a.reset_client)
        toolbar.addAction(a.keys)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

        self.banner = ModeBanner(self)
        self.filter_bar = FilterBar(self)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.ID, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.placeholder = TablePlaceholder(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        widths = {Column.ID: 120, Column.NAME: 200, Column.LOCAL_PRICE: 90}
        widths |= {Column.STRIPE_PRICE: 110, Column.SELL_STATUS: 85, Column.STRIPE_STATUS: 75}
        widths |= {Column.STATE: 125, Column.LAST_SYNCED: 120}
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        self.detail = DetailPane(self.colors, self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("table-detail-splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 420])

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = StatusPanel(self)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(True)
        self.connection = ConnectionView(self, self.banner, self.account_label, self.placeholder)

    def _wire(self) -> None:
        s, a = self.session, self.actions
        a.refresh.triggered.connect(self.refresh)
        a.sync_selected.triggered.connect(self.sync_selected)
        a.sync_all.triggered.connect(self.sync_all)
        a.archive.triggered.connect(self.archive_selected)
        a.reset_client.triggered.connect(self.reset_client)
        a.keys.triggered.connect(self.open_keys)
        a.cancel.triggered.connect(self.cancel_run)
        a.find.triggered.connect(lambda: self.filter_bar.search.setFocus())
        a.quit.triggered.connect(self.close)
        for mode, action in a.modes.items():
            action.triggered.connect(lambda _=False, m=mode: self.set_mode(m))
        self.mode_box.currentIndexChanged.connect(self._on_mode_chosen)
        self.filter_bar.text_changed.connect(self._on_text)
        self.filter_bar.state_changed.connect(self._on_state)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.status.cancel_requested.connect(self.session.cancel)
        self.status.failed_clicked.connect(lambda: self.filter_bar.set_state("failed"))
        self.detail.link_opened.connect(lambda url: log.info("Opened %s", url))
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

    def _restore(self) -> None:
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(QSize(1320, 820))
        splitter = self.settings.splitter
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.mode_box.blockSignals(True)
        self.mode_box.setCurrentIndex(self.mode_box.findData(self.settings.mode))
        self.mode_box.blockSignals(False)

    # -- operator actions ---------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """The mode chosen in the toolbar."""
        return self.mode_box.currentData()  # type: ignore[no-any-return]

    def start(self) -> None:
        """Open the workspace for the remembered mode (call once the window is shown)."""
        self._switch(self.mode)

    def set_mode(self, mode: Mode) -> None:
        """Switch mode as the toolbar does: a new workspace, a fresh client and account."""
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))

    def refresh(self) -> None:
        """Re-read the catalog and Stripe in the background (reopen if not connected)."""
        if self.session.account is None:
            self._switch(self.mode)
            return
        self.status.show_busy("Refreshing")
        self.session.refresh()

    def reset_client(self) -> None:
        """Reset the Stripe client, re-read the key, re-check the account and refresh."""
        self.status.show_busy("Resetting the Stripe client")
        self.session.reset_client()

    def sync_selected(self) -> None:
        """Work out the selected products' changes, then show the plan dialog."""
        ids = [r.product_id for r in self.selected_rows() if r.has_local]
        if ids:
            self.status.show_busy("Working out the changes")
            self.session.request_plans(ids, "sync_selected")

    def sync_all(self) -> None:
        """Work out every change, then show the plan dialog."""
        self.status.show_busy("Working out the changes")
        self.session.request_plans(None, "sync_all")

    def archive_selected(self) -> None:
        """Show the plan dialog for archiving the selected products."""
        plans = archive_plans(self.selected_rows())
        if plans:
            self._show_plan(plans, "Archive")

    def cancel_run(self) -> None:
        """Stop the running task (any the operator started) after the current Stripe operation."""
        if self.session.busy:
            self.status.cancelling()
            self.session.cancel()

    def open_keys(self) -> None:
        """Open the keys dialog; a key saved or deleted for the current mode resets the client."""
        if self._open_keys is None:
            self.status.show_message("Key storage is not available in this build.")
            return
        dialog = self._open_keys(self, self.session.runner)
        if dialog is None:
            self.status.show_message("Key storage is not available in this build.")
            return
        self.keys_dialog = dialog
        changed = getattr(dialog, "keys_changed", None)
        if changed is not None:
            changed.connect(self._on_key_changed)
        dialog.finished.connect(self._on_keys_closed)

    def selected_rows(self) -> list[ProductRow]:
        """The selected products, in table order."""
        rows = self.table.selectionModel().selectedRows()
        return [index.data(ROW_ROLE) for index in sorted(rows, key=QModelIndex.row)]

    # -- session results ------------------------------------------------------------------------

    def _switch(self, mode: Mode) -> None:
        self.settings.mode = mode
        self.model.set_rows([])
        self.filter_bar.set_counts([])
        self._update_shown()
        self.detail.set_row(None)
        self.detail.set_mode(mode)
        self.connection.connecting(mode)
        self.status.show_busy(f"Opening {MODE_LABELS[mode]} mode")
        log.info("Switching to %s mode", mode)
        self.session.open(mode)

    def _on_mode_chosen(self, _index: int) -> None:
        self._switch(self.mode)

    def _on_opened(self, opened: Opened) -> None:
        self.connection.connected(opened.mode, opened.account, opened.session_key)

    def _on_disconnected(self, exc: object) -> None:
        """Opening or resetting failed (exc) or was cancelled (None): nothing shown is current."""
        self.model.set_rows([])
        self.filter_bar.set_counts([])
        self._update_shown()
        self.detail.set_row(None)
        self.connection.lost(self.mode, exc)
        self._update_actions()

    def _on_cancelled(self, what: str) -> None:
        if not self._closing:
            self.status.show_message(f"{what}: cancelled.")

    def _on_rows(self, rows: list[ProductRow]) -> None:
        selected = {r.product_id for r in self.selected_rows()}
        current = self.detail.row.product_id if self.detail.row else None
        self.model.set_rows(rows)
        self.filter_bar.set_counts(rows)
        self._update_shown()
        self._reselect(selected)
        if current is not None:
            self.detail.set_row(self.model.row_for(current))
        self.placeholder.update_visibility()
        if self.status.showing_busy and self.session.account is not None:
            differ = sum(1 for r in rows if r.state != "in_sync" and r.state != "archived")
            self.status.show_message(
                f"{self.session.account.name}: {len(rows)} products read, {differ} not in sync."
            )
        self._update_actions()

    def _on_plans(self, purpose: str, plans: list[ProductPlan]) -> None:
        actionable = [p for p in plans if p.operations or p.error]
        if not any(p.operations for p in actionable):
            errors = [p for p in actionable if p.error]
            if errors:
                first = errors[0]
                self.status.show_error(
                    f"{len(errors)} product(s) cannot be synced",
                    f"{first.product_id}: {first.error}"
                    + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                )
            else:
                self.status.show_message("Nothing to sync: Stripe already matches the catalog.")
            return
        self.status.show_message(f"{len(actionable)} product(s) to review.")
        self._show_plan(actionable, "Sync")

    def _show_plan(self, plans: list[ProductPlan], verb: str) -> None:
        names = {r.product_id: r.name for r in self.model.rows()}
        dialog = PlanDialog(
            plans, mode=self.mode, account=self.session.account, verb=verb, names=names, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply(dialog, verb))
        dialog.finished.connect(lambda _r: setattr(self, "plan_dialog", None))
        self.plan_dialog = dialog
        dialog.open()

    def _apply(self, dialog: PlanDialog, verb: str) -> None:
        chosen = dialog.selected_plans()
        if not chosen:
            return
        log.info("%s confirmed for %s", verb, ", ".join(p.product_id for p in chosen))
        self.status.show_busy(f"{'Archiving' if verb == 'Archive' else 'Syncing'}")
        self._update_actions(busy=True)  # nothing else may start in the gap before the run
        # Let the window repaint without the dialog before the worker's first burst.
        QTimer.singleShot(APPLY_DELAY_MS, lambda: self._start_run(verb, chosen))

    def _start_run(self, verb: str, chosen: list[ProductPlan]) -> None:
        if self._closing:
            return
        if verb == "Archive":
            self.session.archive([p.product_id for p in chosen])
        else:
            self.session.sync(chosen)

    def _on_run_finished(self, outcome: RunOutcome) -> None:
        self.status.finish_run(
            outcome.kind,
            outcome.results,
            outcome.cancelled,
            error=outcome.error,
            stale=outcome.rows is None and outcome.started,
            refresh_error=outcome.refresh_error,
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

    # -- view state -----------------------------------------------------------------------------

    def _on_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_shown()

    def _on_state(self, state: str) -> None:
        self.proxy.set_state(state)
        self._update_shown()

    def _update_shown(self) -> None:
        self.filter_bar.set_shown(self.proxy.rowCount(), self.model.rowCount())

    def _on_selection(self, *_args: object) -> None:
        rows = self.selected_rows()
        row = rows[0] if len(rows) == 1 else None
        self.detail.set_row(row)
        if row is not None:
            self.session.request_detail(row.product_id)  # its journal; links are built here
        self._update_actions()

    def _reselect(self, product_ids: set[str]) -> None:
        if not product_ids:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for i, row in enumerate(self.model.rows()):
            if row.product_id in product_ids:
                index = self.proxy.mapFromSource(self.model.index(i, 0))
                if index.isValid():
                    selection.select(index, flags)

    def _update_actions(self, busy: bool = False) -> None:
        busy = busy or self.session.busy or self._closing
        rows = self.model.rows()
        self.actions.update(
            ActionState(
                busy=busy,
                connected=self.session.account is not None,
                selection=tuple(self.selected_rows()),
                has_rows=bool(rows),
                has_changes=has_changes(rows),
            )
        )
        self.mode_box.setEnabled(not busy)

    def changeEvent(self, event: QEvent) -> None:
        """Re-resolve the highlight colours when the palette changes (light ↔ dark)."""
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "detail"):
            self.colors = DiffColors.from_palette(self.palette())
            self.model.set_colors(self.colors)
            self.detail.set_colors(self.colors)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the layout, cancel any task and close the workspace on the worker; the window
        closes once that is done (the GUI thread never waits on Stripe)."""
        if self._closed:
            super().closeEvent(event)
            return
        event.ignore()
        if self._closing:
            return
        self._closing = True
        self.settings.geometry = self.saveGeometry()
        self.settings.splitter = self.splitter.saveState()
        self.settings.sync()
        if self.plan_dialog is not None:
            self.plan_dialog.reject()
        if self.keys_dialog is not None:  # a key being checked is not saved
            getattr(self.keys_dialog, "abandon", self.keys_dialog.reject)()
        if self.session.busy:
            self.status.cancelling("Finishing the current Stripe operation…")
        self.centralWidget().setEnabled(False)
        self.toolbar.setEnabled(False)
        self._update_actions()
        log.info("Closing: waiting for the worker to finish")
        self.session.begin_shutdown()

    def _on_shut_down(self) -> None:
        self._closed = True
        self.close()
