"""Light checks of the nested product parameters the sandbox stores and echoes but does not act
on: `marketing_features`, `package_dimensions`, `tax_details` (facts §2.1, §2.2). A price's nested
fields are checked in `price_fields` and `tiers`."""

from __future__ import annotations

import re
from typing import Any

from core.sandbox.errors import invalid, missing_parameter
from core.sandbox.forms import as_hash, as_list, as_str, check_known

MAX_FEATURES = 15
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
        # Two decimals at most ("Maximum precision is 2 decimal places"), above zero
        # (docs/stripe-facts.md §6.4).
        if "." in text and len(text.split(".")[1].rstrip("0")) > 2:
            raise invalid(f"{name} has a maximum precision of 2 decimal places.", param=param)
        if float(text) <= 0:
            raise invalid("This value must be greater than 0.", param=param)
        out[name] = float(text)
    return out


def tax_details(value: Any) -> dict[str, Any] | None:
    """`tax_details[tax_code]` (and `performance_location`), stored as given; `""` clears."""
    if value == "":
        return None
    details = as_hash(value, "tax_details")
    check_known(details, {"tax_code", "performance_location"}, "tax_details")
    return {k: as_str(v, f"tax_details[{k}]", max_length=5000) for k, v in details.items()}
