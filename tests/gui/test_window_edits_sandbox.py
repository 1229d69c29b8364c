"""Editing the catalog in the real window, against a real Workspace on SQLite and a Stripe sandbox:
a price typed in the Edit tab is saved in the catalog only, the row shows the catalog change, the
History tab lists the edit, and revert, undo and redo all go through the catalog — nothing is
written to Stripe until a sync."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from core.sandbox import SandboxServer
from gui.main_window import MainWindow
from gui.models.change_marks import CHANGED_ROLE
from gui.models.product_table import ROW_ROLE, Column
from tests.gui.real_window import sample_catalog_db, window_in_test_mode
from tests.gui.test_main_window import select
from tests.gui.test_window_sandbox import run_plan
from tests.raw_sql import query_value

pytestmark = pytest.mark.slow

KEY = "sk_test_" + "windowEdits000001"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return sample_catalog_db(tmp_path)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def window(qtbot: QtBot, db_url: str, sandbox: SandboxServer) -> Iterator[MainWindow]:
    with window_in_test_mode(qtbot, db_url, sandbox, KEY) as win:
        yield win


def price(db_url: str, product_id: str) -> object:
    return query_value(db_url, f"SELECT base_price_cents FROM products WHERE id = '{product_id}'")


def type_into(
    qtbot: QtBot, window: MainWindow, name: str, text: str, vid: str | None = None
) -> None:
    """Type a value in the Edit tab and wait until the workspace checked it and Save is on."""
    form = window.edit_form
    qtbot.waitUntil(lambda: form.field(name, vid) is not None, timeout=10_000)
    box = form.field(name, vid)
    assert isinstance(box, QLineEdit)
    box.clear()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)


def save(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.edit_form.save_button.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)


def price_cell_change(window: MainWindow, product_id: str) -> object:
    proxy = window.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data(ROW_ROLE).product_id == product_id:
            return proxy.index(r, Column.LOCAL_PRICE).data(CHANGED_ROLE)
    raise AssertionError(product_id)


def test_edit_a_price_in_the_window_then_history_revert_undo_and_redo(
    window: MainWindow, db_url: str, sandbox: SandboxServer, qtbot: QtBot
) -> None:
    run_plan(qtbot, window, "sync_all")
    sandbox.clear_log()
    select(window, "cable-jst-30cm")
    window.tabs.setCurrentWidget(window.edit_form)
    type_into(qtbot, window, "base_price", "5,25")
    save(qtbot, window)

    assert price(db_url, "cable-jst-30cm") == 525
    assert price_cell_change(window, "cable-jst-30cm") == "catalog"
    assert "Nothing was written to Stripe" in window.status.text()
    assert sandbox.writes() == []

    window.tabs.setCurrentWidget(window.history_view)
    history = window.history_view
    qtbot.waitUntil(lambda: "$4.50 → $5.25" in " ".join(history.entry_texts()), timeout=10_000)
    assert history.entry_texts()[0].startswith("Edited by ")
    assert history.prices.topLevelItemCount() == 1  # the price Stripe has had: $4.50 so far
    assert history.prices.topLevelItem(0).text(0) == "$4.50"
    assert history.prices.topLevelItem(0).text(3).startswith("price_")

    # Revert to the edit: the catalog goes back to $4.50, still nothing to Stripe.
    edit_id = history.entries.topLevelItem(0).data(0, 0x0100)
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        history.buttons[edit_id].click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert price(db_url, "cable-jst-30cm") == 450
    qtbot.waitUntil(lambda: history.entry_texts()[0].startswith("Reverted by "), timeout=10_000)

    # Undo the revert, then redo it: each one an edit of the catalog.
    assert window.undo.undo.text() == "Undo revert of JST Link Cable 30 cm to entry #" + str(
        edit_id
    )
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.undo.undo.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert price(db_url, "cable-jst-30cm") == 525
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.undo.redo.trigger()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)
    assert price(db_url, "cable-jst-30cm") == 450
    assert sandbox.writes() == []

    # A variant's price, named for the menu.
    select(window, "founder-edition")
    window.tabs.setCurrentWidget(window.edit_form)
    type_into(qtbot, window, "price", "$519", "founder-edition-black")
    save(qtbot, window)
    assert window.undo.undo.text() == "Undo price of Founder Edition Controller, black"
    modifier = query_value(
        db_url, "SELECT price_modifier FROM variants WHERE id = 'founder-edition-black'"
    )
    assert modifier == 2000
    assert sandbox.writes() == []
