"""The seed's public types, in Python: what goes into a sync and what comes out.

`ProductSyncInput` and `VariantSyncInput` accept the seed's shapes exactly as its examples write them
(`price_usd` in cents, `sell_status`, variants with `color` and `inventory_count`) as well as a
currency-neutral form (`price_cents`, `currency`, `variant_type`/`variant_value`). Bad input raises
`pydantic.ValidationError` naming each bad field, before any call to Stripe.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from core.domain.compact import CompactModel, empty_dict, shared_empty
from core.domain.currencies import is_supported
from core.domain.product_fields import OptionalFields

SellStatus = Literal["available", "for-sale", "pre-order", "pre-sale", "sold-out", "internal"]
SELL_STATUSES: tuple[str, ...] = (
    "available",
    "for-sale",
    "pre-order",
    "pre-sale",
    "sold-out",
    "internal",
)
SyncAction = Literal["created", "updated", "archived", "skipped", "failed"]

# The seed's dev_status meaning "ready to sell" (seed: products marked dev_status = 5 are synced).
READY_DEV_STATUS = 5
# Stripe's unit_amount is an integer in minor units; Stripe refuses amounts over 8 digits.
MAX_UNIT_AMOUNT = 99_999_999
# Stripe's rule for caller-chosen object ids (stripe-api-facts.md §2.4).
STRIPE_ID_RE = re.compile(r"\A[A-Za-z0-9_\-]+\Z")
CURRENCY_RULE = "a three-letter ISO code such as usd or eur"
# Extra currencies (Stripe's `currency_options`): lowercase code → amount in its smallest unit.
CurrencyAmounts = dict[str, int]


def _non_blank(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError(f"{what} must not be empty")
    return value


def iso_currency(value: str) -> str:
    """`value` trimmed and lowercased if it is a currency Stripe supports, else ValueError."""
    code = value.strip().lower()
    if not re.fullmatch(r"[a-z]{3}", code):
        raise ValueError(f"currency must be {CURRENCY_RULE}")
    if not is_supported(code):
        raise ValueError(
            f"Invalid currency: {code}. Stripe does not support it; use {CURRENCY_RULE}"
        )
    return sys.intern(code)  # one "usd" for every product, not a copy each


def check_currency_amounts(value: dict[str, int]) -> dict[str, int]:
    """Extra-currency amounts with their codes checked and lowercased, each 0…MAX_UNIT_AMOUNT in
    the currency's smallest unit (¥500 is 500, €5.00 is 500); ValueError naming the first bad one."""
    out: dict[str, int] = {}
    for raw, amount in value.items():
        code = iso_currency(raw)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError(f"the {code.upper()} amount must be a whole number")
        if not 0 <= amount <= MAX_UNIT_AMOUNT:
            raise ValueError(
                f"the {code.upper()} amount must be between 0 and {MAX_UNIT_AMOUNT:,}, got {amount}"
            )
        if code in out:
            raise ValueError(f"{code.upper()} is given twice")
        out[code] = amount
    return dict(sorted(out.items()))


class VariantSyncInput(BaseModel):
    """One sellable variant of a product (a colour, a size): it gets its own Stripe price.

    The price is either `price_cents` (the seed's `price_usd`) or `price_modifier_cents` added to the
    product's price; with neither, the variant sells at the product's price.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(min_length=1, max_length=200)
    variant_type: str = Field(default="variant", min_length=1, max_length=40)
    variant_value: str | None = Field(default=None, max_length=200)
    price_cents: int | None = Field(default=None, ge=0, le=MAX_UNIT_AMOUNT, alias="price_usd")
    price_modifier_cents: int | None = Field(
        default=None, ge=-MAX_UNIT_AMOUNT, le=MAX_UNIT_AMOUNT, alias="price_modifier"
    )
    inventory_count: int | None = Field(default=None, ge=0)
    is_limited_edition: bool = False
    # The variant's price in other currencies (Stripe's currency_options), smallest units.
    currency_amounts: CurrencyAmounts = Field(default_factory=empty_dict)

    @model_validator(mode="before")
    @classmethod
    def _seed_colour(cls, data: Any) -> Any:
        """Accept the seed's `color: 'BLACK'` as variant_type=color, variant_value=BLACK."""
        if isinstance(data, dict) and "color" in data:
            data = dict(data)
            colour = data.pop("color")
            if "variant_value" in data and data["variant_value"] != colour:
                raise ValueError("give either color or variant_value, not both")
            data.setdefault("variant_type", "color")
            data["variant_value"] = colour
        return data

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        return _non_blank(value, "id")

    @field_validator("currency_amounts")
    @classmethod
    def _amounts(cls, value: dict[str, int]) -> dict[str, int]:
        return shared_empty(check_currency_amounts(value))  # most products: one shared {}

    def label(self) -> str:
        """A readable name for the variant, e.g. `color BLACK` (used in price nicknames)."""
        if self.variant_value:
            return f"{self.variant_type} {self.variant_value}"
        return self.id

    def unit_amount(self, product_price_cents: int) -> int:
        """The variant's price in minor units, given its product's price."""
        if self.price_cents is not None:
            return self.price_cents
        return product_price_cents + (self.price_modifier_cents or 0)


