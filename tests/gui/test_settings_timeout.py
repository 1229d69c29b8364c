"""Settings…: how long a read of Stripe keeps trying (`request_timeout_seconds`), shown with its
meaning, checked and saved like every other setting."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from core.settings import load_settings
from gui.dialogs.settings_dialog import SettingsDialog


def test_the_time_to_give_up_is_shown_checked_and_saved(qtbot: QtBot) -> None:
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    editor = dialog.editors["request_timeout_seconds"]
    assert isinstance(editor, QLineEdit) and editor.text() == "10"
    assert "gives up" in editor.toolTip() and "automatic refresh" in editor.toolTip()

    editor.setText("0")
    dialog.accept()
    problem = dialog.problems["request_timeout_seconds"]
    assert problem.isVisibleTo(dialog) and "greater than 0" in problem.text()
    assert load_settings().request_timeout_seconds == 10  # nothing saved

    editor.setText("4.5")
    dialog.accept()
    assert load_settings().request_timeout_seconds == 4.5
    again = SettingsDialog()
    qtbot.addWidget(again)
    assert again.editors["request_timeout_seconds"].text() == "4.5"  # type: ignore[attr-defined]
