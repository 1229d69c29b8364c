"""One field of a pull: Stripe's value as the catalog's columns, or why the catalog cannot take it.

Part of `core.reconcile.pull` (which walks the differing fields, checks the row rules and builds the
edit). Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from core.catalog.edits import FieldChange, as_columns
from core.catalog.records import CatalogRecord
from core.domain.models import SELL_STATUSES
from core.domain.money import format_money
from core.domain.product_fields import PRODUCT_FIELDS as OPTIONAL_PRODUCT_FIELDS
from core.domain.product_fields import shown_value
from core.engine.types import (
    META_SELL_STATUS,
    META_VARIANT_ID,
    Changed,
    FieldDiff,
    RemotePrice,
    RemoteProduct,
)
from core.reconcile.convert import ReadyProduct, whole_number


class PulledField(BaseModel):
    """One field taken from Stripe into the catalog: the catalog's value before and after.

    Money is an integer in the currency's smallest unit, `currency` beside it and the readable
    text beside that. `active` shows the catalog's sell status before and after.
    """

    model_config = ConfigDict(frozen=True)

    field: str
    before: int | str | None
    after: int | str | None
    currency: str | None = None
    before_text: str | None = None
    after_text: str | None = None
    changed: Changed | None = None  # who had moved since the last write (see threeway)

    def record(self) -> dict[str, Any]:
        """As `pull --json` lists it."""
        item: dict[str, Any] = {"field": self.field, "before": self.before, "after": self.after}
        if self.currency is not None:
            item.update(
                currency=self.currency, before_text=self.before_text, after_text=self.after_text
            )
        return item


@dataclass(frozen=True)
class FieldTake:
    """One field's change, before the row rules have seen it."""

    pulled: PulledField
    change: FieldChange
    product: Mapping[str, Any] = field(default_factory=dict)
    variant: tuple[str, Mapping[str, Any]] | None = None
    snapshot: Mapping[str, str] = field(default_factory=dict)
    link: tuple[str, str] | None = None


def variant_id(name: str) -> str | None:
    """The variant id of a `variant:<id>.price` field, else None."""
    if name.startswith("variant:") and name.endswith(".price") and len(name) > 14:
        return name[len("variant:") : -len(".price")]
    return None


def take_field(
    name: str,
    diff: FieldDiff,
    record: CatalogRecord,
    pending: Mapping[str, Any],
    ready: ReadyProduct,
    existing: RemoteProduct,
    unit_prices: Mapping[str, str],
    tag_differs: bool,
) -> FieldTake | str:
    """One field's change (`pending`: the product columns taken before it), or why it is
    refused."""
    row = record.product
    if name == "name":
        return _text_take("name", row.get("name"), existing.name, existing.id, diff)
    if name == "description":
        new = existing.description or None
        return _text_take("description", row.get("description"), new, existing.id, diff)
    if name == "active":
        return _active_take(row, diff, ready, existing, tag_differs)
    if name in OPTIONAL_PRODUCT_FIELDS:
        return _optional_take(name, row.get(name), existing, diff)
    if name == "metadata.sell_status":
        tag = existing.metadata.get(META_SELL_STATUS)
        if tag not in SELL_STATUSES:
            return (
                f"Stripe's sell status tag {tag!r} is not one the catalog knows "
                f"({', '.join(SELL_STATUSES)})"
            )
        return _status_take(
            name,
            row.get("sell_status"),
            str(tag),
            diff,
            existing.id,
            {"metadata.sell_status": str(tag)},
        )
    if name == "price":
        linked = unit_prices.get("")
        price = existing.default_price_object() or existing.active_price_for_variant(None, linked)
        return _price_take(name, diff, record, pending, ready, price, unit="")
    vid = variant_id(name)
    assert vid is not None
    if vid not in {str(v["id"]) for v in record.variants}:
        return f"the catalog has no variant {vid!r} (Stripe still sells it; a sync archives it)"
    price = existing.active_price_for_variant(vid, unit_prices.get(vid))
    if price is None:  # only a price the catalog cannot hold sells it: say which
        tagged = (p for p in existing.prices if p.active and p.metadata.get(META_VARIANT_ID) == vid)
        price = next(tagged, None)
    return _price_take(name, diff, record, pending, ready, price, unit=vid)


def _text_take(
    column: str, before: Any, after: str | None, stripe_id: str, diff: FieldDiff
) -> FieldTake:
    old = before if before is None or isinstance(before, str) else str(before)
    if column == "name":
        words = f"pulled name “{old}” → “{after}” from Stripe"
    elif after:
        words = "pulled the description from Stripe"
    else:
        words = "pulled the description from Stripe: cleared, as Stripe has none"
    return FieldTake(
        pulled=PulledField(field=column, before=old, after=after, changed=diff.changed),
        change=FieldChange(words, as_columns({column: before}), {column: after}, stripe_id),
        product={column: after},
        snapshot={column: after or ""},
    )


