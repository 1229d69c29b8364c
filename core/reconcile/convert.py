"""A catalog row (+ its variants) → the engine's input, why it is not ready, or what is wrong with it.

Three outcomes, kept apart on purpose (design.md §9, errors are never skips):
- `ReadyProduct`: the engine can sync it;
- `NotReady`: nothing is wrong, it is just not for sale yet: no price yet, or dev status < 5;
- `Invalid`: the row holds data the tool cannot use (a sell status it does not know, a negative or
  non-whole price, an empty name, an unsupported currency …): the product fails, field by field.

The shop's table may be loosely typed (SQLite keeps 'abc' in an INTEGER column), so every value is
checked here before any model is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from core.catalog.cells import INT32_MAX
from core.catalog.records import CatalogRecord
from core.domain.models import (
    MAX_UNIT_AMOUNT,
    SELL_STATUSES,
    ProductSyncInput,
    VariantSyncInput,
    describe_validation_error,
    iso_currency,
)
from core.domain.text import field_text_problem, terminal_safe

READY_DEV_STATUS = 5
PRICE_RULE = "must be a whole number of cents ≥ 0"
_MAX_PRICE = f"must be at most {MAX_UNIT_AMOUNT:,} cents (Stripe's limit)"


@dataclass(frozen=True)
class ReadyProduct:
    """A row the engine can sync.

    `manages_description`: False when the shop's table has no `description` column; the tool
    then leaves Stripe's description as it is (`unmanaged`, passed to the planner).
    """

    product: ProductSyncInput
    variants: tuple[VariantSyncInput, ...] = ()
    manages_description: bool = True

    @property
    def unmanaged(self) -> frozenset[str]:
        """Product fields the shop's table does not hold: the tool leaves them as Stripe has them."""
        return frozenset() if self.manages_description else frozenset({"description"})


@dataclass(frozen=True)
class NotReady:
    """A valid row that is not for sale yet, and why in plain words."""

    product_id: str
    reason: str


@dataclass(frozen=True)
class Invalid:
    """A row with data the tool cannot use: `error` names each field, e.g. `name: must not be
    empty; base_price_cents: must be a whole number of cents ≥ 0`."""

    product_id: str
    error: str


Converted = ReadyProduct | NotReady | Invalid


def whole_number(value: Any) -> int | None:
    """`value` as an int when it is a whole number (an int, or a whole Decimal), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _flag(value: Any) -> tuple[bool | None, bool]:
    """(the boolean, whether the value was one): SQLite may hand back 0/1 or text."""
    if value is None or isinstance(value, bool):
        return value, True
    if whole_number(value) in (0, 1):
        return bool(whole_number(value)), True
    return None, False


def _text(row: dict[str, Any], column: str, problems: list[str], *, limit: int) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(f"{column}: must be text, got {value!r}")
        return None
    if len(value) > limit:
        problems.append(f"{column}: must be at most {limit:,} characters long")
    _text_rule(column, value, problems)
    return value


def _text_rule(label: str, value: Any, problems: list[str], *, column: str | None = None) -> bool:
    """The catalog's text rule for the field (no control characters: core.domain.text, the same
    rule import applies); whether the value holds."""
    problem = field_text_problem(column or label, value)
    if problem:
        problems.append(f"{label}: {problem}")
    return problem is None


def _product_problems(row: dict[str, Any], currency: str, problems: list[str]) -> dict[str, Any]:
    """Check a product row's fields; returns the values to build the input from."""
    _text_rule("id", row.get("id"), problems)
    before = len(problems)
    name = _text(row, "name", problems, limit=250)
    if len(problems) == before and (name is None or not name.strip()):
        problems.append("name: must not be empty")
    description = _text(row, "description", problems, limit=40_000)
    price = row.get("base_price_cents")
    cents = whole_number(price)
    if price is not None and (cents is None or cents < 0):
        problems.append(f"base_price_cents: {PRICE_RULE}, got {price!r}")
    elif cents is not None and cents > MAX_UNIT_AMOUNT:
        problems.append(f"base_price_cents: {_MAX_PRICE}, got {cents:,}")
    sell_status = row.get("sell_status")
    if sell_status not in SELL_STATUSES:
        problems.append(
            f"sell_status: must be one of {', '.join(SELL_STATUSES)}, got {sell_status!r}"
        )
    dev = row.get("dev_status")
    dev_status = whole_number(dev)
    if dev is not None and (dev_status is None or not 0 <= dev_status <= READY_DEV_STATUS):
        problems.append(f"dev_status: must be a whole number from 0 to 5, got {dev!r}")
    is_live, ok = _flag(row.get("is_live"))
    if not ok:
        problems.append(f"is_live: must be true or false, got {row.get('is_live')!r}")
    has_variants, ok = _flag(row.get("has_variants"))
    if not ok:
        problems.append(f"has_variants: must be true or false, got {row.get('has_variants')!r}")
    code = row.get("currency") or currency
    try:
        code = iso_currency(str(code))
    except ValueError as err:
        problems.append(f"currency: {err}")
    return {
        "name": name,
        "description": description,
        "price_cents": cents,
        "currency": code,
        "sell_status": sell_status,
        "dev_status": dev_status,
        "is_live": is_live,
        "has_variants": has_variants,
    }


