"""`sync_product_to_stripe` over HTTP against the sandbox: every case the seed promises."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core import StripeSyncResult, sync_product_to_stripe, sync_products_to_stripe
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.seed_examples import LIVE, PRE_SALE, SIMPLE, VARIANTS, WITH_VARIANTS

pytestmark = pytest.mark.usefixtures("configured")


def test_seed_simple_product_is_created_in_two_writes(configured: SandboxServer) -> None:
    result = sync_product_to_stripe(SIMPLE)
    assert isinstance(result, StripeSyncResult)
    assert (result.action, result.error) == ("created", None)
    assert result.stripe_product_id == "material-8x8-v1"
    # The product with its default price, then the price's lookup key (default_price_data takes
    # none: docs/stripe-facts.md §6.1).
    assert [w.path for w in configured.writes()] == [
        "/v1/products",
        f"/v1/prices/{result.stripe_price_id}",
    ]
    stored = view.product(configured, "material-8x8-v1")
    assert stored["name"] == SIMPLE["name"]
    assert stored["description"] == SIMPLE["description"]
    assert stored["default_price"] == result.stripe_price_id
    assert stored["metadata"] == {
        "local_id": "material-8x8-v1",
        "sell_status": "available",
        "managed_by": "stripe-sync-admin",
    }
    [price] = view.prices(configured, "material-8x8-v1", active=True)
    assert (price["unit_amount"], price["currency"]) == (12000, "usd")
    assert result.request_ids and result.request_ids[0].startswith("req_")


def test_seed_variants_get_one_price_each_first_is_default(configured: SandboxServer) -> None:
    result = sync_product_to_stripe(WITH_VARIANTS, VARIANTS)
    assert (result.action, result.error) == ("created", None)
    by_variant = {v.variant_id: v.stripe_price_id for v in result.variant_prices}
    assert list(by_variant) == ["material-8x8-v1-black", "material-8x8-v1-white"]
    stored = view.product(configured, "material-8x8-v1")
    assert stored["default_price"] == by_variant["material-8x8-v1-black"]
    active = {p["id"]: p for p in view.prices(configured, "material-8x8-v1", active=True)}
    assert set(active) == set(by_variant.values())
    black = active[by_variant["material-8x8-v1-black"]]
    assert black["nickname"] == "Material-8x8-V LED Panel — color BLACK"
    assert black["metadata"]["variant_id"] == "material-8x8-v1-black"
    white = active[by_variant["material-8x8-v1-white"]]
    assert white["nickname"] == "Material-8x8-V LED Panel — color WHITE"
    assert result.stripe_price_id == by_variant["material-8x8-v1-black"]


@pytest.mark.parametrize("variants", [None, VARIANTS], ids=["simple", "variants"])
def test_second_run_over_unchanged_data_is_skipped_with_zero_writes(
    configured: SandboxServer, variants: list[dict[str, object]] | None
) -> None:
    first = sync_product_to_stripe(WITH_VARIANTS if variants else SIMPLE, variants)
    configured.clear_log()
    again = sync_product_to_stripe(WITH_VARIANTS if variants else SIMPLE, variants)
    assert (again.action, again.error) == ("skipped", None)
    assert configured.writes() == []
    assert view.reads(configured) <= 2
    assert again.stripe_product_id == first.stripe_product_id
    assert again.stripe_price_id == first.stripe_price_id
    assert again.variant_prices == first.variant_prices


def test_pre_sale_to_live_replaces_the_price_in_the_safe_order(configured: SandboxServer) -> None:
    before = sync_product_to_stripe(PRE_SALE)
    old_price = before.stripe_price_id
    configured.clear_log()
    after = sync_product_to_stripe(LIVE)
    assert (after.action, after.error) == ("updated", None)
    new_price = after.stripe_price_id
    assert new_price not in (None, old_price)
    writes = [(w.path, w.params) for w in configured.writes()]
    pid = "founder-edition-black"
    assert [path for path, _ in writes] == [
        f"/v1/products/{pid}",  # sell status pre-sale → available
        "/v1/prices",  # 1. new price
        f"/v1/products/{pid}",  # 2. default moved to it
        f"/v1/prices/{old_price}",  # 3. old one archived
    ]
    assert writes[0][1]["metadata"] == {"sell_status": "available"}
    assert writes[2][1]["default_price"] == new_price
    assert writes[3][1]["active"] in ("false", False)
    stored = view.product(configured, pid)
    assert stored["default_price"] == new_price
    assert [p["id"] for p in view.prices(configured, pid, active=True)] == [new_price]
    assert [p["id"] for p in view.prices(configured, pid, active=False)] == [old_price]
    assert any("$499.00" in change for change in after.changes)


def test_internal_archives_and_back_to_sale_unarchives_the_same_product(
    configured: SandboxServer,
) -> None:
    created = sync_product_to_stripe(SIMPLE)
    archived = sync_product_to_stripe({**SIMPLE, "sell_status": "internal"})
    assert (archived.action, archived.error) == ("archived", None)
    stored = view.product(configured, "material-8x8-v1")
    assert stored["active"] is False
    assert stored["metadata"]["sell_status"] == "internal"
    # Archiving a product leaves its price active (facts §2.6); that is not a difference.
    assert sync_product_to_stripe({**SIMPLE, "sell_status": "internal"}).action == "skipped"
    back = sync_product_to_stripe(SIMPLE)
    assert (back.action, back.error) == ("updated", None)
    assert back.stripe_product_id == created.stripe_product_id
    assert view.product(configured, "material-8x8-v1")["active"] is True
    assert len(view.products(configured)) == 1
    # …and archiving again later is written again, not swallowed by an old idempotency key.
    assert sync_product_to_stripe({**SIMPLE, "sell_status": "internal"}).action == "archived"
    assert view.product(configured, "material-8x8-v1")["active"] is False


def test_internal_product_never_in_stripe_is_skipped_and_nothing_created(
    configured: SandboxServer,
) -> None:
    result = sync_product_to_stripe({**SIMPLE, "sell_status": "internal"})
    assert (result.action, result.stripe_product_id, result.error) == ("skipped", None, None)
    assert configured.writes() == []
    assert view.products(configured) == []


def test_hand_added_metadata_survives_an_update(configured: SandboxServer) -> None:
    sync_product_to_stripe(SIMPLE)
    view.raw_client(configured).v1.products.update(
        "material-8x8-v1", params={"metadata": {"warehouse": "B2"}}
    )
    result = sync_product_to_stripe({**SIMPLE, "name": "Panel V2"})
    assert result.action == "updated"
    stored = view.product(configured, "material-8x8-v1")
    assert stored["name"] == "Panel V2"
    assert stored["metadata"]["warehouse"] == "B2"


def test_bad_input_names_each_field_and_sends_nothing(configured: SandboxServer) -> None:
    with pytest.raises(ValidationError) as info:
        sync_product_to_stripe({**SIMPLE, "price_usd": -1, "sell_status": "gone"})
    assert {e["loc"][0] for e in info.value.errors()} == {"price_usd", "sell_status"}
    with pytest.raises(ValidationError) as info:
        sync_product_to_stripe(SIMPLE, [{"id": "v1", "color": "RED", "inventory_count": -1}])
    assert [e["loc"] for e in info.value.errors()] == [("variants", 0, "inventory_count")]
    assert configured.request_log == []


def test_duplicate_variant_ids_raise_naming_the_second_with_zero_requests(
    configured: SandboxServer,
) -> None:
    with pytest.raises(ValidationError) as info:
        sync_product_to_stripe(WITH_VARIANTS, [VARIANTS[0], VARIANTS[0]])
    [problem] = info.value.errors()
    assert problem["loc"] == ("variants", 1, "id")
    assert "material-8x8-v1-black" in problem["msg"]
    assert configured.request_log == []


@pytest.mark.parametrize(
    ("price", "modifier"),
    [(99_999_999, 1), (500, -501), (500, -(10**12)), (500, 10**12)],
    ids=["over-stripes-bound", "below-zero", "huge-negative", "huge-positive"],
)
def test_price_modifier_out_of_range_raises_naming_the_variant(
    configured: SandboxServer, price: int, modifier: int
) -> None:
    variants = [
        {"id": "v0", "color": "BLACK"},
        {"id": "v1", "color": "RED", "price_modifier": modifier},
    ]
    with pytest.raises(ValidationError) as info:
        sync_product_to_stripe({**SIMPLE, "price_usd": price}, variants)
    assert [e["loc"] for e in info.value.errors()] == [("variants", 1, "price_modifier")]
    assert configured.request_log == []


def test_price_modifier_within_range_sets_the_variant_price(configured: SandboxServer) -> None:
    variants = [
        {"id": "v0", "color": "BLACK"},
        {"id": "v1", "color": "RED", "price_modifier": -2000},
    ]
    result = sync_product_to_stripe({**SIMPLE, "price_usd": 12000}, variants)
    assert (result.action, result.error) == ("created", None)
    amounts = {
        p["metadata"]["variant_id"]: p["unit_amount"]
        for p in view.prices(configured, "material-8x8-v1", active=True)
    }
    assert amounts == {"v0": 12000, "v1": 10000}


@pytest.mark.parametrize("code", ["isk", "vnd", "kwd"])
def test_any_currency_stripe_supports_syncs(configured: SandboxServer, code: str) -> None:
    result = sync_product_to_stripe({**SIMPLE, "currency": code})
    assert (result.action, result.error) == ("created", None)
    [price] = view.prices(configured, "material-8x8-v1", active=True)
    assert (price["currency"], price["unit_amount"]) == (code, 12000)


def test_unsupported_currency_is_refused_before_any_call(configured: SandboxServer) -> None:
    with pytest.raises(ValidationError) as info:
        sync_product_to_stripe({**SIMPLE, "currency": "xyz"})
    assert [e["loc"] for e in info.value.errors()] == [("currency",)]
    assert configured.request_log == []


def test_id_stripe_cannot_use_is_found_by_id_on_the_next_sync(configured: SandboxServer) -> None:
    # 250 other products: finding a product by its local_id tag takes 3 list pages.
    others = [{**SIMPLE, "id": f"other-{i}", "name": f"Other {i}"} for i in range(250)]
    sync_products_to_stripe(others)
    panel = {**SIMPLE, "id": "panel 8x8"}  # a space: cannot be a Stripe id
    created = sync_product_to_stripe(panel)
    assert created.action == "created"
    configured.clear_log()
    again = sync_product_to_stripe(panel)
    assert (again.action, again.stripe_product_id) == ("skipped", created.stripe_product_id)
    assert view.reads(configured) == 2
    assert [r.path for r in configured.request_log] == [
        f"/v1/products/{created.stripe_product_id}",
        "/v1/prices",
    ]


def test_product_not_ready_to_sell_is_not_created_and_says_why(configured: SandboxServer) -> None:
    result = sync_product_to_stripe({**SIMPLE, "dev_status": 2})
    assert (result.action, result.stripe_product_id, result.error) == ("skipped", None, None)
    assert result.changes == ["not created: dev status 2 (needs 5 to sell)"]
    assert configured.writes() == []
    assert view.products(configured) == []


def test_product_going_back_to_development_is_archived(configured: SandboxServer) -> None:
    sync_product_to_stripe({**SIMPLE, "dev_status": 5})
    result = sync_product_to_stripe({**SIMPLE, "dev_status": 3})
    assert (result.action, result.error) == ("archived", None)
    assert "dev status 3" in result.changes[0]
    assert view.product(configured, "material-8x8-v1")["active"] is False
    again = sync_product_to_stripe({**SIMPLE, "dev_status": 3})
    assert (again.action, again.changes) == (
        "skipped",
        ["stays archived: dev status 3 (needs 5 to sell)"],
    )


def test_live_product_sells_whatever_its_dev_status(configured: SandboxServer) -> None:
    result = sync_product_to_stripe({**SIMPLE, "dev_status": 1, "is_live": True})
    assert (result.action, result.error) == ("created", None)
    assert view.product(configured, "material-8x8-v1")["active"] is True
