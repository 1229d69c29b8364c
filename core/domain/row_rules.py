"""The one set of rules a catalog row must meet to be synced, checked on import and before a sync.

Pure: a row is a plain mapping of its columns (as a file gives them once typed, or as the shop's
table holds them: SQLite may keep 'abc' in an INTEGER column, PostgreSQL hands back Decimals), and
each rule says what is wrong as a `RowProblem` (the field, and a message in plain words). Import
(core.catalog.importer) refuses a file whose rows break a rule; the check before a sync
(core.reconcile.convert) fails the product with the same words. Nothing here knows Stripe beyond
its limits (core.domain.models).

A value repeated in a message is cut to a readable length (`shown`): a 10,000-character id is
not echoed whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.domain.models import MAX_UNIT_AMOUNT, READY_DEV_STATUS, SELL_STATUSES, iso_currency
from core.domain.product_fields import OPTIONAL_FIELDS, check_lookup_key, check_optional
from core.domain.text import field_text_problem, terminal_safe

INT32_MAX = 2**31 - 1  # the largest value of a 32-bit INTEGER column (counts)
PRICE_RULE = "must be a whole number of cents ≥ 0"
MAX_PRICE_RULE = f"must be at most {MAX_UNIT_AMOUNT:,} cents (Stripe's limit)"
NAME_LIMIT = 250
DESCRIPTION_LIMIT = 40_000
VARIANT_TYPE_LIMIT = 40
VARIANT_VALUE_LIMIT = 200
# How much of a long value a message repeats.
SHOWN_CHARACTERS = 60


@dataclass(frozen=True)
class RowProblem:
    """One broken rule: the field (a column name) and what is wrong with it, in plain words."""

    field: str
    message: str


def clip(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` as a message repeats it: whole when short, else its start and its length, e.g.
    `aaaa… (10,000 characters)`."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: Any) -> str:
    """A value as a message quotes it (`repr`), a long one cut (see `clip`)."""
    if isinstance(value, str) and len(value) > SHOWN_CHARACTERS:
        return repr(value[:SHOWN_CHARACTERS]) + f"… ({len(value):,} characters)"
    text = repr(value)
    return clip(text)


def whole_number(value: Any) -> int | None:
    """`value` as an int when it is a whole number (an int, or a whole Decimal), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def flag(value: Any) -> tuple[bool | None, bool]:
    """(the boolean, whether the value was one): SQLite may hand back 0/1 or text."""
    if value is None or isinstance(value, bool):
        return value, True
    if whole_number(value) in (0, 1):
        return bool(whole_number(value)), True
    return None, False


def _text_rule(field: str, value: Any, problems: list[RowProblem]) -> bool:
    """The catalog's text rule for the field (no control characters: core.domain.text)."""
    problem = field_text_problem(field, value)
    if problem:
        problems.append(RowProblem(field, problem))
    return problem is None


def _text(
    row: Mapping[str, Any], column: str, problems: list[RowProblem], *, limit: int
) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(RowProblem(column, f"must be text, got {shown(value)}"))
        return None
    if len(value) > limit:
        problems.append(RowProblem(column, f"must be at most {limit:,} characters long"))
    _text_rule(column, value, problems)
    return value


