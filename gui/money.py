"""Amounts for display, until `core.engine.money` lands (then this module only re-exports it)."""

from __future__ import annotations

_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "cad": "CA$", "aud": "A$"}
_ZERO_DECIMAL = {"jpy", "krw", "vnd", "clp", "isk", "huf"}


def format_cents(cents: int | None, currency: str = "usd") -> str:
    """Show an amount in minor units as `$120.00` (empty for None)."""
    if cents is None:
        return ""
    currency = currency.lower()
    symbol = _SYMBOLS.get(currency)
    text = f"{cents:,}" if currency in _ZERO_DECIMAL else f"{cents / 100:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"