class ProductSyncInput(CompactModel, OptionalFields):
    """A local product as the engine syncs it: identity, text, price and sell status, and the
    optional fields and lookup key of `OptionalFields`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=250)
    description: str | None = Field(default=None, max_length=40_000)
    price_cents: int = Field(ge=0, le=MAX_UNIT_AMOUNT, alias="price_usd")
    currency: str = "usd"
    sell_status: SellStatus
    dev_status: int | None = Field(default=None, ge=0, le=5)
    is_live: bool | None = None
    # The price in other currencies (Stripe's currency_options), in each one's smallest unit.
    currency_amounts: CurrencyAmounts = Field(default_factory=empty_dict)

    @field_validator("id", "name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        return _non_blank(value, "value")

    @field_validator("description")
    @classmethod
    def _empty_description_is_none(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return iso_currency(value)

    @field_validator("currency_amounts")
    @classmethod
    def _amounts(cls, value: dict[str, int]) -> dict[str, int]:
        return shared_empty(check_currency_amounts(value))  # most products: one shared {}

    @model_validator(mode="after")
    def _not_own_currency(self) -> ProductSyncInput:
        if self.currency in self.currency_amounts:
            raise ValueError(
                f"currency_amounts: {self.currency.upper()} is the price's own currency; give "
                "only other currencies there"
            )
        return self

    @property
    def wants_active(self) -> bool:
        """Whether the Stripe product should be active (for sale) rather than archived."""
        return self.not_for_sale_reason is None

    @property
    def not_for_sale_reason(self) -> str | None:
        """Why the product is not for sale (so not created, and archived if in Stripe), or None:
        the first of `core.domain.for_sale.off_sale_reasons` (the one rule), as a plan says it."""
        from core.domain.for_sale import off_sale_reasons  # it imports this module

        reasons = off_sale_reasons(self.sell_status, self.is_live, self.dev_status)
        words = {"internal": "sell status internal", "not_live": "not live"}
        if not reasons:
            return None
        dev = f"dev status {self.dev_status} (needs {READY_DEV_STATUS} to sell)"
        return words.get(reasons[0], dev)


def _problem(loc: tuple[str | int, ...], value: Any, message: str) -> InitErrorDetails:
    return {
        "type": "value_error",
        "loc": loc,
        "input": value,
        "ctx": {"error": ValueError(message)},
    }


def variant_problems(
    product: ProductSyncInput, variants: Iterable[VariantSyncInput]
) -> list[InitErrorDetails]:
    """What is wrong with variants *together with their product*, each located as
    `variants[i].field`: an id used twice, a price that the modifier pushes below 0 or above
    Stripe's 99,999,999 minor units. (Each field alone is checked by the models themselves.)"""
    problems: list[InitErrorDetails] = []
    first_at: dict[str, int] = {}
    for index, variant in enumerate(variants):
        if variant.id in first_at:
            problems.append(
                _problem(
                    ("variants", index, "id"),
                    variant.id,
                    f"id {variant.id!r} is used twice (also variants[{first_at[variant.id]}])",
                )
            )
        first_at.setdefault(variant.id, index)
        if product.currency in variant.currency_amounts:
            problems.append(
                _problem(
                    ("variants", index, "currency_amounts"),
                    variant.currency_amounts,
                    f"{product.currency.upper()} is the price's own currency; give only other "
                    "currencies there",
                )
            )
        amount = variant.unit_amount(product.price_cents)
        if variant.price_cents is None and not 0 <= amount <= MAX_UNIT_AMOUNT:
            problems.append(
                _problem(
                    ("variants", index, "price_modifier"),
                    variant.price_modifier_cents,
                    f"the price would be {amount} minor units ({product.price_cents} "
                    f"{'+' if (variant.price_modifier_cents or 0) >= 0 else '-'} "
                    f"{abs(variant.price_modifier_cents or 0)}); it must be between 0 and "
                    f"{MAX_UNIT_AMOUNT:,}",
                )
            )
    return problems


