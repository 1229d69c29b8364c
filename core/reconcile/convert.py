"""A catalog row (+ its variants) → the engine's input, why it is not ready, or what is wrong with it.

Three outcomes, kept apart on purpose (design.md §9, errors are never skips):
- `ReadyProduct`: the engine can sync it;
- `NotReady`: nothing is wrong, it is just not for sale yet: no price yet, or dev status < 5;
- `Invalid`: the row holds data the tool cannot use (a sell status it does not know, a negative or
  non-whole price, an empty name, an unsupported currency …): the product fails, field by field.

The shop's table may be loosely typed (SQLite keeps 'abc' in an INTEGER column), so every value is
checked before any model is built, by the row rules import applies too (core.domain.row_rules).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from core.catalog.records import CatalogRecord
from core.domain.for_sale import off_sale_reasons, waits_for_dev_status
from core.domain.models import (
    READY_DEV_STATUS,
    ProductSyncInput,
    VariantSyncInput,
    describe_validation_error,
)
from core.domain.row_rules import (
    PRICE_RULE,
    RowProblem,
    check_currency_amounts,
    check_product_row,
    check_variant_row,
    variant_currency_amounts,
    variant_label,
    whole_number,
)
from core.reconcile.owned import owned_fields, unowned

__all__ = [
    "PRICE_RULE",
    "READY_DEV_STATUS",
    "Converted",
    "Invalid",
    "NotReady",
    "ReadyProduct",
    "to_sync_input",
    "whole_number",
]


@dataclass(frozen=True)
class ReadyProduct:
    """A row the engine can sync.

    `manages_description`: False when the shop's table has no `description` column; the tool
    then leaves Stripe's description as it is (`unmanaged`, passed to the planner). `owned`: the
    optional fields the catalog owns (core.reconcile.owned); the others are left alone too.
    """

    product: ProductSyncInput
    variants: tuple[VariantSyncInput, ...] = ()
    manages_description: bool = True
    owned: frozenset[str] = frozenset()

    @property
    def unmanaged(self) -> frozenset[str]:
        """Product fields the shop's table does not hold: the tool leaves them as Stripe has them."""
        description = frozenset() if self.manages_description else frozenset({"description"})
        return description | unowned(self.owned)

    def with_product(self, product: ProductSyncInput) -> ReadyProduct:
        """The same row with another input (its variants and what it owns kept)."""
        return ReadyProduct(product, self.variants, self.manages_description, self.owned)


@dataclass(frozen=True)
class NotReady:
    """A valid row that is not for sale yet, and why in plain words."""

    product_id: str
    reason: str


@dataclass(frozen=True)
class Invalid:
    """A row with data the tool cannot use: `error` names each field, e.g. `name: must not be
    empty; base_price_cents: must be a whole number of cents ≥ 0`."""

    product_id: str
    error: str


Converted = ReadyProduct | NotReady | Invalid


def _messages(problems: list[RowProblem], prefix: str = "") -> list[str]:
    return [f"{prefix}{p.field}: {p.message}" for p in problems]


def _variant(
    row: dict[str, Any],
    base: int | None,
    problems: list[str],
    amounts: tuple[dict[str, Any], dict[str, int], str | None],
) -> VariantSyncInput | None:
    """`amounts`: the variant's own amounts in other currencies, the product's, its currency."""
    found: list[RowProblem] = []
    values = check_variant_row(row, base, found)
    own, product_extra, currency = amounts
    extra = check_currency_amounts(own, currency, found, "currency_amounts")
    if values is not None and base is not None:
        modifier = values["price_cents"] - base
        values["currency_amounts"] = variant_currency_amounts(extra, product_extra, modifier, found)
    # An id with control characters is shown escaped (and a long one cut) in the label.
    problems.extend(_messages(found, f"{variant_label(row['id'])}."))
    return None if values is None or found else VariantSyncInput(**values)


def to_sync_input(
    record: CatalogRecord, *, currency: str = "usd", owned: Collection[str] | None = None
) -> Converted:
    """Convert one catalog product (variant price = base price + price_modifier).

    `owned`: the `owned_fields` setting (None: every optional field the row has a column for).
    """
    row = record.product
    pid = record.id
    found: list[RowProblem] = []
    owns = owned_fields(row.keys(), owned)
    fields = check_product_row(row, found, currency=currency, fields=owns)
    own = record.currency_amounts.get("", {})
    fields["currency_amounts"] = check_currency_amounts(
        own, fields["currency"], found, "currency_amounts"
    )
    problems = _messages(found)
    use_variants = fields.pop("has_variants") is not False
    variants: list[VariantSyncInput] = []
    for v in record.variants if use_variants else ():
        amounts = (
            record.currency_amounts.get(str(v["id"]), {}),
            fields["currency_amounts"],
            fields["currency"],
        )
        made = _variant(v, fields["price_cents"], problems, amounts)
        if made is not None:
            variants.append(made)
    if problems:
        return Invalid(pid, "; ".join(problems))
    if fields["price_cents"] is None:
        return NotReady(pid, "no price yet")
    dev_status = fields["dev_status"]
    if waits_for_dev_status(off_sale_reasons(fields["sell_status"], fields["is_live"], dev_status)):
        return NotReady(pid, f"dev status {dev_status} (needs {READY_DEV_STATUS})")
    try:
        product = ProductSyncInput(id=pid, **fields)
    except ValidationError as err:  # a rule the checks above do not know yet
        text = describe_validation_error(err).replace("price_usd", "base_price_cents")
        return Invalid(pid, text)
    return ReadyProduct(
        product=product,
        variants=tuple(variants),
        manages_description="description" in row,
        owned=owns,
    )
