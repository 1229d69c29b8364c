"""Prices in several currencies through the real SDK: what Stripe lets change in place and what it
refuses (docs/stripe-facts.md §5)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe


@pytest.fixture
def price(stripe_client: stripe.StripeClient) -> dict[str, Any]:
    """A USD price with EUR and JPY amounts, shown with its options."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    made = stripe_client.v1.prices.create(
        params={
            "product": "lamp",
            "currency": "usd",
            "unit_amount": 4500,
            "currency_options": {"eur": {"unit_amount": 4100}, "jpy": {"unit_amount": 6900}},
            "expand": ["currency_options"],
        }
    )
    result: dict[str, Any] = made.to_dict()
    return result


def _amounts(price: dict[str, Any]) -> dict[str, int]:
    return {c: o["unit_amount"] for c, o in price["currency_options"].items()}


def _update(client: stripe.StripeClient, price_id: str, options: Any) -> dict[str, Any]:
    params: Any = {"currency_options": options, "expand": ["currency_options"]}
    result: dict[str, Any] = client.v1.prices.update(price_id, params=params).to_dict()
    return result


def test_create_adds_the_prices_own_currency_and_zero_decimal_amounts_are_whole_units(
    price: dict[str, Any],
) -> None:
    # §5.1, §5.7: jpy has no minor unit, so 6900 is ¥6,900; Stripe adds the own currency's entry.
    assert _amounts(price) == {"usd": 4500, "eur": 4100, "jpy": 6900}


def test_options_are_hidden_unless_expanded(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.5
    assert "currency_options" not in stripe_client.v1.prices.retrieve(price["id"]).to_dict()
    shown = stripe_client.v1.prices.retrieve(price["id"], params={"expand": ["currency_options"]})
    assert shown.to_dict()["currency_options"]["eur"]["unit_amount"] == 4100
    listed = stripe_client.v1.prices.list(params={"expand": ["data.currency_options"]})
    assert _amounts(listed.data[0].to_dict()) == {"usd": 4500, "eur": 4100, "jpy": 6900}
    plain = stripe_client.v1.prices.list()
    assert "currency_options" not in plain.data[0].to_dict()


def test_an_existing_currency_amount_changes_in_place_and_a_new_one_is_added(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.2: same price id, the other currencies and the own amount as they were.
    after = _update(
        stripe_client, price["id"], {"eur": {"unit_amount": 4300}, "gbp": {"unit_amount": 3800}}
    )
    assert after["id"] == price["id"] and after["active"] is True
    assert after["unit_amount"] == 4500
    assert _amounts(after) == {"usd": 4500, "eur": 4300, "jpy": 6900, "gbp": 3800}


def test_the_main_amount_cannot_change_on_an_existing_price(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.3 (facts §4.1): a new main amount needs a new price.
    with pytest.raises(stripe.InvalidRequestError) as err:
        stripe_client.v1.prices.update(price["id"], params={"unit_amount": 5000})  # type: ignore[typeddict-unknown-key]
    assert err.value.param == "unit_amount"


def test_an_empty_value_clears_the_other_currencies(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.4
    assert _amounts(_update(stripe_client, price["id"], "")) == {"usd": 4500}


def test_the_prices_own_currency_is_refused_as_an_option(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.1 on create and on update alike.
    with pytest.raises(stripe.InvalidRequestError) as err:
        _update(stripe_client, price["id"], {"usd": {"unit_amount": 4600}})
    assert "matches the top-level currency" in str(err.value)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.prices.create(
            params={
                "product": "lamp",
                "currency": "eur",
                "unit_amount": 100,
                "currency_options": {"eur": {"unit_amount": 100}},
            }
        )


def test_a_currency_stripe_does_not_support_is_refused(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.8
    with pytest.raises(stripe.InvalidRequestError) as err:
        _update(stripe_client, price["id"], {"xyz": {"unit_amount": 100}})
    assert err.value.param == "currency_options[xyz]"
    assert "Invalid currency: xyz" in str(err.value)


@pytest.mark.parametrize("amount", [-1, 100_000_000])
def test_an_amount_outside_stripes_bounds_is_refused(
    stripe_client: stripe.StripeClient, price: dict[str, Any], amount: int
) -> None:
    # §5.7: 0 to 99,999,999 in the smallest unit, in every currency.
    with pytest.raises(stripe.InvalidRequestError) as err:
        _update(stripe_client, price["id"], {"jpy": {"unit_amount": amount}})
    assert err.value.param == "currency_options[jpy][unit_amount]"
    assert _amounts(_update(stripe_client, price["id"], {"jpy": {"unit_amount": 0}}))["jpy"] == 0


def test_the_currency_list_filter_matches_the_own_currency_only(
    stripe_client: stripe.StripeClient, price: dict[str, Any]
) -> None:
    # §5.6
    assert stripe_client.v1.prices.list(params={"currency": "eur"}).data == []
    assert [p.id for p in stripe_client.v1.prices.list(params={"currency": "usd"}).data] == [
        price["id"]
    ]


def test_default_price_data_carries_currency_options(stripe_client: stripe.StripeClient) -> None:
    # §5.1: a product created with its first price in two currencies.
    product = stripe_client.v1.products.create(
        params={
            "name": "Shade",
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 2500,
                "currency_options": {"eur": {"unit_amount": 2300}},
            },
        }
    )
    shown = stripe_client.v1.prices.retrieve(
        str(product.default_price), params={"expand": ["currency_options"]}
    )
    assert _amounts(shown.to_dict()) == {"usd": 2500, "eur": 2300}
