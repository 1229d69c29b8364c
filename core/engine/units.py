"""What a product sells: its units (the product itself, or each variant) and their wanted prices,
the metadata the tool owns, and the placeholders a plan uses for objects it is about to create. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.domain.models import ProductSyncInput, VariantSyncInput
from core.domain.money import format_money
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


def desired_units(product: ProductSyncInput, variants: Sequence[VariantSyncInput]) -> list[Unit]:
    """The sellable units of a product; the first one's price is the product's default price."""
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
        )
        for v in variants
    ]
