"""Idempotency keys and the lost-response case (facts §7, §1.12)."""

from __future__ import annotations

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import TEST_KEY, raw_http
from tests.fake_keys import fake_key


def test_same_key_same_params_replays_the_first_answer(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §7.2: the first status and body are replayed, marked `Idempotent-Replayed: true`."""
    options: stripe.RequestOptions = {"idempotency_key": "create-shirt-1"}
    first = stripe_client.v1.products.create(params={"name": "Shirt"}, options=options)
    again = stripe_client.v1.products.create(params={"name": "Shirt"}, options=options)
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert len(stripe_client.v1.products.list().data) == 1
    assert len(sandbox.writes()) == 1
    assert [r.replayed for r in sandbox.request_log if r.method == "POST"] == [False, True]


def test_same_key_other_params_is_idempotency_error(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §7.4: reuse with different parameters → 400 idempotency_error, SDK IdempotencyError."""
    options: stripe.RequestOptions = {"idempotency_key": "k-1"}
    stripe_client.v1.products.create(params={"name": "Shirt"}, options=options)
    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe_client.v1.products.create(params={"name": "Mug"}, options=options)
    assert caught.value.http_status == 400
    assert caught.value.json_body is not None
    assert caught.value.json_body["error"]["type"] == "idempotency_error"
    assert (caught.value.user_message or "").startswith(
        "Keys for idempotent requests can only be used with the same parameters they were first "
        "used with."
    )
    assert len(stripe_client.v1.products.list().data) == 1


def test_saved_errors_are_replayed(stripe_client: stripe.StripeClient) -> None:
    """facts §7.2: an answer from endpoint execution (here a duplicate id) is saved and replayed."""
    stripe_client.v1.products.create(params={"id": "p", "name": "P"})
    options: stripe.RequestOptions = {"idempotency_key": "dup"}
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.create(params={"id": "p", "name": "P"}, options=options)
    stripe_client.v1.products.delete("p")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"id": "p", "name": "P"}, options=options)
    assert caught.value.code == "resource_already_exists"
    assert caught.value.headers is not None
    assert caught.value.headers.get("Idempotent-Replayed") == "true"


def test_validation_failures_are_not_saved(stripe_client: stripe.StripeClient) -> None:
    """facts §7.3: a request refused for its parameters does not claim the key."""
    options: stripe.RequestOptions = {"idempotency_key": "fix-and-retry"}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "P", "id": "bad id"}, options=options)
    assert caught.value.param == "id"
    fixed = stripe_client.v1.products.create(params={"name": "P", "id": "good-id"}, options=options)
    assert fixed.id == "good-id"


def test_keys_are_per_mode(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """facts §9.2: the same key in live mode is a different request."""
    live = stripe.StripeClient(
        fake_key("sk", "live", "sandboxTests123"), base_addresses={"api": sandbox.url}
    )
    options: stripe.RequestOptions = {"idempotency_key": "same"}
    test_product = stripe_client.v1.products.create(params={"name": "P"}, options=options)
    live_product = live.v1.products.create(params={"name": "P"}, options=options)
    assert live_product.id != test_product.id and live_product.livemode is True


def test_lost_response_then_retry_with_same_key(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §1.10, §7.2: the write lands, the answer is lost; a retry with the key replays it."""
    sandbox.drop_response_next(1)
    options: stripe.RequestOptions = {"idempotency_key": "lost-1"}
    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.products.create(params={"id": "lost", "name": "Lost"}, options=options)
    assert stripe_client.v1.products.retrieve("lost").name == "Lost"
    again = stripe_client.v1.products.create(params={"id": "lost", "name": "Lost"}, options=options)
    assert again.id == "lost"
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    dropped = [r for r in sandbox.request_log if r.dropped]
    assert len(dropped) == 1 and dropped[0].path == "/v1/products"
    assert len(sandbox.writes()) == 1


def test_drop_only_hits_writes(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """Issue: reads pass through while a lost response is queued for the next write."""
    sandbox.drop_response_next(1)
    assert stripe_client.v1.products.list().data == []
    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.products.create(params={"name": "P"})
    assert len(stripe_client.v1.products.list().data) == 1


def test_sdk_retry_reuses_key_after_lost_response(sandbox: SandboxServer) -> None:
    """facts §1.10, §1.12: with SDK retries on, a lost answer is retried with the same key."""
    client = stripe.StripeClient(
        TEST_KEY, base_addresses={"api": sandbox.url}, max_network_retries=1
    )
    sandbox.drop_response_next(1)
    product = client.v1.products.create(params={"name": "Retried"})
    posts = [r for r in sandbox.request_log if r.method == "POST"]
    assert len(posts) == 2 and posts[0].idempotency_key == posts[1].idempotency_key
    assert posts[1].replayed is True
    assert [p.id for p in client.v1.products.list().data] == [product.id]


def test_overlong_key_is_refused(sandbox: SandboxServer) -> None:
    """facts §7.1: keys are at most 255 characters."""
    status, body, _ = raw_http(
        sandbox,
        "POST",
        "/v1/products",
        headers={
            "Authorization": f"Bearer {TEST_KEY}",
            "Idempotency-Key": "k" * 256,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body="name=P",
    )
    assert status == 400
    assert body["error"]["type"] == "invalid_request_error"
