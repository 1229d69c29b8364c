"""The engine under the failures Stripe really produces: lost answers, 429 storms, search lag,
bad keys, missing permissions, and one variant's price refused."""

from __future__ import annotations

import pytest

from core import sync_product_to_stripe
from core.domain.models import ProductSyncInput
from core.engine import client
from core.engine.apply import apply_plan
from core.engine.fetch import plan_one
from core.engine.throttle import RetryPolicy
from core.engine.types import WriteRecord
from core.errors import (
    ConfigurationError,
    StripeAuthError,
    StripePermissionError,
    StripeUnavailableError,
)
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.conftest import FAST_RETRY, TEST_KEY
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS

pytestmark = pytest.mark.usefixtures("configured")


def test_lost_create_response_then_retry_makes_one_product(configured: SandboxServer) -> None:
    configured.drop_response_next(1)
    result = sync_product_to_stripe(SIMPLE)
    assert (result.action, result.error) == ("created", None)
    creates = [r for r in configured.request_log if r.path == "/v1/products" and r.method == "POST"]
    assert [(r.dropped, r.replayed) for r in creates] == [(True, False), (False, True)]
    assert len({r.idempotency_key for r in creates}) == 1
    assert len(view.products(configured)) == 1
    assert len(view.prices(configured, "material-8x8-v1", active=True)) == 1


def test_lost_variant_price_response_makes_no_twin_price(configured: SandboxServer) -> None:
    def drop_next_write(record: WriteRecord) -> None:
        if record.operation.kind == "update_price":  # the next write is WHITE's price create
            configured.drop_response_next(1)

    result = sync_product_to_stripe(WITH_VARIANTS, VARIANTS, on_write=drop_next_write)
    assert (result.action, result.error) == ("created", None)
    assert len(view.prices(configured, "material-8x8-v1", active=True)) == 2
    assert any(r.dropped for r in configured.request_log)


def test_lost_response_then_a_later_run_finds_what_was_made(configured: SandboxServer) -> None:
    # The create went through but the run died before hearing back (Stripe unreachable after).
    no_retry = RetryPolicy(budget_s=0.0)
    client.configure(api_key=TEST_KEY, api_base=configured.url, rate_limit=0, retry=no_retry)
    configured.drop_response_next(1)
    with pytest.raises(StripeUnavailableError):
        sync_product_to_stripe(SIMPLE)
    client.configure(api_key=TEST_KEY, api_base=configured.url, rate_limit=0, retry=FAST_RETRY)
    result = sync_product_to_stripe(SIMPLE)
    # The run died before giving the new price its lookup key: this one finishes that.
    assert (result.action, result.error, result.writes) == ("updated", None, 1)
    assert sync_product_to_stripe(SIMPLE).action == "skipped"
    assert len(view.products(configured)) == 1


def test_429_storm_is_ridden_out_without_errors(configured: SandboxServer) -> None:
    def storm_on_next_writes(record: WriteRecord) -> None:
        if record.operation.kind == "create_product":  # the next writes: nickname, WHITE price
            configured.fail_next(4, status=429, code="rate_limit")

    configured.fail_next(5, status=429, code="rate_limit")  # the first reads
    result = sync_product_to_stripe(WITH_VARIANTS, VARIANTS, on_write=storm_on_next_writes)
    assert (result.action, result.error, result.variant_errors) == ("created", None, [])
    refused = [r for r in configured.request_log if r.status == 429]
    assert len(refused) == 9
    assert {r.method for r in refused} == {"GET", "POST"}
    assert sum(1 for r in refused if r.method == "POST") == 4
    assert len(view.prices(configured, "material-8x8-v1", active=True)) == 2
    assert len(view.products(configured)) == 1


def test_stripe_down_beyond_the_budget_raises_unavailable(configured: SandboxServer) -> None:
    short = RetryPolicy(budget_s=0.3, initial_s=0.01, max_s=0.05)
    client.configure(api_key=TEST_KEY, api_base=configured.url, rate_limit=0, retry=short)
    configured.fail_next(1000, status=503)
    with pytest.raises(StripeUnavailableError) as info:
        sync_product_to_stripe(SIMPLE)
    assert "HTTP 503" in str(info.value)
    configured.fail_next(0)
    assert view.products(configured) == []


def test_product_made_out_of_band_is_found_by_list_despite_search_lag(
    configured: SandboxServer,
) -> None:
    configured.set_search_lag(3600)
    stripe = view.raw_client(configured)
    stripe.v1.products.create(
        params={"id": "prod_handmade1", "name": "Old name", "metadata": {"local_id": "panel 8x8"}}
    )
    # Search would have missed it: it lags writes (facts §6.4), and search-then-create duplicates.
    query = 'metadata["local_id"]:"panel 8x8"'
    assert stripe.v1.products.search(params={"query": query}).data == []
    configured.clear_log()
    result = sync_product_to_stripe({**SIMPLE, "id": "panel 8x8"})
    assert result.error is None
    assert result.stripe_product_id == "prod_handmade1"
    assert result.action == "updated"
    assert len(view.products(configured)) == 1
    assert view.product(configured, "prod_handmade1")["name"] == SIMPLE["name"]
    assert [r.path for r in configured.request_log if r.method == "GET"][:1] == ["/v1/products"]
    assert not any(r.path.endswith("/search") for r in configured.request_log)
    configured.set_search_lag(0)  # once indexed, the same query finds it: the query was right
    assert [p.id for p in stripe.v1.products.search(params={"query": query}).data] == [
        "prod_handmade1"
    ]


