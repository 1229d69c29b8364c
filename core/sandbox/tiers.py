"""Tiered prices and quantity transforms: `billing_scheme`, `tiers`, `tiers_mode`,
`transform_quantity` (docs/stripe-facts.md §1.5–§1.11), and the amount pairs they share with
per-unit prices (`unit_amount` / `unit_amount_decimal`, `flat_amount` / `flat_amount_decimal`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.sandbox.errors import invalid, missing_parameter
from core.sandbox.fields import UNIT_AMOUNT_MAX, check_unit_amount
from core.sandbox.forms import as_enum, as_hash, as_int, as_list, as_str, check_known

BILLING_SCHEMES = ["per_unit", "tiered"]
TIERS_MODES = ["graduated", "volume"]
TIER_PARAMS = {"flat_amount", "flat_amount_decimal", "unit_amount", "unit_amount_decimal", "up_to"}
_DECIMAL_RE = re.compile(r"\A[0-9]+(\.[0-9]{1,12})?\Z")


def sub(prefix: str, name: str) -> str:
    """The full name of a nested parameter: `sub("tiers[0]", "up_to")` → `tiers[0][up_to]`."""
    return f"{prefix}[{name}]" if prefix else name


def amount_pair(
    params: dict[str, Any], int_name: str, dec_name: str, prefix: str = ""
) -> tuple[int | None, str] | None:
    """An amount given as an integer or as a decimal string (≤12 places), never both.

    Returns (integer amount or None when fractional, decimal text), or None when neither is given
    (facts §4.9; docs/stripe-facts.md §1.7).
    """
    has_int, has_dec = int_name in params, dec_name in params
    if has_int and has_dec:
        raise invalid(
            f"You may only specify one of these parameters: {int_name}, {dec_name}.",
            param=sub(prefix, int_name),
            code="parameters_exclusive",
        )
    if has_int:
        amount = check_unit_amount(params[int_name], sub(prefix, int_name))
        return amount, str(amount)
    if not has_dec:
        return None
    param = sub(prefix, dec_name)
    text = as_str(params[dec_name], param)
    try:
        value = Decimal(text) if _DECIMAL_RE.match(text) else None
    except InvalidOperation:
        value = None
    if value is None:
        raise invalid(f"Invalid decimal: {text}", param=param)
    if value > UNIT_AMOUNT_MAX:
        raise invalid(f"This value must be less than or equal to {UNIT_AMOUNT_MAX}.", param=param)
    if value == value.to_integral_value():
        return int(value), str(int(value))
    return None, text


def parse_tiers(value: Any, param: str = "tiers") -> list[dict[str, Any]]:
    """`tiers[i][up_to|unit_amount|unit_amount_decimal|flat_amount|flat_amount_decimal]`.

    Each `up_to` is a positive integer above the previous one, or `inf` on the last tier only; the
    last tier must be `inf`; each tier needs a unit or a flat amount (docs/stripe-facts.md §1.6).
    """
    items = as_list(value, param)
    if not items:
        raise missing_parameter(param)
    tiers: list[dict[str, Any]] = []
    previous = 0
    for index, raw in enumerate(items):
        where = f"{param}[{index}]"
        entry = as_hash(raw, where)
        check_known(entry, TIER_PARAMS, where)
        if "up_to" not in entry:
            raise missing_parameter(sub(where, "up_to"))
        last = index == len(items) - 1
        up_to: int | None
        if entry["up_to"] == "inf":
            if not last:
                raise invalid(
                    "Only the last tier can have `up_to` set to `inf`.", param=sub(where, "up_to")
                )
            up_to = None
        else:
            up_to = as_int(entry["up_to"], sub(where, "up_to"))
            if up_to <= previous:
                raise invalid(
                    "Each tier's `up_to` must be greater than the previous tier's "
                    f"(and at least 1); got {up_to}.",
                    param=sub(where, "up_to"),
                )
            if last:
                raise invalid(
                    "The last tier must have `up_to` set to `inf`.", param=sub(where, "up_to")
                )
            previous = up_to
        unit = amount_pair(entry, "unit_amount", "unit_amount_decimal", where)
        flat = amount_pair(entry, "flat_amount", "flat_amount_decimal", where)
        if unit is None and flat is None:
            raise invalid("An entry in the tiers array is missing an amount.", param=where)
        tiers.append(
            {
                "flat_amount": flat[0] if flat else None,
                "flat_amount_decimal": flat[1] if flat else None,
                "unit_amount": unit[0] if unit else None,
                "unit_amount_decimal": unit[1] if unit else None,
                "up_to": up_to,
            }
        )
    return tiers


def transform_quantity(value: Any, prefix: str = "") -> dict[str, Any]:
    """`transform_quantity[divide_by|round]`: both required; `divide_by` ≥ 1, `round` up/down."""
    param = sub(prefix, "transform_quantity")
    data = as_hash(value, param)
    check_known(data, {"divide_by", "round"}, param)
    for name in ("divide_by", "round"):
        if name not in data:
            raise missing_parameter(sub(param, name))
    divide_by = as_int(data["divide_by"], sub(param, "divide_by"))
    if divide_by < 1:
        raise invalid(
            "This value must be greater than or equal to 1.", param=sub(param, "divide_by")
        )
    return {
        "divide_by": divide_by,
        "round": as_enum(data["round"], sub(param, "round"), ["down", "up"]),
    }


def billing(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Check `billing_scheme`, `tiers`, `tiers_mode` and `transform_quantity` together.

    Returns the price fields `billing_scheme`, `tiers`, `tiers_mode`, `transform_quantity`.
    Tiered prices need `tiers` and `tiers_mode`, take no top-level amount, no
    `custom_unit_amount` and no `transform_quantity`, and must be recurring
    (docs/stripe-facts.md §1.5–§1.9).
    """
    scheme = as_enum(
        params.get("billing_scheme", "per_unit"), sub(prefix, "billing_scheme"), BILLING_SCHEMES
    )
    if scheme == "per_unit":
        for name in ("tiers", "tiers_mode"):
            if name in params:
                raise invalid(
                    f"`{name}` can only be used with `billing_scheme=tiered`.",
                    param=sub(prefix, name),
                )
        transform = (
            transform_quantity(params["transform_quantity"], prefix)
            if "transform_quantity" in params
            else None
        )
        return {
            "billing_scheme": scheme,
            "tiers": None,
            "tiers_mode": None,
            "transform_quantity": transform,
        }
    for name in ("unit_amount", "unit_amount_decimal", "custom_unit_amount", "transform_quantity"):
        if name in params:
            raise invalid(
                f"`{name}` cannot be used with `billing_scheme=tiered`.", param=sub(prefix, name)
            )
    if "recurring" not in params:
        raise invalid(
            "Tiered pricing is only supported for recurring prices: pass `recurring` or use "
            "`billing_scheme=per_unit`.",
            param=sub(prefix, "billing_scheme"),
        )
    for name in ("tiers", "tiers_mode"):
        if name not in params:
            raise missing_parameter(sub(prefix, name))
    return {
        "billing_scheme": scheme,
        "tiers": parse_tiers(params["tiers"], sub(prefix, "tiers")),
        "tiers_mode": as_enum(params["tiers_mode"], sub(prefix, "tiers_mode"), TIERS_MODES),
        "transform_quantity": None,
    }
