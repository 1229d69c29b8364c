"""A product's fields: built for `POST /v1/products` and for a price's `product_data`, changed by
`POST /v1/products/{id}` (facts §2.1–§2.4; docs/stripe-facts.md §2)."""

from __future__ import annotations

import re
from typing import Any

from core.sandbox import shapes
from core.sandbox.call import Call
from core.sandbox.errors import StripeApiError, empty_parameter, invalid, missing_parameter
from core.sandbox.fields import check_custom_id, merge_metadata
from core.sandbox.forms import as_bool, as_enum, as_list, as_str
from core.sandbox.store import Obj
from core.sandbox.tiers import sub

# Optional strings and their length limits (facts §2.1; docs/stripe-facts.md §2.1, §2.3).
OPTIONAL_STRINGS = {
    "description": 40000,
    "statement_descriptor": 22,
    "tax_code": 5000,
    "unit_label": 12,
    "url": 5000,
}
# `""` unsets these on update; nothing takes `""` on create (docs/stripe-facts.md §2.4).
UNSETTABLE = frozenset({"description", "tax_code", "unit_label", "url"})
# Only a `type=service` product takes these (docs/stripe-facts.md §2.5).
SERVICE_ONLY = ("statement_descriptor", "unit_label")
PRODUCT_DATA_PARAMS = {
    "active", "id", "metadata", "name", "statement_descriptor", "tax_code", "tax_details",
    "unit_label",
}  # fmt: skip
_FORBIDDEN = "<>\\\"'"
_URL_RE = re.compile(r"\Ahttps?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?\Z", re.IGNORECASE)
_TAX_CODE_RE = re.compile(r"\Atxcd_[0-9]{8}\Z")
IMAGE_URL_LIMIT = 2048  # [UNVERIFIED] (docs/stripe-facts.md §6.2)


def statement_descriptor(value: Any, param: str) -> str:
    """≤22 characters, none of `< > \\ " '`, at least one letter; non-ASCII characters are
    stripped (docs/stripe-facts.md §2.2)."""
    text = as_str(value, param, max_length=OPTIONAL_STRINGS["statement_descriptor"])
    if any(char in _FORBIDDEN for char in text):
        raise invalid(
            "The statement descriptor may not include any of these characters: < > \\ \" '",
            param=param,
        )
    kept = "".join(char for char in text if char.isascii())
    if not any(char.isalpha() for char in kept):
        raise invalid("The statement descriptor must contain at least one letter.", param=param)
    return kept


def web_address(value: Any, param: str, limit: int = 5000) -> str:
    """An absolute http(s) URL with a host that has a dot, no spaces: else "Not a valid URL"
    (`url_invalid`; docs/stripe-facts.md §6.2)."""
    text = as_str(value, param, max_length=limit)
    if not _URL_RE.match(text):
        raise invalid("Not a valid URL", param=param, code="url_invalid")
    return text


def tax_code(value: Any, param: str) -> str:
    """A tax code id: `txcd_` and eight digits; anything else is no such tax code
    (docs/stripe-facts.md §6.3)."""
    text = as_str(value, param, max_length=OPTIONAL_STRINGS["tax_code"])
    if not _TAX_CODE_RE.match(text):
        raise StripeApiError(
            400, f"No such tax code: '{text}'", code="resource_missing", param=param
        )
    return text


def name(params: dict[str, Any], prefix: str = "") -> str:
    """The required, non-empty product name (≤5000 characters)."""
    value = as_str(params["name"], sub(prefix, "name"), max_length=5000)
    if not value:
        raise empty_parameter(sub(prefix, "name"))
    return value


def apply_common(product: Obj, params: dict[str, Any], *, creating: bool, prefix: str = "") -> None:
    """Set the fields create and update share (values already known to be there)."""
    for field, limit in OPTIONAL_STRINGS.items():
        if field not in params:
            continue
        param = sub(prefix, field)
        if params[field] == "":
            if creating or field not in UNSETTABLE:
                raise empty_parameter(param)
            product[field] = None
        elif field == "statement_descriptor":
            product[field] = statement_descriptor(params[field], param)
        elif field == "url":
            product[field] = web_address(params[field], param)
        elif field == "tax_code":
            product[field] = tax_code(params[field], param)
        else:
            product[field] = as_str(params[field], param, max_length=limit)
    if "active" in params:
        product["active"] = as_bool(params["active"], sub(prefix, "active"))
    if "shippable" in params:
        product["shippable"] = (
            None if params["shippable"] == "" else as_bool(params["shippable"], "shippable")
        )
    if "images" in params:
        given = [] if params["images"] == "" else as_list(params["images"], "images")
        images = [
            web_address(image, f"images[{i}]", IMAGE_URL_LIMIT) for i, image in enumerate(given)
        ]
        if len(images) > 8:
            raise StripeApiError(
                400, "You can only specify up to 8 images.", param="images", validation=True
            )
        product["images"] = images
    if "marketing_features" in params:
        product["marketing_features"] = shapes.marketing_features(params["marketing_features"])
    if "package_dimensions" in params:
        product["package_dimensions"] = shapes.package_dimensions(params["package_dimensions"])
    if "tax_details" in params:
        product["tax_details"] = shapes.tax_details(params["tax_details"])
    if "metadata" in params:
        product["metadata"] = merge_metadata(product["metadata"], params["metadata"])
    if product["type"] != "service":
        for field in SERVICE_ONLY:
            if params.get(field):
                raise invalid(
                    f"`{field}` can only be set on products with `type=service`.",
                    param=sub(prefix, field),
                )


def build(call: Call, params: dict[str, Any], prefix: str = "") -> tuple[Obj, int]:
    """A new product from create parameters (checked; not yet stored) and its creation number.

    Refuses an `id` already taken (facts §2.5) before anything is written.
    """
    if "name" not in params:
        raise missing_parameter(sub(prefix, "name"))
    product_id = check_custom_id(params["id"]) if "id" in params else call.new_id("prod_")
    product: Obj = {
        "id": product_id,
        "object": "product",
        "active": True,
        "created": 0,
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": call.livemode,
        "marketing_features": [],
        "metadata": {},
        "name": name(params, prefix),
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "tax_details": None,
        "type": as_enum(params.get("type", "service"), "type", ["good", "service"]),
        "unit_label": None,
        "updated": 0,
        "url": None,
    }
    apply_common(product, params, creating=True, prefix=prefix)
    if call.data.products.get(product_id) is not None:
        raise StripeApiError(
            400, "Product already exists.", code="resource_already_exists", param="id"
        )
    seq, created = call.store.next_created()
    product["created"] = product["updated"] = created
    return product, seq


def insert(call: Call, product: Obj, seq: int) -> None:
    """Store a product `build` made."""
    call.data.products.insert(product, seq, call.now, call.lag)
