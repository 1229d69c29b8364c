"""A price change a killed run left half done: its new price made, the old one still the default
(or still active). The plan finishes the change with the price that is there, never makes it again
and never archives it as a duplicate of itself."""

from __future__ import annotations

from core import ProductSyncInput
from core.engine.plan import plan_product
from tests.core.engine.seed_examples import WITH_VARIANTS
from tests.core.engine.test_plan import fields, kinds, price, product, remote, variants


def test_a_new_price_made_before_the_default_moved_becomes_the_default() -> None:
    old = price("price_old", 9900, created=1)
    new = price("price_new", 49900, created=2)
    for linked in (None, {"": "price_old"}):  # the catalog may still link the unit to the old one
        plan = plan_product(
            product(price_usd=49900),
            [],
            remote(old, new, default="price_old"),
            linked_prices=linked,
        )
        assert kinds(plan) == ["set_default_price", "archive_price"]
        default, archive = plan.operations
        assert default.params == {"default_price": "price_new"}
        assert default.summary == "make the $499.00 price the default"
        assert (archive.target_id, archive.summary) == (
            "price_old",
            "archive old price $99.00 (price_old)",
        )
        assert fields(plan)["price"] == ("$499.00", "$99.00")
        assert plan.current_prices == {"": "price_new"}


def test_a_default_moved_before_the_old_price_was_archived_is_finished() -> None:
    old = price("price_old", 9900, created=1)
    new = price("price_new", 49900, created=2)
    plan = plan_product(
        product(price_usd=49900),
        [],
        remote(old, new, default="price_new"),
        linked_prices={"": "price_old"},
    )
    assert kinds(plan) == ["archive_price"]
    assert plan.operations[0].target_id == "price_old"


def test_a_variant_whose_new_price_was_made_keeps_it() -> None:
    base = ProductSyncInput.model_validate(WITH_VARIANTS)
    white, nick = "material-8x8-v1-white", "Material-8x8-V LED Panel — color "
    black = price("price_b", 12000, variant="material-8x8-v1-black", nickname=nick + "BLACK")
    old = price("price_w", 12000, variant=white, created=1, nickname=nick + "WHITE")
    new = price("price_w2", 13000, variant=white, created=2, nickname=nick + "WHITE")
    changed = [variants()[0], variants()[1].model_copy(update={"price_cents": 13000})]
    plan = plan_product(
        base,
        changed,
        remote(black, old, new, default="price_b", description=WITH_VARIANTS["description"]),
        linked_prices={white: "price_w"},
    )
    assert [(op.kind, op.target_id) for op in plan.operations] == [("archive_price", "price_w")]
    assert plan.current_prices[white] == "price_w2"
