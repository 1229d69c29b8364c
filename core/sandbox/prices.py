"""`/v1/prices`: create, retrieve, update, list, search; no delete (facts §4).

The create-time fields are checked in `price_fields` (amounts, recurring, currency options) and
`tiers` (tiered prices, quantity transforms); see docs/stripe-facts.md §1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.sandbox import events, listing, price_fields, product_fields
from core.sandbox.call import Call
from core.sandbox.errors import StripeApiError, invalid, missing_parameter, resource_missing
from core.sandbox.fields import check_currency, merge_metadata
from core.sandbox.forms import (
    as_bool,
    as_enum,
    as_expand,
    as_hash,
    as_list,
    as_str,
    check_known,
)
from core.sandbox.search import PRICE_FIELDS
from core.sandbox.store import Obj
from core.sandbox.timefilter import created_filter

CREATE_PARAMS = {
    "active", "billing_scheme", "currency", "currency_options", "custom_unit_amount", "expand",
    "lookup_key", "metadata", "nickname", "product", "product_data", "recurring", "tax_behavior",
    "tiers", "tiers_mode", "transfer_lookup_key", "transform_quantity", "unit_amount",
    "unit_amount_decimal",
}  # fmt: skip
# Everything else (unit_amount, currency, product, tiers, ...) is immutable (facts §4.1).
UPDATE_PARAMS = {
    "active", "currency_options", "expand", "lookup_key", "metadata", "nickname", "tax_behavior",
    "transfer_lookup_key",
}  # fmt: skip
# `currency_options` and `tiers` are only shown when asked for (facts §4.8; stripe-facts §1.8).
EXPAND = ["product", "currency_options", "tiers"]
LIST_PARAMS = {
    "active", "created", "currency", "ending_before", "expand", "limit", "lookup_keys", "product",
    "recurring", "starting_after", "type",
}  # fmt: skip
TAX_FIXED_MESSAGE = (
    "You cannot change `tax_behavior` once it has been set to inclusive or exclusive."
)


PRICES = listing.Resource(
    kind="price",
    plural="prices",
    collection=lambda data: data.prices,
    linked=lambda data: data.products,
    expandable="product",
    search_fields=PRICE_FIELDS,
    hidden=("currency_options", "tiers"),
)


def _build(call: Call, product_id: str, fields: Obj) -> Obj:
    seq, created = call.store.next_created()
    price: Obj = {
        "id": call.new_id("price_"),
        "object": "price",
        "active": True,
        "billing_scheme": fields["billing_scheme"],
        "created": created,
        "currency": fields["currency"],
        "currency_options": {
            **fields["currency_options"],
            fields["currency"]: price_fields.top_option(fields),
        },
        "custom_unit_amount": fields["custom_unit_amount"],
        "livemode": call.livemode,
        "lookup_key": None,
        "metadata": fields["metadata"],
        "nickname": None,
        "product": product_id,
        "recurring": fields["recurring"],
        "tax_behavior": fields["tax_behavior"],
        "tiers": fields["tiers"],
        "tiers_mode": fields["tiers_mode"],
        "transform_quantity": fields["transform_quantity"],
        "type": fields["type"],
        "unit_amount": fields["unit_amount"],
        "unit_amount_decimal": fields["unit_amount_decimal"],
    }
    price["_seq"] = seq
    return price


def _insert(call: Call, price: Obj) -> None:
    seq = price.pop("_seq")
    call.data.add_price(price, seq, call.now, call.lag)


def create_for_product(call: Call, product_id: str, fields: Obj) -> Obj:
    """Create the price `default_price_data` described (already validated)."""
    price = _build(call, product_id, fields)
    _insert(call, price)
    return price


def _claim_lookup_key(call: Call, price: Obj, key: str | None, transfer: bool) -> list[str]:
    """Check a lookup key is free (or may be taken over); return the price ids to strip it from."""
    if not key:
        return []
    owner = call.data.lookup_keys.get(key)
    if owner is None or owner == price["id"]:
        return []
    if not transfer:
        raise StripeApiError(
            400, f"A price (`{owner}`) already uses that lookup key.", param="lookup_key"
        )
    return [owner]


def _set_lookup_key(call: Call, price: Obj, key: str | None, strip_from: list[str]) -> None:
    for old_id in strip_from:
        old = dict(call.data.prices.objects[old_id])
        old["lookup_key"] = None
        call.data.prices.replace(old)
        call.data.prices.record_write(old_id, call.now, call.lag)
    if price.get("lookup_key") and call.data.lookup_keys.get(price["lookup_key"]) == price["id"]:
        del call.data.lookup_keys[price["lookup_key"]]
    price["lookup_key"] = key
    if key:
        call.data.lookup_keys[key] = price["id"]


def _lookup_key_param(params: dict[str, Any]) -> tuple[str | None, bool]:
    key = as_str(params["lookup_key"], "lookup_key", max_length=200) or None
    transfer = (
        as_bool(params["transfer_lookup_key"], "transfer_lookup_key")
        if "transfer_lookup_key" in params
        else False
    )
    return key, transfer


def _new_product(call: Call, params: dict[str, Any]) -> tuple[Obj, int] | None:
    """The product `product_data` describes (checked, not stored), or None when `product` names
    an existing one (docs/stripe-facts.md §1.13)."""
    if "product" in params and "product_data" in params:
        raise invalid(
            "You may only specify one of these parameters: product, product_data.",
            param="product",
            code="parameters_exclusive",
        )
    if "product_data" in params:
        data = as_hash(params["product_data"], "product_data")
        check_known(data, product_fields.PRODUCT_DATA_PARAMS, "product_data")
        return product_fields.build(call, data, "product_data")
    if "product" not in params:
        raise missing_parameter("product")
    product_id = as_str(params["product"], "product")
    if call.data.products.get(product_id) is None:
        raise resource_missing("product", product_id, param="product", status=400)
    return None


def create(call: Call) -> Obj:
    """POST /v1/prices: an existing `product` or a new one from `product_data`; `id` is not
    accepted (facts §4.4)."""
    params = call.params
    check_known(params, CREATE_PARAMS)
    expand = as_expand(params, EXPAND)
    fields = price_fields.new_fields(params)
    active = as_bool(params["active"], "active") if "active" in params else True
    nickname = (
        as_str(params["nickname"], "nickname", max_length=5000) if "nickname" in params else ""
    )
    key, transfer = _lookup_key_param(params) if "lookup_key" in params else (None, False)
    new_product = _new_product(call, params)
    product_id = new_product[0]["id"] if new_product else str(params["product"])
    price = _build(call, product_id, fields)
    price["active"] = active
    price["nickname"] = nickname or None
    strip_from = _claim_lookup_key(call, price, key, transfer)
    if new_product is not None:
        product_fields.insert(call, *new_product)
    _set_lookup_key(call, price, key, strip_from)
    _insert(call, price)
    events.publish(call)
    return PRICES.render(call, price, expand)


def _get(call: Call) -> Obj:
    return listing.get_object(call, PRICES)


def retrieve(call: Call) -> Obj:
    """GET /v1/prices/{id}."""
    check_known(call.params, {"expand"})
    return PRICES.render(call, _get(call), as_expand(call.params, EXPAND))


def _check_tax_change(old: str, new: str, param: str) -> None:
    """`tax_behavior` moves from `unspecified` once, then never changes (facts §4.2)."""
    if old in ("inclusive", "exclusive") and new != old:
        raise invalid(TAX_FIXED_MESSAGE, param=param)


def _updated_options(price: Obj, value: Any) -> dict[str, Obj]:
    """Apply `currency_options` on update: entries are added or replaced (an entry given without
    `tax_behavior` keeps its own), `""` removes all but the price's own currency (facts §4.8)."""
    top = price["currency"]
    current: dict[str, Obj] = dict(price.get("currency_options") or {})
    if value == "":
        return {top: current[top]}
    raw = as_hash(value, "currency_options")
    tiered = price["billing_scheme"] == "tiered"
    new = price_fields.currency_options(raw, "", top, tiered)
    for code, entry in new.items():
        old = current.get(code)
        if old is None:
            continue
        given = raw.get(code.upper(), raw.get(code))
        if isinstance(given, dict) and "tax_behavior" not in given:
            entry["tax_behavior"] = old["tax_behavior"]
        param = f"currency_options[{code}][tax_behavior]"
        _check_tax_change(old["tax_behavior"], entry["tax_behavior"], param)
    return {**current, **new}


