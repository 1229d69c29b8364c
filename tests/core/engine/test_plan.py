"""Planning is pure: what would be written, in which order, and why — no network involved."""

from __future__ import annotations

from typing import Any

from core import ProductSyncInput, VariantSyncInput
from core.engine.plan import plan_product
from core.engine.types import ProductPlan, RemoteCatalog, RemotePrice, RemoteProduct
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS

OWNED = {
    "local_id": "material-8x8-v1",
    "sell_status": "available",
    "managed_by": "stripe-sync-admin",
}


DERIVED = "(derived)"


def product(**change: Any) -> ProductSyncInput:
    return ProductSyncInput.model_validate({**SIMPLE, **change})


def variants() -> list[VariantSyncInput]:
    return [VariantSyncInput.model_validate(v) for v in VARIANTS]


def price(
    pid: str,
    amount: int,
    *,
    active: bool = True,
    variant: str | None = None,
    created: int = 1,
    nickname: str | None = None,
    product_id: str = "material-8x8-v1",
    lookup_key: str | None = DERIVED,
) -> RemotePrice:
    meta = {"managed_by": "stripe-sync-admin", "local_id": product_id}
    if variant:
        meta["variant_id"] = variant
    if lookup_key == DERIVED:  # the key the tool gives its prices (README "Lookup keys")
        lookup_key = f"{product_id}:{variant}" if variant else product_id
    return RemotePrice(
        id=pid,
        product=product_id,
        unit_amount=amount,
        currency="usd",
        active=active,
        metadata=meta,
        created=created,
        nickname=nickname,
        lookup_key=lookup_key,
    )


def remote(*prices: RemotePrice, default: str | None = None, **fields: Any) -> RemoteCatalog:
    data: dict[str, Any] = {
        "id": "material-8x8-v1",
        "name": SIMPLE["name"],
        "description": SIMPLE["description"],
        "metadata": dict(OWNED),
        "default_price": default if default is not None else (prices[0].id if prices else None),
        "updated": 100,
        "prices": prices,
        **fields,
    }
    rp = RemoteProduct.model_validate(data)
    return RemoteCatalog(products={rp.id: rp})


def kinds(plan: ProductPlan) -> list[str]:
    return [op.kind for op in plan.operations]


def fields(plan: ProductPlan) -> dict[str, tuple[str | None, str | None]]:
    return {d.field: (d.local, d.stripe) for d in plan.differences}


def test_new_simple_product_is_one_create_with_its_default_price_then_its_lookup_key() -> None:
    plan = plan_product(product(), [], RemoteCatalog())
    assert plan.action == "created"
    # default_price_data takes no lookup key (docs/stripe-facts.md §6.1): a second write gives it.
    assert kinds(plan) == ["create_product", "update_price"]
    assert plan.operations[1].params == {
        "lookup_key": "material-8x8-v1",
        "transfer_lookup_key": True,
    }
    params = plan.operations[0].params
    assert params["id"] == "material-8x8-v1"
    assert params["metadata"] == OWNED
    assert params["default_price_data"] == {
        "currency": "usd",
        "unit_amount": 12000,
        "metadata": {"local_id": "material-8x8-v1", "managed_by": "stripe-sync-admin"},
    }
    assert "$120.00" in plan.operations[0].summary


def test_local_id_that_is_not_a_stripe_id_is_not_sent_as_id() -> None:
    plan = plan_product(product(id="panel 8x8/v1"), [], RemoteCatalog())
    assert "id" not in plan.operations[0].params


def test_new_product_with_variants_first_variant_is_default() -> None:
    base = ProductSyncInput.model_validate(WITH_VARIANTS)
    plan = plan_product(base, variants(), RemoteCatalog())
    assert kinds(plan) == ["create_product", "update_price", "create_price"]
    create, rename, white = plan.operations
    assert create.params["default_price_data"]["metadata"]["variant_id"] == "material-8x8-v1-black"  # type: ignore[index]
    assert rename.params == {
        "nickname": "Material-8x8-V LED Panel — color BLACK",
        "lookup_key": "material-8x8-v1:material-8x8-v1-black",
        "transfer_lookup_key": True,
    }
    assert white.params["nickname"] == "Material-8x8-V LED Panel — color WHITE"
    assert white.params["lookup_key"] == "material-8x8-v1:material-8x8-v1-white"
    assert white.params["metadata"]["variant_id"] == "material-8x8-v1-white"  # type: ignore[index]


def test_internal_product_missing_in_stripe_is_skipped_without_writes() -> None:
    plan = plan_product(product(sell_status="internal"), [], RemoteCatalog())
    assert (plan.action, plan.operations) == ("skipped", [])


def test_unchanged_product_is_skipped() -> None:
    plan = plan_product(product(), [], remote(price("price_a", 12000)))
    assert plan.action == "skipped"
    assert plan.operations == []
    assert plan.differences == []
    assert plan.current_prices == {"": "price_a"}


def test_only_changed_fields_are_written_and_hand_added_metadata_is_left_alone() -> None:
    catalog = remote(price("price_a", 12000), metadata={**OWNED, "warehouse": "B2"})
    plan = plan_product(product(name="Panel V2"), [], catalog)
    assert plan.action == "updated"
    assert kinds(plan) == ["update_product"]
    assert plan.operations[0].params == {"name": "Panel V2"}
    assert fields(plan) == {"name": ("Panel V2", "Material-8x8-V LED Panel")}


