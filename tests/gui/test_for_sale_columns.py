"""Why a product is or is not for sale, in the window: the catalog's Live, Dev status, Stock and
Category columns (hidden until shown from View ▸ Columns), the sentence in the State tooltip and the
detail pane, a row with invalid values, an empty name, a held product's price difference."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core.engine.types import FieldDiff
from core.reconcile.rows import ProductRow
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import DIFFERS_ROLE, ROW_ROLE, Column, ProductTableModel
from gui.settings_store import SettingsStore
from gui.theme import DiffColors
from gui.widgets.detail_pane import DetailPane
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import make_row

TIP = Qt.ItemDataRole.ToolTipRole
FONT = Qt.ItemDataRole.FontRole
NOT_LIVE = "Not for sale: not live. A sync archives it in Stripe (and creates nothing if Stripe does not have it)."  # noqa: E501
CATALOG = (Column.LIVE, Column.DEV_STATUS, Column.STOCK, Column.CATEGORY)


def _rows() -> list[ProductRow]:
    return [
        make_row(
            "lamp",
            is_live=True,
            dev_status=5,
            sold_quantity=137,
            max_quantity=500,
            category="lighting",
            for_sale=True,
            for_sale_reason="For sale: sell status available, dev status 5 of 5, live; 137 of "
            "500 sold.",
        ),
        make_row(
            "frame",
            state="archived",
            stripe_status="missing",
            stripe_product_id=None,
            is_live=False,
            dev_status=5,
            category="hardware",
            for_sale=False,
            for_sale_reason=NOT_LIVE,
        ),
        make_row("kit", dev_status=3, sold_quantity=9, max_quantity=10, category="Cables"),
        make_row("mug"),  # nothing known: empty cells, sorted first
    ]


def _text(model: ProductTableModel, product_id: str, column: Column, role: int = 0) -> object:
    for r in range(model.rowCount()):
        index = model.index(r, column)
        if index.data(ROW_ROLE).product_id == product_id:
            return index.data(role or Qt.ItemDataRole.DisplayRole)
    raise AssertionError(product_id)


def _ids(proxy: ProductFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ROW_ROLE).product_id for r in range(proxy.rowCount())]


def test_the_catalog_columns_show_live_dev_status_stock_and_category() -> None:
    model = ProductTableModel()
    model.set_rows(_rows())
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in CATALOG] == [
        "Live",
        "Dev status",
        "Stock",
        "Category",
    ]
    assert [_text(model, "lamp", c) for c in CATALOG] == ["yes", "5 of 5", "137 / 500", "lighting"]
    assert [_text(model, "frame", c) for c in CATALOG] == ["no", "5 of 5", "", "hardware"]
    assert [_text(model, "mug", c) for c in CATALOG] == ["", "", "", ""]
    # "Archived" is what Stripe does; a product Stripe never held is simply not for sale.
    assert _text(model, "frame", Column.STATE) == "Not for sale"
    assert _text(model, "frame", Column.STATE, TIP) == NOT_LIVE
    assert _text(model, "frame", Column.LIVE, TIP) == NOT_LIVE
    assert _text(model, "lamp", Column.STOCK, TIP) == (
        "For sale: sell status available, dev status 5 of 5, live; 137 of 500 sold."
    )


def test_the_catalog_columns_sort_by_number() -> None:
    model = ProductTableModel()
    model.set_rows(_rows())
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.STOCK, Qt.SortOrder.AscendingOrder)
    assert set(_ids(proxy)[:2]) == {"frame", "mug"}  # unknown first
    assert _ids(proxy)[2:] == ["kit", "lamp"]  # 9 sold before 137 sold, not "137" < "9"
    proxy.sort(Column.DEV_STATUS, Qt.SortOrder.AscendingOrder)
    assert _ids(proxy)[:2] == ["mug", "kit"]  # none, then 3, then the two at 5
    proxy.sort(Column.CATEGORY, Qt.SortOrder.AscendingOrder)
    assert _ids(proxy) == ["mug", "kit", "frame", "lamp"]  # "Cables" with the c's
    proxy.sort(Column.LIVE, Qt.SortOrder.DescendingOrder)
    assert _ids(proxy)[0] == "lamp"


def test_catalog_columns_are_hidden_until_shown_from_the_view_menu(
    make_window: WindowFactory,
) -> None:
    window = make_window()
    window.resize(QSize(1400, 800))
    for column in CATALOG:
        assert window.table.isColumnHidden(column)
        assert not window.view.columns[column].isChecked()
    assert not window.table.isColumnHidden(Column.STATE)
    window.view.columns[Column.STOCK].trigger()
    assert not window.table.isColumnHidden(Column.STOCK)
    assert window.table.isColumnHidden(Column.LIVE)
    assert SettingsStore().shown_columns == ["STOCK"]
    assert SettingsStore().hidden_columns == []
    again = make_window()
    assert not again.table.isColumnHidden(Column.STOCK)
    assert again.table.isColumnHidden(Column.CATEGORY)
    again.view.show_all_columns()
    assert not any(again.table.isColumnHidden(c) for c in CATALOG)


def test_an_invalid_row_says_cant_sync_not_last_sync_failed(qtbot: QtBot) -> None:
    error = "base_price_cents: must be a whole number of cents ≥ 0, got 'abc'"
    invalid = make_row("lamp", state="failed", error=error, invalid=True, local_price_cents=None)
    failed = make_row("shade", state="failed", error="Stripe refused the amount")
    model = ProductTableModel()
    model.set_rows([invalid, failed])
    tip = _text(model, "lamp", Column.STATE, TIP)
    assert tip == (
        f"Can't sync: the catalog row has invalid values: {error}. Fix it in the Edit tab or in "
        "the shop's database."
    )
    assert _text(model, "lamp", Column.STATE) == "Invalid values"
    assert _text(model, "shade", Column.STATE, TIP) == "Last sync failed: Stripe refused the amount"
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    pane.set_row(invalid)
    text = pane.toPlainText()
    assert "Last sync failed" not in text
    assert f"Can't sync: the catalog row has invalid values: {error}." in text
    assert "Fix it in the Edit tab or in the shop's database." in text
    assert text.count(error) == 1  # said once, not again as "Nothing to sync: invalid catalog row"
    pane.set_row(failed)
    assert "Last sync failed: Stripe refused the amount" in pane.toPlainText()


def test_an_empty_name_says_it_is_empty(qtbot: QtBot) -> None:
    model = ProductTableModel()
    row = make_row("lamp", name="lamp", unnamed=True, state="failed", invalid=True, error="x")
    model.set_rows([row, make_row("shade")])
    assert _text(model, "lamp", Column.NAME) == "(no name)"
    assert _text(model, "lamp", Column.NAME, FONT).italic()
    assert _text(model, "shade", Column.NAME, FONT) is None
    tip = _text(model, "lamp", Column.NAME, TIP)
    assert "no name, so the product is shown by its id (lamp)" in str(tip)
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    pane.set_row(row)
    assert "(no name)" in pane.toPlainText()
    assert "The catalog row has no name" in pane.toPlainText()


def test_a_held_product_keeps_its_price_difference_marked_and_listed(qtbot: QtBot) -> None:
    price = FieldDiff(
        field="price",
        local="$52.00",
        stripe="$45.00",
        currency="usd",
        local_amount=5200,
        stripe_amount=4500,
        changed="catalog",
    )
    row = make_row(
        "lamp",
        state="held",
        held=True,
        stripe_status="archived",
        local_price_cents=5200,
        stripe_price_cents=4500,
        differences=[price],
        note="archived by the operator in test mode on 2026-12-01 10:00 UTC; …",
        for_sale=False,
        for_sale_reason="Not for sale in test mode: you hold it archived here. Without the hold: "
        "For sale: sell status available.",
    )
    model = ProductTableModel()
    model.set_rows([row])
    assert _text(model, "lamp", Column.LOCAL_PRICE, DIFFERS_ROLE) is True
    assert _text(model, "lamp", Column.STRIPE_PRICE, DIFFERS_ROLE) is True
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    pane.set_row(row)
    text = pane.toPlainText()
    assert "Held." in text and "archived by the operator in test mode" in text
    assert "the hold keeps these from being written" in text
    assert "Price: $52.00 here, $45.00 in Stripe" in text
    assert "Without the hold: For sale: sell status available." in text


def test_the_detail_pane_says_why_and_shows_the_catalog_values(qtbot: QtBot) -> None:
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    frame = _rows()[1]
    pane.set_row(frame)
    text = pane.toPlainText()
    assert f"For sale? {NOT_LIVE}" in text
    assert "Not for sale" in text.splitlines()[1]  # the state, not "Archived"
    assert "Live: no · Dev status: 5 of 5 · Stock: — · Category: hardware" in text
    lines = text.splitlines()
    at = lines.index("Status")  # the catalog wants it archived (not "active": it is not live)
    assert lines[at + 1 : at + 3] == ["archived", "missing"]
