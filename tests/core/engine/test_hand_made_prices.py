"""Prices made by hand in Stripe: the tool prefers its own, and never archives one it did not make
(design §3: only what the tool owns is touched)."""

from __future__ import annotations

import pytest

from core import sync_product_to_stripe
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.seed_examples import SIMPLE

pytestmark = pytest.mark.usefixtures("configured")
PID = "material-8x8-v1"


def test_hand_made_default_price_is_left_and_the_managed_price_made_default_again(
    configured: SandboxServer,
) -> None:
    managed = sync_product_to_stripe(SIMPLE).stripe_price_id
    stripe = view.raw_client(configured)
    promo = stripe.v1.prices.create(
        params={"product": PID, "currency": "usd", "unit_amount": 9900, "nickname": "promo"}
    )
    stripe.v1.products.update(PID, params={"default_price": promo.id})
    configured.clear_log()
    result = sync_product_to_stripe(SIMPLE)
    assert (result.action, result.error) == ("updated", None)
    assert result.stripe_price_id == managed
    assert [(w.path, w.params) for w in configured.writes()] == [
        (f"/v1/products/{PID}", {"default_price": managed})
    ]
    assert {p["id"] for p in view.prices(configured, PID, active=True)} == {managed, promo.id}
    assert view.product(configured, PID)["default_price"] == managed
    configured.clear_log()
    assert sync_product_to_stripe(SIMPLE).action == "skipped"
    assert configured.writes() == []


def test_untagged_price_is_adopted_when_the_tool_has_none(configured: SandboxServer) -> None:
    stripe = view.raw_client(configured)
    stripe.v1.products.create(
        params={
            "id": PID,
            "name": SIMPLE["name"],
            "description": SIMPLE["description"],
            "default_price_data": {"currency": "usd", "unit_amount": 12000},
        }
    )
    result = sync_product_to_stripe(SIMPLE)
    handmade = view.product(configured, PID)["default_price"]
    assert (result.action, result.stripe_price_id) == ("updated", handmade)
    assert [p["id"] for p in view.prices(configured, PID, active=True)] == [handmade]


def test_price_change_leaves_an_adopted_hand_made_price_active(configured: SandboxServer) -> None:
    stripe = view.raw_client(configured)
    stripe.v1.products.create(
        params={
            "id": PID,
            "name": SIMPLE["name"],
            "description": SIMPLE["description"],
            "metadata": {
                "local_id": PID,
                "sell_status": "available",
                "managed_by": "stripe-sync-admin",
            },
            "default_price_data": {"currency": "usd", "unit_amount": 9900},
        }
    )
    handmade = view.product(configured, PID)["default_price"]
    configured.clear_log()
    result = sync_product_to_stripe(SIMPLE)
    assert (result.action, result.error) == ("updated", None)
    assert [w.path for w in configured.writes()] == ["/v1/prices", f"/v1/products/{PID}"]
    active = {p["id"]: p["unit_amount"] for p in view.prices(configured, PID, active=True)}
    assert active == {handmade: 9900, result.stripe_price_id: 12000}
    assert view.product(configured, PID)["default_price"] == result.stripe_price_id
    configured.clear_log()
    assert sync_product_to_stripe(SIMPLE).action == "skipped"
    assert configured.writes() == []
