"""A price's amounts in other currencies (Stripe's `currency_options`): compared, and changed in
place where Stripe allows it. Pure; part of `core.engine.plan_prices`.

Stripe's rules (docs/stripe-facts.md §5): a price update may add a currency or change an existing
currency's `unit_amount` in place, and `currency_options=""` clears them all; it cannot remove one
currency while keeping others, and the price's own amount and currency never change. So:
- extra amounts changed or added → one `update_price` on the price that sells the unit (no new
  price, nothing archived);
- every extra amount removed → one `update_price` clearing them;
- one removed while others stay, or the price is one the tool does not own (made by hand, not
  linked) → a new price carrying them (the old one archived when the tool owns it);
- the main amount changed → a new price anyway, created with its `currency_options`.
"""

from __future__ import annotations

from core.domain.money import format_money
from core.engine.types import FieldDiff, RemotePrice
from core.engine.units import Unit

HAND_MADE = "the current price was made by hand in Stripe, and the tool changes no such price"
CANNOT_DROP = "Stripe cannot remove one currency from a price while keeping the others"


def options_param(unit: Unit) -> dict[str, dict[str, int]]:
    """The `currency_options` a new price for `unit` is created with."""
    return {code: {"unit_amount": amount} for code, amount in sorted(unit.extra.items())}


def extra_diffs(unit: Unit | None, price: RemotePrice | None) -> list[FieldDiff]:
    """One difference per other currency whose amount differs, named `<price field>.<currency>`
    (e.g. `price.eur`, `variant:v1.price.jpy`); none when Stripe's were not read."""
    if unit is None and price is None:
        return []
    have = {} if price is None else price.currency_options
    if have is None:
        return []
    want = unit.extra if unit is not None else {}
    base = unit.field if unit is not None else "price"
    out = []
    for code in sorted(set(want) | set(have)):
        local, stripe = want.get(code), have.get(code)
        if local == stripe:
            continue
        out.append(
            FieldDiff(
                field=f"{base}.{code}",
                local=None if local is None else format_money(local, code),
                stripe=None if stripe is None else format_money(stripe, code),
                currency=code,
                local_amount=local,
                stripe_amount=stripe,
            )
        )
    return out


def differs(unit: Unit, price: RemotePrice) -> bool:
    """Whether the price's amounts in other currencies (when read) differ from the unit's."""
    return price.currency_options is not None and price.currency_options != unit.extra


def new_price_reason(unit: Unit, price: RemotePrice, owned: bool) -> str | None:
    """Why differing amounts in other currencies need a new price (None: updated in place)."""
    if not differs(unit, price):
        return None
    if not owned:
        return HAND_MADE
    have = price.currency_options or {}
    if set(have) - set(unit.extra) and unit.extra:
        return CANNOT_DROP
    return None


def in_place_update(unit: Unit, price: RemotePrice) -> tuple[object, str]:
    """The `currency_options` parameter that brings `price` to the unit's amounts in place, and
    the words for the plan."""
    have = price.currency_options or {}
    if not unit.extra:
        gone = ", ".join(c.upper() for c in sorted(have))
        return "", f"remove the amounts in {gone} from the price (in place: same price)"
    value: dict[str, dict[str, int]] = {}
    words = []
    for code, amount in sorted(unit.extra.items()):
        old = have.get(code)
        if old == amount:
            continue
        value[code] = {"unit_amount": amount}
        new = format_money(amount, code)
        words.append(
            f"add {code.upper()} {new}"
            if old is None
            else f"{code.upper()} {format_money(old, code)} → {new}"
        )
    text = "update the price in place (same price, nothing archived): " + "; ".join(words)
    return value, text


def twin_matches(price: RemotePrice, unit: Unit) -> bool:
    """Whether an archived price carries exactly the unit's amounts in other currencies."""
    return (price.currency_options or {}) == unit.extra
