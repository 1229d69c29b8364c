"""A product's plan in one sentence for makers, made from what the real planner plans."""

from __future__ import annotations

from typing import Any

from core import ProductSyncInput, VariantSyncInput
from core.engine.plan import plan_product
from core.engine.types import ProductPlan, RemoteCatalog, RemotePrice, RemoteProduct
from core.reconcile.plan_words import changes_in_stripe, plan_sentence, plural

OWNED = {"local_id": "lamp", "sell_status": "available", "managed_by": "stripe-sync-admin"}
LAMP: dict[str, Any] = {"id": "lamp", "name": "Lamp", "price_usd": 6400, "sell_status": "available"}


def _price(pid: str, amount: int, *, variant: str | None = None, **extra: Any) -> RemotePrice:
    meta = {"managed_by": "stripe-sync-admin", "local_id": "lamp"}
    if variant:
        meta["variant_id"] = variant
    return RemotePrice(
        id=pid,
        product="lamp",
        unit_amount=amount,
        currency="usd",
        active=True,
        metadata=meta,
        created=1,
        lookup_key=f"lamp:{variant}" if variant else "lamp",
        **extra,
    )


def _plan(
    *prices: RemotePrice,
    variants: list[dict[str, Any]] = (),
    **change: Any,  # type: ignore[assignment]
) -> ProductPlan:
    product = ProductSyncInput.model_validate({**LAMP, **change})
    units = [VariantSyncInput.model_validate(v) for v in variants]
    if not prices:
        return plan_product(product, units, RemoteCatalog(products={}))
    stripe = RemoteProduct.model_validate(
        {
            "id": "lamp",
            "name": "Lamp",
            "metadata": dict(OWNED),
            "default_price": prices[0].id,
            "updated": 100,
            "prices": prices,
        }
    )
    return plan_product(product, units, RemoteCatalog(products={"lamp": stripe}))


def test_a_new_product_is_created_with_its_price() -> None:
    assert plan_sentence(_plan()) == "Create in Stripe with price $64.00"


def test_a_new_product_with_other_currencies_names_them() -> None:
    plan = _plan(currency_amounts={"eur": 5900, "jpy": 9900})
    assert plan_sentence(plan) == "Create in Stripe with price $64.00 (also EUR €59.00, JPY ¥9,900)"


def test_a_new_product_with_variants_lists_each_price() -> None:
    variants = [
        {"id": "lamp-black", "color": "BLACK", "price_usd": 6400},
        {"id": "lamp-white", "color": "WHITE", "price_usd": 7000},
    ]
    assert plan_sentence(_plan(variants=variants)) == (
        "Create in Stripe with 2 prices: $64.00 for color BLACK, $70.00 for color WHITE"
    )


def test_a_price_change_is_a_new_price_and_the_old_one_archived() -> None:
    plan = _plan(_price("price_old", 5000))
    assert plan_sentence(plan) == (
        "Change the price from $50.00 to $64.00 (a new price; the old one is archived)"
    )


def test_a_rename_and_a_price_change_read_as_one_sentence() -> None:
    plan = _plan(_price("price_old", 5000), name="Desk lamp")
    assert plan_sentence(plan) == (
        "Rename to “Desk lamp”; change the price from $50.00 to $64.00 (a new price; the old "
        "one is archived)"
    )


def test_a_product_not_for_sale_is_archived_with_the_reason() -> None:
    plan = _plan(_price("price_1", 6400), sell_status="internal")
    assert plan_sentence(plan) == "Archive in Stripe (not for sale: sell status internal)"


def test_an_amount_in_another_currency_changed_in_place() -> None:
    plan = _plan(
        _price("price_1", 6400, currency_options={"eur": 5500}), currency_amounts={"eur": 5900}
    )
    assert plan_sentence(plan).startswith("Change the price in EUR from €55.00 to €59.00")


def test_nothing_to_write_and_a_refused_plan() -> None:
    assert plan_sentence(_plan(_price("price_1", 6400))) == "Nothing to change in Stripe"
    refused = ProductPlan(product_id="lamp", action="failed", error="price is negative")
    assert plan_sentence(refused) == "Cannot sync: price is negative"


def test_counts_take_the_right_plural() -> None:
    assert plural(1, "product") == "1 product"
    assert plural(2, "product") == "2 products"
    assert plural(0, "write") == "0 writes"
    assert changes_in_stripe(1) == "1 change in Stripe"
    assert changes_in_stripe(3) == "3 changes in Stripe"