def update(call: Call) -> Obj:
    """POST /v1/prices/{id}: only the fields Stripe lets change (facts §4.1, §4.2, §4.6)."""
    params = call.params
    check_known(params, UPDATE_PARAMS)
    expand = as_expand(params, EXPAND)
    price = dict(_get(call))
    if "active" in params:
        price["active"] = as_bool(params["active"], "active")
    if "nickname" in params:
        price["nickname"] = as_str(params["nickname"], "nickname", max_length=5000) or None
    if "metadata" in params:
        price["metadata"] = merge_metadata(price["metadata"], params["metadata"])
    if "currency_options" in params:
        price["currency_options"] = _updated_options(price, params["currency_options"])
    if "tax_behavior" in params:
        tax = as_enum(params["tax_behavior"], "tax_behavior", price_fields.TAX_BEHAVIORS)
        _check_tax_change(price["tax_behavior"], tax, "tax_behavior")
        price["tax_behavior"] = tax
        options = dict(price["currency_options"])
        options[price["currency"]] = {**options[price["currency"]], "tax_behavior": tax}
        price["currency_options"] = options
    key, transfer = _lookup_key_param(params) if "lookup_key" in params else (None, False)
    if "transfer_lookup_key" in params and "lookup_key" not in params:
        as_bool(params["transfer_lookup_key"], "transfer_lookup_key")
    strip_from = _claim_lookup_key(call, price, key, transfer) if "lookup_key" in params else []
    product = call.data.products.get(price["product"])
    if not price["active"] and product is not None and product["default_price"] == price["id"]:
        raise StripeApiError(
            400,
            "This price cannot be archived because it is the default price of its product.",
            param="active",
        )
    call.data.prices.replace(price)
    if "lookup_key" in params:
        _set_lookup_key(call, price, key, strip_from)
    call.data.prices.record_write(price["id"], call.now, call.lag)
    events.publish(call)
    return PRICES.render(call, price, expand)


