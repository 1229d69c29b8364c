"""Light checks of the nested parameters the sandbox stores and echoes but does not act on:
products' `marketing_features`, `package_dimensions`, `tax_details`; prices' `currency_options`
and `custom_unit_amount` (facts §2.1, §2.2, §2.7, §4.1, §4.8)."""

from __future__ import annotations

import re
from typing import Any

from core.sandbox.errors import invalid, missing_parameter
from core.sandbox.fields import check_currency, check_unit_amount
from core.sandbox.forms import as_bool, as_enum, as_hash, as_int, as_list, as_str, check_known

MAX_FEATURES = 15
TAX_BEHAVIORS = ["exclusive", "inclusive", "unspecified"]
_NUMBER_RE = re.compile(r"\A[0-9]+(\.[0-9]+)?\Z")


def marketing_features(value: Any) -> list[dict[str, str]]:
    """`marketing_features[i][name]`, at most 15, names ≤80 characters; `""` clears them."""
    if value == "":
        return []
    items = as_list(value, "marketing_features")
    if len(items) > MAX_FEATURES:
        raise invalid(
            f"You can only specify up to {MAX_FEATURES} marketing features.",
            param="marketing_features",
        )
    features = []
    for index, item in enumerate(items):
        param = f"marketing_features[{index}]"
        entry = as_hash(item, param)
        check_known(entry, {"name"}, param)
        if "name" not in entry:
            raise missing_parameter(f"{param}[name]")
        features.append({"name": as_str(entry["name"], f"{param}[name]", max_length=80)})
    return features


def package_dimensions(value: Any) -> dict[str, float] | None:
    """`package_dimensions[height|length|weight|width]`, all four, positive numbers; `""` clears."""
    if value == "":
        return None
    dims = as_hash(value, "package_dimensions")
    names = ("height", "length", "weight", "width")
    check_known(dims, names, "package_dimensions")
    out: dict[str, float] = {}
    for name in names:
        param = f"package_dimensions[{name}]"
        if name not in dims:
            raise missing_parameter(param)
        text = as_str(dims[name], param)
        if not _NUMBER_RE.match(text):
            raise invalid(f"Invalid decimal: {text}", param=param)
        out[name] = float(text)
    return out


def tax_details(value: Any) -> dict[str, Any] | None:
    """`tax_details[tax_code]` (and `performance_location`), stored as given; `""` clears."""
    if value == "":
        return None
    details = as_hash(value, "tax_details")
    check_known(details, {"tax_code", "performance_location"}, "tax_details")
    return {k: as_str(v, f"tax_details[{k}]", max_length=5000) for k, v in details.items()}


def custom_unit_amount(value: Any, param: str = "custom_unit_amount") -> dict[str, Any]:
    """`custom_unit_amount[enabled|maximum|minimum|preset]` (the customer chooses the amount)."""
    data = as_hash(value, param)
    check_known(data, {"enabled", "maximum", "minimum", "preset"}, param)
    if "enabled" not in data:
        raise missing_parameter(f"{param}[enabled]")
    if not as_bool(data["enabled"], f"{param}[enabled]"):
        raise invalid("custom_unit_amount[enabled] must be true.", param=f"{param}[enabled]")
    out: dict[str, Any] = {"maximum": None, "minimum": None, "preset": None}
    for name in ("maximum", "minimum", "preset"):
        if name in data:
            out[name] = check_unit_amount(data[name], f"{param}[{name}]")
    return out


def currency_options(value: Any, prefix: str = "") -> dict[str, dict[str, Any]]:
    """`currency_options[<code>][unit_amount|unit_amount_decimal|tax_behavior|custom_unit_amount]`:
    more currencies for one price, each a currency Stripe supports (facts §4.8)."""
    param = prefix + "currency_options"
    options = as_hash(value, param)
    out: dict[str, dict[str, Any]] = {}
    for code, raw in options.items():
        where = f"{param}[{code}]"
        currency = check_currency(code, where)
        entry = as_hash(raw, where)
        check_known(
            entry,
            {"custom_unit_amount", "tax_behavior", "tiers", "unit_amount", "unit_amount_decimal"},
            where,
        )
        amount = None
        if "unit_amount" in entry:
            amount = check_unit_amount(entry["unit_amount"], f"{where}[unit_amount]")
        elif "unit_amount_decimal" in entry:
            text = as_str(entry["unit_amount_decimal"], f"{where}[unit_amount_decimal]")
            if not _NUMBER_RE.match(text):
                raise invalid(f"Invalid decimal: {text}", param=f"{where}[unit_amount_decimal]")
            amount = as_int(text.split(".")[0], f"{where}[unit_amount_decimal]")
        elif "custom_unit_amount" not in entry:
            raise missing_parameter(f"{where}[unit_amount]")
        out[currency] = {
            "custom_unit_amount": (
                custom_unit_amount(entry["custom_unit_amount"], f"{where}[custom_unit_amount]")
                if "custom_unit_amount" in entry
                else None
            ),
            "tax_behavior": as_enum(
                entry.get("tax_behavior", "unspecified"), f"{where}[tax_behavior]", TAX_BEHAVIORS
            ),
            "unit_amount": amount,
            "unit_amount_decimal": None if amount is None else str(amount),
        }
    return out
