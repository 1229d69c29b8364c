"""A product's optional fields (`core.domain.product_fields`): compared with Stripe's and written,
for the fields the catalog owns only. Pure; part of `core.engine.plan`.

A field is compared when the input sets it (`ProductSyncInput.optional_values`) and it is not
`unmanaged`; else it is never sent, nor cleared, whatever Stripe has. A catalog value of None clears
Stripe's (`""` on update, facts §2.2), except `statement_descriptor` and `shippable`, which Stripe
cannot unset (docs/stripe-facts.md §2.4): those are left as they are until the catalog gives one.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from core.domain.models import ProductSyncInput
from core.domain.product_fields import PRODUCT_FIELDS, shown_value
from core.engine.types import FieldDiff, RemoteProduct

# Fields Stripe cannot clear once set (docs/stripe-facts.md §2.4; `shippable` takes only a bool).
NOT_CLEARABLE = frozenset({"statement_descriptor", "shippable"})
LABELS = {
    "url": "web address",
    "images": "images",
    "statement_descriptor": "statement descriptor",
    "unit_label": "unit label",
    "tax_code": "tax code",
    "shippable": "shippable",
    "package_dimensions": "package dimensions",
    "marketing_features": "marketing features",
}


def owned_values(product: ProductSyncInput, unmanaged: Collection[str]) -> dict[str, Any]:
    """The product's optional fields the plan compares (see the module docstring)."""
    return {
        name: value
        for name, value in product.optional_values().items()
        if name in PRODUCT_FIELDS and name not in unmanaged
    }


def stripe_param(name: str, value: Any) -> Any:
    """A field's value as Stripe's create and update parameters take it."""
    if name == "images":
        return list(value)
    if name == "marketing_features":
        return [{"name": feature} for feature in value]
    if name == "package_dimensions":
        return dict(value)
    return value


def create_params(product: ProductSyncInput, unmanaged: Collection[str]) -> dict[str, Any]:
    """The optional fields a new product is created with: the owned ones with a value (no `""`
    on create, docs/stripe-facts.md §2.4)."""
    return {
        name: stripe_param(name, value)
        for name, value in owned_values(product, unmanaged).items()
        if value is not None
    }


def field_changes(
    product: ProductSyncInput, existing: RemoteProduct, unmanaged: Collection[str]
) -> tuple[dict[str, Any], list[FieldDiff], list[str]]:
    """The update parameters, differences and plan words that bring Stripe's optional fields to
    the catalog's."""
    params: dict[str, Any] = {}
    diffs: list[FieldDiff] = []
    words: list[str] = []
    for name, want in owned_values(product, unmanaged).items():
        have = existing.fields.get(name)
        if want == have or (want is None and name in NOT_CLEARABLE):
            continue
        local, stripe = shown_value(name, want) or None, shown_value(name, have) or None
        diffs.append(FieldDiff(field=name, local=local, stripe=stripe))
        label = LABELS[name]
        if want is None:
            params[name] = ""
            words.append(f"clear the {label}")
        else:
            params[name] = stripe_param(name, want)
            words.append(f"{label} “{stripe}” → “{local}”" if stripe else f"{label} “{local}”")
    return params, diffs, words