def _variant(row: dict[str, Any], base: int | None, problems: list[str]) -> VariantSyncInput | None:
    vid = str(row["id"])
    where = f"variants[{terminal_safe(vid)}]"  # an id with control characters is shown escaped
    start = len(problems)
    _text_rule(f"{where}.id", vid, problems, column="id")
    raw_modifier = row.get("price_modifier")
    modifier = whole_number(raw_modifier) if raw_modifier is not None else 0
    if modifier is None or abs(modifier) > MAX_UNIT_AMOUNT:
        problems.append(
            f"{where}.price_modifier: must be a whole number of cents between "
            f"-{MAX_UNIT_AMOUNT:,} and {MAX_UNIT_AMOUNT:,}, got {raw_modifier!r}"
        )
    elif base is not None and not 0 <= base + modifier <= MAX_UNIT_AMOUNT:
        problems.append(
            f"{where}.price_modifier: the price would be {base + modifier:,} cents "
            f"({base:,} {'+' if modifier >= 0 else '-'} {abs(modifier):,}); it must be between "
            f"0 and {MAX_UNIT_AMOUNT:,}"
        )
    counts: dict[str, int | None] = {}
    for column in ("max_quantity", "sold_quantity"):
        value = row.get(column)
        number = whole_number(value)
        if value is not None and (number is None or not 0 <= number <= INT32_MAX):
            problems.append(f"{where}.{column}: must be a whole number ≥ 0, got {value!r}")
        counts[column] = number
    kind = row.get("variant_type") or "variant"
    value = row.get("variant_value")
    if not isinstance(kind, str) or len(kind) > 40:
        problems.append(f"{where}.variant_type: must be text of at most 40 characters")
    else:
        _text_rule(f"{where}.variant_type", kind, problems, column="variant_type")
    if value is not None and (not isinstance(value, str) or len(value) > 200):
        problems.append(f"{where}.variant_value: must be text of at most 200 characters")
    else:
        _text_rule(f"{where}.variant_value", value, problems, column="variant_value")
    limited, ok = _flag(row.get("is_limited_edition"))
    if not ok:
        problems.append(f"{where}.is_limited_edition: must be true or false")
    if len(problems) > start or base is None or modifier is None:
        return None
    max_q, sold = counts["max_quantity"], counts["sold_quantity"]
    inventory = None if max_q is None else max(0, max_q - (sold or 0))
    return VariantSyncInput(
        id=vid,
        variant_type=kind,
        variant_value=value,
        price_cents=base + modifier,
        inventory_count=inventory,
        is_limited_edition=bool(limited),
    )


def to_sync_input(record: CatalogRecord, *, currency: str = "usd") -> Converted:
    """Convert one catalog product (variant price = base price + price_modifier)."""
    row = record.product
    pid = record.id
    problems: list[str] = []
    fields = _product_problems(row, currency, problems)
    use_variants = fields.pop("has_variants") is not False
    variants: list[VariantSyncInput] = []
    for v in record.variants if use_variants else ():
        made = _variant(v, fields["price_cents"], problems)
        if made is not None:
            variants.append(made)
    if problems:
        return Invalid(pid, "; ".join(problems))
    if fields["price_cents"] is None:
        return NotReady(pid, "no price yet")
    dev_status, is_live = fields["dev_status"], fields["is_live"]
    if (
        dev_status is not None
        and dev_status < READY_DEV_STATUS
        and not is_live
        and fields["sell_status"] != "internal"
    ):
        return NotReady(pid, f"dev status {dev_status} (needs {READY_DEV_STATUS})")
    try:
        product = ProductSyncInput(id=pid, **fields)
    except ValidationError as err:  # a rule the checks above do not know yet
        text = describe_validation_error(err).replace("price_usd", "base_price_cents")
        return Invalid(pid, text)
    return ReadyProduct(
        product=product, variants=tuple(variants), manages_description="description" in row
    )
