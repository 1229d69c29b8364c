"""The create-time fields of a price, shared by `POST /v1/prices` and a product's
`default_price_data`: amounts, `recurring`, `custom_unit_amount`, `currency_options`, tiers
(facts §2.7, §4.1, §4.8, §4.9; docs/stripe-facts.md §1)."""

from __future__ import annotations

from typing import Any

from core.sandbox import tiers
from core.sandbox.errors import invalid, missing_parameter
from core.sandbox.fields import check_currency, check_unit_amount, merge_metadata
from core.sandbox.forms import as_bool, as_enum, as_hash, as_int, as_str, check_known
from core.sandbox.store import Obj
from core.sandbox.tiers import sub

TAX_BEHAVIORS = ["exclusive", "inclusive", "unspecified"]
INTERVALS = ["day", "week", "month", "year"]
# At most three years between two billings (docs/stripe-facts.md §1.1).
INTERVAL_COUNT_MAX = {"day": 3 * 365, "week": 156, "month": 36, "year": 3}
RECURRING_PARAMS = {"interval", "interval_count", "meter", "trial_period_days", "usage_type"}
DEFAULT_PRICE_DATA_PARAMS = {
    "currency", "currency_options", "custom_unit_amount", "metadata", "recurring", "tax_behavior",
    "unit_amount", "unit_amount_decimal",
}  # fmt: skip
CURRENCY_OPTION_PARAMS = {
    "custom_unit_amount", "tax_behavior", "tiers", "unit_amount", "unit_amount_decimal",
}  # fmt: skip
SAME_CURRENCY_MESSAGE = (
    "You are specifying a currency option that matches the top-level currency for this price. "
    "Please remove this currency option and it will be added automatically on creation."
)


def recurring(value: Any, prefix: str = "", allowed: set[str] = RECURRING_PARAMS) -> Obj:
    """`recurring[interval|interval_count|meter|trial_period_days|usage_type]`.

    `interval_count` is 1 up to three years of the interval (docs/stripe-facts.md §1.1);
    a metered price names its meter (§1.2).
    """
    param = sub(prefix, "recurring")
    data = as_hash(value, param)
    check_known(data, allowed, param)
    if "interval" not in data:
        raise missing_parameter(sub(param, "interval"))
    interval = as_enum(data["interval"], sub(param, "interval"), INTERVALS)
    count = as_int(data.get("interval_count", "1"), sub(param, "interval_count"))
    if count < 1:
        raise invalid(
            "This value must be greater than or equal to 1.", param=sub(param, "interval_count")
        )
    if count > INTERVAL_COUNT_MAX[interval]:
        raise invalid(
            "The maximum billing interval is three years (3 years, 36 months, 156 weeks or "
            f"1095 days); interval_count={count} with interval={interval} is too long.",
            param=sub(param, "interval_count"),
        )
    usage = as_enum(
        data.get("usage_type", "licensed"), sub(param, "usage_type"), ["licensed", "metered"]
    )
    meter = as_str(data["meter"], sub(param, "meter"), max_length=5000) if "meter" in data else ""
    if usage == "metered" and not meter:
        raise missing_parameter(sub(param, "meter"))
    if meter and usage != "metered":
        raise invalid(
            "A meter can only be set on a price with `usage_type=metered`.",
            param=sub(param, "meter"),
        )
    trial = None
    if "trial_period_days" in data:
        trial = as_int(data["trial_period_days"], sub(param, "trial_period_days"))
        if trial < 0:
            raise invalid(
                "This value must be greater than or equal to 0.",
                param=sub(param, "trial_period_days"),
            )
    return {
        "interval": interval,
        "interval_count": count,
        "meter": meter or None,
        "trial_period_days": trial,
        "usage_type": usage,
    }


def custom_unit_amount(value: Any, param: str = "custom_unit_amount") -> Obj:
    """`custom_unit_amount[enabled|maximum|minimum|preset]`: the customer chooses the amount.

    `enabled` must be true; minimum ≤ preset ≤ maximum when given (docs/stripe-facts.md §1.10).
    """
    data = as_hash(value, param)
    check_known(data, {"enabled", "maximum", "minimum", "preset"}, param)
    if "enabled" not in data:
        raise missing_parameter(sub(param, "enabled"))
    if not as_bool(data["enabled"], sub(param, "enabled")):
        raise invalid(
            "Pass `enabled=true` to use custom_unit_amount, or omit custom_unit_amount.",
            param=sub(param, "enabled"),
        )
    out: Obj = {"maximum": None, "minimum": None, "preset": None}
    for name in ("maximum", "minimum", "preset"):
        if name in data:
            out[name] = check_unit_amount(data[name], sub(param, name))
    low, high, preset = out["minimum"], out["maximum"], out["preset"]
    if low is not None and high is not None and low > high:
        raise invalid(
            "`minimum` must be less than or equal to `maximum`.", param=sub(param, "minimum")
        )
    if preset is not None and low is not None and preset < low:
        raise invalid(
            "`preset` must be greater than or equal to `minimum`.", param=sub(param, "preset")
        )
    if preset is not None and high is not None and preset > high:
        raise invalid(
            "`preset` must be less than or equal to `maximum`.", param=sub(param, "preset")
        )
    return out


