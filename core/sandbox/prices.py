"""`/v1/prices`: create, retrieve, update, list, search; no delete (facts §4)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.sandbox import listing, shapes
from core.sandbox.call import Call, random_id
from core.sandbox.errors import StripeApiError, invalid, missing_parameter, resource_missing
from core.sandbox.fields import UNIT_AMOUNT_MAX, check_currency, check_unit_amount, merge_metadata
from core.sandbox.forms import (
    as_bool,
    as_enum,
    as_expand,
    as_hash,
    as_int,
    as_list,
    as_str,
    check_known,
)
from core.sandbox.search import PRICE_FIELDS
from core.sandbox.store import Obj
from core.sandbox.timefilter import created_filter

CREATE_PARAMS = {
    "active", "currency", "currency_options", "custom_unit_amount", "expand", "lookup_key",
    "metadata", "nickname", "product", "recurring", "tax_behavior", "transfer_lookup_key",
    "unit_amount", "unit_amount_decimal",
}  # fmt: skip
# Everything else (unit_amount, currency, product, ...) is immutable (facts §4.1).
UPDATE_PARAMS = {
    "active", "currency_options", "expand", "lookup_key", "metadata", "nickname", "tax_behavior",
    "transfer_lookup_key",
}  # fmt: skip
DEFAULT_PRICE_DATA_PARAMS = {
    "currency", "currency_options", "custom_unit_amount", "metadata", "recurring", "tax_behavior",
    "unit_amount", "unit_amount_decimal",
}  # fmt: skip
# `currency_options` is only shown when asked for (facts §4.8).
EXPAND = ["product", "currency_options"]
LIST_PARAMS = {
    "active", "created", "currency", "ending_before", "expand", "limit", "lookup_keys", "product",
    "starting_after", "type",
}  # fmt: skip
TAX_BEHAVIORS = ["exclusive", "inclusive", "unspecified"]
_DECIMAL_RE = re.compile(r"\A[0-9]+(\.[0-9]{1,12})?\Z")


PRICES = listing.Resource(
    kind="price",
    plural="prices",
    collection=lambda data: data.prices,
    linked=lambda data: data.products,
    expandable="product",
    search_fields=PRICE_FIELDS,
    hidden=("currency_options",),
)


def _amounts(params: dict[str, Any], prefix: str = "") -> tuple[int | None, str | None]:
    """`unit_amount` or `unit_amount_decimal` (exactly one) → (unit_amount, unit_amount_decimal)."""
    has_int, has_dec = "unit_amount" in params, "unit_amount_decimal" in params
    if has_int and has_dec:
        raise invalid(
            "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
            param=prefix + "unit_amount",
            code="parameters_exclusive",
        )
    if has_int:
        amount = check_unit_amount(params["unit_amount"], prefix + "unit_amount")
        return amount, str(amount)
    if has_dec:
        text = as_str(params["unit_amount_decimal"], prefix + "unit_amount_decimal")
        try:
            value = Decimal(text) if _DECIMAL_RE.match(text) else None
        except InvalidOperation:
            value = None
        if value is None:
            raise invalid(f"Invalid decimal: {text}", param=prefix + "unit_amount_decimal")
        if value > UNIT_AMOUNT_MAX:
            raise invalid(
                f"This value must be less than or equal to {UNIT_AMOUNT_MAX}.",
                param=prefix + "unit_amount_decimal",
            )
        integral = value == value.to_integral_value()
        return (int(value) if integral else None), (str(int(value)) if integral else text)
    if "custom_unit_amount" in params:
        return None, None  # the customer chooses the amount
    raise missing_parameter(prefix + "unit_amount")


def _recurring(value: Any, prefix: str) -> Obj:
    recurring = as_hash(value, prefix + "recurring")
    check_known(recurring, {"interval", "interval_count", "usage_type"}, prefix + "recurring")
    if "interval" not in recurring:
        raise missing_parameter(prefix + "recurring[interval]")
    interval = as_enum(
        recurring["interval"], prefix + "recurring[interval]", ["day", "week", "month", "year"]
    )
    count = as_int(recurring.get("interval_count", "1"), prefix + "recurring[interval_count]")
    if count < 1:
        raise invalid(
            "This value must be greater than or equal to 1.",
            param=prefix + "recurring[interval_count]",
        )
    usage = as_enum(
        recurring.get("usage_type", "licensed"),
        prefix + "recurring[usage_type]",
        ["licensed", "metered"],
    )
    return {
        "interval": interval,
        "interval_count": count,
        "meter": None,
        "trial_period_days": None,
        "usage_type": usage,
    }


def _new_fields(params: dict[str, Any], prefix: str = "") -> Obj:
    """Validate the create-time fields shared by POST /v1/prices and `default_price_data`."""
    if "currency" not in params:
        raise missing_parameter(prefix + "currency")
    currency = check_currency(params["currency"], prefix + "currency")
    unit_amount, unit_amount_decimal = _amounts(params, prefix)
    recurring = _recurring(params["recurring"], prefix) if "recurring" in params else None
    tax = params.get("tax_behavior", "unspecified")
    custom = (
        shapes.custom_unit_amount(params["custom_unit_amount"], prefix + "custom_unit_amount")
        if "custom_unit_amount" in params
        else None
    )
    options = (
        shapes.currency_options(params["currency_options"], prefix)
        if "currency_options" in params
        else {}
    )
    return {
        "custom_unit_amount": custom,
        "currency_options": options,
        "currency": currency,
        "unit_amount": unit_amount,
        "unit_amount_decimal": unit_amount_decimal,
        "recurring": recurring,
        "type": "recurring" if recurring else "one_time",
        "tax_behavior": as_enum(tax, prefix + "tax_behavior", TAX_BEHAVIORS),
        "metadata": merge_metadata({}, params.get("metadata", {})),
    }


def check_default_price_data(value: Any) -> Obj:
    """Validate a product's `default_price_data` before anything is written (facts §2.7)."""
    data = as_hash(value, "default_price_data")
    check_known(data, DEFAULT_PRICE_DATA_PARAMS, "default_price_data")
    return _new_fields(data, "default_price_data[")


