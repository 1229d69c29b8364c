"""Every menu item once, as a newcomer would try them: the real window on the sample catalog in
sandbox mode, each action of each menu triggered, every dialog it opens closed unanswered. Nothing
may raise (pytest-qt fails the test on an exception in a slot), the window stays open, and the
catalog stays listed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from tests.gui.test_main_window import select
from tests.gui.test_window_sandbox import db_url, window  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

SKIPPED = {"Quit"}  # closes the window: the one item whose effect is the end of the test


def _menu_actions(menu: QMenu, path: str = "") -> Iterator[tuple[str, QAction]]:
    for action in menu.actions():
        if action.isSeparator():
            continue
        name = f"{path}{action.text().replace('&', '')}"
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_actions(sub, f"{name} ▸ ")
        else:
            yield name, action


def _close_dialogs(main: QWidget) -> None:
    """Close whatever the last action opened: a modal dialog, or a dialog window beside."""
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog):
        modal.reject()
    elif modal is not None:
        modal.close()
    for widget in QApplication.topLevelWidgets():
        if widget is not main and isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()


def test_every_menu_item_once(qtbot: QtBot, window: MainWindow) -> None:  # noqa: F811
    closer = QTimer()
    closer.setInterval(100)
    closer.timeout.connect(lambda: _close_dialogs(window))
    closer.start()
    tried = []
    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        window.filter_bar.set_state("all")  # View ▸ Show may have left an empty table
        select(window, "founder-edition")  # the items for a selected product are enabled too
        for name, action in _menu_actions(menu, f"{top.text().replace('&', '')} ▸ "):
            if action.text().replace("&", "") in SKIPPED or not action.isEnabled():
                continue
            action.trigger()
            qtbot.wait(150)
            _close_dialogs(window)
            qtbot.waitUntil(lambda: not window.session.busy, timeout=30_000)
            assert window.isVisible(), f"{name} closed the window"
            tried.append(name)
    closer.stop()
    # The menus the README lists are there and were tried.
    menus = {name.split(" ▸ ")[0] for name in tried}
    assert {"Catalog", "Edit", "View", "Stripe", "Help"} <= menus, menus
    assert len(tried) >= 20, tried
    for needs_a_selection in ("Stripe ▸ Sync selected", "Stripe ▸ Archive"):
        assert needs_a_selection in tried, tried
    # Whatever mode the items left it in, the catalog is still listed.
    assert window.model.rowCount() >= 12
