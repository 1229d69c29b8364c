"""Prices read the way a shop owner writes them."""

from __future__ import annotations

import pytest

from core.domain.money import format_money


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (12000, "usd", "$120.00"),
        (1250, "EUR", "€12.50"),
        (500, "jpy", "¥500"),
        (5, "gbp", "£0.05"),
        (123456789, "usd", "$1,234,567.89"),
        (1250, "sek", "12.50 SEK"),
        (1234, "kwd", "1.234 KWD"),
        (5120, "bhd", "5.120 BHD"),
        (1500, "omr", "1.500 OMR"),
        (50000, "vnd", "50,000 VND"),
        (15000, "clp", "15,000 CLP"),
        (5000, "KRW", "₩5,000"),
        (1000, "xof", "1,000 XOF"),
        (500, "isk", "5.00 ISK"),
        (-300, "usd", "-$3.00"),
        (None, "usd", "(none)"),
    ],
)
def test_format_money(amount: int | None, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text
