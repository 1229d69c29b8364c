"""Building one table row from both sides: the catalog's values, Stripe's, and the snapshot's.

Used by `core.reconcile.evaluate`; each function turns read data into `core.reconcile.rows` values
(display-ready, frozen). A value the shop's row cannot hold (SQLite keeps anything) shows empty; the
row's error says what is wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from core.catalog.records import CatalogRecord
from core.catalog.snapshots import Snapshot
from core.domain.for_sale import for_sale_sentence, off_sale_reasons
from core.domain.money import format_money
from core.domain.row_rules import flag
from core.engine.types import META_SELL_STATUS, ProductPlan, RemoteProduct, is_managed
from core.reconcile.convert import Invalid, NotReady, ReadyProduct, whole_number
from core.reconcile.rows import (
    OtherPrice,
    ProductRow,
    ProductState,
    StripeChange,
    StripeStatus,
    VariantRow,
)


def stripe_side(product: RemoteProduct | None, linked: str | None = None) -> dict[str, object]:
    if product is None:
        return {"stripe_status": "missing"}
    price = product.active_price_for_variant(None, linked) or product.default_price_object()
    status: StripeStatus = "active" if product.active else "archived"
    return {
        "stripe_product_id": product.id,
        "stripe_status": status,
        "stripe_name": product.name,
        "stripe_description": product.description,
        "stripe_price_cents": price.unit_amount if price else None,
        "stripe_price_id": price.id if price else None,
        "stripe_sell_status": product.metadata.get(META_SELL_STATUS),
    }


def other_prices(product: RemoteProduct | None, used: set[str]) -> list[OtherPrice]:
    """The product's active prices that the tool does not manage (see `OtherPrice`)."""
    if product is None:
        return []
    out = []
    for price in product.prices:
        if not price.active or price.id in used or is_managed(price):
            continue
        words = (
            format_money(price.unit_amount, price.currency) if price.unit_amount is not None else ""
        )
        if price.billing_scheme == "tiered":
            words = "tiered"
        elif price.custom_amount:
            words = "amount chosen by the customer"
        if price.type == "recurring":
            words = f"{words} every {price.recurring_interval or 'period'}".strip()
        out.append(
            OtherPrice(id=price.id, text=words, amount=price.unit_amount, currency=price.currency)
        )
    return out


def with_other_prices(row: ProductRow, existing: RemoteProduct | None) -> ProductRow:
    """The row with the product's active prices the tool does not manage."""
    used = {row.stripe_price_id} | {v.stripe_price_id for v in row.variants}
    others = other_prices(existing, {u for u in used if u})
    return row.model_copy(update={"unmanaged_prices": others}) if others else row


def with_stripe_changes(
    rows: Sequence[ProductRow], changes: Mapping[str, StripeChange]
) -> list[ProductRow]:
    """The rows, each with the newest change made in Stripe elsewhere than this tool to its
    Stripe product (`changes`: Stripe product id → change), when there is one."""
    if not changes:
        return list(rows)
    out: list[ProductRow] = []
    for row in rows:
        change = changes.get(row.stripe_product_id) if row.stripe_product_id else None
        out.append(row.model_copy(update={"stripe_change": change}) if change else row)
    return out


def text(value: Any) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def cents(value: Any) -> int | None:
    number = whole_number(value)
    return number if number is not None and number >= 0 else None


def local_side(record: CatalogRecord, currency: str) -> dict[str, object]:
    """The catalog's values for display; a value the row cannot hold (SQLite keeps anything)
    shows as empty, the row's error says what is wrong. A row without a name is shown by its id
    (`unnamed` says so)."""
    p = record.product
    name = text(p.get("name"))
    unnamed = name is None or not name.strip()
    return {
        "product_id": record.id,
        "name": record.id if unnamed else name,
        "unnamed": unnamed,
        "local_price_cents": cents(p.get("base_price_cents")),
        "currency": text(p.get("currency")) or currency,
        "sell_status": text(p.get("sell_status")),
        "dev_status": whole_number(p.get("dev_status")),
        "is_live": flag(p.get("is_live"))[0],
        "category": text(p.get("category")) or None,
        "sold_quantity": cents(p.get("sold_quantity")),
        "max_quantity": cents(p.get("max_quantity")),
        "description": text(p.get("description")),
    }


