"""Prices: create, update, lookup keys, archiving, no delete (facts §4)."""

from __future__ import annotations

import re

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.fake_keys import fake_key


@pytest.fixture
def product_id(stripe_client: stripe.StripeClient) -> str:
    """A product to hang prices on."""
    return stripe_client.v1.products.create(params={"id": "shirt", "name": "Shirt"}).id


def _price(
    client: stripe.StripeClient, product: str, amount: int = 1000, **extra: object
) -> stripe.Price:
    params: dict[str, object] = {"product": product, "currency": "usd", "unit_amount": amount}
    params.update(extra)
    return client.v1.prices.create(params=params)  # type: ignore[arg-type]


def test_create_shape(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.9, issue: a one-time per-unit price with Stripe's fields."""
    price = _price(stripe_client, product_id, 0, nickname="Free", metadata={"variant_id": "v1"})
    assert re.fullmatch(r"price_[A-Za-z0-9]{14}", price.id)
    assert price.object == "price"
    assert price.active is True
    assert price.unit_amount == 0 and price.unit_amount_decimal is not None
    assert str(price.unit_amount_decimal) == "0"
    assert price.currency == "usd" and price.product == product_id
    assert price.nickname == "Free" and price.metadata.to_dict() == {"variant_id": "v1"}
    assert price.billing_scheme == "per_unit" and price.type == "one_time"
    assert price.tax_behavior == "unspecified" and price.lookup_key is None
    assert price.livemode is False


def test_product_must_exist(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """facts §4: a price needs an existing product → 400 resource_missing naming `product`."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _price(stripe_client, "ghost")
    assert caught.value.http_status == 400
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "product"
    assert caught.value.user_message == "No such product: 'ghost'"
    assert sandbox.writes() == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1, "This value must be greater than or equal to 0."),
        (100000000, "This value must be less than or equal to 99999999."),
        ("abc", "Invalid integer: abc"),
        ("12.5", "Invalid integer: 12.5"),
    ],
)
def test_unit_amount_bounds(
    stripe_client: stripe.StripeClient, product_id: str, amount: object, message: str
) -> None:
    """facts §4.9: `unit_amount` is an integer ≥ 0 within Stripe's 8-digit amount limit."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request(
            "post", "/v1/prices", product=product_id, currency="usd", unit_amount=amount
        )
    assert caught.value.http_status == 400
    assert caught.value.param == "unit_amount"
    assert caught.value.user_message == message


def test_largest_amount_is_accepted(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.9: the bound itself is allowed."""
    assert _price(stripe_client, product_id, 99999999).unit_amount == 99999999


def test_currency_is_checked(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """Issue: a currency Stripe does not know → 400 naming `currency`."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.create(
            params={"product": product_id, "currency": "xyz", "unit_amount": 1}
        )
    assert caught.value.param == "currency"
    assert (caught.value.user_message or "").startswith("Invalid currency: xyz.")


@pytest.mark.parametrize("code", ["isk", "vnd", "clp", "kwd", "ngn", "egp", "bhd", "xcg"])
def test_every_presentment_currency_is_accepted(
    stripe_client: stripe.StripeClient, product_id: str, code: str
) -> None:
    """docs.stripe.com/currencies: Stripe prices in 135+ currencies, three-decimal ones too."""
    price = stripe_client.v1.prices.create(
        params={"product": product_id, "currency": code.upper(), "unit_amount": 1000}
    )
    assert price.currency == code


def test_custom_price_id_is_unknown(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.4: "Received unknown parameter: id"."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _price(stripe_client, product_id, id="price_mine")
    assert caught.value.code == "parameter_unknown"
    assert caught.value.user_message == "Received unknown parameter: id"


@pytest.mark.parametrize(
    ("name", "value"), [("unit_amount", 5), ("currency", "eur"), ("product", "other")]
)
def test_immutable_fields_are_unknown_on_update(
    stripe_client: stripe.StripeClient, product_id: str, name: str, value: object
) -> None:
    """facts §4.1: amount, currency and product cannot change → 400 parameter_unknown."""
    price = _price(stripe_client, product_id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.update(price.id, params={name: value})  # type: ignore[misc]
    assert caught.value.http_status == 400
    assert caught.value.code == "parameter_unknown"
    assert caught.value.user_message == f"Received unknown parameter: {name}"
    assert stripe_client.v1.prices.retrieve(price.id).unit_amount == 1000


def test_update_allowed_fields(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.1, §3.2: nickname, metadata (merged), active, lookup_key can change."""
    price = _price(stripe_client, product_id, metadata={"a": "1"})
    updated = stripe_client.v1.prices.update(
        price.id,
        params={"nickname": "Blue", "metadata": {"b": "2"}, "active": False, "lookup_key": "k"},
    )
    assert updated.nickname == "Blue"
    assert updated.metadata.to_dict() == {"a": "1", "b": "2"}
    assert updated.active is False and updated.lookup_key == "k"


def test_tax_behavior_is_fixed_once_set(
    stripe_client: stripe.StripeClient, product_id: str
) -> None:
    """facts §4.2: once inclusive/exclusive, `tax_behavior` cannot change."""
    price = _price(stripe_client, product_id)
    assert (
        stripe_client.v1.prices.update(price.id, params={"tax_behavior": "exclusive"}).tax_behavior
        == "exclusive"
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.update(price.id, params={"tax_behavior": "inclusive"})
    assert caught.value.param == "tax_behavior"


def test_lookup_key_is_unique_and_transferable(
    stripe_client: stripe.StripeClient, product_id: str
) -> None:
    """facts §4.5: reuse fails with Stripe's message; `transfer_lookup_key` moves the key."""
    old = _price(stripe_client, product_id, 1000, lookup_key="shirt-std")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _price(stripe_client, product_id, 1200, lookup_key="shirt-std")
    assert caught.value.http_status == 400
    assert caught.value.user_message == f"A price (`{old.id}`) already uses that lookup key."
    assert len(stripe_client.v1.prices.list().data) == 1
    new = _price(stripe_client, product_id, 1200, lookup_key="shirt-std", transfer_lookup_key=True)
    assert new.lookup_key == "shirt-std"
    assert stripe_client.v1.prices.retrieve(old.id).lookup_key is None
    found = stripe_client.v1.prices.list(params={"lookup_keys": ["shirt-std"]}).data
    assert [p.id for p in found] == [new.id]


def test_lookup_keys_are_per_mode(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §4.5, §9.2: a lookup key is unique per account *and mode*."""
    live = stripe.StripeClient(
        fake_key("sk", "live", "sandboxTests123"), base_addresses={"api": sandbox.url}
    )
    for client in (stripe_client, live):
        client.v1.products.create(params={"id": "p", "name": "P"})
        assert _price(client, "p", lookup_key="same").lookup_key == "same"


def test_lookup_key_update_conflict(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.5: setting a taken key on update also fails unless transferred."""
    first = _price(stripe_client, product_id, lookup_key="k1")
    second = _price(stripe_client, product_id)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.prices.update(second.id, params={"lookup_key": "k1"})
    moved = stripe_client.v1.prices.update(
        second.id, params={"lookup_key": "k1", "transfer_lookup_key": True}
    )
    assert moved.lookup_key == "k1"
    assert stripe_client.v1.prices.retrieve(first.id).lookup_key is None


def test_default_price_cannot_be_archived(stripe_client: stripe.StripeClient) -> None:
    """facts §4.6: archiving the default price → 400 with Stripe's message; repoint first."""
    product = stripe_client.v1.products.create(
        params={"name": "P", "default_price_data": {"currency": "usd", "unit_amount": 100}}
    )
    old_id = str(product.default_price)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.update(old_id, params={"active": False})
    assert caught.value.http_status == 400
    assert caught.value.json_body is not None
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"
    assert caught.value.user_message == (
        "This price cannot be archived because it is the default price of its product."
    )
    assert stripe_client.v1.prices.retrieve(old_id).active is True
    new = _price(stripe_client, product.id, 200)
    stripe_client.v1.products.update(product.id, params={"default_price": new.id})
    assert stripe_client.v1.prices.update(old_id, params={"active": False}).active is False


def test_prices_cannot_be_deleted(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.3: DELETE /v1/prices/x is "Unrecognized request URL" (404)."""
    price = _price(stripe_client, product_id)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("delete", f"/v1/prices/{price.id}")
    assert caught.value.http_status == 404
    assert caught.value.user_message == (
        f"Unrecognized request URL (DELETE: /v1/prices/{price.id}). Please see "
        "https://stripe.com/docs or we can help at https://support.stripe.com/."
    )
    assert stripe_client.v1.prices.retrieve(price.id).active is True


def test_missing_price_is_404(stripe_client: stripe.StripeClient) -> None:
    """facts §8.3: "No such price: 'x'" with resource_missing."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.retrieve("price_nope")
    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert caught.value.user_message == "No such price: 'price_nope'"


def test_list_filters(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.10: filter by product, active, lookup_keys; newest first."""
    stripe_client.v1.products.create(params={"id": "other", "name": "Other"})
    a = _price(stripe_client, product_id, 1, lookup_key="a")
    b = _price(stripe_client, product_id, 2)
    c = _price(stripe_client, "other", 3, lookup_key="c")
    stripe_client.v1.prices.update(b.id, params={"active": False})
    ids = lambda params: [p.id for p in stripe_client.v1.prices.list(params=params).data]  # noqa: E731
    assert ids({}) == [c.id, b.id, a.id]
    assert ids({"product": product_id}) == [b.id, a.id]
    assert ids({"product": product_id, "active": True}) == [a.id]
    assert ids({"active": False}) == [b.id]
    assert ids({"lookup_keys": ["a", "c"]}) == [c.id, a.id]


def test_retrieve_expands_product(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """facts §4.12: `expand[]=product` returns the product object; bad paths are refused."""
    price = _price(stripe_client, product_id)
    expanded = stripe_client.v1.prices.retrieve(price.id, params={"expand": ["product"]})
    assert isinstance(expanded.product, stripe.Product) and expanded.product.id == product_id
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.retrieve(price.id, params={"expand": ["nickname"]})
    assert caught.value.param == "expand"


def test_list_pagination_with_product_filter(
    stripe_client: stripe.StripeClient, product_id: str
) -> None:
    """facts §5.1, §5.3, §4.10: price lists page newest first, also under the `product` filter."""
    stripe_client.v1.products.create(params={"id": "other", "name": "Other"})
    mine = []
    for amount in range(1, 8):
        mine.append(_price(stripe_client, product_id, amount).id)
        _price(stripe_client, "other", amount)
    pages = stripe_client.v1.prices.list(params={"product": product_id, "limit": 3})
    assert pages.has_more is True
    assert [p.id for p in pages.auto_paging_iter()] == mine[::-1]
    assert len(list(stripe_client.v1.prices.list(params={"limit": 5}).auto_paging_iter())) == 14
