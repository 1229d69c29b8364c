"""The table's filter proxy: which products it shows and in what order, the selection staying on
its products as the operator filters and sorts, and no Python call per row when they do."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from core.engine.types import FieldDiff
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import CHUNK, ROW_ROLE, Column, ProductTableModel
from gui.models.row_prep import prepare_rows
from tests.gui.fakes import make_row

SELECT_ROWS = QItemSelectionModel.SelectionFlag.ClearAndSelect | (
    QItemSelectionModel.SelectionFlag.Rows
)


def ids(proxy: ProductFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ROW_ROLE).product_id for r in range(proxy.rowCount())]


def differs(pid: str, **fields: Any) -> Any:
    return make_row(
        pid,
        state="differs",
        differences=[FieldDiff(field="price", local="$10.00", stripe="$9.00")],
        **fields,
    )


def shop() -> list[Any]:
    return [
        make_row("mug-s", name="Mug small", local_price_cents=800),
        differs("mug-l", name="Mug large", local_price_cents=1500),
        make_row("tote", name="Tote bag", local_price_cents=1200),
        differs("mug-m", name="Mug medium", local_price_cents=1100),
        make_row("poster", name="Poster", local_price_cents=2000),
    ]


@pytest.fixture
def table(qtbot: QtBot) -> tuple[ProductTableModel, ProductFilterProxy, QTableView]:
    model = ProductTableModel()
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    ModelTester(qtbot).check(proxy, force_py=True)  # Qt's contract at every step below
    model.set_rows(shop())
    return model, proxy, view


def selected(view: QTableView) -> set[str]:
    return {i.data(ROW_ROLE).product_id for i in view.selectionModel().selectedRows()}


def test_filters_and_sort_combine_in_the_order_clicked(table: Any) -> None:
    _model, proxy, view = table
    proxy.set_text("MUG")
    view.sortByColumn(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)
    assert ids(proxy) == ["mug-l", "mug-m", "mug-s"]
    proxy.set_state("differs")
    assert ids(proxy) == ["mug-l", "mug-m"]
    view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert ids(proxy) == ["mug-l", "mug-m"]  # "Mug large" < "Mug medium"
    proxy.set_text("")
    proxy.set_state("all")
    assert ids(proxy) == ["mug-l", "mug-m", "mug-s", "poster", "tote"]
    assert proxy.headerData(Column.NAME, Qt.Orientation.Horizontal) == "Name"


def test_the_selection_follows_its_product_through_sorts_and_filters(table: Any) -> None:
    _model, proxy, view = table
    view.sortByColumn(Column.ID, Qt.SortOrder.AscendingOrder)
    view.selectionModel().select(proxy.index(ids(proxy).index("tote"), 0), SELECT_ROWS)
    current = proxy.index(ids(proxy).index("tote"), Column.NAME)
    view.selectionModel().setCurrentIndex(current, QItemSelectionModel.SelectionFlag.NoUpdate)

    view.sortByColumn(Column.LOCAL_PRICE, Qt.SortOrder.AscendingOrder)
    assert selected(view) == {"tote"}
    proxy.set_text("t")  # tote and poster
    assert selected(view) == {"tote"}
    assert view.currentIndex().data(ROW_ROLE).product_id == "tote"
    assert view.currentIndex().column() == Column.NAME

    proxy.set_text("mug")  # hides the selected product: nothing hidden stays selected
    assert selected(view) == set()
    view.selectionModel().select(proxy.index(1, 0), SELECT_ROWS)
    picked = selected(view)
    proxy.set_text("")
    assert selected(view) == picked


def test_rows_arriving_while_filtered_show_if_they_match(table: Any, qtbot: QtBot) -> None:
    model, proxy, view = table
    view.sortByColumn(Column.ID, Qt.SortOrder.DescendingOrder)
    proxy.set_text("mug")
    many = [make_row(f"cup-{i:04d}") for i in range(CHUNK * 2)] + [make_row("mug-xl")]
    done: list[bool] = []

    model.show_rows(prepare_rows([*shop(), *many]), then=lambda: done.append(True))
    qtbot.waitUntil(lambda: bool(done))

    assert ids(proxy) == ["mug-xl", "mug-s", "mug-m", "mug-l"]
    model.set_rows([r for r in shop() if r.product_id != "mug-m"])  # a product went
    assert ids(proxy) == ["mug-s", "mug-l"]


def test_a_product_leaves_a_state_filter_when_its_state_changes(table: Any) -> None:
    model, proxy, view = table
    view.sortByColumn(Column.ID, Qt.SortOrder.AscendingOrder)
    proxy.set_state("differs")
    assert ids(proxy) == ["mug-l", "mug-m"]
    view.selectionModel().select(proxy.index(1, 0), SELECT_ROWS)  # mug-m

    model.update_rows([make_row("mug-l", name="Mug large")])  # synced: in sync now
    assert ids(proxy) == ["mug-m"]
    assert selected(view) == {"mug-m"}
    model.update_rows([differs("tote", name="Tote bag")])  # and one that differs now
    assert sorted(ids(proxy)) == ["mug-m", "tote"]
    assert proxy.selection_of({"tote", "mug-l"}).indexes()[0].data(ROW_ROLE).product_id == "tote"


def test_filtering_and_sorting_make_no_python_call_per_row(monkeypatch: Any) -> None:
    model = ProductTableModel()
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows([make_row(f"p{i:04d}", name=f"Lamp {i % 7}") for i in range(2_000)])
    calls: Counter[str] = Counter()

    def counted(cls: type, name: str) -> None:
        original = getattr(cls, name)

        def wrapper(self: Any, *args: Any) -> Any:
            calls[name] += 1
            return original(self, *args)

        monkeypatch.setattr(cls, name, wrapper)

    for name in ("data", "cell", "prepared_at", "row_at", "index"):
        counted(ProductTableModel, name)
    for name in ("mapToSource", "mapFromSource", "data", "index", "flags"):
        counted(ProductFilterProxy, name)

    proxy.set_text("lamp 3")
    proxy.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    proxy.set_state("in_sync")
    proxy.set_text("")
    proxy.sort(Column.ID, Qt.SortOrder.AscendingOrder)

    assert proxy.rowCount() == 2_000
    assert sum(calls.values()) < 20, calls  # a few, not one (or more) per row