def for_sale_side(record: CatalogRecord) -> dict[str, object]:
    """Whether the catalog row makes the product for sale, and the sentence saying why
    (core.domain.for_sale). Only for a row whose values are valid."""
    p = record.product
    sell_status, is_live = text(p.get("sell_status")), flag(p.get("is_live"))[0]
    dev, priced = whole_number(p.get("dev_status")), cents(p.get("base_price_cents")) is not None
    sentence = for_sale_sentence(
        sell_status,
        is_live,
        dev,
        sold=cents(p.get("sold_quantity")),
        max_quantity=cents(p.get("max_quantity")),
        priced=priced,
    )
    for_sale = priced and not off_sale_reasons(sell_status, is_live, dev)
    # Most products share one of a few sentences: one string each, not one per row.
    return {"for_sale": for_sale, "for_sale_reason": sys.intern(sentence)}


def snapshot_side(snapshot: Snapshot | None, local: Mapping[str, object]) -> dict[str, object]:
    """The last write's time and values: the snapshot's own dict (the row keeps it as given, see
    `ProductRow.last_written`). A value equal to the catalog's name or description (as it is once
    synced) becomes the row's own string, not a second copy read from the snapshot: the dict is
    changed in place, each value for an equal one."""
    if snapshot is None:
        return {}
    written = snapshot.fields
    for field in ("name", "description"):
        own = local[field]
        if isinstance(own, str) and written.get(field) == own:
            written[field] = own
    return {"last_synced_at": snapshot.synced_at, "last_written": written}


def variant_rows(
    record: CatalogRecord,
    existing: RemoteProduct | None,
    currency: str,
    unit_prices: Mapping[str, str],
) -> list[VariantRow]:
    base = cents(record.product.get("base_price_cents"))
    rows = []
    for v in record.variants:
        vid = str(v["id"])
        modifier = whole_number(v.get("price_modifier") or 0)
        local = None if base is None or modifier is None else base + modifier
        price = existing.active_price_for_variant(vid, unit_prices.get(vid)) if existing else None
        label = f"{v.get('variant_type') or 'variant'} {v.get('variant_value') or vid}"
        rows.append(
            VariantRow(
                variant_id=vid,
                label=label,
                local_price_cents=local,
                stripe_price_cents=price.unit_amount if price else None,
                stripe_price_id=price.id if price else None,
                currency=currency,
            )
        )
    return rows


def unready_row(
    record: CatalogRecord,
    existing: RemoteProduct | None,
    converted: NotReady | Invalid,
    snapshot: Snapshot | None,
    currency: str,
    unit_prices: Mapping[str, str],
) -> ProductRow:
    local = local_side(record, currency)
    invalid = isinstance(converted, Invalid)
    row = ProductRow(
        state="failed" if invalid else "not_ready",
        not_ready_reason=None if isinstance(converted, Invalid) else converted.reason,
        error=converted.error if isinstance(converted, Invalid) else None,
        invalid=invalid,
        variants=variant_rows(record, existing, str(local["currency"]), unit_prices),
        **local,
        **({} if invalid else for_sale_side(record)),
        **stripe_side(existing, unit_prices.get("")),
        **snapshot_side(snapshot, local),
    )
    return with_other_prices(row, existing)


def ready_row(
    record: CatalogRecord,
    converted: ReadyProduct,
    existing: RemoteProduct | None,
    plan: ProductPlan,
    snapshot: Snapshot | None,
    last_error: str | None,
    unit_prices: Mapping[str, str],
) -> ProductRow:
    state: ProductState
    error: str | None = None
    if plan.error or plan.action == "failed":
        state, error = "failed", plan.error
    elif last_error and plan.operations:
        state, error = "failed", last_error
    elif plan.action == "created":
        state = "missing"
    elif plan.operations or plan.kept_stripe_edits:
        state = "differs"
    elif not converted.product.wants_active:
        state = "archived"
    else:
        state = "in_sync"
    note = None
    if state == "archived" and existing is None:
        why = "internal" if converted.product.sell_status == "internal" else "not live"
        note = f"{why}: not for sale, nothing in Stripe"
    if plan.kept_stripe_edits:
        note = kept_note(plan.kept_stripe_edits)
    local = local_side(record, converted.product.currency)
    row = ProductRow(
        state=state,
        note=note,
        differences=list(plan.differences),
        plan=plan,
        error=error,
        variants=variant_rows(record, existing, converted.product.currency, unit_prices),
        **local,
        **for_sale_side(record),
        **stripe_side(existing, unit_prices.get("")),
        **snapshot_side(snapshot, local),
    )
    return with_other_prices(row, existing)


def kept_note(fields: list[str]) -> str:
    """What a row says about hand edits in Stripe that a sync keeps."""
    return (
        f"edited in Stripe since the last sync: {', '.join(fields)}. A sync keeps Stripe's "
        "value; take it into the catalog (pull), or overwrite it"
    )


def orphan_row(product: RemoteProduct) -> ProductRow:
    return ProductRow(
        product_id=product.local_id or product.id,
        name=product.name,
        state="orphaned",
        has_local=False,
        **stripe_side(product),
    )
