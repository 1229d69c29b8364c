"""`/v1/products`: create, retrieve, update, delete, list, search (facts §2, §3, §5, §6)."""

from __future__ import annotations

from typing import Any

from core.sandbox import events, listing, price_fields, prices, product_fields
from core.sandbox.call import Call
from core.sandbox.errors import StripeApiError, resource_missing
from core.sandbox.forms import as_bool, as_enum, as_expand, as_list, as_str, check_known
from core.sandbox.search import PRODUCT_FIELDS
from core.sandbox.store import Obj
from core.sandbox.timefilter import created_filter

CREATE_PARAMS = {
    "active", "default_price_data", "description", "expand", "id", "images", "marketing_features",
    "metadata", "name", "package_dimensions", "shippable", "statement_descriptor", "tax_code",
    "tax_details", "type", "unit_label", "url",
}  # fmt: skip
UPDATE_PARAMS = {
    "active", "default_price", "description", "expand", "images", "marketing_features",
    "metadata", "name", "package_dimensions", "shippable", "statement_descriptor", "tax_code",
    "tax_details", "unit_label", "url",
}  # fmt: skip
LIST_PARAMS = {
    "active", "created", "ending_before", "expand", "ids", "limit", "shippable",
    "starting_after", "type", "url",
}  # fmt: skip
PRODUCTS = listing.Resource(
    kind="product",
    plural="products",
    collection=lambda data: data.products,
    linked=lambda data: data.prices,
    expandable="default_price",
    search_fields=PRODUCT_FIELDS,
)


def create(call: Call) -> Obj:
    """POST /v1/products (facts §2.1, §2.3–§2.5, §2.7; docs/stripe-facts.md §2)."""
    params = call.params
    check_known(params, CREATE_PARAMS)
    expand = as_expand(params, ["default_price"])
    product, seq = product_fields.build(call, params)
    price_data = None
    if "default_price_data" in params:
        price_data = price_fields.check_default_price_data(params["default_price_data"])
    product_fields.insert(call, product, seq)
    if price_data is not None:
        price = prices.create_for_product(call, product["id"], price_data)
        product["default_price"] = price["id"]
        call.data.products.record_write(product["id"], call.now, call.lag)
    events.publish(call)
    return PRODUCTS.render(call, product, expand)


def _get(call: Call) -> Obj:
    return listing.get_object(call, PRODUCTS)


def retrieve(call: Call) -> Obj:
    """GET /v1/products/{id}."""
    check_known(call.params, {"expand"})
    expand = as_expand(call.params, ["default_price"])
    return PRODUCTS.render(call, _get(call), expand)


def update(call: Call) -> Obj:
    """POST /v1/products/{id}: only the updatable fields; metadata merges."""
    params = call.params
    check_known(params, UPDATE_PARAMS)
    expand = as_expand(params, ["default_price"])
    current = _get(call)
    product = dict(current)
    if "name" in params:
        product["name"] = product_fields.name(params)
    product_fields.apply_common(product, params, creating=False)
    if "default_price" in params:
        product["default_price"] = _check_default_price(call, params["default_price"])
    product["updated"] = max(int(call.now), product["created"])
    call.data.products.replace(product)
    call.data.products.record_write(product["id"], call.now, call.lag)
    events.publish(call)
    return PRODUCTS.render(call, product, expand)


def _check_default_price(call: Call, value: Any) -> str | None:
    price_id = as_str(value, "default_price")
    if not price_id:
        return None
    price = call.data.prices.get(price_id)
    if price is None:
        raise resource_missing("price", price_id, param="default_price", status=400)
    if price["product"] != call.object_id:
        raise StripeApiError(
            400,
            f"The price `{price_id}` does not belong to this product and cannot be its default price.",
            param="default_price",
        )
    return price_id


def delete(call: Call) -> Obj:
    """DELETE /v1/products/{id}: refused while the product has prices (facts §2.9)."""
    check_known(call.params, set())
    product = _get(call)
    if call.data.prices_by_product.get(product["id"]):
        raise StripeApiError(
            400,
            "This product cannot be deleted because it has one or more user-created prices.",
        )
    call.data.products.delete(product["id"], call.now, call.lag)
    call.data.prices_by_product.pop(product["id"], None)
    events.publish(call)
    return {"id": product["id"], "object": "product", "deleted": True}


def list_products(call: Call) -> Obj:
    """GET /v1/products: newest first, filters, cursors (facts §5.1, §5.2)."""
    params = call.params
    check_known(params, LIST_PARAMS)
    expand = as_expand(params, ["data.default_price"])
    active = as_bool(params["active"], "active") if "active" in params else None
    shippable = as_bool(params["shippable"], "shippable") if "shippable" in params else None
    kind = as_enum(params["type"], "type", ["good", "service"]) if "type" in params else None
    url = as_str(params["url"], "url") if "url" in params else None
    created_ok = created_filter(params)
    candidates = None
    if "ids" in params:
        listing.exclusive(params, "ids", "starting_after")
        listing.exclusive(params, "ids", "ending_before")
        wanted = {as_str(i, "ids") for i in as_list(params["ids"], "ids")}
        found = [p for i in wanted if (p := call.data.products.get(i)) is not None]
        candidates = listing.newest_first(call.data.products, found)

    def matches(product: Obj) -> bool:
        return (
            (active is None or product["active"] == active)
            and (shippable is None or product["shippable"] == shippable)
            and (kind is None or product["type"] == kind)
            and (url is None or product["url"] == url)
            and created_ok(product["created"])
        )

    return listing.list_page(call, PRODUCTS, expand=expand, matches=matches, candidates=candidates)


def search(call: Call) -> Obj:
    """GET /v1/products/search: eventually consistent (objects appear after the lag, §6.4)."""
    return listing.search(call, PRODUCTS)