def validate_sync_input(
    product: ProductSyncInput | Mapping[str, Any],
    variants: Iterable[VariantSyncInput | Mapping[str, Any]] | None = None,
) -> tuple[ProductSyncInput, list[VariantSyncInput]]:
    """Validate a product with its variants in one go; the one place for cross-field rules.

    Raises one `pydantic.ValidationError` listing every problem, each located: a product field
    (`price_usd`), a variant field (`variants[1].inventory_count`) or a rule across them
    (`variants[1].price_modifier`, `variants[2].id`). Nothing is sent to Stripe before this passes.
    """
    problems: list[InitErrorDetails] = []
    model: ProductSyncInput | None = None
    if isinstance(product, ProductSyncInput):
        model = product
    else:
        try:
            model = ProductSyncInput.model_validate(dict(product))
        except ValidationError as err:
            problems += [_located((), e) for e in err.errors()]
    items: list[VariantSyncInput] = []
    for index, variant in enumerate(variants or []):
        if isinstance(variant, VariantSyncInput):
            items.append(variant)
            continue
        try:
            items.append(VariantSyncInput.model_validate(dict(variant)))
        except ValidationError as err:
            problems += [_located(("variants", index), e) for e in err.errors()]
    if model is not None and not problems:
        problems += variant_problems(model, items)
    if problems or model is None:
        raise ValidationError.from_exception_data("ProductSyncInput", problems)
    return model, items


def _located(prefix: tuple[str | int, ...], error: Any) -> InitErrorDetails:
    detail: InitErrorDetails = {
        "type": error["type"],
        "loc": prefix + tuple(error["loc"]),
        "input": error.get("input"),
    }
    if "ctx" in error:
        detail["ctx"] = error["ctx"]
    return detail


def describe_validation_error(err: ValidationError) -> str:
    """One line naming each bad field and what is wrong, e.g. `variants[1].price_modifier: …`."""
    parts = []
    for problem in err.errors():
        where = ""
        for part in problem["loc"]:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else part)
        message = str(problem["msg"]).removeprefix("Value error, ")
        parts.append(f"{where or 'input'}: {message}")
    return "; ".join(parts)


class VariantPrice(BaseModel):
    """The Stripe price that sells one variant."""

    model_config = ConfigDict(frozen=True)

    variant_id: str
    stripe_price_id: str


class VariantError(BaseModel):
    """Why one variant's price could not be synced (the product itself may still be synced)."""

    model_config = ConfigDict(frozen=True)

    variant_id: str
    error: str


class StripeSyncResult(BaseModel):
    """What a sync did (or, in a dry run, would do) for one product.

    The seed's fields, in snake_case, plus what an honest report needs: `action` is `failed` when the
    product itself could not be synced (never `skipped`), `changes` lists in plain words what was (or
    would be) written, and `request_ids` are Stripe's ids for the writes, for support.
    """

    model_config = ConfigDict(frozen=True)

    product_id: str
    action: SyncAction
    stripe_product_id: str | None = None
    stripe_price_id: str | None = None
    variant_prices: list[VariantPrice] = Field(default_factory=list)
    error: str | None = None
    variant_errors: list[VariantError] = Field(default_factory=list)
    changes: list[str] = Field(default_factory=list)
    dry_run: bool = False
    request_ids: list[str] = Field(default_factory=list)
    writes: int = 0
    # Fields edited in Stripe since the last write that this sync left as they are (two-way).
    kept_stripe_edits: list[str] = Field(default_factory=list)


class SyncSummary(BaseModel):
    """The seed's end-of-run counts; a result with an error counts as failed, never as skipped."""

    created: int = 0
    updated: int = 0
    archived: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def errors(self) -> int:
        """The seed's name for `failed` (its monitoring example counts `errors`); read-only."""
        return self.failed

    @classmethod
    def of(cls, results: list[StripeSyncResult]) -> SyncSummary:
        """Count results the way the seed's monitoring example does, with errors as failures."""
        summary = cls()
        for result in results:
            key = "failed" if result.error or result.action == "failed" else result.action
            setattr(summary, key, getattr(summary, key) + 1)
        return summary
