"""The View menu: which table columns are shown (remembered between runs) and which products the
state filter keeps (the same choice as the filter bar's "Show:").

The Product column is always shown: it names the row. The catalog's own columns (Live, Dev status,
Stock, Category) are hidden until shown here. Under 1280 px the Last synced column gives way
whatever is chosen (`MainWindow.resizeEvent`); the detail pane shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QTableView

from gui.models.columns import HIDDEN_BY_DEFAULT
from gui.models.product_filter import STATE_FILTERS
from gui.models.product_table import HEADERS, Column
from gui.settings_store import SettingsStore
from gui.widgets.filter_bar import FilterBar

ALWAYS_SHOWN = Column.ID
NARROW_NOTE = "Hidden while the window is narrower than 1280 px (the detail pane shows it)"


class ViewMenu(QObject):
    """Fills `menu` with Columns and Show, and keeps the table and the filter bar in step."""

    def __init__(
        self, menu: QMenu, table: QTableView, filter_bar: FilterBar, settings: SettingsStore
    ) -> None:
        super().__init__(menu)
        self.menu = menu
        self._table = table
        self._filter_bar = filter_bar
        self._settings = settings
        self._narrow = False
        columns = menu.addMenu("&Columns")
        self.columns: dict[Column, QAction] = {}
        hidden, shown = set(settings.hidden_columns), set(settings.shown_columns)
        for column in Column:
            if column is min(HIDDEN_BY_DEFAULT):
                columns.addSeparator()  # the catalog's own columns, hidden until shown
            action = columns.addAction(HEADERS[column])
            action.setCheckable(True)
            if column in HIDDEN_BY_DEFAULT:
                action.setChecked(column.name in shown)
            else:
                action.setChecked(column is ALWAYS_SHOWN or column.name not in hidden)
            action.setEnabled(column is not ALWAYS_SHOWN)
            action.toggled.connect(self._on_column_toggled)
            self.columns[column] = action
        columns.addSeparator()
        columns.addAction("Show all columns", self.show_all_columns)
        self.columns_menu = columns
        show = menu.addMenu("&Show")
        group = QActionGroup(show)
        self.filters: dict[str, QAction] = {}
        for key, label in STATE_FILTERS.items():
            action = show.addAction(label)
            action.setCheckable(True)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, k=key: filter_bar.set_state(k))
            self.filters[key] = action
        self.show_menu = show
        self._on_state(filter_bar.current_state())
        filter_bar.state_changed.connect(self._on_state)
        self.apply()  # the header keeps hidden sections across model resets (new rows)

    def hidden(self) -> set[Column]:
        """The columns the operator chose to hide."""
        return {c for c, action in self.columns.items() if not action.isChecked()}

    def apply(self) -> None:
        """Show or hide each column as chosen (and Last synced on a narrow window)."""
        hidden = self.hidden()
        for column in Column:
            gone = column in hidden or (column is Column.LAST_SYNCED and self._narrow)
            if self._table.isColumnHidden(column) != gone:
                self._table.setColumnHidden(column, gone)

    def set_narrow(self, narrow: bool) -> None:
        """Whether the window is too narrow for the Last synced column."""
        self._narrow = narrow
        action = self.columns[Column.LAST_SYNCED]
        action.setToolTip(NARROW_NOTE if narrow else "")
        action.setStatusTip(NARROW_NOTE if narrow else "")
        self.apply()

    def show_all_columns(self) -> None:
        """Every column back in view."""
        for action in self.columns.values():
            action.setChecked(True)

    def _on_column_toggled(self, _checked: bool) -> None:
        hidden = self.hidden()
        self._settings.hidden_columns = [c.name for c in hidden if c not in HIDDEN_BY_DEFAULT]
        self._settings.shown_columns = [c.name for c in HIDDEN_BY_DEFAULT if c not in hidden]
        self.apply()

    def _on_state(self, key: str) -> None:
        action = self.filters.get(key)
        if action is not None and not action.isChecked():
            action.setChecked(True)
