"""The window when Stripe cannot be read: the catalog is listed anyway with Stripe's side unknown
and one notice saying why and what to do; and when a refresh fails, the rows stay and the notice
says when it failed and how old they are, until a refresh works again."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from core.keys.store import SecretStore
from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from core.workspace import catalog_only_rows
from gui.app import build_window
from gui.main_window import MainWindow
from gui.models.product_table import Column
from gui.settings_store import SettingsStore
from tests.gui.real_window import sample_catalog_db, window_in_test_mode
from tests.gui.test_main_window import press
from tests.keyring_fakes import MemoryKeyring

pytestmark = pytest.mark.slow

KEY = "sk_test_" + "windowOffline0001"
NEEDS_STRIPE = ("sync_all", "sync_selected", "archive", "take_stripe_edits", "adopt")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sample_catalog_db(tmp_path)


def _open_in_test_mode(qtbot: QtBot, db_url: str, store: SecretStore) -> MainWindow:
    settings = SettingsStore()
    settings.mode = "test"
    window = build_window(db_url=db_url, settings=settings, secret_store=store)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session.catalog_listed, timeout=20_000):
        window.start()
    expected = len(catalog_only_rows(db_url))
    qtbot.waitUntil(lambda: window.model.rowCount() == expected, timeout=10_000)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
    return window


def _close(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.shut_down, timeout=20_000):
        window.close()


def _assert_catalog_listed_stripe_unknown(window: MainWindow, db_url: str) -> None:
    catalog = {row.product_id for row in catalog_only_rows(db_url)}
    assert {row.product_id for row in window.model.rows()} == catalog
    assert all(row.state == "unknown" for row in window.model.rows())
    assert not window.placeholder.isVisibleTo(window)
    index = window.model.index(0, Column.STRIPE_PRICE)
    assert index.data() == "unknown"
    assert window.model.index(0, Column.STRIPE_STATUS).data() == "unknown"
    assert window.model.index(0, Column.LAST_SYNCED).data() == "unknown"  # not "never"
    view_index = window.proxy.mapFromSource(index)
    option = QStyleOptionViewItem()
    window.table.itemDelegateForIndex(view_index).initStyleOption(option, view_index)
    assert option.font.italic()  # type: ignore[attr-defined]
    assert window.model.index(0, Column.NAME).data()  # the catalog's own values are there
    for name in NEEDS_STRIPE:
        action = getattr(window.actions, name)
        assert not action.isEnabled(), name
        assert "Needs Stripe, which could not be read" in action.toolTip(), name
    assert window.actions.refresh.isEnabled()
    assert window.banner.retry_button.isVisibleTo(window)


def test_test_mode_without_a_key_lists_the_catalog_and_says_to_enter_one(
    qtbot: QtBot, db_url: str
) -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring(), environ={})
    window = _open_in_test_mode(qtbot, db_url, store)
    _assert_catalog_listed_stripe_unknown(window, db_url)
    notice = window.banner.notice_text()
    assert "Stripe's side is unknown" in notice
    assert "No test key is stored yet" in notice and "Keys…" in notice  # what is missing, and how
    assert "listed" in notice
    assert window.banner.keys_button.isVisibleTo(window)
    window.banner.keys_button.click()  # "Enter keys…" opens the Keys dialog
    qtbot.waitUntil(lambda: window.keys_dialog is not None, timeout=5000)
    assert window.keys_dialog is not None
    window.keys_dialog.reject()
    qtbot.waitUntil(lambda: window.keys_dialog is None, timeout=5000)

    shown = window.model.rowCount()
    with qtbot.waitSignal(window.session.catalog_listed, timeout=20_000):
        window.banner.retry_button.click()  # "Try again": still no key
        assert window.model.rowCount() == shown  # the catalog stays while it tries
    qtbot.waitUntil(lambda: "No test key" in window.banner.notice_text(), timeout=10_000)
    assert window.model.rowCount() == shown
    _close(qtbot, window)


def test_stripe_out_of_reach_lists_the_catalog_and_says_why(qtbot: QtBot, db_url: str) -> None:
    # STRIPE_API_BASE points at a closed port (tests/conftest.py): every request is refused.
    save_settings(Settings(request_timeout_seconds=0.5))
    store = SecretStore(backend=MemoryKeyring(), environ={})
    store.set("test", KEY)
    window = _open_in_test_mode(qtbot, db_url, store)
    _assert_catalog_listed_stripe_unknown(window, db_url)
    notice = window.banner.notice_text()
    assert "could not be reached" in notice and "internet connection" in notice
    assert "No test key" not in notice
    assert not window.banner.keys_button.isVisibleTo(window)  # a key would not help
    _close(qtbot, window)


# -- a refresh that fails ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=_free_port()).start()  # a fixed port: it can come back on it
    yield server
    server.stop()


@pytest.fixture
def window(qtbot: QtBot, db_url: str, sandbox: SandboxServer) -> Iterator[MainWindow]:
    save_settings(Settings(request_timeout_seconds=0.5))
    with window_in_test_mode(qtbot, db_url, sandbox, KEY) as win:
        yield win


def test_a_failed_refresh_keeps_the_rows_and_says_how_old_they_are(
    window: MainWindow, sandbox: SandboxServer, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: window.checked_label.plain_text() != "", timeout=10_000)
    rows = list(window.model.rows())
    assert rows and window.banner.notice_text() == ""
    sandbox.stop()  # Stripe goes out of reach

    press(qtbot, window, "F5")
    qtbot.waitUntil(lambda: window.banner.notice_text() != "", timeout=20_000)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
    notice = window.banner.notice_text()
    assert "Couldn't reach Stripe at" in notice
    assert "The table shows Stripe as of" in notice and "less than a minute ago" in notice
    assert "Refresh (F5) tries again" in notice
    assert window.banner.retry_button.isVisibleTo(window)
    assert [r.product_id for r in window.model.rows()] == [r.product_id for r in rows]
    assert window.session.account is not None  # still connected: only this read failed
    assert "could not be checked" in window.checked_label.plain_text()

    sandbox.start()  # back on the same port
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.banner.retry_button.click()  # "Try again"
    qtbot.waitUntil(lambda: window.banner.notice_text() == "", timeout=10_000)
    assert not window.banner.notice.isVisibleTo(window)
    assert window.checked_label.plain_text().startswith("Stripe checked")
