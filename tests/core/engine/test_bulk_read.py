"""The bulk read (`fetch_remote`): list pages read as plain JSON, with the gateway's throttle,
retries and error mapping, and the same calls as before."""

from __future__ import annotations

import math
from typing import Any

import pytest
import stripe

from core import sync_products_to_stripe
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy
from core.errors import StripeAuthError, StripePermissionError, StripeUnavailableError
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.conftest import FAST_RETRY, TEST_KEY


def catalog(n: int) -> list[dict[str, Any]]:
    """n products, every fourth with two colour variants."""
    items: list[dict[str, Any]] = []
    for i in range(n):
        item: dict[str, Any] = {
            "id": f"r-{i:04d}",
            "name": f"Read {i}",
            "price_usd": 500 + i,
            "sell_status": "available",
        }
        if i % 4 == 0:
            item["variants"] = [{"id": f"r-{i:04d}-{c}", "color": c} for c in ("RED", "BLUE")]
        items.append(item)
    return items


@pytest.fixture
def filled(sandbox: SandboxServer, gateway: StripeGateway) -> SandboxServer:
    """The sandbox holding 150 synced products (188 prices), one price changed (1 archived)."""
    items = catalog(150)
    results = sync_products_to_stripe(items, gateway=gateway)
    results += sync_products_to_stripe([{**items[1], "price_usd": 9999}], gateway=gateway)
    assert [r.error for r in results] == [None] * 151
    return sandbox


def test_bulk_read_sees_every_product_and_price_in_list_calls_only(
    filled: SandboxServer, gateway: StripeGateway
) -> None:
    filled.clear_log()
    remote = fetch_remote(gateway)
    assert len(remote.products) == 150
    panel = remote.products["r-0000"]
    assert {p.metadata["variant_id"] for p in panel.prices} == {"r-0000-RED", "r-0000-BLUE"}
    changed = remote.products["r-0001"]
    assert sorted((p.unit_amount, p.active) for p in changed.prices) == [(501, False), (9999, True)]
    assert changed.default_price == changed.active_price_for_variant(None).id  # type: ignore[union-attr]
    assert all(p.livemode is False for p in remote.products.values())
    # ceil(150/100) product pages + ceil(188/100) active + ceil(1/100) archived price pages.
    paths = [(r.method, r.path) for r in filled.request_log]
    assert paths == [("GET", "/v1/products")] * 2 + [("GET", "/v1/prices")] * 3
    assert remote.read_calls == math.ceil(150 / 100) + math.ceil(188 / 100) + 1


def test_bulk_read_builds_no_sdk_objects(
    filled: SandboxServer, gateway: StripeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = stripe.StripeObject._refresh_from

    def counting(self: stripe.StripeObject, *args: Any, **kwargs: Any) -> None:
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(stripe.StripeObject, "_refresh_from", counting)
    remote = fetch_remote(gateway)
    assert len(remote.products) == 150
    assert built == []  # building StripeObjects took ~88 % of a 10,000-product read


def test_bulk_read_rides_out_429s_and_5xx(filled: SandboxServer, gateway: StripeGateway) -> None:
    filled.fail_next(3, status=429, code="rate_limit")
    first = fetch_remote(gateway)
    filled.fail_next(2, status=503)
    second = fetch_remote(gateway)
    assert len(first.products) == len(second.products) == 150
    assert sum(1 for r in filled.request_log if r.status in (429, 503)) == 5


def test_bulk_read_gives_up_on_a_dead_stripe_within_the_budget(filled: SandboxServer) -> None:
    short = RetryPolicy(budget_s=0.3, initial_s=0.01, max_s=0.05)
    gw = StripeGateway.create(TEST_KEY, api_base=filled.url, rate_limit=0, retry=short)
    filled.fail_next(1000, status=500)
    with pytest.raises(StripeUnavailableError, match="HTTP 500"):
        fetch_remote(gw)


def test_bulk_read_of_an_unreachable_stripe_says_so() -> None:
    short = RetryPolicy(budget_s=0.2, initial_s=0.01, max_s=0.05)
    gw = StripeGateway.create(TEST_KEY, api_base="http://127.0.0.1:9", rate_limit=0, retry=short)
    with pytest.raises(StripeUnavailableError, match="could not be reached"):
        fetch_remote(gw)


def test_bulk_read_with_a_bad_key_or_missing_permission_raises_clearly(
    filled: SandboxServer,
) -> None:
    revoked = "sk_test_revokedBulkRead1"
    filled.revoke_key(revoked)
    bad = StripeGateway.create(revoked, api_base=filled.url, rate_limit=0, retry=FAST_RETRY)
    with pytest.raises(StripeAuthError, match="refused the API key"):
        fetch_remote(bad)
    key = "rk_test_noprices12345678"
    limited = StripeGateway.create(key, api_base=filled.url, rate_limit=0, retry=FAST_RETRY)
    with pytest.raises(StripePermissionError, match="rak_plan") as info:
        fetch_remote(limited)
    assert key not in str(info.value)
    assert len(view.products(filled)) == 150
