"""Show an amount in minor units the way a shop owner reads it: `$120.00`, `€12.50`, `¥500`."""

from __future__ import annotations

import re

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


class MoneyError(ValueError):
    """Text that is not an amount of money in the given currency; `str()` says why."""


def parse_money(text: str, currency: str) -> int:
    """An amount as a maker writes it, in minor units of `currency`: `12.50`, `12,50`, `$12.50`,
    `1,234.50`, `1.234,50`, `12.50 USD` → 1250 (usd); `¥500` → 500 (jpy).

    The last `.` or `,` is the decimal mark, unless it is the only one and three digits follow it
    in a currency with fewer than three decimals (`1,234` is a thousand and more, not 1.234).
    A symbol or code of another currency, a negative amount, or more decimals than the currency
    has raise MoneyError.
    """
    code = currency.lower()
    places = decimals(code)
    raw = " ".join(str(text).split())
    body = raw
    symbol = SYMBOLS.get(code, "").strip()
    for mark in filter(None, (symbol, code.upper(), code)):
        if body.startswith(mark):
            body = body[len(mark) :].strip()
            break
        if body.endswith(mark):
            body = body[: -len(mark)].strip()
            break
    if body.startswith("-") or body.startswith("−"):
        raise MoneyError(f"{raw!r} is negative; a price must be 0 or more")
    if not body or any(ch not in "0123456789.,'" and ch != " " for ch in body):
        raise MoneyError(
            f"{raw!r} is not an amount in {code.upper()} (write it like {_example(code)})"
        )
    body = body.replace(" ", "").replace("'", "")
    whole, frac = _split(body, places)
    if whole is None or not (whole + frac).isdigit():
        raise MoneyError(
            f"{raw!r} is not an amount in {code.upper()} (write it like {_example(code)})"
        )
    if len(frac) > places:
        allowed = f"{places} decimals" if places else "no decimals"
        raise MoneyError(f"{raw!r} has more decimals than {code.upper()} allows ({allowed})")
    return int(whole or "0") * int(10**places) + int(frac.ljust(places, "0") or "0")


def _split(body: str, places: int) -> tuple[str | None, str]:
    """(whole digits, decimal digits) of `body`, or (None, "") when its separators make no sense."""
    marks = [ch for ch in body if ch in ".,"]
    if not marks:
        return body, ""
    decimal: str | None = marks[-1]
    if len(set(marks)) == 1 and (
        len(marks) > 1 or (decimal == "," and len(body) - body.rfind(",") == 4 and places < 3)
    ):
        decimal = None  # only thousands separators: `1,234` or `1.234.567`
    if decimal is None:
        whole, frac = body, ""
    else:
        whole, frac = body[: body.rfind(decimal)], body[body.rfind(decimal) + 1 :]
        if decimal in whole:
            return None, ""
    if not whole and not frac:
        return None, ""
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        return None, ""
    return "".join(groups), frac


def _example(code: str) -> str:
    return format_money(1250 * 10 ** max(0, decimals(code) - 2), code).replace(",", "")
