"""The window when a connection fails, is cancelled or a run stops halfway: it never looks
connected to a workspace it lost, and every task the operator starts can be cancelled."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from core.errors import ConfigurationError, StripePermissionError, StripeUnavailableError
from core.settings import Mode
from gui.main_window import MainWindow
from gui.session import WorkspaceLike
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace
from tests.gui.test_main_window import TEST_KEY, press, wait_idle, wait_plan

WRITE_ACTIONS = ("sync_all", "sync_selected", "archive")


def _refusing_opener(fake_ws: FakeWorkspace, keys: dict[str, str]) -> object:
    def open_workspace(mode: Mode, key: str | None) -> WorkspaceLike:
        if mode != "sandbox" and not key:
            raise ConfigurationError(
                f"No {mode} key is stored yet.", hint="Add your key with Keys… (Ctrl+K)."
            )
        fake_ws.mode = mode
        return fake_ws

    return open_workspace


def _assert_not_connected(window: MainWindow, reason: str) -> None:
    assert window.session.account is None
    assert f"not connected: {reason}" in window.windowTitle()
    assert f"not connected: {reason}" in window.account_label.text()
    assert "not connected</b>: " + reason in window.banner.label.text()
    assert "connecting" not in window.banner.label.text()
    assert window.model.rowCount() == 0
    assert window.placeholder.isVisibleTo(window) and reason in window.placeholder.text()
    for action in WRITE_ACTIONS:
        assert not getattr(window.actions, action).isEnabled(), action
    assert window.actions.refresh.isEnabled() and window.actions.reset_client.isEnabled()


def test_a_failed_reset_disconnects_and_refresh_reopens(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    keys = {"test": TEST_KEY}
    window = make_window(keys=keys, opener=_refusing_opener(fake_ws, keys))
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    assert "Fake Shop" in window.windowTitle()
    keys.clear()  # the operator deleted the key
    with qtbot.waitSignal(window.session.disconnected, timeout=5000):
        window.actions.reset_client.trigger()
    wait_idle(qtbot, window)
    _assert_not_connected(window, "No test key is stored yet")
    assert "Fake Shop" not in window.windowTitle()
    assert fake_ws.closed  # the old workspace is not left open behind a "not connected" window

    keys["test"] = TEST_KEY
    with qtbot.waitSignal(window.session.opened, timeout=5000):
        press(qtbot, window, "F5")  # Refresh opens the workspace again
    wait_idle(qtbot, window)
    assert "Fake Shop" in window.account_label.text() and window.model.rowCount() == 6
    assert not window.placeholder.isVisibleTo(window)
    assert window.actions.sync_all.isEnabled()


def test_switching_to_live_without_a_key_says_not_connected(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    keys = {"test": TEST_KEY}
    window = make_window(keys=keys, opener=_refusing_opener(fake_ws, keys))
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    with qtbot.waitSignal(window.session.disconnected, timeout=5000):
        press(qtbot, window, "Ctrl+3")  # Live
    wait_idle(qtbot, window)
    assert window.mode == "live"
    assert window.windowTitle().endswith("— LIVE") and "Fake Shop" not in window.windowTitle()
    assert window.banner.is_live and "LIVE MODE" in window.banner.label.text()
    _assert_not_connected(window, "No live key is stored yet")


def test_a_cancelled_open_says_so(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    gate = threading.Event()
    reading = threading.Event()

    def slow_key(mode: Mode) -> str | None:
        reading.set()
        gate.wait(5)  # e.g. the keyring's unlock prompt, or a slow D-Bus
        return TEST_KEY

    window.session._read_key = slow_key
    window.set_mode("test")
    qtbot.waitUntil(reading.is_set, timeout=5000)
    assert window.status.cancel.isVisible()  # opening can be cancelled too
    press(qtbot, window, "Esc")
    with qtbot.waitSignal(window.session.disconnected, timeout=5000):
        gate.set()
    wait_idle(qtbot, window)
    assert "Opening test mode: cancelled." in window.status.text()
    _assert_not_connected(window, "cancelled")


def test_esc_during_refresh_ends_with_the_rows_not_stopping_forever(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    fake_ws.status_gate = threading.Event()
    fake_ws.entered.clear()
    press(qtbot, window, "F5")
    qtbot.waitUntil(fake_ws.entered.is_set, timeout=5000)
    assert window.status.cancel.isVisible() and window.status.cancel.isEnabled()
    press(qtbot, window, "Esc")
    assert "Stopping after the current Stripe operation" in window.status.text()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        fake_ws.status_gate.set()  # the read already under way finishes
    wait_idle(qtbot, window)
    assert "Stopping" not in window.status.text()
    assert "6 products read" in window.status.text()
    assert not window.status.cancel.isVisible()


def test_cancel_is_offered_while_working_out_the_changes(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    gate = threading.Event()
    planning = threading.Event()
    real_plan = fake_ws.plan

    def slow_plan(ids: object = None, **options: object) -> object:
        planning.set()
        gate.wait(5)
        return real_plan(ids, **options)  # type: ignore[arg-type]

    fake_ws.plan = slow_plan  # type: ignore[method-assign]
    window.actions.sync_all.trigger()
    qtbot.waitUntil(planning.is_set, timeout=5000)
    assert window.status.cancel.isVisible()
    window.status.cancel.click()
    gate.set()
    wait_idle(qtbot, window)
    assert window.plan_dialog is None  # cancelled: no dialog pops up after all
    assert "Working out the changes: cancelled." in window.status.text()


def _run_until_error(
    window: MainWindow, fake_ws: FakeWorkspace, qtbot: QtBot, error: Exception
) -> None:
    fake_ws.run_error_after = 1
    fake_ws.run_error = error  # type: ignore[assignment]
    window.actions.sync_all.trigger()
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        wait_plan(qtbot, window).apply.click()
    wait_idle(qtbot, window)


def test_stripe_unreachable_mid_sync_keeps_the_results_so_far(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    reads = fake_ws.calls.count(("status", None))
    error = StripeUnavailableError(
        "Stripe could not be reached; gave up after 13 attempts.", hint="Run the sync again later."
    )
    _run_until_error(window, fake_ws, qtbot, error)
    text = window.status.text()
    assert (
        "Stripe could not be reached; gave up after 13 attempts. Run the sync again later." in text
    )
    assert "Sync stopped after 1 product: 0 created · 1 updated" in text
    assert "Refresh (F5)" in text  # not read again while Stripe is down
    assert fake_ws.calls.count(("status", None)) == reads
    assert window.actions.refresh.isEnabled()


def test_a_permission_error_mid_sync_reports_and_refreshes(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    error = StripePermissionError(
        "This key may not create prices (rak_price_write).", hint="Use a key with Prices: Write."
    )
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        _run_until_error(window, fake_ws, qtbot, error)
    text = window.status.text()
    assert "This key may not create prices" in text and "1 updated" in text
    assert "Refresh (F5)" not in text
    states = {row.product_id: row.state for row in window.model.rows()}
    assert states["p-name"] == "in_sync"  # the product synced before the error shows as such


def test_the_mode_shortcuts_switch_modes(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window(keys={"test": TEST_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        press(qtbot, window, "Ctrl+2")
    assert window.mode == "test"
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        press(qtbot, window, "Ctrl+1")
    assert window.mode == "sandbox"


def test_only_unsyncable_products_are_not_called_nothing_to_sync(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    real_plan = fake_ws._plan

    def plan(pid: str, *args: object) -> object:
        found = real_plan(pid, *args)  # type: ignore[arg-type]
        if found.operations:
            return found.model_copy(
                update={"operations": [], "action": "failed", "error": "price: must be > 0"}
            )
        return found

    fake_ws._plan = plan  # type: ignore[method-assign,assignment]
    window.actions.sync_all.trigger()
    qtbot.waitUntil(lambda: "cannot be synced" in window.status.text(), timeout=5000)
    assert "Nothing to sync" not in window.status.text()
    assert "3 products cannot be synced" in window.status.text()
    assert "price: must be &gt; 0" in window.status.text()


def test_sync_all_is_disabled_when_nothing_differs(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.local = {"p-sync": fake_ws.local["p-sync"]}
    fake_ws.remote = {"p-sync": fake_ws.remote["p-sync"]}
    window = make_window()
    assert window.model.rowCount() == 1
    assert not window.actions.sync_all.isEnabled()
    assert window.actions.refresh.isEnabled()


def test_a_failed_read_after_the_run_keeps_the_summary(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    error = StripePermissionError("This key may not create prices.", hint="Use another key.")

    def refused(ids: object = None) -> object:
        raise StripeUnavailableError("Stripe could not be reached.", hint="Try again later.")

    fake_ws.run_error_after = 1
    fake_ws.run_error = error  # type: ignore[assignment]
    window.actions.sync_all.trigger()
    dialog = wait_plan(qtbot, window)
    fake_ws.status = refused  # type: ignore[method-assign,assignment]
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    wait_idle(qtbot, window)
    text = window.status.text()
    assert "This key may not create prices." in text and "1 updated" in text  # the run's summary
    assert "the table could not be read again: Stripe could not be reached." in text
