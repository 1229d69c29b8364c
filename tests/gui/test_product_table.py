"""The product table model and its filter proxy: Qt's model contract, highlighting, sort, filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.modeltest import ModelTester

from core.engine.types import FieldDiff
from core.reconcile.rows import VariantRow
from gui.models.product_filter import ProductFilterProxy
from gui.models.product_table import DIFFERS_ROLE, ROW_ROLE, SORT_ROLE, Column, ProductTableModel
from gui.theme import DiffColors
from tests.gui.fakes import make_row

BG = Qt.ItemDataRole.BackgroundRole
TIP = Qt.ItemDataRole.ToolTipRole


def sample_rows() -> list:
    return [
        make_row("p-sync", name="Mug", local_price_cents=1200, stripe_price_cents=1200),
        make_row(
            "p-name",
            name="Poster (large)",
            stripe_name="Poster",
            state="differs",
            differences=[FieldDiff(field="name", local="Poster (large)", stripe="Poster")],
        ),
        make_row(
            "p-price",
            name="Tote bag",
            state="differs",
            local_price_cents=13000,
            stripe_price_cents=12000,
            differences=[FieldDiff(field="price", local="$130.00", stripe="$120.00")],
            last_synced_at=datetime(2026, 3, 1, tzinfo=UTC),
        ),
        make_row(
            "p-new",
            name="sticker",
            state="missing",
            stripe_status="missing",
            stripe_price_cents=None,
            stripe_product_id=None,
        ),
        make_row(
            "p-gone",
            name="Old hoodie",
            state="orphaned",
            has_local=False,
            local_price_cents=None,
            stripe_price_cents=4000,
        ),
        make_row("p-fail", name="Broken", state="failed", error="Stripe refused the amount"),
    ]


@pytest.fixture
def model() -> ProductTableModel:
    m = ProductTableModel()
    m.set_rows(sample_rows())
    return m


def cell(model: ProductTableModel, product_id: str, column: Column, role: int):
    for i, row in enumerate(model.rows()):
        if row.product_id == product_id:
            return model.data(model.index(i, column), role)
    raise KeyError(product_id)


def test_model_and_proxy_pass_qt_model_checks(qtmodeltester: ModelTester) -> None:
    model = ProductTableModel()
    qtmodeltester.check(model)
    model.set_rows(sample_rows())
    qtmodeltester.check(model)
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_state("differs")
    proxy.set_text("tote")
    proxy.sort(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)
    model.update_rows([make_row("p-sync", name="Mug 2"), make_row("p-extra")])
    qtmodeltester.check(model)


def test_cells_show_local_values_and_formatted_prices(model: ProductTableModel) -> None:
    display = Qt.ItemDataRole.DisplayRole
    assert cell(model, "p-price", Column.LOCAL_PRICE, display) == "$130.00"
    assert cell(model, "p-price", Column.STRIPE_PRICE, display) == "$120.00"
    assert cell(model, "p-new", Column.STRIPE_STATUS, display) == "missing"
    assert cell(model, "p-new", Column.STATE, display) == "Missing in Stripe"
    assert cell(model, "p-new", Column.LAST_SYNCED, display) == "never"
    # An orphan has no local row: its name is Stripe's, its local price is empty.
    assert cell(model, "p-gone", Column.LOCAL_PRICE, display) == ""
    assert cell(model, "p-gone", Column.STATE, display) == "Orphaned in Stripe"


def test_only_differing_cells_are_highlighted_with_stripe_value_in_tooltip(
    model: ProductTableModel,
) -> None:
    colors = DiffColors.from_palette(QPalette())
    assert cell(model, "p-name", Column.NAME, BG) == colors.differs_background
    assert cell(model, "p-name", Column.NAME, TIP) == "Stripe: Poster\nNot synced or adopted yet"
    assert cell(model, "p-name", Column.LOCAL_PRICE, BG) is None
    assert cell(model, "p-price", Column.LOCAL_PRICE, DIFFERS_ROLE) is True
    assert cell(model, "p-price", Column.STRIPE_PRICE, BG) == colors.differs_background
    assert "Stripe: $120.00" in cell(model, "p-price", Column.LOCAL_PRICE, TIP)
    assert cell(model, "p-price", Column.NAME, BG) is None
    assert cell(model, "p-sync", Column.NAME, TIP) is None
    for column in Column:
        assert cell(model, "p-sync", column, BG) is None
    assert cell(model, "p-fail", Column.STATE, TIP) == "Last sync failed: Stripe refused the amount"


def test_variant_price_difference_highlights_the_price_and_names_the_variant() -> None:
    model = ProductTableModel()
    variant = VariantRow(
        variant_id="v1", label="color BLACK", local_price_cents=2200, stripe_price_cents=2000
    )
    model.set_rows(
        [
            make_row(
                "p-var",
                state="differs",
                variants=[variant],
                differences=[FieldDiff(field="variant:v1.price", local="$22.00", stripe="$20.00")],
            )
        ]
    )
    tip = model.data(model.index(0, Column.STRIPE_PRICE), TIP)
    assert model.data(model.index(0, Column.STRIPE_PRICE), DIFFERS_ROLE) is True
    assert "color BLACK: $22.00 here, $20.00 in Stripe" in tip
    # A variant's nickname differing is not a price difference.
    model.set_rows(
        [
            make_row(
                "p-nick",
                state="differs",
                differences=[FieldDiff(field="variant:v1.nickname", local="a", stripe="b")],
            )
        ]
    )
    assert model.data(model.index(0, Column.STRIPE_PRICE), DIFFERS_ROLE) is False


def test_when_only_a_variant_differs_the_stripe_cell_says_which_not_two_equal_amounts() -> None:
    model = ProductTableModel()
    variants = [
        VariantRow(variant_id=v, label=f"color {v}", local_price_cents=p, stripe_price_cents=q)
        for v, p, q in (("BLACK", 49900, 49900), ("SILVER", 56900, 54900), ("WHITE", 49900, 49900))
    ]
    row = make_row(
        "founder",
        state="differs",
        local_price_cents=49900,
        stripe_price_cents=49900,
        variants=variants,
        differences=[FieldDiff(field="variant:SILVER.price", local="$569.00", stripe="$549.00")],
    )
    model.set_rows([row])
    display = Qt.ItemDataRole.DisplayRole
    stripe_cell = model.index(0, Column.STRIPE_PRICE)
    assert model.data(stripe_cell, display) == "1 of 3 variants"  # differ: highlighted
    assert model.data(stripe_cell, DIFFERS_ROLE) is True
    assert model.data(model.index(0, Column.LOCAL_PRICE), DIFFERS_ROLE) is False  # $499.00 matches
    tip = model.data(stripe_cell, TIP)
    assert (
        "1 of 3 variants differ" in tip and "color SILVER: $569.00 here, $549.00 in Stripe" in tip
    )
    assert "1 of 3 variants" in model.data(model.index(0, Column.STATE), TIP)


def test_the_stripe_price_is_shown_in_stripes_currency() -> None:
    model = ProductTableModel()
    row = make_row(
        "p-eur",
        state="differs",
        currency="usd",
        local_price_cents=1000,
        stripe_price_cents=1000,
        differences=[FieldDiff(field="currency", local="usd", stripe="eur")],
    )
    model.set_rows([row])
    display = Qt.ItemDataRole.DisplayRole
    assert model.data(model.index(0, Column.LOCAL_PRICE), display) == "$10.00"
    stripe = model.data(model.index(0, Column.STRIPE_PRICE), display)
    assert stripe != "$10.00" and "10.00" in stripe and "€" in stripe
    assert f"Stripe: {stripe}" in model.data(model.index(0, Column.STRIPE_PRICE), TIP)


def test_highlight_colours_follow_light_and_dark_palettes() -> None:
    light, dark = QPalette(), QPalette()
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    light.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    on_light, on_dark = DiffColors.from_palette(light), DiffColors.from_palette(dark)
    assert not on_light.dark and on_dark.dark
    # The highlight stays close to each base, so the palette's own text stays readable on it.
    assert on_light.differs_background.lightness() > 180
    assert on_dark.differs_background.lightness() < 110
    assert on_dark.differs_foreground == QColor("#eeeeee")
    # …and it is visibly another colour than the normal background (and the alternate rows).
    for palette, colors in ((light, on_light), (dark, on_dark)):
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
            normal = palette.color(role)
            distance = sum(
                abs(a - b)
                for a, b in zip(
                    colors.differs_background.getRgb()[:3], normal.getRgb()[:3], strict=True
                )
            )
            assert distance >= 60, (palette, role, colors.differs_background.name())
            assert colors.differs_background.hue() != normal.hue() or normal.hue() == -1
    model = ProductTableModel(on_dark)
    model.set_rows(sample_rows())
    assert cell(model, "p-name", Column.NAME, BG) == on_dark.differs_background
    model.set_colors(on_light)
    assert cell(model, "p-name", Column.NAME, BG) == on_light.differs_background


def ids(proxy: ProductFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ROW_ROLE).product_id for r in range(proxy.rowCount())]


@pytest.fixture
def proxy(model: ProductTableModel) -> ProductFilterProxy:
    p = ProductFilterProxy()
    p.setSourceModel(model)
    return p


def test_sorting_uses_native_values_for_every_column(proxy: ProductFilterProxy) -> None:
    proxy.sort(Column.LOCAL_PRICE, Qt.SortOrder.AscendingOrder)
    # Numeric, not text: $12.00 < $130.00, and "no price" (orphan) first.
    assert ids(proxy)[0] == "p-gone"
    assert ids(proxy).index("p-sync") < ids(proxy).index("p-price")
    proxy.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert ids(proxy)[-1] == "p-price"  # "sticker" sorts case-insensitively before "Tote bag"
    assert ids(proxy).index("p-new") == ids(proxy).index("p-price") - 1
    proxy.sort(Column.LAST_SYNCED, Qt.SortOrder.DescendingOrder)
    assert ids(proxy)[0] == "p-price"
    for column in Column:
        proxy.sort(column, Qt.SortOrder.AscendingOrder)
        keys = [proxy.index(r, column).data(SORT_ROLE) for r in range(proxy.rowCount())]
        assert keys == sorted(keys)


def test_text_filter_matches_id_and_name_case_insensitively(proxy: ProductFilterProxy) -> None:
    proxy.set_text("POSTER")
    assert ids(proxy) == ["p-name"]
    proxy.set_text("p-ne")
    assert ids(proxy) == ["p-new"]
    proxy.set_text("hoodie")
    assert ids(proxy) == ["p-gone"]
    proxy.set_text("")
    assert proxy.rowCount() == 6


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("differs", {"p-name", "p-price"}),
        ("missing", {"p-new"}),
        ("in_sync", {"p-sync"}),
        ("orphaned", {"p-gone"}),
        ("failed", {"p-fail"}),
        ("archived", set()),
        ("all", {"p-sync", "p-name", "p-price", "p-new", "p-gone", "p-fail"}),
    ],
)
def test_state_filter(proxy: ProductFilterProxy, state: str, expected: set[str]) -> None:
    proxy.set_state(state)
    assert set(ids(proxy)) == expected


def test_state_and_text_filters_combine(proxy: ProductFilterProxy) -> None:
    proxy.set_state("differs")
    proxy.set_text("tote")
    assert ids(proxy) == ["p-price"]
    with pytest.raises(ValueError, match="unknown state filter"):
        proxy.set_state("bogus")


def test_update_rows_changes_one_row_in_place(model: ProductTableModel, qtbot) -> None:
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_rows([make_row("p-name", name="Poster (large)")])
    top, bottom = blocker.args[0], blocker.args[1]
    assert top.row() == bottom.row() == 1
    assert model.rowCount() == 6
    assert cell(model, "p-name", Column.NAME, BG) is None


def test_sorting_keeps_selections_on_their_products(proxy: ProductFilterProxy) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    proxy.sort(Column.ID, Qt.SortOrder.AscendingOrder)
    row = ids(proxy).index("p-price")
    kept = QPersistentModelIndex(proxy.index(row, Column.NAME))
    proxy.sort(Column.LOCAL_PRICE, Qt.SortOrder.DescendingOrder)
    assert ids(proxy)[0] == "p-price"
    assert kept.isValid() and kept.data(ROW_ROLE).product_id == "p-price"
    assert kept.column() == Column.NAME
    # New rows arrive in the current order.
    source = proxy.sourceModel()
    assert isinstance(source, ProductTableModel)
    source.set_rows([make_row("cheap", local_price_cents=1), make_row("dear", local_price_cents=9)])
    assert ids(proxy) == ["dear", "cheap"]


def test_a_product_not_for_sale_and_never_in_stripe_reads_not_for_sale() -> None:
    from gui.theme import state_label

    assert state_label("archived", "missing") == "Not for sale"
    assert state_label("archived", "archived") == "Archived"
    assert state_label("held", "archived") == "Held (archived here by you)"
