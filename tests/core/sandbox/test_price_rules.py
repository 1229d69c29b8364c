"""Price parameters hand-made catalogs use: recurring limits, tiers, quantity transforms, custom
amounts, currency options, `product_data`, list filters (docs/stripe-facts.md §1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer

TIERS = [{"up_to": 10, "unit_amount": 500}, {"up_to": "inf", "unit_amount": 400}]


@pytest.fixture
def product_id(stripe_client: stripe.StripeClient) -> str:
    """A product to hang prices on."""
    return stripe_client.v1.products.create(params={"id": "strip", "name": "Strip"}).id


def _create(client: stripe.StripeClient, product: str, **params: Any) -> dict[str, Any]:
    price = client.v1.prices.create(params={"product": product, "currency": "usd", **params})  # type: ignore[typeddict-item]
    result: dict[str, Any] = price.to_dict()
    return result


def _refused(
    client: stripe.StripeClient, product: str, **params: Any
) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _create(client, product, **params)
    assert caught.value.http_status == 400
    return caught.value


@pytest.mark.parametrize(
    ("interval", "count"), [("year", 3), ("month", 36), ("week", 156), ("day", 1095)]
)
def test_recurring_interval_up_to_three_years(
    stripe_client: stripe.StripeClient, product_id: str, interval: str, count: int
) -> None:
    """stripe-facts §1.1: three years is the longest interval; one step more is refused."""
    price = _create(
        stripe_client,
        product_id,
        unit_amount=100,
        recurring={"interval": interval, "interval_count": count},
    )
    assert price["recurring"]["interval_count"] == count and price["type"] == "recurring"
    error = _refused(
        stripe_client,
        product_id,
        unit_amount=100,
        recurring={"interval": interval, "interval_count": count + 1},
    )
    assert error.param == "recurring[interval_count]"


def test_recurring_meter_and_trial(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.2: a metered price names its meter; `trial_period_days` is kept."""
    error = _refused(
        stripe_client,
        product_id,
        unit_amount=1,
        recurring={"interval": "month", "usage_type": "metered"},
    )
    assert (error.code, error.param) == ("parameter_missing", "recurring[meter]")
    price = _create(
        stripe_client,
        product_id,
        unit_amount=1,
        recurring={
            "interval": "month",
            "usage_type": "metered",
            "meter": "mtr_123",
            "trial_period_days": 14,
        },
    )
    assert price["recurring"]["meter"] == "mtr_123"
    assert price["recurring"]["trial_period_days"] == 14


def test_default_price_data_recurring_takes_interval_only(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §1.2: `default_price_data[recurring]` has no usage_type."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(
            params={
                "name": "Plan",
                "default_price_data": {
                    "currency": "usd",
                    "unit_amount": 100,
                    "recurring": {"interval": "month", "usage_type": "licensed"},  # type: ignore[typeddict-unknown-key]
                },
            }
        )
    assert caught.value.code == "parameter_unknown"
    assert caught.value.param == "default_price_data[recurring][usage_type]"


