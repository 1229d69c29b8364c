"""Stripe's products and prices as read: compact, frozen records (`RemotePrice`, `RemoteProduct`).

A status holds one of each per Stripe object (30,000 products and more), so they are slotted
dataclasses, not pydantic models: no per-instance `__dict__` or set of the fields given (a
pydantic `RemotePrice` took ~2.2 KB, this one well under half). Repeated words (currency, type,
metadata keys, `managed_by`) are interned and an empty mapping is one shared, read-only object.
The values are typed and checked where they are made (`core.engine.convert`, from Stripe's JSON);
`model_copy`, `model_dump`, `model_dump_json`, `model_validate` and `model_validate_json` keep the
names the callers (and the mirror's JSON) use.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import sys
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Self

# Metadata keys the tool owns on Stripe objects. Other keys (added by hand in Stripe) are left alone.
META_LOCAL_ID = "local_id"
META_SELL_STATUS = "sell_status"
META_VARIANT_ID = "variant_id"
META_MANAGED_BY = "managed_by"
MANAGED_BY_VALUE = "stripe-sync-admin"

# One shared, read-only empty mapping: most products have no optional fields, most prices no
# amounts in other currencies.
EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY  # a default for the records' mappings (dataclasses refuse a mapping as default)


# Metadata values kept once: repeated words, and ids that other fields hold too (a product's id
# is also its `local_id`, its prices' `product` and often their lookup key).
_SHARED_VALUES = frozenset({META_MANAGED_BY, META_SELL_STATUS, META_LOCAL_ID, META_VARIANT_ID})


def word(text: str) -> str:
    """The one copy of a word or id that several objects or fields hold ("usd", "one_time", a
    product's id: its own, its prices' `product`, its `local_id` tag)."""
    return sys.intern(text)


def maybe_word(value: Any) -> str | None:
    """`word` for an optional value (None stays None)."""
    return None if value is None else sys.intern(str(value))


def metadata(data: Mapping[Any, Any] | None) -> Mapping[str, str]:
    """Stripe metadata as strings, its keys (and the tool's repeated values) kept once."""
    if not data:
        return EMPTY
    out: dict[str, str] = {}
    for key, value in data.items():
        name = sys.intern(str(key))
        out[name] = sys.intern(str(value)) if name in _SHARED_VALUES else str(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.model_dump()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_NO_ITEMS: dict[str, Any] = {}  # encoded only, never changed


def _getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    getter = _GETTERS.get(cls)
    if getter is None:
        getter = _GETTERS[cls] = operator.attrgetter(*_field_names(cls))
    return getter


def _json_default(value: Any) -> Any:
    if isinstance(value, _Record):
        return value.model_dump()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


# One encoder (the C one) for every record the mirror stores: 40,000 objects in a full read.
_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_json_default)


class _Record:
    """What a slotted record shares: copies with changes, and its fields as a dict or JSON."""

    __slots__ = ()

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with `update`'s fields changed (not checked, like pydantic's)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        """The fields as plain dicts, lists and values (nested records too), minus `exclude`."""
        skip = exclude or ()
        return {
            name: _plain(getattr(self, name))
            for name in _field_names(type(self))
            if name not in skip
        }

    def model_dump_json(self, *, exclude: set[str] | None = None) -> str:
        """The fields as JSON (see `model_dump`)."""
        values = dict(zip(_field_names(type(self)), _getter(type(self))(self), strict=True))
        for name in exclude or ():
            del values[name]
        for name, value in values.items():
            if value is EMPTY:
                values[name] = _NO_ITEMS  # the C encoder's own type: no call back per object
        return _ENCODER.encode(values)

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """A record from a dict of its fields (keys it has no field for are ignored)."""
        if isinstance(data, cls):
            return data
        names = _field_names(cls)
        return cls._from_fields({k: v for k, v in data.items() if k in names})

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        """A record from `model_dump_json`'s output."""
        return cls.model_validate(json.loads(text))

    @classmethod
    def _from_fields(cls, values: dict[str, Any]) -> Self:
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class RemotePrice(_Record):
    """A Stripe price as read."""

    id: str
    product: str
    unit_amount: int | None
    currency: str
    active: bool
    nickname: str | None = None
    metadata: Mapping[str, str] = dataclasses.field(default_factory=_empty)
    lookup_key: str | None = None
    livemode: bool = False
    created: int = 0
    type: str = "one_time"  # or "recurring"
    billing_scheme: str = "per_unit"  # or "tiered"
    recurring_interval: str | None = None  # "month", … for a recurring price
    custom_amount: bool = False  # the customer chooses the amount (custom_unit_amount)
    # Amounts in other currencies (Stripe's currency_options, without the price's own currency):
    # currency → unit_amount. None: not read (Stripe shows them only when expanded), so not compared.
    currency_options: Mapping[str, int] | None = None
    tax_behavior: str | None = None  # unspecified, inclusive or exclusive (None: not read)

    @classmethod
    def _from_fields(cls, values: dict[str, Any]) -> Self:
        values["metadata"] = metadata(values.get("metadata"))
        for name in ("id", "product", "currency", "type", "billing_scheme", "lookup_key"):
            if isinstance(values.get(name), str):
                values[name] = word(values[name])
        if values.get("currency_options") == {}:
            values["currency_options"] = EMPTY
        return cls(**values)

    @property
    def kind_refusal(self) -> str | None:
        """Why the catalog cannot hold this price as a product's or variant's price (None: it can).

        The catalog holds one fixed amount per unit, paid once: a subscription, a tiered price or
        one whose amount the customer chooses has no place there.
        """
        if self.type == "recurring":
            return f"a subscription price (every {self.recurring_interval or 'period'})"
        if self.billing_scheme == "tiered":
            return "a tiered price"
        if self.custom_amount or self.unit_amount is None:
            return "a price whose amount the customer chooses"
        return None


