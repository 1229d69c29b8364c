"""The marks at a cell's left (who changed it, changed in Stripe since last looked) as Qt's own
delegate paints them from the model, and a paint that asks the model once per cell."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from core.engine.types import FieldDiff
from core.workspace import StripeChange
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import Column, ProductTableModel
from gui.theme import DiffColors
from tests.gui.fakes import make_row


def _changed(pid: str) -> StripeChange:
    return StripeChange(
        at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        by="elsewhere",
        object="product",
        id=pid,
        change="updated",
        product_id=pid,
        event_id=f"evt_{pid}",
    )


def _view(qtbot: QtBot, model: ProductTableModel) -> tuple[QTableView, ProductFilterProxy]:
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    return view, proxy


def _colours(view: QTableView, proxy: ProductFilterProxy, row: int, column: int) -> set[str]:
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(view.palette().color(QPalette.ColorRole.Base))
    view.viewport().render(image)
    rect = view.visualRect(proxy.index(row, column))
    y = rect.center().y()
    return {image.pixelColor(x, y).name() for x in range(rect.left(), rect.left() + 20)}


def test_a_row_changed_in_stripe_since_last_looked_has_a_dot_before_its_product(
    qtbot: QtBot,
) -> None:
    colors = DiffColors.from_palette(QPalette())
    model = ProductTableModel(colors)
    calm, moved = make_row("calm"), make_row("moved")
    model.badges.update([calm, moved])  # the baseline: nothing marked
    moved = make_row("moved", stripe_change=_changed("moved"))
    model.badges.update([calm, moved])
    model.set_rows([calm, moved])
    view, proxy = _view(qtbot, model)
    dot = colors.change_fill["stripe"].name()
    assert dot in _colours(view, proxy, 1, Column.ID)
    assert dot not in _colours(view, proxy, 0, Column.ID)
    model.badges.look(["moved"])
    view.viewport().update()
    assert dot not in _colours(view, proxy, 1, Column.ID)


def test_a_selected_rows_badge_keeps_its_colour(qtbot: QtBot) -> None:
    colors = DiffColors.from_palette(QPalette())
    model = ProductTableModel(colors)
    diff = FieldDiff(field="name", local="Lamp", stripe="Desk lamp", changed="stripe")
    model.set_rows([make_row("lamp", state="differs", differences=[diff])])
    view, proxy = _view(qtbot, model)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    view.selectionModel().select(proxy.index(0, 0), flags)
    assert colors.change_fill["stripe"].name() in _colours(view, proxy, 0, Column.NAME)


def test_painting_asks_the_model_once_per_cell_and_runs_no_python_delegate(
    qtbot: QtBot,
) -> None:
    model = ProductTableModel(DiffColors.from_palette(QPalette()))
    diff = FieldDiff(field="name", local="Lamp", stripe="Desk lamp", changed="stripe")
    model.set_rows([make_row(f"p{i:03d}", state="differs", differences=[diff]) for i in range(200)])
    view, proxy = _view(qtbot, model)
    assert type(view.itemDelegate()).__module__.startswith("PySide6")
    calls = {"fill_roles": 0, "cell": 0}
    fill_roles, cell = model.fill_roles, model.cell

    def counted_fill(*args: Any) -> None:
        calls["fill_roles"] += 1
        fill_roles(*args)

    def counted_cell(*args: Any) -> Any:
        calls["cell"] += 1
        return cell(*args)

    model.fill_roles = counted_fill  # type: ignore[method-assign]
    model.cell = counted_cell  # type: ignore[method-assign]
    view.viewport().render(QImage(view.viewport().size(), QImage.Format.Format_ARGB32))
    rows = view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1
    columns = sum(not view.isColumnHidden(c) for c in range(model.columnCount()))
    assert 0 < calls["fill_roles"] <= rows * columns
    assert calls["cell"] == 7 * calls["fill_roles"]  # Qt's seven paint roles, one call per cell
