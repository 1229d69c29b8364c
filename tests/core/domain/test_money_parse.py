"""Money as a maker types it, read into minor units: `parse_money`."""

from __future__ import annotations

import pytest

from core.domain.money import MoneyError, parse_money


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [
        ("12.50", "usd", 1250),
        ("12,50", "usd", 1250),
        ("$12.50", "usd", 1250),
        ("$ 12.50", "usd", 1250),
        ("12.50 USD", "usd", 1250),
        ("12", "usd", 1200),
        ("12.5", "usd", 1250),
        ("0", "usd", 0),
        ("1,234.50", "usd", 123450),
        ("1.234,50", "eur", 123450),
        ("€1.234,50", "eur", 123450),
        ("1,234", "usd", 123400),
        ("1,234,567", "usd", 123456700),
        ("¥500", "jpy", 500),
        ("1,500", "jpy", 1500),
        ("5.124", "kwd", 5124),
        ("5.124 KWD", "kwd", 5124),
    ],
)
def test_amounts_as_makers_write_them(text: str, currency: str, cents: int) -> None:
    assert parse_money(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.505", "usd", "'12.505' has more decimals than USD allows (2 decimals)"),
        ("500.5", "jpy", "'500.5' has more decimals than JPY allows (no decimals)"),
        ("-3", "usd", "'-3' is negative; a price must be 0 or more"),
        ("abc", "usd", "'abc' is not an amount in USD (write it like $12.50)"),
        ("€12", "usd", "'€12' is not an amount in USD (write it like $12.50)"),
        ("", "usd", "'' is not an amount in USD (write it like $12.50)"),
        ("1.2.3", "usd", "'1.2.3' is not an amount in USD (write it like $12.50)"),
        ("12,5,0", "usd", "'12,5,0' is not an amount in USD (write it like $12.50)"),
        ("1,23.50", "usd", "'1,23.50' is not an amount in USD (write it like $12.50)"),
        (".", "usd", "'.' is not an amount in USD (write it like $12.50)"),
    ],
)
def test_what_is_not_an_amount_says_why(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError) as err:
        parse_money(text, currency)
    assert str(err.value) == message
