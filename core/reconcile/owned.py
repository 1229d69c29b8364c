"""Which optional product fields a catalog owns (README "Optional product fields"). Pure.

A catalog owns an optional field (`core.domain.product_fields.OPTIONAL_FIELDS`) when its `products`
table has a column of that name and the `owned_fields` setting names it — or, with no setting (the
default), whenever the table has the column. An owned field is compared, written (and cleared in
Stripe when the catalog's value is empty), pulled and adopted; a field the catalog does not own is
passed to the planner as `unmanaged`: never written nor cleared, and shown read-only.
"""

from __future__ import annotations

from collections.abc import Collection

from core.domain.product_fields import OPTIONAL_FIELDS, PRODUCT_FIELDS, shown_value
from core.engine.types import RemoteProduct, shared_names


def owned_fields(
    columns: Collection[str], setting: Collection[str] | None = None
) -> frozenset[str]:
    """The optional fields a catalog whose products table has `columns` owns, given the
    `owned_fields` setting (None: every one it has a column for)."""
    wanted = OPTIONAL_FIELDS if setting is None else setting
    return shared_names(
        frozenset(name for name in OPTIONAL_FIELDS if name in columns and name in wanted)
    )


def unowned(owned: Collection[str]) -> frozenset[str]:
    """The optional fields left as Stripe has them (the planner's `unmanaged`)."""
    return shared_names(frozenset(name for name in OPTIONAL_FIELDS if name not in owned))


def stripe_only_fields(existing: RemoteProduct | None, owned: Collection[str]) -> dict[str, str]:
    """The product fields Stripe has a value for that the catalog does not own, for display
    ("Not managed by this catalog"), in the plan's words: field → value."""
    if existing is None:
        return {}
    return {
        name: shown_value(name, existing.fields[name])
        for name in PRODUCT_FIELDS
        if name not in owned and name in existing.fields
    }
