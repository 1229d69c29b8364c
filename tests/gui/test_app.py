"""gui.app.main(): the composition root opens the window in sandbox mode on first start."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.runtime.applog import teardown_logging
from gui.app import main
from gui.heap import GUI_SWITCH_INTERVAL
from gui.main_window import MainWindow
from gui.settings_store import SettingsStore, settings_path


def test_main_opens_the_window_in_sandbox_mode_and_remembers_it(
    qtbot: QtBot, qapp: QApplication
) -> None:
    seen: dict[str, object] = {}

    def inspect_then_quit() -> None:
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows or windows[0].session.busy or windows[0].model.rowCount() == 0:
            QTimer.singleShot(50, inspect_then_quit)
            return
        window = windows[0]
        seen.update(
            mode=window.mode,
            title=window.windowTitle(),
            icon=not window.windowIcon().isNull(),
            rows=window.model.rowCount(),
            app_name=qapp.applicationName(),
        )
        window.close()  # the window closes once the worker has closed the workspace
        quit_once_closed(window)

    def quit_once_closed(window: MainWindow) -> None:
        if window.isVisible():
            QTimer.singleShot(20, lambda: quit_once_closed(window))
        else:
            qapp.quit()

    # Quit exactly once (closing the last window would post a second quit, which would then stop
    # the next test's event loops).
    qapp.setQuitOnLastWindowClosed(False)
    QTimer.singleShot(0, inspect_then_quit)
    interval = sys.getswitchinterval()
    try:
        assert main([]) == 0
        # A busy worker hands the GIL back within half a millisecond (`gui.heap.share_the_gil`).
        assert sys.getswitchinterval() == GUI_SWITCH_INTERVAL < interval
    finally:
        sys.setswitchinterval(interval)
        qapp.setQuitOnLastWindowClosed(True)
        teardown_logging()  # main() attached the application log to the root logger
    assert seen["mode"] == "sandbox"
    assert "Sandbox" in str(seen["title"])
    assert seen["icon"] is True
    assert isinstance(seen["rows"], int) and seen["rows"] > 0  # the sample catalog
    assert seen["app_name"] == "stripe-sync-admin"
    assert settings_path().is_file()
    assert SettingsStore().mode == "sandbox"
