"""The plain parts of editing the catalog (core.workspace.editing): the results and errors the
window and the command line get, a typed value from the text a maker writes, the words the
journal keeps, and the catalog values a Stripe write sent (what a revert to it restores).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.catalog.edits import EditConflictError
from core.catalog.errors import CatalogError
from core.catalog.journal import JournalEntry
from core.catalog.records import CatalogRecord
from core.catalog.store import CatalogStore
from core.domain.money import MoneyError, format_money, parse_money
from core.domain.product_fields import OPTIONAL_FIELDS, check_optional
from core.errors import ConfigurationError
from core.reconcile.owned import owned_fields
from core.reconcile.pull_fields import column_value

_MONEY = ("base_price_cents", "price_modifier")
_TRUE, _FALSE = ("true", "yes", "1", "on"), ("false", "no", "0", "off")


class EditProblem(BaseModel):
    """A value an edit cannot save, and why in plain words."""

    model_config = ConfigDict(frozen=True)

    field: str
    message: str


class InvalidEditError(ConfigurationError):
    """An edit with a field that does not exist or a value the row rules refuse; nothing saved."""

    def __init__(self, product_id: str, problems: list[EditProblem]) -> None:
        words = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(
            f"Nothing was saved for product {product_id!r}: {words}.",
            hint="Correct the value and save again.",
        )
        self.problems = problems


class EditConflict(EditConflictError):
    """Another writer changed the row between loading it and saving; nothing was saved.

    `loaded`: the values the edit was made on; `current`: the catalog's values now; `wanted`: what
    the edit would have saved. The operator chooses: save again on top of `current`, or keep it.
    """

    def __init__(
        self,
        product_id: str,
        loaded: dict[str, Any],
        current: dict[str, Any],
        wanted: dict[str, Any],
    ) -> None:
        moved = [k for k in loaded if current.get(k) != loaded[k]]
        detail = ", ".join(f"{k}: {loaded[k]!r} when loaded, {current.get(k)!r} now" for k in moved)
        super().__init__(
            f"Product {product_id!r} was changed in the catalog by someone else while it was "
            f"being edited ({detail or 'it changed'}); nothing was saved.",
            hint="Look at both versions, then save your values again or keep the catalog's.",
        )
        self.product_id = product_id
        self.loaded = loaded
        self.current = current
        self.wanted = wanted


class ChangedField(BaseModel):
    """One field an edit or revert changed (a variant's names its `variant_id`)."""

    model_config = ConfigDict(frozen=True)

    field: str
    before: Any = None
    after: Any = None
    variant_id: str | None = None


class EditResult(BaseModel):
    """What an edit or revert saved (`changed` empty: the catalog already held those values)."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    changed: list[ChangedField] = Field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """As `set --json` and `revert --json` print it."""
        return {"id": self.product_id, "changed": [c.model_dump() for c in self.changed]}


def variant_row(record: CatalogRecord, variant_id: str) -> dict[str, Any]:
    for v in record.variants:
        if str(v["id"]) == variant_id:
            return dict(v)
    raise CatalogError(
        f"Product {record.id!r} has no variant {variant_id!r}.",
        hint="Check the variant id; nothing was done.",
    )


def _whole(text: str, what: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"must be {what}, got {text!r}") from None


def typed_values(
    product_id: str,
    values: Mapping[str, str],
    currency: str,
    record: CatalogRecord,
    variant: dict[str, Any] | None,
) -> dict[str, Any]:
    """Every `FIELD=VALUE` as column → typed value; InvalidEditError naming each value refused
    (nothing is saved)."""
    columns: dict[str, Any] = {}
    problems: list[EditProblem] = []
    for name, text in values.items():
        try:
            column, value = typed_value(name, text, currency, record, variant)
        except ValueError as err:
            problems.append(EditProblem(field=name, message=str(err)))
            continue
        columns[column] = value
    if problems:
        raise InvalidEditError(product_id, problems)
    return columns


def owned_columns(catalog: CatalogStore, setting: Collection[str] | None) -> tuple[str, ...]:
    """The optional product fields the catalog owns (README "Optional product fields": a column
    of the products table, named by the `owned_fields` setting when it is set), in their order:
    the ones an edit takes and an adopt fills."""
    columns = [n for n in OPTIONAL_FIELDS if catalog.has_column("products", n)]
    owned = owned_fields(columns, setting)
    return tuple(n for n in OPTIONAL_FIELDS if n in owned)


def typed_value(
    name: str,
    text: str,
    currency: str,
    record: CatalogRecord,
    variant: dict[str, Any] | None,
) -> tuple[str, Any]:
    """(column, value) of one `FIELD=VALUE`; ValueError says what is wrong with the value."""
    if name in ("name", "sell_status", "variant_type"):
        return name, text
    if name in ("description", "variant_value"):
        return name, text or None
    if name == "dev_status":
        return name, _whole(text, "a whole number from 0 to 5")
    if name == "is_live":
        word = text.strip().lower()
        if word not in _TRUE + _FALSE:
            raise ValueError(f"must be true or false, got {text!r}")
        return name, word in _TRUE
    if name in ("base_price_cents", "price_modifier"):
        return name, _whole(text, "a whole number of cents")
    if name in OPTIONAL_FIELDS:  # checked as a sync checks it, stored as a pull stores it
        return name, column_value(check_optional(name, text))
    try:
        cents = parse_money(text, currency)
    except MoneyError as err:
        raise ValueError(str(err)) from None
    if name == "base_price":
        return "base_price_cents", cents
    base = record.product.get("base_price_cents")
    if not isinstance(base, int):
        raise ValueError("the product has no base price yet: set base_price first")
    assert variant is not None
    return "price_modifier", cents - base


def change_words(column: str, before: Any, after: Any, currency: str) -> str:
    if column in _MONEY and isinstance(before, (int, type(None))) and isinstance(after, int):
        shown = (format_money(before, currency), format_money(after, currency))
        return f"{column} {shown[0]} → {shown[1]}"
    return f"{column} {before!r} → {after!r}"


def stripe_values(
    operation: str,
    entry: JournalEntry,
    known: Mapping[str, tuple[str, int | None, str]],
    record: CatalogRecord,
    catalog_currency: str,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The catalog values a Stripe write sent (see the module docstring)."""
    after: dict[str, Any] = dict(entry.after or {})
    product: dict[str, Any] = {}
    for key, column in (("name", "name"), ("description", "description")):
        if key in after:
            product[column] = after[key] or None
    status = (after.get("metadata") or {}).get("sell_status")
    if isinstance(status, str):
        product["sell_status"] = status
    price: tuple[str, int | None, str] | None = None
    data = after.get("default_price_data") if operation == "create_product" else after
    if operation in ("create_product", "create_price") and isinstance(data, dict):
        if isinstance(data.get("unit_amount"), int):
            unit = str((data.get("metadata") or {}).get("variant_id", ""))
            price = (unit, data["unit_amount"], str(data.get("currency", "")))
    elif operation == "update_price" and after.get("active") is True:
        price = known.get(entry.stripe_object_id or "")
    elif operation == "set_default_price":
        price = known.get(str(after.get("default_price")))
    variants: dict[str, dict[str, Any]] = {}
    if price is not None and price[1] is not None:
        unit, amount, currency = price
        if currency and currency.lower() != catalog_currency:
            raise CatalogError(
                f"Entry {entry.seq} set a price in {currency.upper()}; the catalog is in "
                f"{catalog_currency.upper()}, so it cannot go back to it.",
                hint="Pick another entry; nothing was done.",
            )
        if unit:
            base = record.product.get("base_price_cents")
            if not isinstance(base, int):
                raise CatalogError(
                    f"Product {record.id!r} has no base price, so variant {unit!r} cannot go "
                    "back to a price.",
                    hint="Set the base price first; nothing was done.",
                )
            variants[unit] = {"price_modifier": (amount or 0) - base}
        else:
            product["base_price_cents"] = amount
    if not product and not variants:
        raise CatalogError(
            f"Entry {entry.seq} ({entry.summary}) sent Stripe nothing the catalog holds, so there "
            "is nothing to go back to.",
            hint="Pick the change before it (a new price, a name …); nothing was done.",
        )
    return product, variants