def column_value(value: Any) -> Any:
    """An optional field's value (`core.domain.product_fields`' one form, or Stripe's) as the
    catalog's column holds it: text and booleans as they are, a list or the package dimensions
    as JSON. Pull, edit and adopt store optional fields this one way."""
    if isinstance(value, tuple | list):
        return json.dumps(list(value))
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _optional_take(name: str, before: Any, existing: RemoteProduct, diff: FieldDiff) -> FieldTake:
    """An optional field (core.domain.product_fields) as the catalog's column holds it: text, a
    boolean, or JSON for a list or the package dimensions."""
    value = existing.fields.get(name)
    after = column_value(value)
    shown = shown_value(name, value)
    words = f"pulled {name.replace('_', ' ')} from Stripe" + ("" if shown else ": cleared")
    old = before if before is None or isinstance(before, str | bool) else str(before)
    return FieldTake(
        pulled=PulledField(field=name, before=old, after=shown or None, changed=diff.changed),
        change=FieldChange(words, as_columns({name: before}), {name: after}, existing.id),
        product={name: after},
        snapshot={name: shown},
    )


def _status_take(
    name: str,
    before: Any,
    after: str,
    diff: FieldDiff,
    stripe_id: str,
    snapshot: Mapping[str, str],
    why: str = "",
) -> FieldTake:
    old = before if before is None or isinstance(before, str) else str(before)
    return FieldTake(
        pulled=PulledField(field=name, before=old, after=after, changed=diff.changed),
        change=FieldChange(
            f"pulled sell status {old} → {after} from Stripe{why}",
            as_columns({"sell_status": before}),
            {"sell_status": after},
            stripe_id,
        ),
        product={"sell_status": after},
        snapshot=snapshot,
    )


def _active_take(
    row: Mapping[str, Any],
    diff: FieldDiff,
    ready: ReadyProduct,
    existing: RemoteProduct,
    tag_differs: bool,
) -> FieldTake | str:
    product = ready.product
    if existing.active == product.wants_active:
        # The catalog agrees with Stripe: the operator's archive hold made the difference.
        return "the operator's archive hold keeps it archived in this mode; sync it to release it"
    if not existing.active:
        snapshot = {"active": "false"}
        return _status_take(
            "active",
            row.get("sell_status"),
            "internal",
            diff,
            existing.id,
            snapshot,
            " (the product is archived there)",
        )
    if product.sell_status != "internal":
        return (
            f"the catalog keeps it off sale ({product.not_for_sale_reason}); change that in the "
            "catalog"
        )
    tag = existing.metadata.get(META_SELL_STATUS)
    status = tag if tag in SELL_STATUSES and tag != "internal" else "available"
    snapshot = {"active": "true"}
    if tag_differs and tag == status:
        snapshot["metadata.sell_status"] = status
    return _status_take(
        "active",
        row.get("sell_status"),
        str(status),
        diff,
        existing.id,
        snapshot,
        " (the product is for sale there)",
    )


def _price_take(
    name: str,
    diff: FieldDiff,
    record: CatalogRecord,
    pending: Mapping[str, Any],
    ready: ReadyProduct,
    price: RemotePrice | None,
    *,
    unit: str,
) -> FieldTake | str:
    currency = ready.product.currency
    if price is None:
        return "Stripe has no price for it"
    refusal = price.kind_refusal
    if refusal is not None:
        return refusal
    if price.currency != currency:
        return (
            f"a price in {price.currency.upper()}; the catalog sells this product in "
            f"{currency.upper()}"
        )
    amount = price.unit_amount
    assert amount is not None  # kind_refusal says so
    money = format_money(amount, currency)
    row = record.product
    base = whole_number({**row, **pending}.get("base_price_cents"))
    variant: tuple[str, dict[str, Any]] | None = None
    if unit == "":
        before = whole_number(row.get("base_price_cents"))
        words = f"pulled price {format_money(before, currency)} → {money} from Stripe"
        old_columns = as_columns({"base_price_cents": row.get("base_price_cents")})
        columns: dict[str, Any] = {"base_price_cents": amount}
    else:
        if base is None:
            return "the catalog has no base price to add the variant's price to"
        raw = next(v for v in record.variants if str(v["id"]) == unit).get("price_modifier")
        modifier = whole_number(raw) if raw is not None else 0
        old_base = whole_number(row.get("base_price_cents"))
        before = None if old_base is None or modifier is None else old_base + modifier
        label = next((v.label() for v in ready.variants if v.id == unit), unit)
        words = (
            f"pulled the price of {label} {format_money(before, currency)} → {money} from Stripe"
        )
        old_columns = {"variant_id": unit, **as_columns({"price_modifier": raw})}
        columns = {"variant_id": unit, "price_modifier": amount - base}
        variant = (unit, {"price_modifier": amount - base})
    return FieldTake(
        pulled=PulledField(
            field=name,
            before=before,
            after=amount,
            currency=currency,
            before_text=format_money(before, currency) if before is not None else None,
            after_text=money,
            changed=diff.changed,
        ),
        change=FieldChange(f"{words} (price {price.id})", old_columns, columns, price.id),
        product={} if variant is not None else columns,
        variant=variant,
        snapshot={name: money},
        link=(unit, price.id),
    )
