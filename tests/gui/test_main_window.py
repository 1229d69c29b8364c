"""The window over a fake workspace: what the operator sees and what the window asks core to do."""

from __future__ import annotations

import threading

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from core.reconcile.rows import ProductRow
from gui.dialogs.plan_dialog import PlanDialog
from gui.main_window import MainWindow
from gui.models.product_table import ROW_ROLE
from gui.settings_store import SettingsStore, settings_path
from tests.fake_keys import fake_key
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace

LIVE_KEY = fake_key("sk", "live", "a1B2c3D4e5F6g7H8")
TEST_KEY = "sk_test_" + "z9Y8x7W6v5U4t3S2"


def shown_ids(window: MainWindow) -> list[str]:
    proxy = window.proxy
    return [proxy.index(r, 0).data(ROW_ROLE).product_id for r in range(proxy.rowCount())]


def select(window: MainWindow, *product_ids: str) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in range(window.proxy.rowCount()):
        index = window.proxy.index(r, 0)
        if index.data(ROW_ROLE).product_id in product_ids:
            selection.select(index, flags)


def press(qtbot: QtBot, window: MainWindow, keys: str) -> None:
    sequence = QKeySequence(keys)
    combo = sequence[0]
    qtbot.keyClick(window, combo.key(), combo.keyboardModifiers())


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)


def wait_plan(qtbot: QtBot, window: MainWindow) -> PlanDialog:
    """The plan dialog, once the window shows it."""
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=5000)
    assert window.plan_dialog is not None
    return window.plan_dialog


def start_held_sync(qtbot: QtBot, window: MainWindow, fake_ws: FakeWorkspace) -> None:
    """Apply a Sync all and return while the first product's sync waits on `fake_ws.gate`."""
    fake_ws.gate = threading.Event()
    window.actions.sync_all.trigger()
    wait_plan(qtbot, window).apply.click()
    qtbot.waitUntil(
        fake_ws.entered.is_set, timeout=5000
    )  # the run starts once the window repainted


def test_start_shows_account_rows_and_sandbox_banner(make_window: WindowFactory) -> None:
    window = make_window()
    assert window.mode == "sandbox"
    assert "Fake Shop" in window.account_label.text()
    assert "acct_fake123" in window.account_label.text()
    assert window.windowTitle() == "Stripe Sync Admin — Fake Shop (Sandbox)"
    assert not window.banner.is_live and "Sandbox" in window.banner.label.text()
    assert set(shown_ids(window)) == {"p-sync", "p-name", "p-price", "p-new", "p-int", "p-gone"}
    assert window.filter_bar.state.itemText(1) == "Differs (2)"
    # Nothing selected: syncing or archiving a selection makes no sense yet.
    assert not window.actions.sync_selected.isEnabled()
    assert not window.actions.archive.isEnabled()
    assert window.actions.sync_all.isEnabled() and window.actions.refresh.isEnabled()


def test_actions_follow_the_selection(make_window: WindowFactory) -> None:
    window = make_window()
    select(window, "p-sync")
    assert not window.actions.sync_selected.isEnabled()  # already in sync
    assert window.actions.archive.isEnabled()
    select(window, "p-gone")
    assert not window.actions.sync_selected.isEnabled()  # no catalog row to sync from
    assert window.actions.archive.isEnabled()  # but it can be archived in Stripe
    assert "Archive archives it in Stripe" in window.detail.toPlainText().replace("\n", " ")
    select(window, "p-price", "p-int")
    assert window.actions.sync_selected.isEnabled()
    assert window.detail.row is None  # two products: no single detail