def test_tiered_price_shape_and_expand(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.3, §1.5, §1.6, §1.8: a tiered price; `tiers` shown only when expanded."""
    price = _create(
        stripe_client,
        product_id,
        billing_scheme="tiered",
        tiers_mode="graduated",
        tiers=[{"up_to": 10, "unit_amount_decimal": "450.5", "flat_amount": 100}, TIERS[1]],
        recurring={"interval": "month"},
    )
    assert (price["billing_scheme"], price["tiers_mode"]) == ("tiered", "graduated")
    assert price["unit_amount"] is None and "tiers" not in price
    retrieved = stripe_client.v1.prices.retrieve(price["id"], params={"expand": ["tiers"]})
    assert retrieved.last_response is not None
    expanded = json.loads(retrieved.last_response.body)
    assert expanded["tiers"] == [
        {"flat_amount": 100, "flat_amount_decimal": "100", "unit_amount": None,
         "unit_amount_decimal": "450.5", "up_to": 10},
        {"flat_amount": None, "flat_amount_decimal": None, "unit_amount": 400,
         "unit_amount_decimal": "400", "up_to": None},
    ]  # fmt: skip
    listed = stripe_client.v1.prices.list(params={"expand": ["data.tiers"]})
    assert listed.last_response is not None
    assert json.loads(listed.last_response.body)["data"][0]["tiers"] == expanded["tiers"]


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"tiers": TIERS}, None, "tiers"),
        ({"billing_scheme": "tiered", "tiers": TIERS}, "parameter_missing", "tiers_mode"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume"}, "parameter_missing", "tiers"),
        ({"billing_scheme": "tiered", "tiers_mode": "stairs", "tiers": TIERS}, None, "tiers_mode"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": TIERS, "unit_amount": 5}, None, "unit_amount"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 10, "unit_amount": 1}]}, None, "tiers[0][up_to]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": "inf", "unit_amount": 1}, TIERS[1]]}, None, "tiers[0][up_to]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 5, "unit_amount": 1}, {"up_to": 5, "unit_amount": 1}, TIERS[1]]}, None, "tiers[1][up_to]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 5}, TIERS[1]]}, None, "tiers[0]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"unit_amount": 5}, TIERS[1]]}, "parameter_missing", "tiers[0][up_to]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 5, "unit_amount": 1, "unit_amount_decimal": "1"}, TIERS[1]]}, "parameters_exclusive", "tiers[0][unit_amount]"),
        ({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 5, "unit_amount": 1, "amount": 1}, TIERS[1]]}, "parameter_unknown", "tiers[0][amount]"),
    ],
)  # fmt: skip
def test_tier_rules(
    stripe_client: stripe.StripeClient,
    product_id: str,
    params: dict[str, Any],
    code: str | None,
    param: str,
) -> None:
    """stripe-facts §1.3–§1.6: tiers need `billing_scheme=tiered` and `tiers_mode`, no top-level
    amount, increasing `up_to` ending in `inf`, and an amount in every tier."""
    if "unit_amount" not in params and "tiers" in params and "billing_scheme" not in params:
        params = {**params, "unit_amount": 5}
    error = _refused(stripe_client, product_id, recurring={"interval": "month"}, **params)
    assert (error.code, error.param) == (code, param)


def test_missing_tier_amount_message(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.6: Stripe's words for a tier without an amount."""
    error = _refused(
        stripe_client,
        product_id,
        billing_scheme="tiered",
        tiers_mode="volume",
        tiers=[{"up_to": 5}, TIERS[1]],
        recurring={"interval": "month"},
    )
    assert error.user_message == "An entry in the tiers array is missing an amount."


def test_tiered_needs_recurring(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.9: a one-time price cannot be tiered."""
    error = _refused(
        stripe_client, product_id, billing_scheme="tiered", tiers_mode="volume", tiers=TIERS
    )
    assert error.param == "billing_scheme"


def test_transform_quantity(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.10: `divide_by` and `round` (up/down), never with tiers."""
    price = _create(
        stripe_client,
        product_id,
        unit_amount=1000,
        transform_quantity={"divide_by": 12, "round": "up"},
    )
    assert price["transform_quantity"] == {"divide_by": 12, "round": "up"}
    for bad, param in [
        ({"divide_by": 12}, "transform_quantity[round]"),
        ({"divide_by": 0, "round": "up"}, "transform_quantity[divide_by]"),
        ({"divide_by": 2, "round": "nearest"}, "transform_quantity[round]"),
    ]:
        assert (
            _refused(stripe_client, product_id, unit_amount=1, transform_quantity=bad).param
            == param
        )
    error = _refused(
        stripe_client,
        product_id,
        billing_scheme="tiered",
        tiers_mode="volume",
        tiers=TIERS,
        recurring={"interval": "month"},
        transform_quantity={"divide_by": 2, "round": "up"},
    )
    assert error.param == "transform_quantity"


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"custom_unit_amount": {"enabled": False}}, "custom_unit_amount[enabled]"),
        ({"custom_unit_amount": {"enabled": True, "minimum": 500, "maximum": 100}}, "custom_unit_amount[minimum]"),
        ({"custom_unit_amount": {"enabled": True, "minimum": 500, "preset": 100}}, "custom_unit_amount[preset]"),
        ({"custom_unit_amount": {"enabled": True, "maximum": 500, "preset": 900}}, "custom_unit_amount[preset]"),
        ({"custom_unit_amount": {"enabled": True}, "unit_amount": 100}, "custom_unit_amount"),
        ({"custom_unit_amount": {"enabled": True}, "recurring": {"interval": "month"}}, "custom_unit_amount"),
    ],
)  # fmt: skip
def test_custom_unit_amount_rules(
    stripe_client: stripe.StripeClient, product_id: str, extra: dict[str, Any], param: str
) -> None:
    """stripe-facts §1.11: enabled=true, minimum ≤ preset ≤ maximum, no fixed amount, one-time."""
    assert _refused(stripe_client, product_id, **extra).param == param


