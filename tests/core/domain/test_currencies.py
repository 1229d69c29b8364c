"""Currencies: every code Stripe accepts for prices is accepted before any call, others refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core import ProductSyncInput
from core.domain.currencies import STRIPE_CURRENCIES, decimals

SEED = {"id": "p", "name": "Panel", "price_usd": 12000, "sell_status": "available"}


@pytest.mark.parametrize("code", ["isk", "vnd", "clp", "kwd", "ngn", "egp", "jpy", "bhd", "USD"])
def test_currencies_stripe_supports_are_accepted(code: str) -> None:
    assert ProductSyncInput.model_validate({**SEED, "currency": code}).currency == code.lower()


@pytest.mark.parametrize("code", ["xyz", "zzz", "ghs", "btc"])
def test_currency_stripe_does_not_support_is_a_field_error(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        ProductSyncInput.model_validate({**SEED, "currency": code})
    [problem] = info.value.errors()
    assert problem["loc"] == ("currency",)
    assert f"Invalid currency: {code}" in problem["msg"]


def test_the_list_is_stripes_whole_presentment_list() -> None:
    assert len(STRIPE_CURRENCIES) >= 135  # "more than 135 currencies" (docs.stripe.com/currencies)
    assert all(len(code) == 3 and code.islower() for code in STRIPE_CURRENCIES)


@pytest.mark.parametrize(
    ("code", "places"),
    [("usd", 2), ("jpy", 0), ("krw", 0), ("vnd", 0), ("clp", 0), ("xof", 0), ("kwd", 3),
     ("bhd", 3), ("jod", 3), ("omr", 3), ("tnd", 3), ("isk", 2)],
)  # fmt: skip
def test_decimals_follow_stripes_minor_units(code: str, places: int) -> None:
    # ISK is zero-decimal at Stripe but still sent with two decimals (docs: special cases).
    assert decimals(code) == places