def check_product_row(
    row: Mapping[str, Any],
    problems: list[RowProblem],
    *,
    currency: str | None = None,
    fields: Collection[str] | None = None,
) -> dict[str, Any]:
    """Check a product row's fields, adding a `RowProblem` per broken rule; returns the values a
    sync is built from (name, description, price_cents, currency, sell_status, dev_status,
    is_live, has_variants, lookup_key, and each optional field checked).

    `currency`: the shop's default when the row has none (None: a row without one is not
    checked for it). `fields`: the optional fields to check and return (None: every one the
    row has a column for; core.domain.product_fields).
    """
    _text_rule("id", row.get("id"), problems)
    before = len(problems)
    name = _text(row, "name", problems, limit=NAME_LIMIT)
    if len(problems) == before and (name is None or not name.strip()):
        problems.append(RowProblem("name", "must not be empty"))
    description = _text(row, "description", problems, limit=DESCRIPTION_LIMIT)
    price = row.get("base_price_cents")
    cents = whole_number(price)
    if price is not None and (cents is None or cents < 0):
        problems.append(RowProblem("base_price_cents", f"{PRICE_RULE}, got {shown(price)}"))
    elif cents is not None and cents > MAX_UNIT_AMOUNT:
        problems.append(RowProblem("base_price_cents", f"{MAX_PRICE_RULE}, got {cents:,}"))
    sell_status = row.get("sell_status")
    if sell_status not in SELL_STATUSES:
        problems.append(
            RowProblem(
                "sell_status",
                f"must be one of {', '.join(SELL_STATUSES)}, got {shown(sell_status)}",
            )
        )
    dev = row.get("dev_status")
    dev_status = whole_number(dev)
    if dev is not None and (dev_status is None or not 0 <= dev_status <= READY_DEV_STATUS):
        problems.append(
            RowProblem("dev_status", f"must be a whole number from 0 to 5, got {shown(dev)}")
        )
    is_live, ok = flag(row.get("is_live"))
    if not ok:
        problems.append(
            RowProblem("is_live", f"must be true or false, got {shown(row.get('is_live'))}")
        )
    has_variants, ok = flag(row.get("has_variants"))
    if not ok:
        problems.append(
            RowProblem(
                "has_variants", f"must be true or false, got {shown(row.get('has_variants'))}"
            )
        )
    code = row.get("currency") or currency
    if code is not None:
        try:
            code = iso_currency(str(code))
        except ValueError as err:
            problems.append(RowProblem("currency", clip(str(err), 200)))
    return {
        **check_optional_fields(row, problems, fields),
        "name": name,
        "description": description,
        "price_cents": cents,
        "currency": code,
        "sell_status": sell_status,
        "dev_status": dev_status,
        "is_live": is_live,
        "has_variants": has_variants,
    }


def check_optional_fields(
    row: Mapping[str, Any], problems: list[RowProblem], fields: Collection[str] | None = None
) -> dict[str, Any]:
    """The optional fields of a product row (`fields`, or every one it has a column for) and its
    `lookup_key`, each in its one form (None: no value), a `RowProblem` per broken rule."""
    names = [n for n in OPTIONAL_FIELDS if n in row and (fields is None or n in fields)]
    out: dict[str, Any] = {}
    for name in [*names, "lookup_key"] if "lookup_key" in row else names:
        try:
            if name == "lookup_key":
                out[name] = check_lookup_key(row[name])
            else:
                out[name] = check_optional(name, row[name])
        except ValueError as err:
            problems.append(RowProblem(name, clip(str(err), 300)))
    return out


def uses_variants(product: Mapping[str, Any]) -> bool:
    """Whether a sync uses the product's variant rows (not when `has_variants` is false)."""
    return flag(product.get("has_variants"))[0] is not False


def variant_label(variant_id: Any) -> str:
    """How a variant is named inside a product's problems: `variants[v1]` (escaped, cut)."""
    return f"variants[{terminal_safe(clip(str(variant_id)))}]"


