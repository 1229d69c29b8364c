"""The table's context menu: copy a product's id or Stripe id, open it in the Stripe Dashboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu

from gui import row_menu
from gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory

TEST_KEY = "sk_test_rowMenu12345678"


def select(window: MainWindow, *product_ids: str) -> None:
    selection = window.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for r in range(window.proxy.rowCount()):
        index = window.proxy.index(r, 0)
        if window.proxy.data(index, 0) in product_ids:
            selection.select(index, flags)
    assert {row.product_id for row in window.selected_rows()} == set(product_ids)


def action(menu: QMenu, text: str) -> QAction | None:
    return next((a for a in menu.actions() if a.text() == text), None)


def test_copy_the_product_id_and_the_stripe_id(make_window: WindowFactory) -> None:
    window = make_window()
    select(window, "p-name")
    menu = window.context_menu()
    copy_id = action(menu, "Copy product id")
    copy_stripe = action(menu, "Copy Stripe id")
    assert copy_id is not None and copy_stripe is not None
    copy_id.trigger()
    assert QGuiApplication.clipboard().text() == "p-name"
    assert "Copied p-name to the clipboard." in window.status.text()
    row = window.selected_rows()[0]
    assert row.stripe_product_id
    copy_stripe.trigger()
    assert QGuiApplication.clipboard().text() == row.stripe_product_id
    # The sandbox has no Dashboard: no such entry there.
    assert action(menu, "Open in the Stripe Dashboard") is None


def test_several_ids_are_copied_one_per_line_and_missing_ones_disable_the_entry(
    make_window: WindowFactory,
) -> None:
    window = make_window()
    missing = [r.product_id for r in window.model.rows() if r.stripe_product_id is None]
    assert missing, "the sample has a product missing in Stripe"
    select(window, missing[0])
    menu = window.context_menu()
    stripe = action(menu, "Copy Stripe id")
    assert stripe is not None and not stripe.isEnabled()
    select(window, "p-name", "p-sync")
    copy_id = action(window.context_menu(), "Copy product id")
    assert copy_id is not None
    copy_id.trigger()
    assert sorted(QGuiApplication.clipboard().text().split("\n")) == ["p-name", "p-sync"]


def test_open_in_the_dashboard_in_test_mode(
    make_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.settings_store import SettingsStore

    store = SettingsStore()
    store.mode = "test"
    store.sync()
    window = make_window(keys={"test": TEST_KEY})
    assert window.mode == "test"
    opened: list[str] = []
    monkeypatch.setattr(row_menu, "open_url", opened.append)
    select(window, "p-name")
    stripe_id = window.selected_rows()[0].stripe_product_id
    dashboard = action(window.context_menu(), "Open in the Stripe Dashboard")
    assert dashboard is not None and dashboard.isEnabled()
    dashboard.trigger()
    assert opened == [f"https://dashboard.stripe.com/test/products/{stripe_id}"]
    select(window, "p-name", "p-sync")  # one product at a time
    several = action(window.context_menu(), "Open in the Stripe Dashboard")
    assert several is not None and not several.isEnabled()
