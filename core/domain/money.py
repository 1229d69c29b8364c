"""Show an amount in minor units the way a shop owner reads it: `$120.00`, `€12.50`, `¥500`."""

from __future__ import annotations

from core.domain.currencies import decimals as currency_decimals

SYMBOLS = {
    "usd": "$",
    "eur": "€",
    "gbp": "£",
    "jpy": "¥",
    "cny": "¥",
    "inr": "₹",
    "krw": "₩",
    "cad": "CA$",
    "aud": "A$",
    "nzd": "NZ$",
    "chf": "CHF ",
}


def decimals(currency: str) -> int:
    """How many decimal places one unit of `currency` has in Stripe's minor units."""
    return currency_decimals(currency.lower())


def format_money(amount: int | None, currency: str) -> str:
    """Format `amount` (minor units) in `currency`, e.g. 12000 usd → `$120.00`, 500 jpy → `¥500`.

    Unknown currencies show their code after the number (`12.50 SEK`); None shows as `(none)`.
    """
    if amount is None:
        return "(none)"
    code = currency.lower()
    places = decimals(code)
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 10**places)
    number = f"{whole:,}" + (f".{frac:0{places}d}" if places else "")
    symbol = SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{number} {code.upper()}"
    return f"{sign}{symbol}{number}"
