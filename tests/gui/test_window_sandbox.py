"""The whole window driving the real engine against the in-process Stripe sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.catalog.importer import import_file
from core.catalog.sample import sample_catalog_path
from core.catalog.store import CatalogStore
from gui.app import make_key_reader, make_opener
from gui.main_window import MainWindow
from gui.models.product_table import DIFFERS_ROLE, ROW_ROLE, Column
from gui.session import Session
from gui.settings_store import SettingsStore
from tests.gui.test_main_window import select
from tests.raw_sql import run_sql

pytestmark = pytest.mark.slow


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = CatalogStore.open(url)
    try:
        import_file(store, sample_catalog_path())
    finally:
        store.close()
    return url


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
