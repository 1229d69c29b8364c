"""A catalog row (+ its variants) → the engine's input, or the reason it cannot be synced yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from core.catalog.store import CatalogRecord
from core.catalog.validate import plain_errors
from core.models import ProductSyncInput, VariantSyncInput

READY_DEV_STATUS = 5


@dataclass(frozen=True)
class ReadyProduct:
    """A row the engine can sync."""

    product: ProductSyncInput
    variants: tuple[VariantSyncInput, ...] = ()


@dataclass(frozen=True)
class NotReady:
    """A row that cannot be synced, and why in plain words."""

    product_id: str
    reason: str


def to_sync_input(record: CatalogRecord, *, currency: str = "usd") -> ReadyProduct | NotReady:
    """Convert one catalog product (variant price = base price + price_modifier)."""
    row = record.product
    pid = record.id
    base = row.get("base_price_cents")
    if base is None:
        return NotReady(pid, "no price yet")
    sell_status = row.get("sell_status")
    dev_status = row.get("dev_status")
    is_live = _bool(row.get("is_live"))
    if (
        dev_status is not None
        and isinstance(dev_status, int)
        and dev_status < READY_DEV_STATUS
        and not is_live
        and sell_status != "internal"
    ):
        return NotReady(pid, f"dev status {dev_status} (needs {READY_DEV_STATUS})")
    try:
        product = ProductSyncInput(
            id=pid,
            name=row.get("name") or "",
            description=row.get("description"),
            price_cents=base,
            currency=row.get("currency") or currency,
            sell_status=sell_status,
            dev_status=dev_status,
            is_live=is_live,
        )
    except ValidationError as err:
        return NotReady(pid, "invalid data: " + _words(err))
    use_variants = _bool(row.get("has_variants")) is not False
    variants: list[VariantSyncInput] = []
    for v in record.variants if use_variants else ():
        try:
            variants.append(_variant(v, product.price_cents))
        except ValidationError as err:
            return NotReady(pid, f"invalid variant {v.get('id')}: " + _words(err))
    return ReadyProduct(product=product, variants=tuple(variants))


def _variant(row: dict[str, Any], base: int) -> VariantSyncInput:
    modifier = row.get("price_modifier") or 0
    inventory = None
    max_q, sold = row.get("max_quantity"), row.get("sold_quantity")
    if isinstance(max_q, int):
        inventory = max(0, max_q - (sold if isinstance(sold, int) else 0))
    return VariantSyncInput(
        id=str(row["id"]),
        variant_type=row.get("variant_type") or "variant",
        variant_value=row.get("variant_value"),
        price_cents=base + modifier,
        inventory_count=inventory,
        is_limited_edition=bool(_bool(row.get("is_limited_edition"))),
    )


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    return bool(value)


def _words(err: ValidationError) -> str:
    return "; ".join(f"{field} {message}" for field, message in plain_errors(err))
