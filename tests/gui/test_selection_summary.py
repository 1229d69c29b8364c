"""Several selected products: the detail pane says what they have in common and what each action
would do for them, instead of "Select a product"."""

from __future__ import annotations

from core.workspace import FieldDiff, ProductRow
from gui.widgets.selection_summary import selection_html
from tests.gui.conftest import WindowFactory
from tests.gui.test_main_window import select


def _row(pid: str, state: str = "in_sync", **kw: object) -> ProductRow:
    base: dict[str, object] = {
        "product_id": pid,
        "name": pid.title(),
        "state": state,
        "sell_status": "available",
        "stripe_status": "active",
        "local_price_cents": 1000,
    }
    base.update(kw)
    return ProductRow.model_validate(base)


def test_counts_states_and_names_what_the_rows_share() -> None:
    rows = [_row("lamp"), _row("desk", "differs"), _row("chair", "differs")]
    html = selection_html(rows)
    assert "3 products selected" in html
    assert "2 differs" in html and "1 in sync" in html
    assert "Sell status: available" in html
    assert "In Stripe: active" in html
    assert "State:" not in html  # the states differ, so they are not "in common"
    html = selection_html([_row("a", "missing"), _row("b", "missing")])
    assert "2 missing in Stripe" in html


def test_sync_and_archive_say_how_many_they_would_touch() -> None:
    rows = [_row("lamp"), _row("desk", "differs"), _row("new", "missing", stripe_status="missing")]
    html = selection_html(rows)
    assert "for 2 products that differ or are missing" in html
    assert "would stop selling 2 products active in Stripe" in html
    assert "Take Stripe's edits" not in html  # nothing was edited in Stripe


def test_a_selection_already_in_sync_says_there_is_nothing_to_write() -> None:
    html = selection_html([_row("lamp"), _row("desk")])
    assert "nothing to write" in html
    assert "State: In sync" in html


def test_stripe_edits_are_counted_and_offered_to_take() -> None:
    edit = FieldDiff(field="name", local="Desk", stripe="Desk (oak)", changed="stripe")
    rows = [_row("lamp"), _row("desk", "differs", differences=[edit])]
    html = selection_html(rows)
    assert "1 changed in Stripe since the last sync" in html
    assert "copies the fields edited in Stripe into the catalog for 1 product." in html


def test_names_are_escaped() -> None:
    rows = [_row("a", sell_status="<b>x</b>"), _row("b", sell_status="<b>x</b>")]
    assert "&lt;b&gt;x&lt;/b&gt;" in selection_html(rows)


def test_the_window_shows_the_summary_for_several_rows_and_one_product_for_one(
    make_window: WindowFactory,
) -> None:
    window = make_window()
    select(window, "p-sync", "p-price")
    text = window.detail.toPlainText()
    assert "2 products selected" in text
    assert "Select a product" not in text
    assert "What you can do with them" in text
    select(window, "p-price")
    assert "products selected" not in window.detail.toPlainText()
