"""The optional product fields a catalog may hold, and Stripe's rules for each, checked before any
request (docs/stripe-facts.md §2, §6).

A catalog holds them as columns of its `products` table, named like Stripe's fields: `tax_code`,
`url`, `statement_descriptor`, `unit_label`, `shippable`, `images` (a JSON list of URLs, or one
URL a line), `package_dimensions` (JSON: height, length, width in inches, weight in ounces),
`marketing_features` (a JSON list of names) and `tax_behavior` (the price's). Each `check_*`
function takes the value as the catalog or a caller gives it and returns it in one form, or raises
ValueError saying in plain words what is wrong; `core.domain.row_rules` and the models use the
same functions, so import, edit and sync refuse the same values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

TaxBehavior = Literal["unspecified", "inclusive", "exclusive"]
TAX_BEHAVIORS: tuple[str, ...] = ("unspecified", "inclusive", "exclusive")
# The product's own optional fields (in the order the detail pane shows them), then the price's.
PRODUCT_FIELDS: tuple[str, ...] = (
    "url",
    "images",
    "statement_descriptor",
    "unit_label",
    "tax_code",
    "shippable",
    "package_dimensions",
    "marketing_features",
)
OPTIONAL_FIELDS: tuple[str, ...] = (*PRODUCT_FIELDS, "tax_behavior")
DIMENSIONS: tuple[str, ...] = ("height", "length", "weight", "width")

STATEMENT_DESCRIPTOR_LIMIT = 22
UNIT_LABEL_LIMIT = 12
URL_LIMIT = 2048
MAX_IMAGES = 8
MAX_FEATURES = 15
FEATURE_LIMIT = 80
LOOKUP_KEY_LIMIT = 200
_FORBIDDEN = "<>\\\"'"
_TAX_CODE_RE = re.compile(r"\Atxcd_[0-9]{8}\Z")
_URL_RE = re.compile(r"\Ahttps?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?\Z", re.IGNORECASE)

# Line breaks separate images or features given one a line; other control characters never pass.
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")

PackageDimensions = dict[str, float]


def check_url(value: Any, what: str = "") -> str:
    """A web address Stripe takes: http:// or https://, a host with a dot, no spaces. `what`
    names it in a message ("image 2"); "" for the `url` field itself."""
    start = f"{what} must" if what else "must"
    if not isinstance(value, str):
        raise ValueError(f"{start} be text (a web address)")
    text = value.strip()
    if len(text) > URL_LIMIT:
        raise ValueError(f"{start} be at most {URL_LIMIT:,} characters long")
    if not _URL_RE.match(text):
        raise ValueError(
            f"{start} be a full web address such as https://example.com/lamp (Stripe "
            "refuses anything else: “Not a valid URL”)"
        )
    return text


def check_statement_descriptor(value: Any) -> str:
    """At most 22 plain characters, at least one a letter, none of `< > \\ " '` (Stripe's rule;
    Stripe would drop other characters silently, so they are refused here instead)."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    if len(value) > STATEMENT_DESCRIPTOR_LIMIT:
        raise ValueError(
            f"must be at most {STATEMENT_DESCRIPTOR_LIMIT} characters long (it is printed on "
            "the customer's card statement)"
        )
    bad = sorted({c for c in value if c in _FORBIDDEN})
    if bad:
        raise ValueError(f"must not contain {' '.join(bad)} (Stripe refuses them)")
    if not value.isascii():
        raise ValueError("must use only plain letters, digits and punctuation (no accents)")
    if not any(c.isalpha() for c in value):
        raise ValueError("must contain at least one letter")
    return value


def check_unit_label(value: Any) -> str:
    """At most 12 characters (e.g. `per pack`)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be text such as “per pack”")
    if len(value) > UNIT_LABEL_LIMIT:
        raise ValueError(f"must be at most {UNIT_LABEL_LIMIT} characters long")
    return value


def check_tax_code(value: Any) -> str:
    """A Stripe tax code id: `txcd_` and eight digits (e.g. txcd_99999999, general goods)."""
    if not isinstance(value, str) or not _TAX_CODE_RE.match(value.strip()):
        raise ValueError(
            "must be a Stripe tax code such as txcd_99999999 (txcd_ and eight digits; see "
            "https://docs.stripe.com/tax/tax-codes)"
        )
    return value.strip()


def check_tax_behavior(value: Any) -> TaxBehavior:
    """`unspecified`, `inclusive` (the price includes tax) or `exclusive` (tax is added)."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text == "inclusive":
        return "inclusive"
    if text == "exclusive":
        return "exclusive"
    if text == "unspecified":
        return "unspecified"
    raise ValueError("must be unspecified, inclusive or exclusive")


def _json_or_lines(value: Any, what: str) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if not isinstance(value, str):
        raise ValueError(f"must be a list of {what}")
    text = value.strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"is not a readable JSON list ({err.msg})") from None
        if not isinstance(loaded, list):
            raise ValueError(f"must be a list of {what}")
        return loaded
    return [line.strip() for line in text.splitlines() if line.strip()]


def check_images(value: Any) -> tuple[str, ...]:
    """Up to 8 image web addresses: a list, a JSON list, or one a line."""
    items = _json_or_lines(value, "image web addresses")
    if len(items) > MAX_IMAGES:
        raise ValueError(f"Stripe takes at most {MAX_IMAGES} images, got {len(items)}")
    return tuple(check_url(item, f"image {i + 1}") for i, item in enumerate(items))