def _shown(err: BaseException) -> str:
    """Everything about an error that could reach the window or the log: its text, repr, hint
    and those of every exception chained to it."""
    parts: list[str] = []
    seen: BaseException | None = err
    while seen is not None:
        parts += [str(seen), repr(seen), str(getattr(seen, "hint", ""))]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def test_refused_key_raises_with_a_clear_message_and_no_key(configured: SandboxServer) -> None:
    body = "RefusedKeyBody7QX"
    key = f"sk_test_{body}"
    configured.revoke_key(key)
    client.configure(api_key=key, api_base=configured.url, retry=FAST_RETRY)
    with pytest.raises(StripeAuthError) as info:
        sync_product_to_stripe(SIMPLE)
    assert "refused the API key sk_test_…y7QX" in str(info.value)
    assert body not in _shown(info.value)


@pytest.mark.parametrize("suffix", ["!", " x", "\x00"], ids=["bang", "inner-space", "nul"])
def test_malformed_key_is_a_configuration_error_before_any_call(
    configured: SandboxServer, suffix: str
) -> None:
    body = "MalformedKeyBody5ZW"
    client.configure(api_key=f"sk_test_{body}{suffix}", api_base=configured.url, retry=FAST_RETRY)
    with pytest.raises(ConfigurationError) as info:
        sync_product_to_stripe(SIMPLE)
    assert "does not look like a Stripe secret key" in str(info.value)
    assert body not in _shown(info.value)
    assert configured.request_log == []


def test_key_pasted_with_a_trailing_newline_works(configured: SandboxServer) -> None:
    client.configure(api_key=f" {TEST_KEY}\n", api_base=configured.url, retry=FAST_RETRY)
    assert sync_product_to_stripe(SIMPLE).action == "created"


def test_missing_permission_raises_naming_it(configured: SandboxServer) -> None:
    body = "noprices8PermBody"
    key = f"rk_test_{body}"
    client.configure(api_key=key, api_base=configured.url, retry=FAST_RETRY)
    with pytest.raises(StripePermissionError) as info:
        sync_product_to_stripe(WITH_VARIANTS, VARIANTS)
    assert "rak_plan" in str(info.value)
    assert body not in _shown(info.value)


def test_read_only_key_cannot_write_and_says_which_permission(configured: SandboxServer) -> None:
    body = "readonly4PermBody"
    client.configure(api_key=f"rk_test_{body}", api_base=configured.url, retry=FAST_RETRY)
    with pytest.raises(StripePermissionError) as info:
        sync_product_to_stripe(SIMPLE)
    assert "rak_product_write" in str(info.value)
    assert body not in _shown(info.value)
    assert view.products(configured) == []


def test_one_variant_refused_leaves_product_synced_and_names_the_variant(
    configured: SandboxServer,
) -> None:
    def refuse_next_write(record: WriteRecord) -> None:
        if record.operation.kind == "update_price":  # the next write is WHITE's price create
            configured.fail_next(1, status=400, code="parameter_invalid_integer")

    result = sync_product_to_stripe(WITH_VARIANTS, VARIANTS, on_write=refuse_next_write)
    assert result.action == "created"
    assert result.stripe_product_id == "material-8x8-v1"
    assert [e.variant_id for e in result.variant_errors] == ["material-8x8-v1-white"]
    assert "material-8x8-v1-white" in (result.error or "")
    assert "Stripe request req_" in (result.error or "")
    assert [v.variant_id for v in result.variant_prices] == ["material-8x8-v1-black"]
    assert view.product(configured, "material-8x8-v1")["active"] is True
    # The next run creates just the missing price.
    configured.clear_log()
    again = sync_product_to_stripe(WITH_VARIANTS, VARIANTS)
    assert (again.action, again.error) == ("updated", None)
    assert [w.path for w in configured.writes()] == ["/v1/prices"]


def test_product_level_refusal_is_failed_with_the_request_id(configured: SandboxServer) -> None:
    sync_product_to_stripe(SIMPLE)  # also caches the account id used in idempotency keys
    gw = client.get_gateway()
    plan = plan_one(gw, ProductSyncInput.model_validate({**SIMPLE, "name": "Renamed"}), [])
    configured.fail_next(1, status=400, code="parameter_invalid_empty")  # the rename
    result = apply_plan(plan, gw)
    assert result.action == "failed"
    assert "(Stripe request req_" in (result.error or "")
    assert view.product(configured, "material-8x8-v1")["name"] == SIMPLE["name"]


def test_lost_archive_response_is_retried_and_the_product_archived(
    configured: SandboxServer,
) -> None:
    sync_product_to_stripe(SIMPLE)
    configured.clear_log()
    configured.drop_response_next(1)
    result = sync_product_to_stripe({**SIMPLE, "sell_status": "internal"})
    assert (result.action, result.error) == ("archived", None)
    assert view.product(configured, "material-8x8-v1")["active"] is False
    assert len(view.products(configured)) == 1