def _recurring_filter(params: dict[str, Any]) -> Callable[[Obj], bool]:
    """The `recurring[interval|meter|usage_type]` list filter: only recurring prices with these
    values (docs/stripe-facts.md §1.14)."""
    if "recurring" not in params:
        return lambda _price: True
    data = as_hash(params["recurring"], "recurring")
    check_known(data, {"interval", "meter", "usage_type"}, "recurring")
    wanted: dict[str, str] = {}
    if "interval" in data:
        wanted["interval"] = as_enum(
            data["interval"], "recurring[interval]", price_fields.INTERVALS
        )
    if "usage_type" in data:
        wanted["usage_type"] = as_enum(
            data["usage_type"], "recurring[usage_type]", ["licensed", "metered"]
        )
    if "meter" in data:
        wanted["meter"] = as_str(data["meter"], "recurring[meter]")

    def check(price: Obj) -> bool:
        recurring = price["recurring"]
        return recurring is not None and all(recurring[k] == v for k, v in wanted.items())

    return check


def list_prices(call: Call) -> Obj:
    """GET /v1/prices: both active and archived unless `active` is given (facts §4.10)."""
    params = call.params
    check_known(params, LIST_PARAMS)
    expand = as_expand(params, ["data." + e for e in EXPAND])
    active = as_bool(params["active"], "active") if "active" in params else None
    currency = check_currency(params["currency"]) if "currency" in params else None
    product = as_str(params["product"], "product") if "product" in params else None
    kind = as_enum(params["type"], "type", ["one_time", "recurring"]) if "type" in params else None
    keys = None
    if "lookup_keys" in params:
        keys = {as_str(k, "lookup_keys") for k in as_list(params["lookup_keys"], "lookup_keys")}
        if len(keys) > 10:
            raise invalid("You can pass at most 10 lookup_keys.", param="lookup_keys")
    created_ok = created_filter(params)
    recurring_ok = _recurring_filter(params)

    def matches(price: Obj) -> bool:
        return (
            recurring_ok(price)
            and (active is None or price["active"] == active)
            and (currency is None or price["currency"] == currency)
            and (product is None or price["product"] == product)
            and (kind is None or price["type"] == kind)
            and (keys is None or price["lookup_key"] in keys)
            and created_ok(price["created"])
        )

    candidates = None
    if product is not None and "starting_after" not in params and "ending_before" not in params:
        ids = call.data.prices_by_product.get(product, set())
        candidates = listing.newest_first(
            call.data.prices, (call.data.prices.objects[i] for i in ids)
        )
    return listing.list_page(call, PRICES, expand=expand, matches=matches, candidates=candidates)


def search(call: Call) -> Obj:
    """GET /v1/prices/search (eventually consistent, facts §6.4)."""
    return listing.search(call, PRICES)