def _build(call: Call, product_id: str, fields: Obj) -> Obj:
    seq, created = call.store.next_created()
    price: Obj = {
        "id": random_id("price_"),
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": fields["currency"],
        "currency_options": {
            **fields["currency_options"],
            fields["currency"]: {
                "custom_unit_amount": fields["custom_unit_amount"],
                "tax_behavior": fields["tax_behavior"],
                "unit_amount": fields["unit_amount"],
                "unit_amount_decimal": fields["unit_amount_decimal"],
            },
        },
        "custom_unit_amount": fields["custom_unit_amount"],
        "livemode": call.livemode,
        "lookup_key": None,
        "metadata": fields["metadata"],
        "nickname": None,
        "product": product_id,
        "recurring": fields["recurring"],
        "tax_behavior": fields["tax_behavior"],
        "tiers_mode": None,
        "transform_quantity": None,
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
        call.data.prices.objects[old_id] = old
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


def create(call: Call) -> Obj:
    """POST /v1/prices: the product must exist; `id` is not accepted (facts §4.4)."""
    params = call.params
    check_known(params, CREATE_PARAMS)
    expand = as_expand(params, EXPAND)
    if "product" not in params:
        raise missing_parameter("product")
    product_id = as_str(params["product"], "product")
    fields = _new_fields(params)
    active = as_bool(params["active"], "active") if "active" in params else True
    nickname = (
        as_str(params["nickname"], "nickname", max_length=5000) if "nickname" in params else ""
    )
    key, transfer = _lookup_key_param(params) if "lookup_key" in params else (None, False)
    if call.data.products.get(product_id) is None:
        raise resource_missing("product", product_id, param="product", status=400)
    price = _build(call, product_id, fields)
    price["active"] = active
    price["nickname"] = nickname or None
    strip_from = _claim_lookup_key(call, price, key, transfer)
    _set_lookup_key(call, price, key, strip_from)
    _insert(call, price)
    return PRICES.render(call, price, expand)


def _get(call: Call) -> Obj:
    return listing.get_object(call, PRICES)


def retrieve(call: Call) -> Obj:
    """GET /v1/prices/{id}."""
    check_known(call.params, {"expand"})
    return PRICES.render(call, _get(call), as_expand(call.params, EXPAND))


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
        price["currency_options"] = {
            **price.get("currency_options", {}),
            **shapes.currency_options(params["currency_options"]),
        }
    if "tax_behavior" in params:
        tax = as_enum(params["tax_behavior"], "tax_behavior", TAX_BEHAVIORS)
        if price["tax_behavior"] in ("inclusive", "exclusive") and tax != price["tax_behavior"]:
            raise invalid(
                "You cannot change `tax_behavior` once it has been set to inclusive or exclusive.",
                param="tax_behavior",
            )
        price["tax_behavior"] = tax
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
    call.data.prices.objects[price["id"]] = price
    if "lookup_key" in params:
        _set_lookup_key(call, price, key, strip_from)
    call.data.prices.record_write(price["id"], call.now, call.lag)
    return PRICES.render(call, price, expand)


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

    def matches(price: Obj) -> bool:
        return (
            (active is None or price["active"] == active)
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