def check_marketing_features(value: Any) -> tuple[str, ...]:
    """Up to 15 feature names of at most 80 characters: a list (of names, or of {"name": …}), a
    JSON list, or one a line."""
    items = _json_or_lines(value, "feature names")
    if len(items) > MAX_FEATURES:
        raise ValueError(f"Stripe takes at most {MAX_FEATURES} features, got {len(items)}")
    out = []
    for i, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"feature {i + 1} must be a name (text)")
        if len(name) > FEATURE_LIMIT:
            raise ValueError(f"feature {i + 1} must be at most {FEATURE_LIMIT} characters long")
        out.append(name)
    return tuple(out)


def check_package_dimensions(value: Any) -> PackageDimensions:
    """Height, length and width in inches, weight in ounces: each a number above 0 with at most
    two decimals (Stripe's precision). A dict or a JSON object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as err:
            raise ValueError(
                f"is not readable JSON ({err.msg}); write it like "
                '{"height": 2, "length": 10, "weight": 16, "width": 8}'
            ) from None
    if not isinstance(value, dict):
        raise ValueError("must give height, length, weight and width")
    missing = [d for d in DIMENSIONS if d not in value]
    extra = sorted(str(k) for k in value if k not in DIMENSIONS)
    if missing or extra:
        what = f"misses {', '.join(missing)}" if missing else f"has unknown {', '.join(extra)}"
        raise ValueError(f"{what}: give exactly height, length, weight and width")
    out: PackageDimensions = {}
    for name in DIMENSIONS:
        raw = value[name]
        try:
            number = Decimal(str(raw)) if not isinstance(raw, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number <= 0:
            raise ValueError(f"{name} must be a number above 0, got {raw!r}")
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(f"{name} may have at most two decimals, got {raw!r}")
        out[name] = float(number)
    return out


def check_shippable(value: Any) -> bool:
    """True or false (SQLite may hand back 0/1)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise ValueError("must be true or false")


CHECKS: dict[str, Callable[[Any], Any]] = {
    "url": check_url,
    "images": check_images,
    "statement_descriptor": check_statement_descriptor,
    "unit_label": check_unit_label,
    "tax_code": check_tax_code,
    "shippable": check_shippable,
    "package_dimensions": check_package_dimensions,
    "marketing_features": check_marketing_features,
    "tax_behavior": check_tax_behavior,
}


def check_optional(name: str, value: Any) -> Any:
    """`value` of the optional field `name` in its one form; None (or blank text, or an empty
    list) stays None: the catalog gives no value. ValueError names what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, list | tuple) and not value and name in ("images", "marketing_features"):
        return None
    texts = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    if any(isinstance(t, str) and _CONTROL_RE.search(t) for t in texts):
        raise ValueError("must not contain control characters (tabs, line breaks inside a value)")
    return CHECKS[name](value)


def shown_value(name: str, value: Any) -> str:
    """An optional field's value as the plan and the detail pane show it ("" for none)."""
    if value is None or value == () or value == []:
        return ""
    if name == "shippable":
        return "yes" if value else "no"
    if name == "package_dimensions" and isinstance(value, dict):
        h, ln, w, wd = (_num(value.get(d)) for d in DIMENSIONS)
        return f"{ln} × {wd} × {h} in, {w} oz"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _num(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)


def check_lookup_key(value: Any) -> str | None:
    """The catalog's own lookup key for a product's price: text of at most 200 characters
    (Stripe's limit), no spaces at either end; blank = None (the tool derives one)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError("must be text")
    if value != value.strip():
        raise ValueError("must not start or end with a space")
    if len(value) > LOOKUP_KEY_LIMIT:
        raise ValueError(f"must be at most {LOOKUP_KEY_LIMIT} characters long (Stripe's limit)")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValueError("must not contain control characters")
    return value


class OptionalFields(BaseModel):
    """The optional fields of a product as the engine syncs it (`ProductSyncInput` extends it).

    None = the catalog gives no value. The planner compares a field only when the caller set it
    (`model_fields_set`: a catalog that owns the field always sets it, None included, which then
    clears Stripe's value) and it is not `unmanaged`; an unset field is left as Stripe has it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    images: tuple[str, ...] | None = None
    statement_descriptor: str | None = None
    unit_label: str | None = None
    tax_code: str | None = None
    shippable: bool | None = None
    package_dimensions: PackageDimensions | None = None
    marketing_features: tuple[str, ...] | None = None
    tax_behavior: TaxBehavior | None = None
    # The catalog's own key for the product's price (variants: `<key>:<variant id>`); None: the
    # tool derives it from the ids and keeps a key someone set by hand (README "Lookup keys").
    lookup_key: str | None = None

    @field_validator(*OPTIONAL_FIELDS, mode="before")
    @classmethod
    def _optional(cls, value: Any, info: ValidationInfo) -> Any:
        return check_optional(str(info.field_name), value)

    @field_validator("lookup_key", mode="before")
    @classmethod
    def _lookup_key(cls, value: Any) -> str | None:
        return check_lookup_key(value)

    def optional_values(self) -> dict[str, Any]:
        """The optional fields the caller set (the ones a sync compares), by name."""
        return {n: getattr(self, n) for n in OPTIONAL_FIELDS if n in self.model_fields_set}