def test_currency_options_rules(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.12: never the price's own currency; tiers only on tiered prices, where each
    option needs them; `""` clears the others on update."""
    error = _refused(
        stripe_client, product_id, unit_amount=100, currency_options={"usd": {"unit_amount": 90}}
    )
    assert error.param == "currency_options[usd]"
    assert (error.user_message or "").startswith("You are specifying a currency option that")
    error = _refused(
        stripe_client, product_id, unit_amount=100, currency_options={"eur": {"tiers": TIERS}}
    )
    assert error.param == "currency_options[eur][tiers]"
    tiered = dict(
        billing_scheme="tiered", tiers_mode="volume", tiers=TIERS, recurring={"interval": "month"}
    )
    error = _refused(
        stripe_client, product_id, currency_options={"eur": {"unit_amount": 1}}, **tiered
    )
    assert error.param == "currency_options[eur][unit_amount]"
    price = _create(
        stripe_client,
        product_id,
        currency_options={"eur": {"tiers": TIERS}},
        expand=["currency_options"],
        **tiered,
    )
    assert price["currency_options"]["eur"]["tiers"][1]["up_to"] is None
    assert price["currency_options"]["usd"]["tiers"][0]["up_to"] == 10
    cleared = stripe_client.v1.prices.update(
        price["id"],
        params={"currency_options": "", "expand": ["currency_options"]},
    ).to_dict()
    assert set(cleared["currency_options"]) == {"usd"}


def test_tax_behavior_is_one_way_everywhere(
    stripe_client: stripe.StripeClient, product_id: str
) -> None:
    """facts §4.2, stripe-facts §1.15: unspecified → exclusive once, also per currency option."""
    price = _create(
        stripe_client, product_id, unit_amount=100, currency_options={"eur": {"unit_amount": 90}}
    )
    updated = stripe_client.v1.prices.update(
        price["id"], params={"tax_behavior": "exclusive", "expand": ["currency_options"]}
    ).to_dict()
    assert updated["currency_options"]["usd"]["tax_behavior"] == "exclusive"
    for params, param in [
        ({"tax_behavior": "unspecified"}, "tax_behavior"),
        ({"tax_behavior": "inclusive"}, "tax_behavior"),
    ]:
        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe_client.v1.prices.update(price["id"], params=params)  # type: ignore[arg-type]
        assert caught.value.param == param
    stripe_client.v1.prices.update(
        price["id"],
        params={"currency_options": {"eur": {"unit_amount": 95, "tax_behavior": "inclusive"}}},
    )
    kept = stripe_client.v1.prices.update(
        price["id"],
        params={"currency_options": {"eur": {"unit_amount": 96}}, "expand": ["currency_options"]},
    ).to_dict()
    assert kept["currency_options"]["eur"]["tax_behavior"] == "inclusive"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.update(
            price["id"],
            params={"currency_options": {"eur": {"unit_amount": 96, "tax_behavior": "exclusive"}}},
        )
    assert caught.value.param == "currency_options[eur][tax_behavior]"


def test_product_data_creates_the_product_inline(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """stripe-facts §1.13: `product_data` makes a product (name required); not with `product`."""
    price = stripe_client.v1.prices.create(
        params={
            "currency": "usd",
            "unit_amount": 700,
            "product_data": {
                "name": "Sticker",
                "id": "sticker",
                "unit_label": "sheet",
                "metadata": {"a": "1"},
            },
        }
    )
    product = stripe_client.v1.products.retrieve("sticker")
    assert price.product == "sticker" and product.name == "Sticker"
    assert (product.unit_label, product.metadata.to_dict(), product.default_price) == (
        "sheet",
        {"a": "1"},
        None,
    )
    for params, code, param in [
        ({"product_data": {"id": "x"}}, "parameter_missing", "product_data[name]"),
        (
            {"product_data": {"name": "X", "description": "d"}},
            "parameter_unknown",
            "product_data[description]",
        ),
        ({"product_data": {"name": "X"}, "product": "sticker"}, "parameters_exclusive", "product"),
        ({"product_data": {"name": "X", "id": "sticker"}}, "resource_already_exists", "id"),
    ]:
        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe_client.v1.prices.create(params={"currency": "usd", "unit_amount": 1, **params})  # type: ignore[typeddict-item]
        assert (caught.value.code, caught.value.param) == (code, param)
    assert len(stripe_client.v1.products.list().data) == 1


def test_list_filters(stripe_client: stripe.StripeClient, product_id: str) -> None:
    """stripe-facts §1.14: type, currency, recurring[interval|usage_type], lookup_keys (≤10)."""
    once = _create(stripe_client, product_id, unit_amount=1, lookup_key="once")
    eur = _create(stripe_client, product_id, unit_amount=1, currency="eur")
    month = _create(stripe_client, product_id, unit_amount=1, recurring={"interval": "month"})
    year = _create(stripe_client, product_id, unit_amount=1, recurring={"interval": "year"})

    def ids(params: dict[str, Any]) -> list[str]:
        return [p.id for p in stripe_client.v1.prices.list(params=params).data]  # type: ignore[arg-type]

    assert ids({"type": "one_time"}) == [eur["id"], once["id"]]
    assert ids({"type": "recurring"}) == [year["id"], month["id"]]
    assert ids({"currency": "EUR"}) == [eur["id"]]
    assert ids({"recurring": {"interval": "month"}}) == [month["id"]]
    assert ids({"recurring": {"usage_type": "licensed"}}) == [year["id"], month["id"]]
    assert ids({"lookup_keys": ["once"], "product": product_id, "active": True}) == [once["id"]]
    for params, param in [
        ({"lookup_keys": [f"k{i}" for i in range(11)]}, "lookup_keys"),
        ({"recurring": {"interval": "fortnight"}}, "recurring[interval]"),
        ({"recurring": {"aggregate_usage": "sum"}}, "recurring[aggregate_usage]"),
    ]:
        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe_client.v1.prices.list(params=params)  # type: ignore[arg-type]
        assert caught.value.param == param
