"""New rows never reset the product table: what changed is replaced in place, what came is
inserted and what went is removed, so the operator's selection stays on its product."""

from __future__ import annotations

from typing import Any

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


class Spy:
    """Counts the structural signals a model emits."""

    def __init__(self, model: ProductTableModel) -> None:
        self.counts = {"reset": 0, "inserted": 0, "removed": 0, "changed": 0, "layout": 0}
        model.modelReset.connect(lambda: self._add("reset"))
        model.rowsInserted.connect(lambda *_a: self._add("inserted"))
        model.rowsRemoved.connect(lambda *_a: self._add("removed"))
        model.dataChanged.connect(lambda *_a: self._add("changed"))
        model.layoutChanged.connect(lambda *_a: self._add("layout"))

    def _add(self, what: str) -> None:
        self.counts[what] += 1


def catalog(ids: list[str], **fields: Any) -> list[Any]:
    return [make_row(pid, name=f"Product {pid}", **fields) for pid in ids]


def test_new_rows_are_changes_inserts_and_removals_never_a_reset(qtbot: QtBot) -> None:
    model = ProductTableModel()
    ModelTester(model).check(model, force_py=True)  # Qt's contract at every step below
    spy = Spy(model)
    model.set_rows(catalog(["a", "b", "c", "d"]))
    model.sort(Column.ID, Qt.SortOrder.AscendingOrder)
    assert spy.counts["inserted"] == 1 and spy.counts["reset"] == 0  # the first fill too

    # b changed (it now differs), d went, e came.
    changed = make_row(
        "b",
        name="Product b",
        state="differs",
        stripe_price_cents=900,
        differences=[FieldDiff(field="price", local="$10.00", stripe="$9.00")],
    )
    model.set_rows([*catalog(["a"]), changed, *catalog(["c", "e"])])

    assert spy.counts["reset"] == 0
    assert spy.counts["removed"] >= 1 and spy.counts["inserted"] >= 2
    assert spy.counts["changed"] >= 1
    assert [r.product_id for r in model.rows()] == ["a", "b", "c", "e"]
    assert model.row_for("b") is changed
    assert model.index(1, Column.STRIPE_PRICE).data() == "$9.00"


def test_the_selection_stays_on_its_product_when_rows_change(qtbot: QtBot) -> None:
    model = ProductTableModel()
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(Column.ID, Qt.SortOrder.AscendingOrder)
    model.set_rows(catalog(["b", "d", "f"]))
    view.selectionModel().select(proxy.index(1, 0), SELECT_ROWS)  # "d"
    spy = Spy(model)

    # Every row is a new object (as after a Refresh); "a" and "c" sort before "d".
    model.set_rows(catalog(["a", "b", "c", "d", "f"], sell_status="coming_soon"))

    assert spy.counts["reset"] == 0
    selected = {i.data(ROW_ROLE).product_id for i in view.selectionModel().selectedRows()}
    assert selected == {"d"}
    assert [proxy.index(i, 0).data() for i in range(proxy.rowCount())] == list("abcdf")
    assert proxy.index(3, Column.SELL_STATUS).data() == "coming_soon"


def test_many_rows_arrive_over_several_turns_of_the_event_loop(qtbot: QtBot) -> None:
    model = ProductTableModel()
    model.sort(Column.ID, Qt.SortOrder.DescendingOrder)
    spy = Spy(model)
    rows = catalog([f"p{i:05d}" for i in range(CHUNK * 3 + 7)])
    done: list[int] = []

    model.show_rows(rows, then=lambda: done.append(model.rowCount()))

    assert model.filling and model.rowCount() < len(rows)  # the window paints in between
    qtbot.waitUntil(lambda: not model.filling, timeout=10_000)
    assert done == [len(rows)]
    assert spy.counts["reset"] == 0 and spy.counts["inserted"] > 1
    assert model.row_at(0).product_id == rows[-1].product_id  # in the sorted order


def test_rows_prepared_on_the_worker_are_taken_as_they_are(qtbot: QtBot) -> None:
    model = ProductTableModel()
    prepared = prepare_rows(catalog(["a", "b"]))
    model.set_rows(prepared)
    first = {pid: model.prepared_at(i) for i, pid in enumerate(["a", "b"])}
    assert first["a"] is prepared.prepared_for(prepared[0])
    spy = Spy(model)
    model.set_rows(list(reversed(model.rows())))  # the same rows in another order: kept
    assert [r.product_id for r in model.rows()] == ["b", "a"]
    assert model.prepared_at(0) is first["b"] and spy.counts["changed"] == 0


def test_a_refresh_in_the_window_does_not_reset_the_table(make_window: Any, qtbot: QtBot) -> None:
    window = make_window()
    spy = Spy(window.model)
    window.table.selectRow(0)
    chosen = window.selected_rows()[0].product_id
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.session.refresh()
    qtbot.waitUntil(lambda: not window.session.busy and not window.model.filling, timeout=5000)
    assert spy.counts["reset"] == 0
    assert [r.product_id for r in window.selected_rows()] == [chosen]


def test_rows_read_again_unchanged_are_taken_without_a_repaint(qtbot: QtBot) -> None:
    """After a sync the whole catalog is read back: new row objects, a few of them different.
    Only those are announced as changed (each announcement repaints the table); the rest are
    taken silently, and the model holds the new objects."""
    model = ProductTableModel()
    ids = [f"p{i:03d}" for i in range(40)]
    model.set_rows(catalog(ids))
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changes.append((top.row(), bottom.row())))
    synced = make_row("p007", name="Product p007", state="differs", stripe_price_cents=900)
    again = [synced if pid == "p007" else row for pid, row in zip(ids, catalog(ids), strict=True)]
    model.set_rows(again)
    assert changes == [(7, 7)]
    assert all(model.row_for(pid) is row for pid, row in zip(ids, again, strict=True))
    assert model.index(7, Column.STATE).data() != model.index(6, Column.STATE).data()
