"""The product table's columns for prices in other currencies: one per currency, none when the
catalog has one currency, a differing amount highlighted like any other cell."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from core.domain.models import ProductSyncInput, VariantSyncInput
from core.engine.types import FieldDiff, ProductPlan
from gui.models.product_table import DIFFERS_ROLE, SORT_ROLE, Column, ProductTableModel
from gui.theme import DiffColors
from tests.gui.fakes import make_row

COLORS = DiffColors(
    differs_background=QColor("#fff0c0"),
    differs_foreground=QColor("#402000"),
    state_text={},
    dark=False,
)


def _row(pid: str, variants: tuple[VariantSyncInput, ...] = (), **amounts: int) -> Any:
    product = ProductSyncInput(
        id=pid, name=pid, price_cents=1000, sell_status="available", currency_amounts=amounts
    )
    plan = ProductPlan(product_id=pid, action="skipped", product=product, variants=variants)
    return make_row(pid, plan=plan)


def _model(rows: list[Any]) -> ProductTableModel:
    model = ProductTableModel(colors=COLORS)
    model.set_rows(rows)
    return model


def _text(model: ProductTableModel, row: int, column: int) -> Any:
    return model.data(model.index(row, column))


def test_one_currency_has_no_extra_columns(qtbot: Any) -> None:
    model = _model([_row("mug"), _row("tote")])
    assert model.columnCount() == len(Column)
    assert model.currencies() == []


def test_each_other_currency_is_a_column_with_the_amounts(qtbot: Any) -> None:
    variants = (
        VariantSyncInput(id="s", price_cents=1000, currency_amounts={"eur": 900}),
        VariantSyncInput(id="l", price_cents=1200, currency_amounts={"eur": 1100}),
    )
    model = _model([_row("mug", eur=900, jpy=1500), _row("tote"), _row("panel", variants)])
    ModelTester(qtbot).check(model)
    assert model.columnCount() == len(Column) + 2
    eur, jpy = len(Column), len(Column) + 1
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in (eur, jpy)] == ["EUR", "JPY"]
    assert [_text(model, r, eur) for r in range(3)] == ["€9.00", "", "€9.00 – €11.00"]
    assert _text(model, 0, jpy) == "¥1,500"  # zero-decimal: 1500 is ¥1,500
    model.sort(eur, Qt.SortOrder.DescendingOrder)
    assert [model.row_at(r).product_id for r in range(3)] == ["mug", "panel", "tote"]
    assert model.data(model.index(0, eur), SORT_ROLE) == 900


def test_a_differing_amount_is_highlighted_with_stripes_value(qtbot: Any) -> None:
    diff = FieldDiff(
        field="price.eur",
        local="€9.00",
        stripe="€8.50",
        currency="eur",
        local_amount=900,
        stripe_amount=850,
        last_written="€9.00",
        changed="stripe",
    )
    edited = _row("mug", eur=900).model_copy(update={"state": "differs", "differences": [diff]})
    model = _model([edited, _row("tote", eur=500)])
    eur = len(Column)
    assert model.data(model.index(0, eur), DIFFERS_ROLE) is True
    assert model.data(model.index(0, eur), Qt.ItemDataRole.BackgroundRole) == QColor("#fff0c0")
    assert model.data(model.index(1, eur), DIFFERS_ROLE) is False
    assert model.data(model.index(1, eur), Qt.ItemDataRole.BackgroundRole) is None
    tip = model.data(model.index(0, eur), Qt.ItemDataRole.ToolTipRole)
    assert "Local: €9.00" in tip and "Stripe: €8.50" in tip


def test_a_row_bringing_a_new_currency_adds_its_column(qtbot: Any) -> None:
    model = _model([_row("mug"), _row("tote")])
    model.update_rows([_row("tote", gbp=800)])
    assert model.currencies() == ["gbp"]
    assert model.columnCount() == len(Column) + 1
    assert [model.row_at(r).product_id for r in range(2)] == ["mug", "tote"]
    assert _text(model, 1, len(Column)) == "£8.00"
