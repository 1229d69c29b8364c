"""Whether a product is for sale, in one sentence: each rule, sold out, stock unknown."""

from __future__ import annotations

import pytest

from core.domain.for_sale import for_sale_sentence, is_sold_out, off_sale_reasons, stock_text
from core.domain.models import ProductSyncInput


def test_a_product_ready_and_live_is_for_sale_with_its_stock() -> None:
    assert (
        for_sale_sentence("available", True, 5, sold=137, max_quantity=500)
        == "For sale: sell status available, dev status 5 of 5, live; 137 of 500 sold."
    )


def test_stock_unknown_is_not_mentioned_and_nothing_unset_is_invented() -> None:
    assert for_sale_sentence("available", True, 5) == (
        "For sale: sell status available, dev status 5 of 5, live."
    )
    assert for_sale_sentence("pre-order", None, None) == "For sale: sell status pre-order."
    assert for_sale_sentence("available", None, None, sold=3) == (
        "For sale: sell status available; 3 sold."
    )


def test_live_sells_a_product_whose_dev_status_is_below_5() -> None:
    assert for_sale_sentence("available", True, 3) == (
        "For sale: sell status available, dev status 3 of 5 but live."
    )


def test_not_live_is_archived_by_a_sync() -> None:
    assert for_sale_sentence("available", False, 5) == (
        "Not for sale: not live. A sync archives it in Stripe (and creates nothing if Stripe "
        "does not have it)."
    )


def test_internal_is_archived_by_a_sync_whatever_its_dev_status() -> None:
    assert for_sale_sentence("internal", False, 2) == (
        "Not for sale: sell status internal, dev status 2 of 5 (needs 5) and not live. A sync "
        "archives it in Stripe (and creates nothing if Stripe does not have it)."
    )


def test_a_dev_status_below_5_waits_and_a_sync_leaves_it_alone() -> None:
    expected = (
        "Not for sale: dev status 3 of 5 (needs 5) and not live. A sync leaves it alone until "
        "it is ready: nothing is created, and what Stripe already has is not changed."
    )
    assert for_sale_sentence("available", False, 3) == expected
    assert for_sale_sentence("available", None, 4).startswith(
        "Not for sale: dev status 4 of 5 (needs 5). A sync leaves it alone"
    )


def test_no_price_is_not_ready_either() -> None:
    assert for_sale_sentence("available", True, 5, priced=False) == (
        "Not for sale: no price yet. A sync leaves it alone until it is ready: nothing is "
        "created, and what Stripe already has is not changed."
    )


@pytest.mark.parametrize(
    ("sell_status", "sold", "most", "said"),
    [
        ("available", 41, 41, "41 of 41 sold"),
        ("available", 50, 41, "50 of 41 sold"),
        ("sold-out", None, None, "sell status sold-out"),
        ("sold-out", 12, 12, "sell status sold-out, 12 of 12 sold"),
    ],
)
def test_sold_out_stays_for_sale_in_stripe(
    sell_status: str, sold: int | None, most: int | None, said: str
) -> None:
    sentence = for_sale_sentence(sell_status, True, 5, sold=sold, max_quantity=most)
    assert sentence == (
        f"Sold out ({said}), but still for sale in Stripe: neither the sync nor Stripe counts "
        "stock, so the product stays active and its links can still sell it. Set the sell "
        "status to internal to archive it."
    )


def test_sold_out_and_stock_text() -> None:
    assert is_sold_out("available", 41, 41) and is_sold_out("sold-out", None, None)
    assert not is_sold_out("available", 40, 41) and not is_sold_out("available", 41, None)
    assert is_sold_out("available", None, 0)  # nothing to sell
    assert stock_text(137, 500) == "137 / 500"
    assert stock_text(None, 500) == "0 / 500"
    assert stock_text(7, None) == "7 sold"
    assert stock_text(None, None) == ""


@pytest.mark.parametrize("sell_status", ["available", "sold-out", "internal"])
@pytest.mark.parametrize("is_live", [True, False, None])
@pytest.mark.parametrize("dev_status", [None, 0, 3, 5])
def test_the_sentence_and_the_sync_follow_one_rule(
    sell_status: str, is_live: bool | None, dev_status: int | None
) -> None:
    product = ProductSyncInput(
        id="p",
        name="P",
        price_usd=100,
        sell_status=sell_status,  # type: ignore[arg-type]
        is_live=is_live,
        dev_status=dev_status,
    )
    sentence = for_sale_sentence(sell_status, is_live, dev_status)
    assert sentence.startswith("Not for sale: ") is (not product.wants_active)
    assert (off_sale_reasons(sell_status, is_live, dev_status) == []) is product.wants_active
