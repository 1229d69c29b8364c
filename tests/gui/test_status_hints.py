"""An action's hint and a result never draw over each other in the status bar: the hint takes the
message's place in the status panel while the pointer is on the action, and a result ends it."""

from __future__ import annotations

from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication, QToolBar
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WindowFactory

TIP = "Read the catalog and Stripe again"


def _shown(widgets: list) -> list:  # type: ignore[type-arg]
    return [w for w in widgets if w.isVisible()]


def test_a_hint_and_a_result_are_never_drawn_in_the_same_place(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    window.resize(1024, 700)
    panel, bar = window.status, window.statusBar()
    panel.show_message("Sync done: 3 created")
    button = window.findChildren(QToolBar)[0].widgetForAction(window.actions.refresh)

    QApplication.sendEvent(button, QStatusTipEvent(TIP))  # the pointer on Refresh
    assert bar.currentMessage() == ""  # the bar paints nothing of its own over the panel
    assert panel.isVisible()
    assert _shown([panel.message, panel.hint]) == [panel.hint]
    assert panel.hint.text() == TIP

    panel.show_message("Another result, while the pointer is still there")
    assert _shown([panel.message, panel.hint]) == [panel.message]
    assert bar.currentMessage() == ""

    QApplication.sendEvent(button, QStatusTipEvent(TIP))
    QApplication.sendEvent(button, QStatusTipEvent(""))  # the pointer leaves
    assert _shown([panel.message, panel.hint]) == [panel.message]
    assert "Another result" in panel.text()
    # The panel and the corner beside it share the bar without overlapping.
    assert not panel.geometry().intersects(window.checked_label.geometry())


def test_a_run_starting_or_ending_never_moves_the_table(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    panel = window.status
    panel.show_message("Ready")
    qtbot.wait(20)
    before = window.table.geometry()
    for show in (lambda: panel.start_run("Syncing"), lambda: panel.show_busy("Refreshing")):
        show()
        qtbot.wait(20)  # the layout settles
        assert panel.progress.isVisible()
        assert window.table.geometry() == before  # no resize: nothing repainted for it
        panel.show_message("Done")
        qtbot.wait(20)
        assert window.table.geometry() == before
