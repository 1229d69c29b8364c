"""Stripe's saved failures: a 500 during execution is replayed for the same idempotency key
(facts §7.2), so the engine must not retry that key forever, nor make a twin when it moves on."""

from __future__ import annotations

import pytest

from core import sync_product_to_stripe, sync_products_to_stripe
from core.engine import client
from core.engine.throttle import RetryPolicy
from core.engine.types import WriteRecord
from core.errors import StripeUnavailableError
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.conftest import FAST_RETRY, TEST_KEY
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS

pytestmark = pytest.mark.usefixtures("configured")


def _posts(sandbox: SandboxServer, path: str) -> list[tuple[int, bool]]:
    return [
        (r.status, r.replayed) for r in sandbox.request_log if r.method == "POST" and r.path == path
    ]


def test_simple_product_create_failing_during_execution_is_made_once(
    configured: SandboxServer,
) -> None:
    configured.fail_during_execution_next(1, status=500)
    result = sync_product_to_stripe(SIMPLE)
    assert (result.action, result.error) == ("created", None)
    # The failure, its replay (the key is spent), then one create under a new key.
    assert _posts(configured, "/v1/products") == [(500, False), (500, True), (200, False)]
    assert [p["id"] for p in view.products(configured)] == ["material-8x8-v1"]
    [price] = view.prices(configured, "material-8x8-v1", active=True)
    assert price["id"] == result.stripe_price_id


def test_variant_price_create_failing_during_execution_is_made_once(
    configured: SandboxServer,
) -> None:
    def fail_next_write(record: WriteRecord) -> None:
        if record.operation.kind == "update_price":  # the next write is WHITE's price create
            configured.fail_during_execution_next(1, status=500)

    result = sync_product_to_stripe(WITH_VARIANTS, VARIANTS, on_write=fail_next_write)
    assert (result.action, result.error, result.variant_errors) == ("created", None, [])
    assert _posts(configured, "/v1/prices") == [(500, False), (500, True), (200, False)]
    active = view.prices(configured, "material-8x8-v1", active=True)
    assert sorted(p["metadata"]["variant_id"] for p in active) == [v["id"] for v in VARIANTS]
    assert {v.stripe_price_id for v in result.variant_prices} == {p["id"] for p in active}


def test_price_change_failing_during_execution_goes_through(configured: SandboxServer) -> None:
    sync_product_to_stripe(SIMPLE)
    configured.fail_during_execution_next(1, status=500)
    result = sync_product_to_stripe({**SIMPLE, "price_usd": 13000})
    assert (result.action, result.error) == ("updated", None)
    [price] = view.prices(configured, "material-8x8-v1", active=True)
    assert price["unit_amount"] == 13000
    assert view.product(configured, "material-8x8-v1")["default_price"] == price["id"]


def test_saved_failure_from_an_earlier_run_does_not_block_the_product(
    configured: SandboxServer,
) -> None:
    # The first run gives up at once (no retry budget) after Stripe saved a 500 under the key.
    no_retry = RetryPolicy(budget_s=0.0)
    client.configure(api_key=TEST_KEY, api_base=configured.url, rate_limit=0, retry=no_retry)
    configured.fail_during_execution_next(1, status=500)
    with pytest.raises(StripeUnavailableError):
        sync_product_to_stripe(SIMPLE)
    # The next run derives the same key, gets the saved 500 replayed, and moves on.
    client.configure(api_key=TEST_KEY, api_base=configured.url, rate_limit=0, retry=FAST_RETRY)
    configured.clear_log()
    result = sync_product_to_stripe(SIMPLE)
    assert (result.action, result.error) == ("created", None)
    assert _posts(configured, "/v1/products") == [(500, True), (200, False)]
    assert len(view.products(configured)) == 1


def test_a_bulk_run_goes_on_after_a_saved_failure(configured: SandboxServer) -> None:
    items = [{**SIMPLE, "id": f"panel-{i}"} for i in range(3)]
    configured.fail_during_execution_next(1, status=500)
    results = sync_products_to_stripe(items)
    assert [(r.action, r.error) for r in results] == [("created", None)] * 3
    assert sorted(p["id"] for p in view.products(configured)) == [i["id"] for i in items]


def test_update_failing_during_execution_is_sent_again_under_a_fresh_key(
    configured: SandboxServer,
) -> None:
    sync_product_to_stripe(SIMPLE)
    configured.clear_log()
    configured.fail_during_execution_next(1, status=500)
    result = sync_product_to_stripe({**SIMPLE, "name": "Panel V2"})
    assert (result.action, result.error) == ("updated", None)
    updates = [r for r in configured.request_log if r.path == "/v1/products/material-8x8-v1"]
    assert [(r.status, r.replayed) for r in updates if r.method == "POST"] == [
        (500, False),
        (500, True),
        (200, False),
    ]
    assert view.product(configured, "material-8x8-v1")["name"] == "Panel V2"
