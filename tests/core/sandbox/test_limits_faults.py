"""Rate limits, injected failures and the request log (facts §1, §8)."""

from __future__ import annotations

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import LIVE_KEY, make_client, raw_http


def test_rate_limit_answers_429(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """facts §1.4, §1.5, §1.8: over the limit → 429 rate_limit, global-rate, SDK RateLimitError."""
    sandbox.set_rate_limit(2)
    with pytest.raises(stripe.RateLimitError) as caught:
        for _ in range(20):
            stripe_client.v1.products.list()
    error = caught.value
    assert error.http_status == 429
    assert error.error is not None and error.error.code == "rate_limit"
    assert error.error.type == "invalid_request_error"
    assert (error.user_message or "").startswith("Request rate limit exceeded.")
    assert error.headers is not None
    assert error.headers.get("Stripe-Rate-Limited-Reason") == "global-rate"
    assert any(r.status == 429 for r in sandbox.request_log)


def test_rate_limit_counts_modes_separately(sandbox: SandboxServer) -> None:
    """facts §1.3: test and live are counted separately."""
    sandbox.set_rate_limit(1)
    test, live = make_client(sandbox), make_client(sandbox, LIVE_KEY)
    test.v1.products.list()
    assert live.v1.products.list().data == []


def test_rate_limit_zero_is_off(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """Issue: 0 = no limit."""
    sandbox.set_rate_limit(0)
    for _ in range(60):
        stripe_client.v1.products.list()
    assert all(r.status == 200 for r in sandbox.request_log)


def test_search_has_its_own_lower_limit(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §1.3, §6: Search allows 20 requests/s even when the global limit is higher."""
    sandbox.set_rate_limit(1000)
    with pytest.raises(stripe.RateLimitError):
        for _ in range(60):
            stripe_client.v1.products.search(params={"query": "active:'true'"})
    searches = [r for r in sandbox.request_log if r.path.endswith("/search")]
    assert sum(r.status == 200 for r in searches) >= 20


def test_fail_next_500_applies_nothing(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §8.1, §8.4: a 5xx is an api_error (SDK APIError); the write did not happen."""
    sandbox.fail_next(1, 500)
    with pytest.raises(stripe.APIError) as caught:
        stripe_client.v1.products.create(params={"id": "p", "name": "P"})
    assert caught.value.http_status == 500
    assert caught.value.json_body is not None
    assert caught.value.json_body["error"]["type"] == "api_error"
    assert stripe_client.v1.products.list().data == []
    assert stripe_client.v1.products.create(params={"id": "p", "name": "P"}).id == "p"


def test_fail_next_counts_down(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """Issue: exactly the next n requests fail, then service resumes."""
    sandbox.fail_next(2, 429)
    for _ in range(2):
        with pytest.raises(stripe.RateLimitError):
            stripe_client.v1.products.list()
    assert stripe_client.v1.products.list().data == []
    assert [r.status for r in sandbox.request_log] == [429, 429, 200]


def test_failure_before_execution_is_not_saved_under_the_key(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §1.10, §7.3: fail_next fails a request before it runs, so its key may be retried."""
    sandbox.fail_next(1, 503)
    options: stripe.RequestOptions = {"idempotency_key": "retry-me"}
    with pytest.raises(stripe.APIError):
        stripe_client.v1.products.create(params={"name": "P"}, options=options)
    product = stripe_client.v1.products.create(params={"name": "P"}, options=options)
    assert product.last_response is not None
    assert product.last_response.headers.get("Idempotent-Replayed") is None


def test_failure_during_execution_is_saved_and_replayed_under_the_key(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §7.2: a 500 once execution began is saved and replayed for the same key."""
    sandbox.fail_during_execution_next(1, status=500)
    options: stripe.RequestOptions = {"idempotency_key": "saved-500"}
    with pytest.raises(stripe.APIError) as first:
        stripe_client.v1.products.create(params={"id": "p", "name": "P"}, options=options)
    assert first.value.http_status == 500
    with pytest.raises(stripe.APIError) as again:
        stripe_client.v1.products.create(params={"id": "p", "name": "P"}, options=options)
    assert again.value.http_status == 500
    headers = again.value.headers or {}
    assert headers.get("Idempotent-Replayed") == "true"
    assert headers.get("Original-Request") == first.value.request_id
    assert again.value.json_body == first.value.json_body
    assert stripe_client.v1.products.list().data == []  # nothing was applied
    # Another key makes the request anew.
    made = stripe_client.v1.products.create(
        params={"id": "p", "name": "P"}, options={"idempotency_key": "fresh"}
    )
    assert made.id == "p"


def test_request_log_records_calls(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """Issue: method, path, decoded params, status, livemode and idempotency key per request."""
    stripe_client.v1.products.create(
        params={"id": "p", "name": "P", "metadata": {"a": "1"}},
        options={"idempotency_key": "abc"},
    )
    stripe_client.v1.products.list(params={"limit": 3, "expand": ["data.default_price"]})
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.retrieve("nope")
    create, listing, missing = sandbox.request_log
    assert (create.method, create.path, create.status) == ("POST", "/v1/products", 200)
    assert create.params == {"id": "p", "name": "P", "metadata": {"a": "1"}}
    assert create.idempotency_key == "abc" and create.livemode is False
    assert listing.params == {"limit": "3", "expand": ["data.default_price"]}
    assert (missing.method, missing.status) == ("GET", 404)
    assert sandbox.writes() == [create]
    sandbox.clear_log()
    assert sandbox.request_log == []


def test_refused_key_is_logged_without_mode(sandbox: SandboxServer) -> None:
    """Issue: a 401 is logged, with livemode unknown."""
    raw_http(sandbox, "GET", "/v1/products")
    assert [(r.status, r.livemode) for r in sandbox.request_log] == [(401, None)]


def test_unknown_url_is_stripes_404(stripe_client: stripe.StripeClient) -> None:
    """facts §4.3: paths the sandbox does not serve → 404 "Unrecognized request URL"."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("get", "/v1/customers")
    assert caught.value.http_status == 404
    assert (caught.value.user_message or "").startswith(
        "Unrecognized request URL (GET: /v1/customers)."
    )
