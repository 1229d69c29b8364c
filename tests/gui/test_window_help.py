"""Help (F1), Help ▸ About, Settings… and the window never reopening in Live mode by itself."""

from __future__ import annotations

from importlib.metadata import version

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from core.settings import load_settings
from gui.dialogs.about_dialog import QT_LICENSING
from gui.dialogs.settings_dialog import SettingsDialog
from gui.settings_store import SettingsStore
from gui.window_help import OPENED_NOT_LIVE
from tests.fake_keys import fake_key
from tests.gui.conftest import WindowFactory

LIVE_KEY = fake_key("sk", "live", "helpLive12345678")
TEST_KEY = "sk_test_helpTest12345678"


def test_f1_opens_the_help_page_offline(make_window: WindowFactory) -> None:
    window = make_window()
    assert window.actions.help.shortcut() == QKeySequence("F1")
    assert window.actions.help in window.help_menu.actions()
    window.actions.help.trigger()
    assert window.help_dialog is not None and window.help_dialog.isVisible()
    text = window.help_dialog.browser.toPlainText()
    for words in (
        "Sandbox",
        "Ctrl+3",
        "In sync",
        "Differs",
        "Missing in Stripe",
        "Archived",
        "Held",
        "Orphaned in Stripe",
        "Not ready",
        "Failed",
        "Who changed it: S, C and !",
        "What a sync writes",
        "Adopt",
        "Take Stripe's edits",
        "Test before live",
        "never tried in test mode",
    ):
        assert words in text, words
    window.actions.help.trigger()  # the same page again, not a second one
    assert window.findChildren(type(window.help_dialog)) == [window.help_dialog]


def test_about_names_the_version_and_the_licences(make_window: WindowFactory) -> None:
    window = make_window()
    assert window.actions.about in window.help_menu.actions()
    window.actions.about.trigger()
    dialog = window.about_dialog
    assert dialog is not None
    text = dialog.text.text()
    assert f"Stripe Sync Admin {version('stripe-sync-admin')}" in text
    assert "MIT licence" in text
    assert "PySide6" in text and "Lesser General Public License version 3" in text
    assert f'href="{QT_LICENSING}"' in text and QT_LICENSING == "https://www.qt.io/licensing"
    assert "you may replace them" in text
    dialog.reject()
    assert window.about_dialog is None


def test_settings_turn_the_untried_question_off_and_on(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.actions.open_settings in window.stripe_menu.actions()
    window.actions.open_settings.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog)
    assert dialog.untried.isChecked()  # on by default
    dialog.untried.setChecked(False)
    dialog.accept()
    assert load_settings().confirm_untried_live is False
    assert window.settings_dialog is None
    window.actions.open_settings.trigger()
    again = window.settings_dialog
    assert isinstance(again, SettingsDialog) and not again.untried.isChecked()
    again.untried.setChecked(True)
    again.reject()  # Cancel keeps what was saved
    assert load_settings().confirm_untried_live is False


def test_a_broken_settings_file_is_named_and_left_alone(qtbot: QtBot) -> None:
    from core.paths import settings_file

    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("confirm_untried = false\n", encoding="utf-8")
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert "confirm_untried: unknown setting" in dialog.problem.text()
    assert "Nothing can be saved" in dialog.problem.text()
    assert not dialog.untried.isEnabled()
    dialog.accept()
    assert path.read_text(encoding="utf-8") == "confirm_untried = false\n"


def left_in(mode: str) -> None:
    store = SettingsStore()
    store.mode = mode  # type: ignore[assignment]
    store.sync()


def test_left_in_live_the_window_opens_in_test_and_says_so(make_window: WindowFactory) -> None:
    left_in("live")
    window = make_window(keys={"test": TEST_KEY, "live": LIVE_KEY})
    assert window.mode == "test"
    assert window.opened_with == [("test", TEST_KEY)]  # type: ignore[attr-defined]
    message = window.status.text()
    assert OPENED_NOT_LIVE in message
    assert "products read" in message  # the read's summary is kept after the note
    assert SettingsStore().mode == "test"
    assert OPENED_NOT_LIVE == (
        "Opened in Test mode; the window never opens in Live by itself — switch with Ctrl+3."
    )


def test_left_in_test_or_sandbox_it_opens_there_without_a_note(
    make_window: WindowFactory,
) -> None:
    left_in("test")
    window = make_window(keys={"test": TEST_KEY})
    assert window.mode == "test"
    assert OPENED_NOT_LIVE not in window.status.text()


def test_live_only_when_asked_for_on_the_command_line() -> None:
    left_in("live")
    store = SettingsStore()
    assert (store.opening_mode, store.left_in_live) == ("test", True)
    store.requested_mode = "live"
    assert (store.opening_mode, store.left_in_live) == ("live", False)
    left_in("sandbox")
    assert (SettingsStore().opening_mode, SettingsStore().left_in_live) == ("sandbox", False)
