"""Every price the tool manages carries a stable lookup key, and a replacement takes it over in the
same request, so a storefront asking Stripe for a key always finds exactly one active price — the
real SDK against the sandbox (docs/stripe-facts.md §6.1, §6.6; README "Lookup keys")."""

from __future__ import annotations

from typing import Any

import stripe

from core.domain.models import ProductSyncInput
from core.engine.gateway import StripeGateway
from core.engine.plan import plan_product
from core.engine.sync import sync_products_to_stripe
from core.engine.types import RemoteCatalog
from core.engine.units import lookup_key
from core.sandbox import SandboxServer
from tests.core.engine.conftest import TEST_KEY

LAMP: dict[str, Any] = {"id": "lamp", "name": "Desk Lamp", "price_usd": 4500, "sell_status": "available"}  # fmt: skip
VARIANTS = [{"id": "black", "color": "BLACK"}, {"id": "white", "color": "WHITE", "price_usd": 4900}]


def storefront(sandbox: SandboxServer, *keys: str) -> list[tuple[str | None, int | None, str]]:
    """What a storefront sees: the active prices with these keys (key, amount, product id)."""
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})
    found = client.v1.prices.list(
        params={"lookup_keys": list(keys), "active": True, "expand": ["data.product"]}
    ).data
    return sorted(
        (p.lookup_key, p.unit_amount, p.product.id)  # type: ignore[union-attr]
        for p in found
    )


def test_a_new_product_s_price_gets_its_key_and_a_price_change_moves_it(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [made] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert made.writes == 2  # the product with its price, then the key (not in default_price_data)
    assert storefront(sandbox, "lamp") == [("lamp", 4500, "lamp")]
    sandbox.clear_log()
    [changed] = sync_products_to_stripe([{**LAMP, "price_usd": 4900}], gateway=gateway)
    assert changed.stripe_price_id != made.stripe_price_id
    create = next(w for w in sandbox.writes() if w.path == "/v1/prices")
    assert (create.params["lookup_key"], create.params["transfer_lookup_key"]) == ("lamp", "true")
    # Exactly one price answers to the key, and it is the new one: no gap, no twin.
    assert storefront(sandbox, "lamp") == [("lamp", 4900, "lamp")]
    again = sync_products_to_stripe([{**LAMP, "price_usd": 4900}], gateway=gateway)
    assert (again[0].action, again[0].writes) == ("skipped", 0)


def test_variants_are_keyed_product_colon_variant(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    sync_products_to_stripe([(LAMP, VARIANTS)], gateway=gateway)
    assert storefront(sandbox, "lamp:black", "lamp:white") == [
        ("lamp:black", 4500, "lamp"),
        ("lamp:white", 4900, "lamp"),
    ]
    changed = [VARIANTS[0], {**VARIANTS[1], "price_usd": 5200}]
    sync_products_to_stripe([(LAMP, changed)], gateway=gateway)
    assert storefront(sandbox, "lamp:black", "lamp:white") == [
        ("lamp:black", 4500, "lamp"),
        ("lamp:white", 5200, "lamp"),
    ]


def test_a_price_without_a_key_gets_it_once_then_nothing_is_written(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [made] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert made.stripe_price_id is not None
    gateway.update_price(made.stripe_price_id, {"lookup_key": ""}, idempotency_key="unkey")
    assert storefront(sandbox, "lamp") == []
    [backfill] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert (backfill.action, backfill.writes) == ("updated", 1)
    assert backfill.changes == ["give the price its lookup key lamp"]
    assert storefront(sandbox, "lamp") == [("lamp", 4500, "lamp")]
    [quiet] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert (quiet.action, quiet.writes) == ("skipped", 0)


def test_a_key_set_by_hand_is_kept_and_taken_over_by_the_replacement(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [made] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert made.stripe_price_id is not None
    gateway.update_price(made.stripe_price_id, {"lookup_key": "desk-lamp"}, idempotency_key="hand")
    [same] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert (same.action, same.writes) == ("skipped", 0)
    sync_products_to_stripe([{**LAMP, "price_usd": 4900}], gateway=gateway)
    assert storefront(sandbox, "desk-lamp", "lamp") == [("desk-lamp", 4900, "lamp")]


def test_the_catalog_s_own_key_replaces_a_hand_key(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [made] = sync_products_to_stripe([LAMP], gateway=gateway)
    assert made.stripe_price_id is not None
    gateway.update_price(made.stripe_price_id, {"lookup_key": "desk-lamp"}, idempotency_key="hand")
    [moved] = sync_products_to_stripe([{**LAMP, "lookup_key": "lamp-classic"}], gateway=gateway)
    assert moved.changes == ["give the price its lookup key lamp-classic (was desk-lamp)"]
    assert storefront(sandbox, "desk-lamp", "lamp-classic") == [("lamp-classic", 4500, "lamp")]


def test_a_key_is_stable_and_never_longer_than_stripe_allows() -> None:
    product = ProductSyncInput(id="p" * 200, name="Long", price_cents=1, sell_status="available")
    key = lookup_key(product, "v" * 200)
    assert len(key) == 200
    assert key == lookup_key(product, "v" * 200)
    assert key != lookup_key(product, "v" * 199 + "w")
    assert lookup_key(product.model_copy(update={"id": "lamp"})) == "lamp"


def test_the_plan_says_the_first_sync_writes_twice() -> None:
    plan = plan_product(ProductSyncInput.model_validate(LAMP), [], RemoteCatalog())
    assert [op.summary for op in plan.operations] == [
        "create product “Desk Lamp” (id lamp) with price $45.00",
        "give the price its lookup key lamp",
    ]
