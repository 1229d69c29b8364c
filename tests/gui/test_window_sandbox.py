"""The whole window driving the real engine against the in-process Stripe sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.sandbox import SandboxServer
from gui.app import make_key_reader, make_opener
from gui.main_window import MainWindow
from gui.models.change_marks import CHANGED_ROLE
from gui.models.product_table import DIFFERS_ROLE, ROW_ROLE, Column
from gui.session import Session
from gui.settings_store import SettingsStore
from tests.gui.real_window import sample_catalog_db, window_in_test_mode
from tests.gui.test_main_window import select
from tests.raw_sql import query_value, run_sql

pytestmark = pytest.mark.slow

HAND_KEY = "sk_test_" + "windowHandEdits01"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sample_catalog_db(tmp_path)


@pytest.fixture
def window(qtbot: QtBot, db_url: str) -> Iterator[MainWindow]:
    session = Session(make_opener(db_url), make_key_reader(None))
    win = MainWindow(session, SettingsStore())
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(session.rows_loaded, timeout=20_000):
        win.start()
    qtbot.waitUntil(lambda: not session.busy, timeout=20_000)
    yield win
    win.close()


def run_plan(qtbot: QtBot, window: MainWindow, trigger: str) -> list[str]:
    """Trigger a sync action, accept the plan dialog as shown, wait for the run; the ops listed."""
    action = getattr(window.actions, trigger)
    assert action.isEnabled(), trigger
    action.trigger()
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=20_000)
    dialog = window.plan_dialog
    assert dialog is not None
    ops = []
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        ops += [item.child(j).text(1) for j in range(item.childCount())]
    with qtbot.waitSignal(window.session.run_finished, timeout=30_000):
        dialog.apply.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    return ops


def states(window: MainWindow) -> dict[str, str]:
    return {row.product_id: row.state for row in window.model.rows()}


def edit_catalog(db_url: str, product_id: str, **values: object) -> None:
    assignments = ", ".join(f"{k} = :{k}" for k in values)
    run_sql(
        db_url,
        f"UPDATE products SET {assignments} WHERE id = :id",
        params={"id": product_id, **values},
    )


def test_sync_all_then_edit_refresh_and_sync_one(
    window: MainWindow, db_url: str, qtbot: QtBot
) -> None:
    assert window.session.account is not None
    assert window.mode == "sandbox" and not window.banner.is_live
    first = states(window)
    assert "missing" in first.values()  # a fresh sandbox: nothing in Stripe yet

    ops = run_plan(qtbot, window, "sync_all")
    assert ops, "the plan dialog listed the writes"
    assert "created" in window.status.text() and "0 failed" in window.status.text()
    after = states(window)
    assert "missing" not in after.values() and "differs" not in after.values()

    # Change a price and a name in the shop's own database, then refresh (F5).
    synced = [pid for pid, state in after.items() if state == "in_sync"]
    price_id, name_id = synced[0], synced[1]
    edit_catalog(db_url, price_id, base_price_cents=98765)
    edit_catalog(db_url, name_id, name="Renamed in the catalog")
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.actions.refresh.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    now = states(window)
    assert now[price_id] == "differs" and now[name_id] == "differs"

    proxy = window.proxy
    rows = {proxy.index(r, 0).data(ROW_ROLE).product_id: r for r in range(proxy.rowCount())}
    price_cell = proxy.index(rows[price_id], Column.LOCAL_PRICE)
    assert price_cell.data(DIFFERS_ROLE) is True
    assert price_cell.data(Qt.ItemDataRole.DisplayRole) == "$987.65"
    assert "Stripe:" in price_cell.data(Qt.ItemDataRole.ToolTipRole)
    name_cell = proxy.index(rows[name_id], Column.NAME)
    assert name_cell.data(DIFFERS_ROLE) is True
    assert name_cell.data(Qt.ItemDataRole.ToolTipRole).startswith("Stripe: ")

    # Sync only the repriced product: the other one stays different.
    select(window, price_id)
    ops = run_plan(qtbot, window, "sync_selected")
    assert any("987.65" in op for op in ops), ops
    final = states(window)
    assert final[price_id] == "in_sync"
    assert final[name_id] == "differs"

    # Its detail pane shows the journal of what was written.
    select(window, price_id)
    qtbot.waitUntil(lambda: "Journal" in window.detail.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: "Loading…" not in window.detail.toPlainText(), timeout=10_000)
    assert "No writes recorded yet." not in window.detail.toPlainText()


def test_reset_client_rechecks_the_account(window: MainWindow, qtbot: QtBot) -> None:
    before = window.session.account
    with qtbot.waitSignal(window.session.opened, timeout=20_000) as blocker:
        window.actions.reset_client.trigger()
    assert blocker.args[0].account == before
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert window.actions.sync_all.isEnabled()


def read_again(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.actions.refresh.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)


def held(window: MainWindow) -> dict[str, bool]:
    return {row.product_id: row.held for row in window.model.rows()}


def test_archiving_a_product_never_synced_says_so_and_holds_nothing(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert states(window)["cable-jst-30cm"] == "missing"
    select(window, "cable-jst-30cm")
    assert window.actions.archive.isEnabled()
    with qtbot.waitSignal(window.session.run_finished, timeout=30_000):
        window.actions.archive.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert "cable-jst-30cm: not in Stripe in this mode: nothing to archive" in window.status.text()
    assert "0 archived · 1 skipped" in window.status.text()
    read_again(qtbot, window)
    assert states(window)["cable-jst-30cm"] == "missing"
    assert not held(window)["cable-jst-30cm"]


def test_held_products_are_released_by_sync_selected(
    window: MainWindow, db_url: str, qtbot: QtBot
) -> None:
    run_plan(qtbot, window, "sync_all")
    select(window, "cable-jst-30cm", "cable-jst-1m")
    run_plan(qtbot, window, "archive")
    assert states(window)["cable-jst-30cm"] == states(window)["cable-jst-1m"] == "held"
    window.filter_bar.set_state("held")
    assert window.proxy.rowCount() == 2
    window.filter_bar.set_state("all")
    # One of them is no longer ready: releasing its hold writes nothing to Stripe.
    edit_catalog(db_url, "cable-jst-1m", base_price_cents=None)
    read_again(qtbot, window)
    assert states(window)["cable-jst-1m"] == "held"

    select(window, "cable-jst-30cm", "cable-jst-1m")
    window.actions.sync_selected.trigger()
    qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=20_000)
    dialog = window.plan_dialog
    assert dialog is not None
    shown = {
        dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i)
        for i in range(dialog.tree.topLevelItemCount())
    }
    (unarchive,) = [t for t in shown if t.startswith("cable-jst-30cm")]
    ops = [shown[unarchive].child(j).text(1) for j in range(shown[unarchive].childCount())]
    assert any("releases the operator's archive hold" in op for op in ops), ops
    (idle,) = [t for t in shown if t.startswith("cable-jst-1m")]
    assert "releases your archive hold" in shown[idle].text(1)
    with qtbot.waitSignal(window.session.run_finished, timeout=30_000):
        dialog.apply.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert "archive hold released on JST Link Cable 1 m" in window.status.text()
    assert states(window)["cable-jst-30cm"] == "in_sync"
    assert states(window)["cable-jst-1m"] == "not_ready"
    assert held(window) == {pid: False for pid in held(window)}


@pytest.fixture
def stripe_side() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def test_window(qtbot: QtBot, db_url: str, stripe_side: SandboxServer) -> Iterator[MainWindow]:
    """The window in test mode, talking to a sandbox the test can also edit by hand."""
    with window_in_test_mode(qtbot, db_url, stripe_side, HAND_KEY) as win:
        yield win


def test_an_edit_made_in_stripe_is_marked_kept_then_overwritten_on_request(
    test_window: MainWindow, stripe_side: SandboxServer, qtbot: QtBot
) -> None:
    window = test_window
    assert window.mode == "test"
    run_plan(qtbot, window, "sync_all")
    client = stripe.StripeClient(HAND_KEY, base_addresses={"api": stripe_side.url})
    client.v1.products.update("cable-jst-30cm", {"name": "JST cable (renamed in Stripe)"})
    read_again(qtbot, window)

    proxy = window.proxy
    rows = {proxy.index(r, 0).data(ROW_ROLE).product_id: r for r in range(proxy.rowCount())}
    name_cell = proxy.index(rows["cable-jst-30cm"], Column.NAME)
    assert name_cell.data(CHANGED_ROLE) == "stripe"
    tip = name_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "Changed in Stripe since the last sync on " in tip
    assert "was JST Link Cable 30 cm, now JST cable (renamed in Stripe)" in tip
    window.filter_bar.set_state("changed_in_stripe")
    assert proxy.rowCount() == 1
    window.filter_bar.set_state("all")

    # By default a sync keeps the hand edit.
    select(window, "cable-jst-30cm")
    row = window.model.row_for("cable-jst-30cm")
    assert row is not None and row.plan is not None and row.plan.kept_stripe_edits == ["name"]
    # The operator chooses to overwrite it: the plan marks that write, the sync makes it.
    window.stripe_edits.overwrite_buttons["name"].click()
    ops = run_plan(qtbot, window, "sync_selected")
    lines = [" ".join(op.split()) for op in ops]  # long operations wrap in the dialog
    assert any(op.startswith("⚠ ") and "overwrites an edit made in Stripe" in op for op in lines)
    assert client.v1.products.retrieve("cable-jst-30cm").name == "JST Link Cable 30 cm"
    assert states(window)["cable-jst-30cm"] == "in_sync"


def test_take_stripes_edits_writes_them_into_the_catalog(
    test_window: MainWindow, stripe_side: SandboxServer, db_url: str, qtbot: QtBot
) -> None:
    window = test_window
    run_plan(qtbot, window, "sync_all")
    client = stripe.StripeClient(HAND_KEY, base_addresses={"api": stripe_side.url})
    client.v1.products.update("cable-jst-1m", {"name": "JST cable, long (Stripe)"})
    read_again(qtbot, window)
    select(window, "cable-jst-1m")
    assert window.actions.take_stripe_edits.isEnabled()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.actions.take_stripe_edits.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert "Took 1 edit from Stripe into the catalog" in window.status.text()
    row = window.model.row_for("cable-jst-1m")
    assert row is not None and row.name == "JST cable, long (Stripe)"
    assert row.state == "in_sync" and not row.differences
    name = query_value(db_url, "SELECT name FROM products WHERE id = 'cable-jst-1m'")
    assert name == "JST cable, long (Stripe)"  # the shop's own table, not just the window


def test_adopt_a_hand_made_catalog_links_only_the_ticked_products(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.sandbox_menu.menuAction().isVisible()
    window.actions.start_handmade.trigger()
    start = window.preset_start_button()
    assert start is not None
    with qtbot.waitSignal(window.session.preset_applied, timeout=30_000):
        start.click()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert "Now try Stripe ▸ Adopt…" in window.status.text()
    before = states(window)
    adopted = ["material-strip-1m", "founder-edition", "material-8x8-v1"]
    assert {before[pid] for pid in [*adopted, "pulse-controller-v2"]} == {"missing"}

    window.actions.adopt.trigger()
    qtbot.waitUntil(lambda: window.adopt_dialog is not None, timeout=30_000)
    dialog = window.adopt_dialog
    assert dialog is not None
    rows = {
        dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i)
        for i in range(dialog.tree.topLevelItemCount())
    }
    (pulse,) = [item for text, item in rows.items() if "(pulse-controller-v2)" in text]
    founder = next(item for text, item in rows.items() if "(founder-edition)" in text)
    assert founder.text(2) == "same name" and founder.text(3) == "3 prices"
    assert set(dialog.link_buttons) and len(dialog.link_buttons) == 2  # two "JST Link Cable 30 cm"
    dialog.set_ticked(pulse.data(0, Qt.ItemDataRole.UserRole), False)
    with qtbot.waitSignal(window.session.adopt_finished, timeout=30_000):
        dialog.adopt.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert "Linked 5 products; 2 ambiguous — link them by hand" in window.status.text()
    after = states(window)
    assert all(after[pid] != "missing" for pid in adopted), after
    assert after["pulse-controller-v2"] == "missing"  # unticked: not linked
    assert after["cable-jst-30cm"] == "missing"  # ambiguous: left for a link by hand

    # The strip's subscription price stays in Stripe, listed as not managed here.
    select(window, "material-strip-1m")
    qtbot.waitUntil(lambda: "Other prices in Stripe" in window.detail.toPlainText(), timeout=5000)
    assert "every month" in window.detail.toPlainText()


def test_the_sandbox_catalog_is_not_offered_in_test_mode(test_window: MainWindow) -> None:
    assert test_window.mode == "test"
    assert not test_window.actions.start_handmade.isEnabled()
    assert not test_window.actions.start_handmade.isVisible()
    assert not test_window.sandbox_menu.menuAction().isVisible()
    assert test_window.actions.adopt.isEnabled()