def test_sell_status_change_writes_only_that_metadata_key() -> None:
    catalog = remote(price("price_a", 12000), metadata={**OWNED, "sell_status": "pre-sale"})
    plan = plan_product(product(), [], catalog)
    assert plan.operations[0].params == {"metadata": {"sell_status": "available"}}
    assert fields(plan) == {"metadata.sell_status": ("available", "pre-sale")}


def test_price_change_creates_then_moves_default_then_archives_old() -> None:
    old = price("price_old", 9900, lookup_key="founder")
    plan = plan_product(product(price_usd=49900), [], remote(old))
    assert kinds(plan) == ["create_price", "set_default_price", "archive_price"]
    create, default, archive = plan.operations
    assert create.params["unit_amount"] == 49900
    assert create.params["lookup_key"] == "founder"
    assert create.params["transfer_lookup_key"] is True
    assert default.params == {"default_price": "@price:"}
    assert (archive.target_id, archive.params) == ("price_old", {"active": False})
    assert fields(plan)["price"] == ("$499.00", "$99.00")


def test_internal_archives_the_product_and_leaves_prices_alone() -> None:
    plan = plan_product(product(sell_status="internal"), [], remote(price("price_a", 12000)))
    assert plan.action == "archived"
    assert kinds(plan) == ["archive_product"]
    assert plan.operations[0].params == {
        "active": False,
        "metadata": {"sell_status": "internal"},
    }


def test_archived_product_with_active_prices_is_in_sync_when_internal() -> None:
    catalog = remote(
        price("price_a", 12000), active=False, metadata={**OWNED, "sell_status": "internal"}
    )
    plan = plan_product(product(sell_status="internal", price_usd=1), [], catalog)
    assert plan.action == "skipped"


def test_back_on_sale_unarchives_the_same_product() -> None:
    catalog = remote(
        price("price_a", 12000), active=False, metadata={**OWNED, "sell_status": "internal"}
    )
    plan = plan_product(product(), [], catalog)
    assert plan.action == "updated"
    assert kinds(plan) == ["unarchive_product"]
    assert plan.operations[0].target_id == "material-8x8-v1"


def test_product_is_found_by_link_then_id_then_local_id_tag() -> None:
    tagged = RemoteProduct(id="prod_tagged", name="x", metadata={"local_id": "material-8x8-v1"})
    by_id = RemoteProduct(id="material-8x8-v1", name="y")
    linked = RemoteProduct(id="prod_linked", name="z")
    catalog = RemoteCatalog(products={p.id: p for p in (tagged, by_id, linked)})
    assert plan_product(product(), [], catalog, linked_id="prod_linked").stripe_product_id == (
        "prod_linked"
    )
    assert plan_product(product(), [], catalog).stripe_product_id == "material-8x8-v1"
    del catalog.products["material-8x8-v1"]
    assert plan_product(product(), [], catalog).stripe_product_id == "prod_tagged"


def test_variant_price_change_and_removed_variant() -> None:
    base = ProductSyncInput.model_validate(WITH_VARIANTS)
    nick = "Material-8x8-V LED Panel — color "
    black = price("price_b", 12000, variant="material-8x8-v1-black", nickname=nick + "BLACK")
    white = price("price_w", 12000, variant="material-8x8-v1-white", nickname=nick + "WHITE")
    red = price("price_r", 12000, variant="material-8x8-v1-red", nickname=nick + "RED")
    changed = [variants()[0], variants()[1].model_copy(update={"price_cents": 13000})]
    plan = plan_product(
        base,
        changed,
        remote(black, white, red, default="price_b", description=WITH_VARIANTS["description"]),
    )
    assert kinds(plan) == ["create_price", "archive_price", "archive_price"]
    assert plan.operations[0].variant_id == "material-8x8-v1-white"
    assert {op.target_id for op in plan.operations[1:]} == {"price_w", "price_r"}
    assert fields(plan) == {
        "variant:material-8x8-v1-white.price": ("$130.00", "$120.00"),
        "variant:material-8x8-v1-red.price": (None, "$120.00"),
    }


def test_variant_nickname_is_corrected_in_place() -> None:
    base = ProductSyncInput.model_validate(WITH_VARIANTS)
    black = price("price_b", 12000, variant="material-8x8-v1-black", nickname="old")
    plan = plan_product(
        base, variants()[:1], remote(black, description=WITH_VARIANTS["description"])
    )
    assert kinds(plan) == ["update_price"]
    assert plan.operations[0].target_id == "price_b"
    assert "variant:material-8x8-v1-black.nickname" in fields(plan)


def test_duplicate_variant_ids_fail_before_anything_is_planned() -> None:
    base = ProductSyncInput.model_validate(WITH_VARIANTS)
    plan = plan_product(base, [variants()[0], variants()[0]], RemoteCatalog())
    assert plan.action == "failed"
    assert plan.operations == []
    assert "material-8x8-v1-black" in (plan.error or "")


def test_a_new_price_is_planned_alike_from_any_snapshot() -> None:
    # Two operators read the product before and after an unrelated price came and went: the
    # create they plan must be the same request (its idempotency key names what it creates).
    first = plan_product(product(price_usd=100), [], remote(price("price_a", 12000)))
    later = plan_product(
        product(price_usd=100),
        [],
        remote(price("price_a", 12000), price("price_x", 500, active=False)),
    )
    assert kinds(first)[0] == kinds(later)[0] == "create_price"
    assert first.operations[0] == later.operations[0]
    assert first.operations[0].version is None
