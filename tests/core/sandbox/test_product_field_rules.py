"""The sandbox refuses optional product fields Stripe refuses, and follows its lookup-key and tax
behavior rules, through the real SDK (docs/stripe-facts.md §6)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

DIMS = {"height": "2", "length": "10", "weight": "16", "width": "8"}


@pytest.mark.parametrize(
    ("params", "param", "words"),
    [
        ({"url": "lamp.example.com"}, "url", "Not a valid URL"),
        ({"url": "https://no spaces.example.com"}, "url", "Not a valid URL"),
        ({"images": ["https://example.com/a.png", "ftp://example.com/b.png"]}, "images[1]", "Not a valid URL"),
        ({"tax_code": "general goods"}, "tax_code", "No such tax code: 'general goods'"),
        ({"package_dimensions": {**DIMS, "height": "0"}}, "package_dimensions[height]", "greater than 0"),
        ({"package_dimensions": {**DIMS, "weight": "1.255"}}, "package_dimensions[weight]", "2 decimal places"),
        ({"statement_descriptor": "LAMP <3"}, "statement_descriptor", "may not include"),
        ({"statement_descriptor": "L" * 23}, "statement_descriptor", "22"),
    ],
)  # fmt: skip
def test_a_field_stripe_refuses_is_refused_by_name(
    stripe_client: stripe.StripeClient, params: dict[str, Any], param: str, words: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "Lamp", **params})
    assert caught.value.param == param
    assert words in str(caught.value.user_message)
    assert stripe_client.v1.products.list().data == []


def test_good_values_are_kept_and_url_and_images_can_be_cleared(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(
        params={
            "name": "Lamp",
            "url": "https://shop.example.com/lamp",
            "images": ["https://shop.example.com/lamp.png"],
            "tax_code": "txcd_99999999",
            "package_dimensions": {**DIMS, "weight": "16.25"},
        }
    )
    assert product.package_dimensions is not None
    assert product.package_dimensions.weight == 16.25
    cleared = stripe_client.v1.products.update(product.id, params={"url": "", "images": ""})
    assert (cleared.url, cleared.images) == (None, [])


def test_default_price_data_takes_no_lookup_key(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(
            params={
                "name": "Lamp",
                "default_price_data": {
                    "currency": "usd",
                    "unit_amount": 4500,
                    "lookup_key": "lamp",
                },  # type: ignore[typeddict-unknown-key]
            }
        )
    assert caught.value.code == "parameter_unknown"


def test_tax_behavior_is_set_once_in_place_then_never_changes(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(params={"name": "Lamp"})
    price = stripe_client.v1.prices.create(
        params={"product": product.id, "currency": "usd", "unit_amount": 4500}
    )
    assert price.tax_behavior == "unspecified"
    price = stripe_client.v1.prices.update(price.id, params={"tax_behavior": "inclusive"})
    assert price.tax_behavior == "inclusive"
    for other in ("exclusive", "unspecified"):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe_client.v1.prices.update(price.id, params={"tax_behavior": other})  # type: ignore[typeddict-item]
        assert caught.value.param == "tax_behavior"


def test_a_lookup_key_moves_only_with_transfer(stripe_client: stripe.StripeClient) -> None:
    product = stripe_client.v1.products.create(params={"name": "Lamp"})
    base = {"product": product.id, "currency": "usd", "lookup_key": "lamp"}
    first = stripe_client.v1.prices.create(params={**base, "unit_amount": 4500})  # type: ignore[typeddict-item]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.create(params={**base, "unit_amount": 4900})  # type: ignore[typeddict-item]
    assert f"A price (`{first.id}`) already uses that lookup key." in str(caught.value)
    second = stripe_client.v1.prices.create(
        params={**base, "unit_amount": 4900, "transfer_lookup_key": True}  # type: ignore[typeddict-item]
    )
    found = stripe_client.v1.prices.list(params={"lookup_keys": ["lamp"]}).data
    assert [p.id for p in found] == [second.id]
    assert stripe_client.v1.prices.retrieve(first.id).lookup_key is None
