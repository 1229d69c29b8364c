"""The window with the real Keys dialog and key store: one runner for every Stripe call, a new
key takes effect at once, session-only keys are visible, and the banner follows the app's theme."""

from __future__ import annotations

import threading

import keyring.backends.fail
import pytest
from pytestqt.qtbot import QtBot

from core.engine.types import AccountInfo
from core.keys.shape import KeyMode
from core.keys.store import SecretStore
from core.settings import Mode
from gui.app import build_window
from gui.dialogs import keys_dialog
from gui.dialogs.keys_dialog import KeysDialog
from gui.main_window import MainWindow
from gui.session import WorkspaceLike
from gui.settings_store import SettingsStore
from gui.widgets.mode_banner import ModeBanner
from tests.gui.fakes import FakeWorkspace
from tests.keyring_fakes import LockedKeyring, MemoryKeyring

OLD_KEY = "sk_test_51OldOldOldOldOldOld1111"
NEW_KEY = "sk_test_51NewNewNewNewNewNew2222"


class Gate:
    """A key check that waits until released (Stripe taking its time)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    def __call__(self, mode: KeyMode, key: str) -> AccountInfo:
        self.entered.set()
        self.release.wait(5)
        return AccountInfo("acct_fake123", "Fake Shop", mode == "live")


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    check = Gate()
    monkeypatch.setattr(keys_dialog, "verify_key_with_stripe", check)
    return check


def _window(qtbot: QtBot, store: SecretStore, fake_ws: FakeWorkspace) -> MainWindow:
    opened: list[tuple[Mode, str | None]] = []

    def opener(mode: Mode, key: str | None) -> WorkspaceLike:
        opened.append((mode, key))
        return fake_ws

    settings = SettingsStore()
    settings.mode = "test"
    window = build_window(settings=settings, opener=opener, secret_store=store)
    window.opened_with = opened  # type: ignore[attr-defined]
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.start()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    return window


def _keys(qtbot: QtBot, window: MainWindow) -> KeysDialog:
    window.actions.keys.trigger()
    dialog = window.keys_dialog
    assert isinstance(dialog, KeysDialog)
    qtbot.waitUntil(lambda: not dialog.checking_keyring, timeout=5000)
    return dialog


def test_a_key_saved_in_the_dialog_takes_effect_and_checks_queue_with_window_tasks(
    qtbot: QtBot, fake_ws: FakeWorkspace, gate: Gate
) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={})
    store.set("test", OLD_KEY)
    window = _window(qtbot, store, fake_ws)
    assert window.opened_with[-1] == ("test", OLD_KEY)  # type: ignore[attr-defined]
    dialog = _keys(qtbot, window)
    dialog.boxes["test"].edit.setText(NEW_KEY)
    dialog.boxes["test"].save_button.click()
    qtbot.waitUntil(gate.entered.is_set, timeout=5000)
    # The check runs on the window's runner: the window is busy, nothing else can start.
    assert window.session.busy and not window.actions.refresh.isEnabled()
    with qtbot.waitSignal(window.session.opened, timeout=5000):
        gate.release.set()  # saved -> keys_changed -> reset, while the dialog stays open
    assert dialog.isVisible()
    assert window.opened_with[-1] == ("test", NEW_KEY)  # type: ignore[attr-defined]
    assert store.get("test") == NEW_KEY


def test_closing_the_dialog_during_a_check_keeps_the_old_key(
    qtbot: QtBot, fake_ws: FakeWorkspace, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys_dialog, "ask_confirmation", lambda *_: True)
    store = SecretStore(backend=MemoryKeyring(), environ={})
    store.set("test", OLD_KEY)
    window = _window(qtbot, store, fake_ws)
    dialog = _keys(qtbot, window)
    dialog.boxes["test"].edit.setText(NEW_KEY)
    dialog.boxes["test"].save_button.click()
    qtbot.waitUntil(gate.entered.is_set, timeout=5000)
    dialog.reject()  # asked, and the operator stops the check
    assert not dialog.isVisible()
    gate.release.set()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    assert store.get("test") == OLD_KEY
    assert window.opened_with == [("test", OLD_KEY)]  # type: ignore[attr-defined]


def test_a_session_only_key_is_shown_in_the_window_banner(
    qtbot: QtBot, fake_ws: FakeWorkspace
) -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring(), environ={})
    store.use_session_key("test", OLD_KEY)
    window = _window(qtbot, store, fake_ws)
    assert window.banner.session_key
    assert "Key kept for this session only" in window.banner.label.text()
    assert "keyring is not available" in window.banner.label.text()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("sandbox")
    assert "session only" not in window.banner.label.text()


def test_a_keyring_key_has_no_session_note(qtbot: QtBot, fake_ws: FakeWorkspace) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={})
    store.set("test", OLD_KEY)
    window = _window(qtbot, store, fake_ws)
    assert not window.banner.session_key
    assert "session only" not in window.banner.label.text()


def test_the_app_never_looks_at_the_keyring_in_sandbox_mode(
    qtbot: QtBot, fake_ws: FakeWorkspace
) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={})
    window = build_window(settings=SettingsStore(), opener=lambda m, k: fake_ws, secret_store=store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.start()
    assert window.mode == "sandbox"
    assert not store.detected  # no probe, no unlock prompt before it is needed


def test_the_test_banner_stays_light_in_a_light_theme_after_live(qtbot: QtBot) -> None:
    banner = ModeBanner()
    qtbot.addWidget(banner)
    banner.set_mode("test", None)
    light = banner.styleSheet()
    banner.show()
    banner.set_mode("live", AccountInfo("acct_1", "Shop", True))  # its own palette turns red
    banner.ensurePolished()
    banner.set_mode("test", None)
    assert banner.styleSheet() == light


def test_a_locked_keyring_says_unlock_and_reset_then_reset_reads_it(
    qtbot: QtBot, fake_ws: FakeWorkspace
) -> None:
    backend = LockedKeyring()
    backend.entries[("stripe-sync-admin", "stripe:test")] = OLD_KEY
    store = SecretStore(backend=backend, environ={})
    settings = SettingsStore()
    settings.mode = "test"
    window = build_window(settings=settings, opener=lambda m, k: fake_ws, secret_store=store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session.disconnected, timeout=5000):
        window.start()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    text = window.status.text()
    assert "No test key" not in text  # the key may well be there: the keyring is locked
    assert "The test key cannot be read: your keyring" in text and "is locked" in text
    assert "then press Reset client" in text
    assert "not connected" in window.account_label.text()

    backend.locked = False  # the operator unlocks it, then presses Reset client
    with qtbot.waitSignal(window.session.opened, timeout=5000):
        window.actions.reset_client.trigger()
    assert "Fake Shop" in window.account_label.text()
