"""What a product sells: its units (the product itself, or each variant) and their wanted prices,
the metadata the tool owns, and the placeholders a plan uses for objects it is about to create. Pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from core.domain.models import ProductSyncInput, VariantSyncInput
from core.domain.money import format_money
from core.domain.product_fields import LOOKUP_KEY_LIMIT
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_LOCAL_ID,
    META_MANAGED_BY,
    META_SELL_STATUS,
    META_VARIANT_ID,
)

PRODUCT_UNIT = ""  # unit key of a simple product's own price
NEW_PRODUCT = "@product"
NEW_DEFAULT_PRICE = "@default_price"


def new_price_ref(unit: str) -> str:
    """Placeholder for the id of the price this plan creates for `unit`."""
    return f"@price:{unit}"


@dataclass(frozen=True)
class Unit:
    """One sellable unit: the product itself (key "") or one variant, with its desired price."""

    key: str
    label: str
    amount: int
    currency: str
    nickname: str | None
    metadata: dict[str, str]
    # The price in other currencies (Stripe's currency_options): currency → smallest units.
    extra: dict[str, int] = field(default_factory=dict)
    # The price's lookup key (see `lookup_key`); `own_key`: the catalog gave it, so it replaces
    # a key set by hand (a derived one only fills in a missing key).
    lookup_key: str = ""
    own_key: bool = False
    # The price's tax behavior when the catalog owns it (None: left as Stripe has it).
    tax_behavior: str | None = None

    @property
    def field(self) -> str:
        """The FieldDiff name of this unit's price."""
        return "price" if self.key == PRODUCT_UNIT else f"variant:{self.key}.price"

    def money(self) -> str:
        """The desired price for display."""
        return format_money(self.amount, self.currency)

    def extra_money(self) -> str:
        """The amounts in other currencies for display, e.g. `EUR €41.00, JPY ¥6,900`."""
        return ", ".join(f"{c.upper()} {format_money(a, c)}" for c, a in sorted(self.extra.items()))


def price_nickname(product: ProductSyncInput, variant: VariantSyncInput) -> str:
    """A variant price's readable nickname, e.g. `Material-8x8-V LED Panel — color BLACK`."""
    return f"{product.name} — {variant.label()}"


def owned_metadata(product: ProductSyncInput) -> dict[str, str]:
    """The metadata keys the tool owns on a Stripe product, with their wanted values."""
    return {
        META_LOCAL_ID: product.id,
        META_SELL_STATUS: product.sell_status,
        META_MANAGED_BY: MANAGED_BY_VALUE,
    }


def input_problems(product: ProductSyncInput, variants: Sequence[VariantSyncInput]) -> list[str]:
    """What is wrong with a product and its variants taken together (fields are checked already)."""
    problems: list[str] = []
    seen: set[str] = set()
    for variant in variants:
        if variant.id in seen:
            problems.append(f"variants: id {variant.id!r} is used twice")
        seen.add(variant.id)
        amount = variant.unit_amount(product.price_cents)
        if amount < 0:
            problems.append(
                f"variants[{variant.id}].price_modifier: the price would be negative "
                f"({format_money(amount, product.currency)})"
            )
    return problems


def lookup_key(product: ProductSyncInput, variant_id: str | None = None) -> str:
    """The lookup key of a unit's price: the catalog's own key, else the product's local id; a
    variant's adds `:<variant id>` (`lamp`, `lamp:black`). The same in test and live mode. A key
    over Stripe's 200 characters keeps its first 183 and ends in `~` and 16 hex digits of its
    SHA-256, so it stays unique and stable."""
    key = product.lookup_key or product.id
    if variant_id is not None:
        key = f"{key}:{variant_id}"
    if len(key) <= LOOKUP_KEY_LIMIT:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{key[: LOOKUP_KEY_LIMIT - 17]}~{digest}"


def desired_units(
    product: ProductSyncInput,
    variants: Sequence[VariantSyncInput],
    unmanaged: frozenset[str] = frozenset(),
) -> list[Unit]:
    """The sellable units of a product; the first one's price is the product's default price.

    `unmanaged`: fields left as Stripe has them (then `tax_behavior` is not compared)."""
    tax = None if "tax_behavior" in unmanaged else product.tax_behavior or "unspecified"
    own_key = product.lookup_key is not None
    if not variants:
        meta = {META_LOCAL_ID: product.id, META_MANAGED_BY: MANAGED_BY_VALUE}
        return [
            Unit(
                PRODUCT_UNIT,
                "",
                product.price_cents,
                product.currency,
                None,
                meta,
                dict(product.currency_amounts),
                lookup_key(product),
                own_key,
                tax,
            )
        ]
    return [
        Unit(
            key=v.id,
            label=v.label(),
            amount=v.unit_amount(product.price_cents),
            currency=product.currency,
            nickname=price_nickname(product, v),
            metadata={
                META_VARIANT_ID: v.id,
                META_LOCAL_ID: product.id,
                META_MANAGED_BY: MANAGED_BY_VALUE,
            },
            extra=dict(v.currency_amounts),
            lookup_key=lookup_key(product, v.id),
            own_key=own_key,
            tax_behavior=tax,
        )
        for v in variants
    ]