def currency_option(raw: Any, where: str, tiered: bool) -> Obj:
    """One `currency_options[<code>]` entry: an amount (or tiers, for a tiered price)."""
    entry = as_hash(raw, where)
    check_known(entry, CURRENCY_OPTION_PARAMS, where)
    out: Obj = {
        "custom_unit_amount": None,
        "tax_behavior": as_enum(
            entry.get("tax_behavior", "unspecified"), sub(where, "tax_behavior"), TAX_BEHAVIORS
        ),
        "unit_amount": None,
        "unit_amount_decimal": None,
    }
    if tiered:
        for name in ("unit_amount", "unit_amount_decimal", "custom_unit_amount"):
            if name in entry:
                raise invalid(
                    f"`{name}` cannot be used with `billing_scheme=tiered`.",
                    param=sub(where, name),
                )
        if "tiers" not in entry:
            raise missing_parameter(sub(where, "tiers"))
        out["tiers"] = tiers.parse_tiers(entry["tiers"], sub(where, "tiers"))
        return out
    if "tiers" in entry:
        raise invalid(
            "`tiers` can only be used with `billing_scheme=tiered`.", param=sub(where, "tiers")
        )
    pair = tiers.amount_pair(entry, "unit_amount", "unit_amount_decimal", where)
    if pair is not None and "custom_unit_amount" in entry:
        raise invalid(
            "You may only specify one of these parameters: custom_unit_amount, unit_amount.",
            param=sub(where, "custom_unit_amount"),
            code="parameters_exclusive",
        )
    if pair is None and "custom_unit_amount" not in entry:
        raise missing_parameter(sub(where, "unit_amount"))
    if pair is not None:
        out["unit_amount"], out["unit_amount_decimal"] = pair
    else:
        out["custom_unit_amount"] = custom_unit_amount(
            entry["custom_unit_amount"], sub(where, "custom_unit_amount")
        )
    return out


def currency_options(value: Any, prefix: str, top_currency: str, tiered: bool) -> dict[str, Obj]:
    """`currency_options[<code>][...]`: more currencies for one price, each one Stripe supports,
    never the price's own currency (facts §4.8; docs/stripe-facts.md §1.12)."""
    param = sub(prefix, "currency_options")
    options = as_hash(value, param)
    out: dict[str, Obj] = {}
    for code, raw in options.items():
        where = f"{param}[{code}]"
        currency = check_currency(code, where)
        if currency == top_currency:
            raise invalid(SAME_CURRENCY_MESSAGE, param=where)
        out[currency] = currency_option(raw, where, tiered)
    return out


def new_fields(params: dict[str, Any], prefix: str = "") -> Obj:
    """Validate the create-time fields of a price (`prefix` = "default_price_data" when nested)."""
    if "currency" not in params:
        raise missing_parameter(sub(prefix, "currency"))
    currency = check_currency(params["currency"], sub(prefix, "currency"))
    scheme = tiers.billing(params, prefix)
    tiered = scheme["billing_scheme"] == "tiered"
    pair = (
        None if tiered else tiers.amount_pair(params, "unit_amount", "unit_amount_decimal", prefix)
    )
    custom = None
    if "custom_unit_amount" in params:
        if pair is not None:
            raise invalid(
                "You may only specify one of these parameters: custom_unit_amount, unit_amount.",
                param=sub(prefix, "custom_unit_amount"),
                code="parameters_exclusive",
            )
        if "recurring" in params:
            raise invalid(
                "custom_unit_amount is only supported for one-time prices.",
                param=sub(prefix, "custom_unit_amount"),
            )
        custom = custom_unit_amount(params["custom_unit_amount"], sub(prefix, "custom_unit_amount"))
    elif pair is None and not tiered:
        raise missing_parameter(sub(prefix, "unit_amount"))
    allowed = {"interval", "interval_count"} if prefix == "default_price_data" else RECURRING_PARAMS
    recurring_value = (
        recurring(params["recurring"], prefix, allowed) if "recurring" in params else None
    )
    tax = as_enum(
        params.get("tax_behavior", "unspecified"), sub(prefix, "tax_behavior"), TAX_BEHAVIORS
    )
    options = (
        currency_options(params["currency_options"], prefix, currency, tiered)
        if "currency_options" in params
        else {}
    )
    return {
        **scheme,
        "custom_unit_amount": custom,
        "currency_options": options,
        "currency": currency,
        "unit_amount": pair[0] if pair else None,
        "unit_amount_decimal": pair[1] if pair else None,
        "recurring": recurring_value,
        "type": "recurring" if recurring_value else "one_time",
        "tax_behavior": tax,
        "metadata": merge_metadata({}, params.get("metadata", {})),
    }


def check_default_price_data(value: Any) -> Obj:
    """Validate a product's `default_price_data` before anything is written (facts §2.7)."""
    data = as_hash(value, "default_price_data")
    check_known(data, DEFAULT_PRICE_DATA_PARAMS, "default_price_data")
    return new_fields(data, "default_price_data")


def top_option(fields: Obj) -> Obj:
    """The `currency_options` entry Stripe adds for the price's own currency."""
    entry: Obj = {
        "custom_unit_amount": fields["custom_unit_amount"],
        "tax_behavior": fields["tax_behavior"],
        "unit_amount": fields["unit_amount"],
        "unit_amount_decimal": fields["unit_amount_decimal"],
    }
    if fields["billing_scheme"] == "tiered":
        entry["tiers"] = fields["tiers"]
    return entry
