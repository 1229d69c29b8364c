"""View ▸ Columns (shown or hidden, remembered) and View ▸ Show (the state filter's choices)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from gui.models.product_table import Column
from gui.settings_store import SettingsStore
from tests.gui.conftest import WindowFactory


def test_a_hidden_column_stays_hidden_after_a_refresh_and_the_next_start(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    window.resize(QSize(1400, 800))
    columns = window.view.columns
    assert [a.text() for a in columns.values()][:3] == ["Product", "Name", "Local price"]
    assert not columns[Column.ID].isEnabled()  # the row's name is always shown
    assert not window.table.isColumnHidden(Column.SELL_STATUS)
    columns[Column.SELL_STATUS].trigger()
    assert window.table.isColumnHidden(Column.SELL_STATUS)
    assert SettingsStore().hidden_columns == ["SELL_STATUS"]
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.refresh()  # the table's model is reset: the header's sections are new
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    assert window.table.isColumnHidden(Column.SELL_STATUS)
    assert not window.table.isColumnHidden(Column.NAME)
    again = make_window()
    assert again.table.isColumnHidden(Column.SELL_STATUS)
    assert not again.view.columns[Column.SELL_STATUS].isChecked()
    again.view.show_all_columns()
    assert not again.table.isColumnHidden(Column.SELL_STATUS)
    assert SettingsStore().hidden_columns == []


def test_last_synced_gives_way_on_a_narrow_window_whatever_is_chosen(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    window.resize(QSize(1100, 700))
    qtbot.waitUntil(lambda: window.table.isColumnHidden(Column.LAST_SYNCED), timeout=2000)
    assert window.view.columns[Column.LAST_SYNCED].isChecked()
    assert "narrower than 1280 px" in window.view.columns[Column.LAST_SYNCED].toolTip()
    window.resize(QSize(1400, 800))
    qtbot.waitUntil(lambda: not window.table.isColumnHidden(Column.LAST_SYNCED), timeout=2000)
    window.view.columns[Column.LAST_SYNCED].trigger()
    assert window.table.isColumnHidden(Column.LAST_SYNCED)


def test_show_choices_are_the_filter_bars_and_follow_it(make_window: WindowFactory) -> None:
    window = make_window()
    filters = window.view.filters
    assert list(filters) == [window.filter_bar.state.itemData(i) for i in range(len(filters))]
    assert filters["all"].isChecked()
    shown_all = window.proxy.rowCount()
    filters["missing"].trigger()
    assert window.filter_bar.current_state() == "missing"
    assert 0 < window.proxy.rowCount() < shown_all
    window.filter_bar.set_state("in_sync")
    assert filters["in_sync"].isChecked() and not filters["missing"].isChecked()
    assert [a.text() for a in window.view_menu.actions()] == ["&Columns", "&Show"]
