"""Searching the table: variants by value or id, what the empty table says, and Esc to clear."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.reconcile.rows import VariantRow
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import ROW_ROLE, ProductTableModel
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import make_row


def shown(proxy: ProductFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ROW_ROLE).product_id for r in range(proxy.rowCount())]


def variant(variant_id: str, label: str) -> VariantRow:
    return VariantRow(variant_id=variant_id, label=label, local_price_cents=1000)


def test_variants_are_found_by_value_or_id() -> None:
    model = ProductTableModel()
    model.set_rows(
        [
            make_row(
                "founder",
                name="Founder Edition",
                variants=[
                    variant("founder-black", "color BLACK"),
                    variant("founder-red", "color RED"),
                ],
            ),
            make_row("mug", name="Mug", variants=[variant("mug-12oz", "size 12oz")]),
            make_row("poster", name="Poster"),
        ]
    )
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text("black")
    assert shown(proxy) == ["founder"]
    proxy.set_text("MUG-12")
    assert shown(proxy) == ["mug"]
    proxy.set_text("12oz")
    assert shown(proxy) == ["mug"]
    proxy.set_text("red")
    assert shown(proxy) == ["founder"]
    # A match never spans two fields (an id's end and a label's start).
    proxy.set_text("redcolor")
    assert shown(proxy) == []
    assert proxy.no_match_text() == "No product matches “redcolor”."
    proxy.set_text("")
    assert proxy.no_match_text() is None


def test_the_empty_table_says_what_matched_nothing(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    placeholder = window.placeholder
    assert not placeholder.isVisibleTo(window.table)
    qtbot.keyClicks(window.filter_bar.search, "Zebra")
    assert window.proxy.rowCount() == 0
    assert placeholder.isVisibleTo(window.table)
    assert "No product matches “Zebra”." in placeholder.text()
    window.filter_bar.search.clear()
    assert not placeholder.isVisibleTo(window.table)
    window.filter_bar.set_state("failed")  # the sample has no failed product
    assert "No product is “Failed”." in placeholder.text()
    assert placeholder.isVisibleTo(window.table)
    qtbot.keyClicks(window.filter_bar.search, "mug")
    assert "No product matches “mug” among “Failed”." in placeholder.text()
    window.filter_bar.set_state("all")
    assert window.proxy.rowCount() == 1
    assert not placeholder.isVisibleTo(window.table)


def test_escape_in_the_search_field_clears_it(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = make_window()
    search = window.filter_bar.search
    total = window.model.rowCount()
    cancelled: list[bool] = []
    window.actions.cancel.triggered.connect(lambda: cancelled.append(True))
    window.actions.cancel.setEnabled(True)  # as during a run: Esc in the field still clears it
    search.setFocus()
    qtbot.keyClicks(search, "Zebra")
    assert window.proxy.rowCount() == 0
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == ""
    assert window.proxy.rowCount() == total
    assert cancelled == []
    assert not window.placeholder.isVisibleTo(window.table)
