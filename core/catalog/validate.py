"""Row models for what goes into the catalog, and pydantic's errors in plain words.

Used by import (a file's rows) and by the conversion to the engine's input (a row that cannot be
synced says why, field by field).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from core.catalog.cells import INT32_MAX
from core.catalog.errors import ImportFileError
from core.domain import row_rules
from core.domain.models import CURRENCY_RULE, MAX_UNIT_AMOUNT, SellStatus, iso_currency
from core.domain.text import field_text_problem


def _not_bool(value: Any) -> Any:
    """JSON `true` is not the number 1 here: a column of counts or cents wants a number."""
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, got {value!r}")
    return value


# A whole number as a file gives it (CSV text "12" is fine; true/false and 12.5 are not).
WholeNumber = Annotated[int, BeforeValidator(_not_bool)]


def _strip_blank(data: Any) -> Any:
    """Spaces around text are dropped (a hand-typed CSV's padding) and blank cells mean 'no value'.

    Only U+0020 spaces: a tab, CR, LF … is kept exactly as the file gives it, so a value
    round-trips (an exported tab + `=1+1` comes back with its tab) and the text rules see it.
    """
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip(" ") or None
            out[key] = value
        return out
    return data


class _RowIn(BaseModel):
    """A row as a file gives it: unknown columns refused, spaces around text dropped, an id of
    1–200 chars, no control characters in ids, names and descriptions (core.domain.text)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)

    @field_validator("*")
    @classmethod
    def _text_rules(cls, value: Any, info: ValidationInfo) -> Any:
        problem = field_text_problem(info.field_name or "", value)
        if problem:
            raise ValueError(problem)
        return value


class ProductIn(_RowIn):
    """One product row as a file gives it (column names of the shop's `products` table)."""

    name: str = Field(min_length=1, max_length=250)
    description: str | None = Field(default=None, max_length=40_000)
    category: str | None = None
    dev_status: WholeNumber | None = Field(default=None, ge=0, le=5)
    base_price_cents: WholeNumber | None = Field(default=None, ge=0, le=MAX_UNIT_AMOUNT)
    currency: str | None = None
    is_live: bool | None = None
    sell_status: SellStatus
    has_variants: bool | None = None
    max_quantity: WholeNumber | None = Field(default=None, ge=0, le=INT32_MAX)
    sold_quantity: WholeNumber | None = Field(default=None, ge=0, le=INT32_MAX)
    stripe_product_id: str | None = None
    stripe_price_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _base_price(cls, data: Any) -> Any:
        data = _strip_blank(data)
        if isinstance(data, dict) and "base_price" in data:
            data = dict(data)
            value = data.pop("base_price")
            if "base_price_cents" in data and data["base_price_cents"] != value:
                raise ValueError("give base_price or base_price_cents, not both")
            data["base_price_cents"] = value
        return data

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return iso_currency(value)
        except ValueError:
            raise ValueError(f"must be {CURRENCY_RULE}") from None


class VariantIn(_RowIn):
    """One variant row as a file gives it (column names of the shop's `variants` table)."""

    product_id: str = Field(min_length=1, max_length=200)
    variant_type: str | None = Field(default=None, max_length=40)
    variant_value: str | None = Field(default=None, max_length=200)
    price_modifier: WholeNumber | None = Field(
        default=None, ge=-MAX_UNIT_AMOUNT, le=MAX_UNIT_AMOUNT
    )
    is_limited_edition: bool | None = None
    max_quantity: WholeNumber | None = Field(default=None, ge=0, le=INT32_MAX)
    sold_quantity: WholeNumber | None = Field(default=None, ge=0, le=INT32_MAX)
    stripe_product_id: str | None = None
    stripe_price_id: str | None = None
    metadata: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _blank(cls, data: Any) -> Any:
        return _strip_blank(data)


