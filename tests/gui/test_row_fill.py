"""A big catalog reaches the product table in chunks (so the window paints in between), never by a
model reset, and sorting puts numbers in numeric order and names in case-insensitive order."""

from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from gui.heap import young_collections_only
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import CHUNK, Column, ProductTableModel
from gui.models.row_prep import prepare_rows
from tests.gui.fakes import make_row


class Sizes:
    """The rows each structural signal of a model covers, and any reset."""

    def __init__(self, model: ProductTableModel) -> None:
        self.inserted: list[int] = []
        self.removed: list[int] = []
        self.changed: list[int] = []
        self.resets = self.layouts = 0
        model.rowsInserted.connect(lambda _p, first, last: self.inserted.append(last - first + 1))
        model.rowsRemoved.connect(lambda _p, first, last: self.removed.append(last - first + 1))
        model.dataChanged.connect(
            lambda top, bottom, *_a: self.changed.append(bottom.row() - top.row() + 1)
        )
        model.modelReset.connect(self._reset)
        model.layoutChanged.connect(self._layout)

    def _reset(self) -> None:
        self.resets += 1

    def _layout(self, *_args: Any) -> None:
        self.layouts += 1


def catalog(count: int, **fields: Any) -> list[Any]:
    return [make_row(f"p{i:05d}", name=f"Product {i}", **fields) for i in range(count)]


def fill(qtbot: QtBot, model: ProductTableModel, rows: list[Any]) -> None:
    model.show_rows(rows)
    qtbot.waitUntil(lambda: not model.filling, timeout=20_000)


def test_a_big_catalog_arrives_in_chunks_after_the_current_turn(qtbot: QtBot) -> None:
    model = ProductTableModel()
    sizes = Sizes(model)
    rows = prepare_rows(catalog(CHUNK * 4 + 7))

    model.show_rows(rows)

    assert model.rowCount() == 0  # nothing yet: the rest of this turn (and a paint) come first
    qtbot.waitUntil(lambda: not model.filling, timeout=20_000)
    assert [r.product_id for r in model.rows()] == [r.product_id for r in rows]
    assert len(sizes.inserted) > 1 and max(sizes.inserted) <= CHUNK
    assert sizes.resets == 0


def test_a_refresh_changes_removes_and_inserts_in_chunks(qtbot: QtBot) -> None:
    model = ProductTableModel()
    model.sort(Column.ID, Qt.SortOrder.AscendingOrder)
    fill(qtbot, model, catalog(CHUNK * 4))
    sizes = Sizes(model)
    # Every row a new object (as after a Refresh): the first 2 chunks and 3 rows went, the rest
    # now differ in their sell status, and 2 chunks and 5 rows are new.
    kept = catalog(CHUNK * 4, sell_status="coming_soon")[CHUNK * 2 + 3 :]
    new = [make_row(f"q{i:05d}", name=f"New {i}") for i in range(CHUNK * 2 + 5)]

    fill(qtbot, model, prepare_rows(new + kept))

    assert sizes.resets == 0
    assert len(sizes.removed) > 1 and max(sizes.removed) <= CHUNK
    assert sum(sizes.removed) == CHUNK * 2 + 3
    assert len(sizes.inserted) > 1 and max(sizes.inserted) <= CHUNK
    assert max(sizes.changed) <= CHUNK and sum(sizes.changed) == len(kept)
    shown = [r.product_id for r in model.rows()]
    assert shown == sorted(r.product_id for r in new + kept)  # still sorted by id
    assert model.index(0, Column.SELL_STATUS).data() == "coming_soon"


def test_sorting_numbers_numerically_and_names_ignoring_case(qtbot: QtBot) -> None:
    model = ProductTableModel()
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    sizes = Sizes(model)
    names = ["banana", "Apple", "cherry", "apricot", "Banana split"]
    prices = [900, 10_000, 1_200, None, 95]
    model.set_rows(
        [
            make_row(f"p{i}", name=name, local_price_cents=price)
            for i, (name, price) in enumerate(zip(names, prices, strict=True))
        ]
    )

    def shown(column: Column) -> list[Any]:
        return [proxy.index(r, column).data() for r in range(proxy.rowCount())]

    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert shown(Column.NAME) == ["Apple", "apricot", "banana", "Banana split", "cherry"]
    proxy.sort(Column.LOCAL_PRICE, Qt.SortOrder.AscendingOrder)
    # $0.95 < $9.00 < $12.00 < $100.00 (not as text), and no price first.
    assert shown(Column.LOCAL_PRICE) == ["", "$0.95", "$9.00", "$12.00", "$100.00"]
    proxy.sort(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)
    assert shown(Column.LOCAL_PRICE) == ["$100.00", "$12.00", "$9.00", "$0.95", ""]
    assert sizes.resets == 0


def test_equal_keys_keep_their_order_and_sorting_again_moves_nothing(qtbot: QtBot) -> None:
    model = ProductTableModel()
    rows = [make_row(f"p{i:05d}", local_price_cents=100 * (i % 3)) for i in range(CHUNK * 3)]
    model.set_rows(rows)
    sizes = Sizes(model)

    model.sort(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)
    model.sort(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)  # Qt's sortByColumn asks twice

    assert sizes.layouts == 1 and sizes.resets == 0
    shown = [(r.local_price_cents, r.product_id) for r in model.rows()]
    # Stable: within a price, the rows keep the order they came in.
    assert shown == sorted(shown, key=lambda pair: -(pair[0] or 0))
    assert model.row_for("p00004") is rows[4]  # found where it moved to


def test_emptying_a_big_table_removes_it_in_chunks(qtbot: QtBot) -> None:
    model = ProductTableModel()
    model.set_rows(catalog(CHUNK * 2 + 3))
    sizes = Sizes(model)

    fill(qtbot, model, [])

    assert model.rowCount() == 0 and model.rowCount(QModelIndex()) == 0
    assert len(sizes.removed) == 3 and max(sizes.removed) <= CHUNK and sizes.resets == 0


def test_a_run_only_holds_off_full_collections_while_it_runs() -> None:
    before = gc.get_threshold()
    with young_collections_only():
        during = gc.get_threshold()
    assert during[:2] == before[:2] and during[2] > before[2]
    assert gc.get_threshold() == before