def test_detail_pane_shows_fields_side_by_side_and_journal(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    select(window, "p-name")
    assert window.detail.row is not None and window.detail.row.product_id == "p-name"
    qtbot.waitUntil(lambda: "No writes recorded yet." in window.detail.toPlainText())
    text = window.detail.toPlainText()
    assert "Poster (large)" in text and "Poster" in text
    # Sandbox objects have no dashboard page (the sandbox's API URL would only answer 401).
    assert "Sandbox objects live on this computer only." in text
    assert "href" not in window.detail.toHtml()


def test_detail_pane_links_products_and_variant_prices_to_the_dashboard(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    from core.reconcile.rows import VariantRow
    from tests.gui.fakes import make_row

    window = make_window(keys={"test": TEST_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    variant = VariantRow(
        variant_id="BLACK", label="color BLACK", local_price_cents=100, stripe_price_id="price_B1"
    )
    window.detail.set_row(make_row("p-var", stripe_product_id="prod_V1", variants=[variant]))
    html = window.detail.toHtml()
    assert "https://dashboard.stripe.com/test/products/prod_V1" in html
    assert "https://dashboard.stripe.com/test/prices/price_B1" in html
    window.detail.set_mode("live")
    assert "https://dashboard.stripe.com/prices/price_B1" in window.detail.toHtml()


def test_sync_selected_applies_only_ticked_products(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    select(window, "p-name", "p-price", "p-new")
    press(qtbot, window, "Ctrl+S")
    dialog = wait_plan(qtbot, window)
    # The command line's `sync IDS` path: read as a sync by name leaves them, sync those rows.
    assert ("status", ["p-name", "p-new", "p-price"], True, False) in fake_ws.calls
    assert not any(call[0] == "plan" for call in fake_ws.calls)
    dialog.set_ticked("p-price", False)
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    assert ("sync_reviewed", ["p-name", "p-new"], True, False) in fake_ws.calls
    wait_idle(qtbot, window)
    assert "Sync done: 1 created · 1 updated" in window.status.text()
    states = {row.product_id: row.state for row in window.model.rows()}
    assert states["p-name"] == "in_sync" and states["p-new"] == "in_sync"
    assert states["p-price"] == "differs"  # unticked: untouched
    assert fake_ws.remote["p-price"].price == 12000


def test_cancelling_the_plan_dialog_writes_nothing(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    window.actions.sync_all.trigger()
    wait_plan(qtbot, window).reject()
    wait_idle(qtbot, window)
    assert not any(call[0] == "sync" for call in fake_ws.calls)


def test_failed_products_are_one_click_away(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.fail_ids = {"p-price"}
    window = make_window()
    window.actions.sync_all.trigger()
    dialog = wait_plan(qtbot, window)
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        dialog.apply.click()
    text = window.status.text()
    assert '<a href="failed">1 failed</a>' in text
    assert "p-price: Stripe refused the price: amount too large" in text
    window.status.message.linkActivated.emit("failed")  # what clicking the link does
    assert window.filter_bar.current_state() == "failed"
    assert shown_ids(window) == ["p-price"]
    row = window.model.row_for("p-price")
    assert row is not None and row.error == "Stripe refused the price: amount too large"


def test_archive_goes_through_the_plan_dialog(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    select(window, "p-sync")
    press(qtbot, window, "Ctrl+Shift+A")
    dialog = window.plan_dialog
    assert dialog is not None and "archive" in dialog.tree.topLevelItem(0).child(0).text(1)
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    assert ("archive", ["p-sync"]) in fake_ws.calls
    assert "1 archived" in window.status.text()


def test_live_mode_looks_different_and_asks_before_writing(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.account_info = fake_ws.account_info.__class__("acct_live1", "Maker Shop", True)
    window = make_window(keys={"live": LIVE_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("live")
    assert window.opened_with[-1] == ("live", LIVE_KEY)  # type: ignore[attr-defined]
    assert window.windowTitle().endswith("— LIVE")
    assert window.banner.is_live and "LIVE MODE" in window.banner.label.text()
    window.actions.sync_all.trigger()
    dialog = wait_plan(qtbot, window)
    assert dialog.mode == "live"
    assert not dialog.apply.isEnabled()
    dialog.accept()
    qtbot.keyClicks(dialog.confirm, "Maker Shop")
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    assert any(call[0] == "sync" for call in fake_ws.calls)


def test_missing_key_is_said_in_plain_words(make_window: WindowFactory, qtbot: QtBot) -> None:
    from gui.app import make_opener

    real_opener = make_opener(None)  # refuses before touching any catalog when there is no key
    window = make_window()
    window.session._open_workspace = real_opener  # what the app does, minus the catalog
    with qtbot.waitSignal(window.session.error, timeout=5000):
        window.set_mode("test")
    assert "No test key is stored yet." in window.status.text()
    assert "Keys…" in window.status.text()
    assert "not connected" in window.account_label.text()
    wait_idle(qtbot, window)
    assert not window.actions.sync_all.isEnabled()
    assert window.actions.reset_client.isEnabled() and window.actions.keys.isEnabled()


def test_reset_client_rereads_the_key(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window(keys={"test": TEST_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    opened = window.opened_with  # type: ignore[attr-defined]
    assert opened[-1] == ("test", TEST_KEY)
    # Same key: the workspace's client is reset and the account checked again.
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.actions.reset_client.trigger()
    assert ("reset_client", None) in fake_ws.calls
    assert len(opened) == 2
    # A new key was saved meanwhile: reset opens a workspace with it.
    new_key = "sk_test_" + "NewKey000111222333"
    window.stored_keys["test"] = new_key  # type: ignore[attr-defined]
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.actions.reset_client.trigger()
    assert opened[-1] == ("test", new_key)


def test_auth_error_on_reset_is_shown_with_its_hint(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    fake_ws.auth_error = True
    with qtbot.waitSignal(window.session.error, timeout=5000):
        window.actions.reset_client.trigger()
    assert "Stripe refused the key sk_test_…abcd. Check the key in Keys…." in window.status.text()


def test_busy_window_disables_actions_and_cancel_stops_the_run(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    start_held_sync(qtbot, window, fake_ws)
    qtbot.waitUntil(lambda: window.status.progress.isVisible())
    for action in ("refresh", "sync_all", "sync_selected", "archive", "reset_client", "keys"):
        assert not getattr(window.actions, action).isEnabled(), action
    assert not window.mode_box.isEnabled()
    assert window.status.cancel.isVisible()
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        window.status.cancel.click()
        fake_ws.gate.set()  # the current product finishes; the next never starts
    synced = [call for call in fake_ws.calls if call[0] == "sync"]
    assert len(synced) == 1
    assert "Sync cancelled" in window.status.text()
    assert "Refresh (F5)" in window.status.text()  # the table was not read again
    assert fake_ws.calls[-1][0] == "sync"  # no full Stripe read after a cancel
    wait_idle(qtbot, window)
    assert window.actions.refresh.isEnabled()


def test_closing_while_a_run_goes_returns_at_once_and_closes_the_workspace_last(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    start_held_sync(qtbot, window, fake_ws)
    assert fake_ws.gate is not None
    window.close()  # returns while the worker is still inside a Stripe call
    assert window.isVisible() and not fake_ws.closed  # the GUI thread did not wait for it
    assert "Finishing the current Stripe operation" in window.status.text()
    assert not window.centralWidget().isEnabled() and not window.actions.refresh.isEnabled()
    current = window.session.runner.current
    assert current is not None and current.cancel_token.cancelled
    fake_ws.gate.set()  # the Stripe call returns
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert fake_ws.closed
    syncs = [i for i, call in enumerate(fake_ws.calls) if call[0] == "sync"]
    assert fake_ws.calls[-1] == ("close", None)
    # After the cancelled run nothing read Stripe again, and nothing touches the closed
    # workspace: the session refuses new work once it is shutting down.
    assert [c for c in fake_ws.calls[syncs[-1] :] if c[0] != "close"] == [
        ("sync", ["p-name", "p-new", "p-price"])
    ]
    window.session.refresh()
    window.session.request_detail("p-sync")
    assert not window.session.runner._tasks
    assert fake_ws.calls[-1] == ("close", None)


def test_layout_and_mode_are_remembered(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window(keys={"test": TEST_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    window.resize(740, 530)
    window.splitter.setSizes([450, 290])
    sizes = window.splitter.sizes()
    window.close()
    assert settings_path().is_file()
    again = SettingsStore()
    assert again.mode == "test"
    restored = MainWindow(
        window.session.__class__(lambda m, k: FakeWorkspace(), lambda m: None), again
    )
    qtbot.addWidget(restored)
    restored.show()
    qtbot.waitExposed(restored)
    assert restored.mode == "test"
    assert restored.size().width() == 740 and restored.size().height() == 530
    assert restored.splitter.sizes() == sizes


def test_search_and_state_filter_from_the_filter_bar(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    press(qtbot, window, "Ctrl+F")
    qtbot.keyClicks(window.filter_bar.search, "tote")
    assert shown_ids(window) == ["p-price"]
    assert window.filter_bar.shown.text() == "1 of 6 shown"
    window.filter_bar.search.clear()
    window.filter_bar.set_state("missing")
    assert shown_ids(window) == ["p-new"]


def test_sorting_by_clicking_headers(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window()
    window.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # local price
    assert shown_ids(window)[0] == "p-price"
    rows: list[ProductRow] = [window.proxy.index(r, 0).data(ROW_ROLE) for r in range(6)]
    prices = [r.local_price_cents or -1 for r in rows]
    assert prices == sorted(prices, reverse=True)


def test_keys_action_opens_the_dialog_and_a_changed_key_resets_the_client(
    qtbot: QtBot, fake_ws: FakeWorkspace
) -> None:
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QDialog

    from gui.session import Session
    from gui.tasks import TaskRunner

    class KeysLike(QDialog):
        keys_changed = Signal(str)

    keys = {"test": TEST_KEY}
    opened: list[tuple[KeysLike, TaskRunner]] = []

    def open_keys(parent: QWidget, runner: TaskRunner) -> QDialog:
        dialog = KeysLike(parent)
        dialog.open()
        opened.append((dialog, runner))
        return dialog

    session = Session(lambda mode, key: fake_ws, keys.get)
    window = MainWindow(session, SettingsStore(), open_keys=open_keys)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(session.rows_loaded, timeout=5000):
        window.set_mode("test")
    qtbot.waitUntil(lambda: not session.busy, timeout=5000)
    press(qtbot, window, "Ctrl+K")
    ((dialog, runner),) = opened
    assert window.keys_dialog is dialog
    assert runner is session.runner  # key checks queue with the window's Stripe tasks
    dialog.keys_changed.emit("live")  # another mode's key: nothing to reset
    dialog.keys_changed.emit("test")  # the current mode's key, dialog still open
    qtbot.waitUntil(lambda: ("reset_client", None) in fake_ws.calls, timeout=5000)
    qtbot.waitUntil(lambda: not session.busy, timeout=5000)
    resets = fake_ws.calls.count(("reset_client", None))
    dialog.reject()  # closing without a change resets nothing more
    assert not session.busy and fake_ws.calls.count(("reset_client", None)) == resets == 1
    window.session.shutdown(5000)


def test_the_app_opens_the_real_keys_dialog(qtbot: QtBot) -> None:
    import keyring.backends.null

    from core.keys.store import SecretStore
    from gui.app import _keys_opener
    from gui.dialogs.keys_dialog import KeysDialog

    store = SecretStore(backend=keyring.backends.null.Keyring(), environ={})
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = _keys_opener(store)(parent, None)
    assert isinstance(dialog, KeysDialog)
    dialog.reject()


def test_an_orphan_is_archived_through_the_plan_dialog(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    select(window, "p-gone")
    window.actions.archive.trigger()
    dialog = wait_plan(qtbot, window)
    summary = dialog.tree.topLevelItem(0).child(0).text(1)
    assert "in this account and mode only" in summary and "no catalog row" in summary
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    assert ("archive", ["p-gone"]) in fake_ws.calls


def test_a_held_product_shows_its_note_and_can_be_synced_back(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    from tests.gui.fakes import make_row

    window = make_window()
    note = "archived by the operator in test; Sync selected brings it back"
    held = make_row("p-held", state="held", stripe_status="archived", held=True, note=note)
    window.model.set_rows([held])
    select(window, "p-held")
    assert window.actions.sync_selected.isEnabled()  # syncing it by id releases the hold
    assert not window.actions.archive.isEnabled()  # already archived
    assert note in window.detail.toPlainText()
    assert note in window.model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)


def test_the_window_fits_1024_px_with_the_state_column_and_keys_in_view(make_window) -> None:  # type: ignore[no-untyped-def]
    from gui.models.product_table import Column

    window = make_window()
    window.resize(1024, 700)
    window.show()
    from PySide6.QtWidgets import QApplication, QToolButton

    QApplication.processEvents()
    overflow = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()  # nothing hidden behind »
    assert window.table.isColumnHidden(Column.LAST_SYNCED)
    window.resize(1600, 1000)
    assert not window.table.isColumnHidden(Column.LAST_SYNCED)
