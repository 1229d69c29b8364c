"""The planner and prices in several currencies (docs/stripe-facts.md §5): an extra amount changes
in place, a new main amount makes a new price carrying them, an unchanged catalog writes nothing."""

from __future__ import annotations

from core.domain.models import ProductSyncInput, VariantSyncInput
from core.engine.plan import plan_product
from core.engine.types import RemoteCatalog, RemotePrice, RemoteProduct

OWNED = {"local_id": "lamp", "managed_by": "stripe-sync-admin"}


def _lamp(amount: int = 4500, **extra: int) -> ProductSyncInput:
    return ProductSyncInput(
        id="lamp", name="Lamp", price_cents=amount, sell_status="available", currency_amounts=extra
    )


def _stripe(amount: int = 4500, options: dict[str, int] | None = None) -> RemoteCatalog:
    price = RemotePrice(
        id="price_1",
        product="lamp",
        unit_amount=amount,
        currency="usd",
        active=True,
        metadata=OWNED,
        currency_options=options,
        lookup_key="lamp",
    )
    product = RemoteProduct(
        id="lamp", name="Lamp", metadata={**OWNED, "sell_status": "available"},
        default_price="price_1", prices=(price,),
    )  # fmt: skip
    return RemoteCatalog(products={"lamp": product})


def test_unchanged_amounts_in_every_currency_write_nothing() -> None:
    plan = plan_product(_lamp(eur=4100, jpy=6900), [], _stripe(options={"eur": 4100, "jpy": 6900}))
    assert plan.operations == [] and plan.differences == []
    assert plan.action == "skipped"


def test_a_changed_extra_amount_is_one_update_of_the_same_price() -> None:
    plan = plan_product(_lamp(eur=4300, jpy=6900), [], _stripe(options={"eur": 4100, "jpy": 6900}))
    (op,) = plan.operations
    assert op.kind == "update_price" and op.target_id == "price_1"
    assert op.params == {"currency_options": {"eur": {"unit_amount": 4300}}}
    assert "in place" in op.summary and "€41.00 → €43.00" in op.summary
    (diff,) = plan.differences
    assert (diff.field, diff.currency, diff.local_amount, diff.stripe_amount) == (
        "price.eur",
        "eur",
        4300,
        4100,
    )


def test_an_added_currency_is_added_in_place() -> None:
    plan = plan_product(_lamp(eur=4100, gbp=3800), [], _stripe(options={"eur": 4100}))
    (op,) = plan.operations
    assert op.kind == "update_price"
    assert op.params == {"currency_options": {"gbp": {"unit_amount": 3800}}}
    assert "add GBP £38.00" in op.summary


def test_a_changed_main_amount_makes_a_new_price_carrying_the_extra_amounts() -> None:
    plan = plan_product(_lamp(5000, eur=4600), [], _stripe(options={"eur": 4100}))
    kinds = [op.kind for op in plan.operations]
    assert kinds == ["create_price", "set_default_price", "archive_price"]
    create = plan.operations[0]
    assert create.params["unit_amount"] == 5000
    assert create.params["currency_options"] == {"eur": {"unit_amount": 4600}}
    assert "EUR €46.00" in create.summary
    assert {d.field for d in plan.differences} >= {"price", "price.eur"}


def test_dropping_one_currency_of_several_needs_a_new_price() -> None:
    plan = plan_product(_lamp(eur=4100), [], _stripe(options={"eur": 4100, "jpy": 6900}))
    create = plan.operations[0]
    assert create.kind == "create_price"
    assert create.params["currency_options"] == {"eur": {"unit_amount": 4100}}
    assert "cannot remove one currency" in create.summary
    assert plan.operations[-1].kind == "archive_price"


def test_dropping_every_other_currency_clears_them_in_place() -> None:
    plan = plan_product(_lamp(), [], _stripe(options={"eur": 4100}))
    (op,) = plan.operations
    assert op.kind == "update_price" and op.params == {"currency_options": ""}
    assert "remove the amounts in EUR" in op.summary


def test_options_stripe_did_not_show_are_not_compared() -> None:
    plan = plan_product(_lamp(eur=4100), [], _stripe(options=None))
    assert plan.operations == []


def test_a_new_product_is_created_with_its_amounts_in_other_currencies() -> None:
    variants = [VariantSyncInput(id="black", price_cents=4500, currency_amounts={"eur": 4100})]
    plan = plan_product(_lamp(), variants, RemoteCatalog())
    create = plan.operations[0]
    data = create.params["default_price_data"]
    assert isinstance(data, dict)
    assert data["currency_options"] == {"eur": {"unit_amount": 4100}}
    assert "variant:black.price.eur" in {d.field for d in plan.differences}