def plain_error(err: ErrorDetails) -> tuple[str, str]:
    """(field, message in plain words) for one pydantic error."""
    loc = ".".join(str(p) for p in err["loc"]) or "(row)"
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if value is None and kind in ("string_type", "literal_error"):
        return loc, _empty(loc, kind, ctx)
    shown = row_rules.shown(value) if not isinstance(value, dict | list) else type(value).__name__
    messages = {
        "missing": "is required",
        "extra_forbidden": "is not a known column",
        "int_parsing": f"must be a whole number, got {shown}",
        "int_type": f"must be a whole number, got {shown}",
        "int_from_float": f"must be a whole number, got {shown}",
        "int_parsing_size": f"must be a whole number of at most {INT32_MAX}, got {shown}",
        "bool_parsing": f"must be true or false, got {shown}",
        "bool_type": f"must be true or false, got {shown}",
        "string_type": f"must be text, got {shown}",
        "string_too_short": "must not be empty",
        "string_too_long": f"must be at most {ctx.get('max_length')} characters long",
        "greater_than_equal": f"must be at least {ctx.get('ge')}, got {shown}",
        "less_than_equal": f"must be at most {ctx.get('le')}, got {shown}",
        "literal_error": f"must be one of {ctx.get('expected')}, got {shown}",
        "dict_type": f"must be an object, got {shown}",
        "model_type": "must be an object",
    }
    if kind in messages:
        return loc, messages[kind]
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return loc, message


_NEEDED = {
    "id": "every row needs an id",
    "name": "every product needs a name",
    "product_id": "every variant needs the id of its product",
}


def _empty(field: str, kind: str, ctx: dict[str, Any]) -> str:
    """A blank cell (or JSON null) where a value is required: said as such, not as a type error."""
    if kind == "literal_error":
        return f"is empty; it must be one of {ctx.get('expected')}"
    needed = _NEEDED.get(field)
    return f"is empty; {needed}" if needed else "is empty"


def plain_errors(err: ValidationError) -> list[tuple[str, str]]:
    """All of a ValidationError's problems as (field, message) pairs."""
    return [plain_error(e) for e in err.errors()]


# How many problems an import reports before it says "and N more".
MAX_REPORTED = 50


@dataclass(frozen=True)
class RowError:
    """One problem of an import file: where (row, id, field) and what, in plain words."""

    message: str
    row: int | None = None
    record_id: str | None = None
    field: str | None = None
    section: str | None = None  # "variants", or None for products

    def describe(self) -> str:
        """`variants row 2 (id v1): field price_modifier: …`, as ImportFileError says it."""
        where = []
        if self.row is not None:
            label = f"{self.section} row {self.row}" if self.section else f"row {self.row}"
            if self.record_id:
                label += f" (id {self.record_id})"
            where.append(label)
        if self.field:
            where.append(f"field {self.field}")
        return ": ".join([*where, self.message])


class ImportProblems:
    """Every problem found in a file, so the maker fixes them all in one go: the first
    `MAX_REPORTED` are kept (each small), the rest only counted."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.kept: list[RowError] = []
        self.count = 0

    def add(
        self,
        message: str,
        *,
        row: int | None = None,
        record_id: str | None = None,
        field: str | None = None,
        section: str | None = None,
    ) -> None:
        """Note one problem (`section`: "variants" for a variant row, else None)."""
        self.count += 1
        if len(self.kept) < MAX_REPORTED:
            self.kept.append(RowError(message, row, record_id, field, section))

    def raise_any(self) -> None:
        """Raise one ImportFileError naming every problem noted (none: return)."""
        if not self.count:
            return
        if self.count == 1:
            (one,) = self.kept
            raise ImportFileError(
                self.file,
                one.message,
                row=one.row,
                record_id=one.record_id,
                field=one.field,
                section=one.section,
            )
        text = "; ".join(p.describe().rstrip(".") for p in self.kept)
        if self.count > len(self.kept):
            text += f"; and {self.count - len(self.kept):,} more"
        raise ImportFileError(self.file, f"{self.count:,} problems: {text}")