def check_variant_row(
    row: Mapping[str, Any], base: int | None, problems: list[RowProblem]
) -> dict[str, Any] | None:
    """Check a variant row against its product's base price (None: none yet or not valid),
    adding a `RowProblem` per broken rule (fields are the variant's columns).

    Returns the values a sync builds the variant from (id, variant_type, variant_value,
    price_cents, inventory_count, is_limited_edition), or None when a rule is broken or the
    product has no usable base price.
    """
    start = len(problems)
    vid = str(row.get("id"))
    _text_rule("id", vid, problems)
    raw_modifier = row.get("price_modifier")
    modifier = whole_number(raw_modifier) if raw_modifier is not None else 0
    if modifier is None or abs(modifier) > MAX_UNIT_AMOUNT:
        problems.append(
            RowProblem(
                "price_modifier",
                f"must be a whole number of cents between -{MAX_UNIT_AMOUNT:,} and "
                f"{MAX_UNIT_AMOUNT:,}, got {shown(raw_modifier)}",
            )
        )
    elif base is not None and not 0 <= base + modifier <= MAX_UNIT_AMOUNT:
        problems.append(
            RowProblem(
                "price_modifier",
                f"the price would be {base + modifier:,} cents ({base:,} "
                f"{'+' if modifier >= 0 else '-'} {abs(modifier):,}); it must be between "
                f"0 and {MAX_UNIT_AMOUNT:,}",
            )
        )
    counts: dict[str, int | None] = {}
    for column in ("max_quantity", "sold_quantity"):
        value = row.get(column)
        number = whole_number(value)
        if value is not None and (number is None or not 0 <= number <= INT32_MAX):
            problems.append(RowProblem(column, f"must be a whole number ≥ 0, got {shown(value)}"))
        counts[column] = number
    kind = row.get("variant_type") or "variant"
    value = row.get("variant_value")
    if not isinstance(kind, str) or len(kind) > VARIANT_TYPE_LIMIT:
        problems.append(
            RowProblem("variant_type", f"must be text of at most {VARIANT_TYPE_LIMIT} characters")
        )
    else:
        _text_rule("variant_type", kind, problems)
    if value is not None and (not isinstance(value, str) or len(value) > VARIANT_VALUE_LIMIT):
        problems.append(
            RowProblem("variant_value", f"must be text of at most {VARIANT_VALUE_LIMIT} characters")
        )
    else:
        _text_rule("variant_value", value, problems)
    limited, ok = flag(row.get("is_limited_edition"))
    if not ok:
        problems.append(RowProblem("is_limited_edition", "must be true or false"))
    if len(problems) > start or base is None or modifier is None:
        return None
    max_q, sold = counts["max_quantity"], counts["sold_quantity"]
    return {
        "id": vid,
        "variant_type": kind,
        "variant_value": value,
        "price_cents": base + modifier,
        "inventory_count": None if max_q is None else max(0, max_q - (sold or 0)),
        "is_limited_edition": bool(limited),
    }


def check_currency_amounts(
    amounts: Mapping[str, Any], own: str | None, problems: list[RowProblem], field: str
) -> dict[str, int]:
    """A unit's amounts in other currencies (Stripe's `currency_options`) as the catalog holds
    them: each a currency Stripe accepts, not the price's own (`own`), a whole number of the
    currency's smallest unit from 0 to Stripe's limit. Returns the good ones, lowercased; each bad
    one adds a problem on `field` (e.g. `currency_amounts.eur`)."""
    out: dict[str, int] = {}
    for raw, value in sorted(amounts.items()):
        where = f"{field}.{clip(str(raw).lower(), 10)}"
        try:
            code = iso_currency(str(raw))
        except ValueError as err:
            problems.append(RowProblem(where, clip(str(err), 200)))
            continue
        if code == own:
            problems.append(
                RowProblem(
                    where,
                    f"{code.upper()} is the catalog's own currency for this product (its price "
                    "is given there already); give only other currencies",
                )
            )
            continue
        number = whole_number(value)
        if number is None or not 0 <= number <= MAX_UNIT_AMOUNT:
            problems.append(
                RowProblem(
                    where,
                    f"must be a whole number from 0 to {MAX_UNIT_AMOUNT:,} in the currency's "
                    f"smallest unit (cents; yen for JPY), got {shown(value)}",
                )
            )
            continue
        out[code] = number
    return out


def variant_currency_amounts(
    own: Mapping[str, int], product: Mapping[str, int], modifier: int, problems: list[RowProblem]
) -> dict[str, int]:
    """A variant's amounts in other currencies: its own, and the product's for a currency it does
    not give when it sells at the product's price (no price modifier). A variant whose price
    differs has no amount in that currency to take: it must give one (a problem otherwise)."""
    out = dict(own)
    for code, amount in product.items():
        if code in out:
            continue
        if modifier == 0:
            out[code] = amount
        else:
            problems.append(
                RowProblem(
                    f"currency_amounts.{code}",
                    f"the product has a {code.upper()} price but this variant costs a different "
                    f"amount (price modifier {modifier:+,}); give the variant's own {code.upper()} "
                    "amount",
                )
            )
    return dict(sorted(out.items()))
