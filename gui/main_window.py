"""The main window: its layout and view state (filter, selection, which actions apply, palette,
closing). Work goes through `Session`; what the operator's actions do is in `gui.window_commands`,
how results are shown in `gui.window_results`, Sync selected's review and Stripe's edits in
`gui.window_review`, adopting a Stripe catalog made by hand in `gui.window_adopt`, the Catalog
menu (which catalog, its files) in `gui.catalog_menu` and the View menu in `gui.view_menu`."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, QSize, Qt
from PySide6.QtGui import QCloseEvent, QIcon, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.workspace import Mode, ProductRow
from gui.actions import MODE_LABELS, ActionState, WindowActions
from gui.catalog_menu import CatalogFlows
from gui.connection_view import ConnectionView
from gui.dialogs.plan_dialog import PlanDialog
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import ROW_ROLE, Column, ProductTableModel
from gui.row_menu import add_row_actions
from gui.session import Session
from gui.settings_store import SettingsStore
from gui.theme import DiffColors
from gui.view_menu import ViewMenu
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_bar import FilterBar
from gui.widgets.mode_banner import ModeBanner
from gui.widgets.status_panel import StatusPanel, StatusTips
from gui.widgets.stripe_edits import StripeEditsBox
from gui.widgets.table_placeholder import TablePlaceholder
from gui.window_adopt import AdoptWindowFlows
from gui.window_commands import OpenKeys, WindowCommands
from gui.window_edits import EditWindowFlows
from gui.window_help import HelpFlows
from gui.window_offline import OfflineFlows
from gui.window_results import SessionResults
from gui.window_review import ReviewFlows
from gui.window_rows import RowWindowFlows
from gui.window_watch import WatchFlows

log = logging.getLogger(__name__)


NARROW_PX = 1280  # below this window width the Last synced column is hidden


class MainWindow(
    QMainWindow,
    WindowCommands,
    SessionResults,
    ReviewFlows,
    AdoptWindowFlows,
    EditWindowFlows,
    HelpFlows,
    WatchFlows,
    CatalogFlows,
    RowWindowFlows,
    OfflineFlows,
):
    """Menus (Catalog, Edit, View, Stripe, Sandbox, Help) and toolbar, mode banner, filter bar, product table beside the detail pane (and the
    selected product's Stripe edits under it), status bar."""

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
        self._init_review()
        self._init_adopt()
        self._init_edits()

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
        # What a maker does most; the rest (Take Stripe's edits, Reset client, Refresh all,
        # Settings) is in the Stripe menu and the row menu, so the bar fits 1024 px.
        for action in (a.refresh, a.sync_selected, a.sync_all, a.archive, a.adopt):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(a.keys)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        self._build_menus()

        self.banner = ModeBanner(self)
        self.filter_bar = FilterBar(self)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
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
        self.view = ViewMenu(self.view_menu, self.table, self.filter_bar, self.settings)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        widths = {Column.ID: 120, Column.NAME: 200, Column.LOCAL_PRICE: 90}
        widths |= {Column.STRIPE_PRICE: 110, Column.SELL_STATUS: 85, Column.STRIPE_STATUS: 75}
        widths |= {Column.STATE: 125, Column.LAST_SYNCED: 120}
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        self.detail = DetailPane(self.colors, self)
        self.stripe_edits = StripeEditsBox(self)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(self._edit_tabs(self.detail), 1)  # Details, Edit, History
        side_layout.addWidget(self.stripe_edits)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("table-detail-splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([950, 370])

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
        self.installEventFilter(StatusTips(self.status))  # hints in the panel, never over it
        self.statusBar().setSizeGripEnabled(True)
        self.connection = ConnectionView(self, self.banner, self.account_label, self.placeholder)

    def _build_menus(self) -> None:
        a = self.actions
        self._catalog_menu()  # first: the catalog is what everything else works on
        self._edit_menu()
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([a.find, a.open_settings])
        self.view_menu = self.menuBar().addMenu("&View")  # filled once the table exists
        stripe = self.menuBar().addMenu("&Stripe")
        for action in (a.refresh, a.sync_selected, a.sync_all, a.archive, a.take_stripe_edits):
            stripe.addAction(action)
        stripe.addSeparator()
        stripe.addAction(a.adopt)
        stripe.addSeparator()
        stripe.addAction(a.reset_client)
        stripe.addAction(a.keys)
        stripe.addAction(a.open_settings)
        self.stripe_menu = stripe
        # Only the built-in sandbox can be given a ready-made Stripe catalog: hidden in test/live.
        self.sandbox_menu = self.menuBar().addMenu("S&andbox")
        self.sandbox_menu.addAction(a.start_handmade)
        self.help_menu = self.menuBar().addMenu("&Help")
        self.help_menu.addActions([a.help, a.about])

    def _wire(self) -> None:
        self._wire_actions(self.actions)
        self.filter_bar.text_changed.connect(self._on_text)
        self.filter_bar.state_changed.connect(self._on_state)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.detail.link_opened.connect(lambda url: log.info("Opened %s", url))
        self._wire_session()
        self._wire_review()
        self._wire_adopt()
        self._wire_edits()
        self._wire_help()
        self._wire_watch()
        self._wire_offline()  # after _wire_watch: it uses the "Stripe checked" corner
        self._wire_rows()

    def _restore(self) -> None:
        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(QSize(1320, 820))
        splitter = self.settings.splitter
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.mode_box.blockSignals(True)
        self.mode_box.setCurrentIndex(self.mode_box.findData(self.settings.opening_mode))
        self.mode_box.blockSignals(False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """On a narrow screen (under 1280 px) the Last synced column gives way (the detail pane
        shows it), so the State column stays in view."""
        super().resizeEvent(event)
        self.view.set_narrow(event.size().width() < NARROW_PX)

    # -- view state -----------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        """The mode chosen in the toolbar."""
        return self.mode_box.currentData()  # type: ignore[no-any-return]

    def selected_rows(self) -> list[ProductRow]:
        """The selected products, in table order."""
        rows = self.table.selectionModel().selectedRows()
        return [index.data(ROW_ROLE) for index in sorted(rows, key=QModelIndex.row)]

    def _on_text(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_shown()

    def _on_state(self, state: str) -> None:
        self.proxy.set_state(state)
        self._update_shown()

    def _update_shown(self) -> None:
        self.filter_bar.set_shown(self.proxy.rowCount(), self.model.rowCount())
        self.placeholder.show_no_match(self.proxy.no_match_text())

    def _show_detail(self, row: ProductRow | None) -> None:
        """Show one product (None: none) in the detail pane and its Stripe edits under it."""
        self.detail.set_row(row)
        chosen = self.overwrites.get(row.product_id, set()) if row is not None else set()
        self.stripe_edits.set_row(row, chosen)
        self._show_edit(row)

    def context_menu(self) -> QMenu:
        """The table's context menu: what applies to the selected products."""
        menu = QMenu(self)
        a = self.actions
        for action in (a.sync_selected, a.archive, a.take_stripe_edits):
            menu.addAction(action)
        add_row_actions(menu, self.selected_rows(), self.mode, self.status.show_message)
        return menu

    def _context_menu(self, at: QPoint) -> None:
        menu = self.context_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(at))

    def _on_selection(self, *_args: object) -> None:
        rows = self.selected_rows()
        row = rows[0] if len(rows) == 1 else None
        self._show_detail(row)
        if len(rows) > 1:
            self.detail.set_selection(rows)
        if row is not None:
            self.session.request_detail(row.product_id)  # its journal; links are built here
        self._update_actions()

    def _reselect(self, product_ids: set[str]) -> None:
        selection = self.proxy.selection_of(product_ids)
        if not selection.isEmpty():
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().select(selection, flags)

    def _update_actions(self, busy: bool = False) -> None:
        busy = busy or self.session.busy or self._closing
        self.actions.update(
            ActionState(
                busy=busy,
                connected=self.session.account is not None,
                selection=tuple(self.selected_rows()),
                has_rows=self.model.rowCount() > 0,
                has_changes=self.model.summary.has_changes,
                mode=self.mode,
            )
        )
        self.sandbox_menu.menuAction().setVisible(self.mode == "sandbox")
        self.mode_box.setEnabled(not busy)
        self.stripe_edits.set_busy(busy)

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
        dialogs = (self.plan_dialog, self.adopt_dialog, self.preset_box, self.conflict_dialog)
        for dialog in (*dialogs, self.url_dialog, self.catalog_box):
            if dialog is not None:
                dialog.reject()
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