@dataclasses.dataclass(frozen=True, slots=True)
class RemoteProduct(_Record):
    """A Stripe product as read, with its prices (active and archived) when they were listed."""

    id: str
    name: str
    description: str | None = None
    active: bool = True
    metadata: Mapping[str, str] = dataclasses.field(default_factory=_empty)
    default_price: str | None = None
    livemode: bool = False
    created: int = 0
    updated: int = 0
    prices: tuple[RemotePrice, ...] = ()
    # Optional fields (core.domain.product_fields) as Stripe holds them: field → value, compared
    # in the catalog's form (images and features as tuples); a field Stripe has none of is absent.
    fields: Mapping[str, Any] = dataclasses.field(default_factory=_empty)

    @classmethod
    def _from_fields(cls, values: dict[str, Any]) -> Self:
        values["metadata"] = metadata(values.get("metadata"))
        for name in ("id", "default_price"):
            if isinstance(values.get(name), str):
                values[name] = word(values[name])
        values["prices"] = tuple(RemotePrice.model_validate(p) for p in values.get("prices", ()))
        # JSON has lists where the catalog's form has tuples (images, feature names).
        found = values.get("fields") or {}
        values["fields"] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in found.items()
        } or EMPTY
        return cls(**values)

    @property
    def local_id(self) -> str | None:
        """The local product id the tool tagged this product with, if any."""
        return self.metadata.get(META_LOCAL_ID)

    def default_price_object(self) -> RemotePrice | None:
        """The product's default price, when it was read."""
        for price in self.prices:
            if price.id == self.default_price:
                return price
        return None

    def active_price_for_variant(
        self, variant_id: str | None, linked: str | None = None
    ) -> RemotePrice | None:
        """The active price that sells `variant_id` (None: the product's own price).

        `linked`: the price this unit is linked to (adopted, or written before), when it is still
        an active price of this product. Else a variant's price is the one tagged with its
        `variant_id`. The product's own price is one the tool manages (`managed_by`/`local_id`
        tags) when there is one, even when a price made by hand is the default (design §3: the
        tool touches what it owns); an untagged one-time price is adopted only when no managed one
        exists (subscriptions, tiered and customer-chosen prices never are). Among several, the
        default, then the newest.
        """
        if linked:
            for price in self.prices:
                if price.id == linked and price.active and price.kind_refusal is None:
                    return price
        candidates = [p for p in self.prices if p.active and p.kind_refusal is None]
        if variant_id is None:
            own = [p for p in candidates if META_VARIANT_ID not in p.metadata]
            managed = [p for p in own if is_managed(p)]
            return self._default_or_newest(managed or own)
        tagged = [p for p in candidates if p.metadata.get(META_VARIANT_ID) == variant_id]
        return self._default_or_newest(tagged)

    def _default_or_newest(self, prices: list[RemotePrice]) -> RemotePrice | None:
        for price in prices:
            if price.id == self.default_price:
                return price
        return max(prices, key=lambda p: p.created, default=None)


def is_managed(price: RemotePrice) -> bool:
    """Whether the tool made (and so owns) this price: it carries one of the tool's tags."""
    meta = price.metadata
    return (
        meta.get(META_MANAGED_BY) == MANAGED_BY_VALUE
        or META_VARIANT_ID in meta
        or META_LOCAL_ID in meta
    )
