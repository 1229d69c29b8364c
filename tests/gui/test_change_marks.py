"""Who changed what: the badge on each differing cell, its tooltip, and the filters that use it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from core.engine.types import FieldDiff
from gui.models.change_marks import CHANGED_ROLE
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import Column, ProductTableModel
from gui.theme import DiffColors
from gui.widgets.filter_bar import FilterBar
from tests.gui.fakes import make_row

TIP = Qt.ItemDataRole.ToolTipRole
SYNCED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def name_diff(changed: str | None) -> FieldDiff:
    return FieldDiff(
        field="name",
        local="Desk lamp" if changed in ("catalog", "both") else "Lamp",
        stripe="Lamp (Stripe)" if changed in ("stripe", "both") else "Lamp",
        last_written="Lamp",
        changed=changed,  # type: ignore[arg-type]
    )


def rows() -> list:
    price = FieldDiff(
        field="price",
        local="$45.00",
        stripe="$49.00",
        currency="usd",
        local_amount=4500,
        stripe_amount=4900,
        last_written="$45.00",
        last_written_amount=4500,
        changed="stripe",
    )
    return [
        make_row(
            "by-stripe", state="differs", differences=[name_diff("stripe")], last_synced_at=SYNCED
        ),
        make_row(
            "by-shop", state="differs", differences=[name_diff("catalog")], last_synced_at=SYNCED
        ),
        make_row(
            "by-both", state="differs", differences=[name_diff("both")], last_synced_at=SYNCED
        ),
        make_row(
            "never",
            state="differs",
            differences=[FieldDiff(field="name", local="A", stripe="B")],
            last_synced_at=None,
        ),
        make_row("priced", state="differs", differences=[price], last_synced_at=SYNCED),
        make_row("held", state="held", held=True, stripe_status="archived"),
        make_row("calm"),
    ]


@pytest.fixture
def model() -> ProductTableModel:
    m = ProductTableModel()
    m.set_rows(rows())
    return m


def data(model: ProductTableModel, pid: str, column: Column, role: int) -> object:
    i = [r.product_id for r in model.rows()].index(pid)
    return model.data(model.index(i, column), role)


def test_each_differing_cell_says_who_changed_it(model: ProductTableModel) -> None:
    assert data(model, "by-stripe", Column.NAME, CHANGED_ROLE) == "stripe"
    assert data(model, "by-shop", Column.NAME, CHANGED_ROLE) == "catalog"
    assert data(model, "by-both", Column.NAME, CHANGED_ROLE) == "both"
    assert data(model, "never", Column.NAME, CHANGED_ROLE) is None
    assert data(model, "priced", Column.LOCAL_PRICE, CHANGED_ROLE) == "stripe"
    assert data(model, "priced", Column.STRIPE_PRICE, CHANGED_ROLE) == "stripe"
    assert data(model, "by-stripe", Column.LOCAL_PRICE, CHANGED_ROLE) is None  # not differing
    assert data(model, "calm", Column.NAME, CHANGED_ROLE) is None


def test_tooltips_tell_the_history_of_the_field(model: ProductTableModel) -> None:
    assert data(model, "by-stripe", Column.NAME, TIP).splitlines()[1] == (  # type: ignore[union-attr]
        "Changed in Stripe since the last sync on 2026-03-01 10:00: was Lamp, now Lamp (Stripe)"
    )
    assert data(model, "by-shop", Column.NAME, TIP).splitlines()[1] == (  # type: ignore[union-attr]
        "Changed in the catalog since the last sync on 2026-03-01 10:00: was Lamp, now Desk lamp"
    )
    assert data(model, "by-both", Column.NAME, TIP).splitlines()[1] == (  # type: ignore[union-attr]
        "Changed in both since the last sync on 2026-03-01 10:00: was Lamp, now Desk lamp in "
        "the catalog and Lamp (Stripe) in Stripe"
    )
    assert data(model, "never", Column.NAME, TIP).endswith("\nNot synced or adopted yet")  # type: ignore[union-attr]
    price_tip = data(model, "priced", Column.STRIPE_PRICE, TIP)
    assert "was $45.00, now $49.00" in price_tip  # type: ignore[operator]


def test_held_rows_are_labelled_and_coloured() -> None:
    model = ProductTableModel()
    model.set_rows(rows())
    assert data(model, "held", Column.STATE, Qt.ItemDataRole.DisplayRole) == (
        "Held (archived here by you)"
    )
    colour = data(model, "held", Column.STATE, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor) and colour != data(
        model, "calm", Column.STATE, Qt.ItemDataRole.ForegroundRole
    )


def test_filters_for_held_and_changed_in_stripe(model: ProductTableModel, qtbot: QtBot) -> None:
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_state("changed_in_stripe")
    shown = {proxy.index(r, 0).data() for r in range(proxy.rowCount())}
    assert shown == {"by-stripe", "by-both", "priced"}
    proxy.set_state("held")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["held"]
    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_counts(model.rows())
    labels = [bar.state.itemText(i) for i in range(bar.state.count())]
    assert "Changed in Stripe (3)" in labels and "Held (archived here by you) (1)" in labels


@pytest.mark.parametrize("dark", [False, True])
def test_the_badge_is_painted_in_the_palette_colour(qtbot: QtBot, dark: bool) -> None:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e" if dark else "#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#eeeeee" if dark else "#000000"))
    colors = DiffColors.from_palette(palette)
    model = ProductTableModel(colors)
    model.set_rows([r for r in rows() if r.product_id in ("by-stripe", "by-both", "calm")])
    view = QTableView()
    qtbot.addWidget(view)
    view.setPalette(palette)
    view.setModel(model)
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    view.viewport().render(image)

    def badge_colours(row: int) -> set[str]:
        rect = view.visualRect(model.index(row, Column.NAME))
        y = rect.center().y()
        return {image.pixelColor(x, y).name() for x in range(rect.left(), rect.left() + 18)}

    order = [r.product_id for r in model.rows()]
    assert colors.change_fill["stripe"].name() in badge_colours(order.index("by-stripe"))
    assert colors.change_fill["both"].name() in badge_colours(order.index("by-both"))
    calm = badge_colours(order.index("calm"))
    assert not calm & {c.name() for c in colors.change_fill.values()}
    # Light palette: dark fills under white glyphs; dark palette: light fills, black glyphs.
    fill = colors.change_fill["stripe"].lightness()
    assert (fill > 128) if dark else (fill < 128)
    assert (
        colors.change_glyph.lightness() < fill if dark else colors.change_glyph.lightness() > fill
    )
