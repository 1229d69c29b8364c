"""Three values per field — the catalog's, the last written and Stripe's — and who moved.

The last written value is what this tool last wrote to Stripe or adopted from it, per account and
mode (the snapshot, `core.catalog.snapshots`). For a field that differs:
- `catalog`: the catalog changed since, Stripe did not: push it;
- `stripe`: someone edited Stripe (a hand edit), the catalog did not;
- `both`: a conflict;
- None: nothing was written or adopted yet.

A hand edit (`stripe` or `both`) is never overwritten silently: unless the operator says so for that
field, the plan is made from an input that takes Stripe's value for it (`keep_stripe_edits`), and
the plan lists it in `kept_stripe_edits`. When the operator does overwrite, each operation that
replaces a hand edit is marked `overwrites_stripe_edit`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from core.catalog.snapshots import Snapshot
from core.domain.product_fields import PRODUCT_FIELDS, TAX_BEHAVIORS
from core.engine.types import Changed, FieldDiff, Operation, ProductPlan, RemoteProduct
from core.reconcile.convert import ReadyProduct

# Overwrite Stripe's edits: everywhere (True), nowhere (False), or product id → fields.
Overwrite = bool | Mapping[str, Collection[str]]

# Fields whose hand edits the tool can keep by planning from Stripe's value.
KEEPABLE = (
    "name",
    "description",
    "active",
    "metadata.sell_status",
    "price",
    "price.tax_behavior",
    *PRODUCT_FIELDS,
)


def _snapshot_text(field: str, fields: Mapping[str, str]) -> tuple[bool, str | None]:
    """(whether the snapshot holds `field`, its value in FieldDiff's display form)."""
    if field not in fields:
        return False, None
    value = fields[field]
    if field == "active":
        return True, {"true": "active", "false": "archived"}.get(value, value)
    return True, value or None


def money_amount(text: str | None) -> int | None:
    """An amount written by `core.domain.money.format_money` back in minor units ("$64.00" →
    6400, "¥500" → 500); None for none. Every currency is written with all its decimals."""
    if text is None:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


def who_changed(local: str | None, stripe: str | None, written: str | None) -> Changed:
    """Who moved a differing field away from its last written value."""
    if local != written and stripe == written:
        return "catalog"
    if local == written and stripe != written:
        return "stripe"
    return "both"


def annotate(diffs: Sequence[FieldDiff], snapshot: Snapshot | None) -> list[FieldDiff]:
    """Each difference with its last written value and who changed it since."""
    fields = snapshot.fields if snapshot is not None else {}
    out = []
    for diff in diffs:
        known, written = _snapshot_text(diff.field, fields)
        if not known:
            out.append(diff)
            continue
        update: dict[str, Any] = {
            "last_written": written,
            "changed": who_changed(diff.local, diff.stripe, written),
        }
        if diff.is_money:
            update["last_written_amount"] = money_amount(written)
        out.append(diff.model_copy(update=update))
    return out


def overwrites(overwrite: Overwrite, product_id: str, field: str) -> bool:
    """Whether the operator chose to overwrite Stripe's edit of `field` on `product_id`."""
    if isinstance(overwrite, bool):
        return overwrite
    return field in overwrite.get(product_id, ())


def is_stripe_edit(diff: FieldDiff) -> bool:
    """Whether a difference is (also) a hand edit in Stripe."""
    return diff.changed in ("stripe", "both")


def keep_stripe_edits(
    ready: ReadyProduct, existing: RemoteProduct, edits: Sequence[FieldDiff]
) -> tuple[ReadyProduct, list[str]]:
    """The input with Stripe's value taken for each edited field it can keep, and those fields."""
    product: dict[str, Any] = {}
    variant_amounts: dict[str, int] = {}
    extra: dict[str, dict[str, int | None]] = {}  # unit → currency → Stripe's amount (None: none)
    kept: list[str] = []
    for diff in edits:
        field = diff.field
        if field == "name":
            product["name"] = existing.name
        elif field == "description":
            product["description"] = existing.description
        elif field == "active" and not existing.active:
            product["is_live"] = False  # archived by hand: stays archived
        elif field == "metadata.sell_status" and diff.stripe in (
            "available",
            "pre-sale",
            "internal",
        ):
            product["sell_status"] = diff.stripe
        elif field == "price" and diff.stripe_amount is not None and _same_currency(diff, ready):
            product["price_cents"] = diff.stripe_amount
        elif field.startswith("variant:") and field.endswith(".price"):
            if diff.stripe_amount is None or not _same_currency(diff, ready):
                continue
            variant_amounts[field[len("variant:") : -len(".price")]] = diff.stripe_amount
        elif field in PRODUCT_FIELDS:
            product[field] = existing.fields.get(field)
        elif field == "price.tax_behavior" and diff.stripe in TAX_BEHAVIORS:
            product["tax_behavior"] = diff.stripe
        elif extra_currency_unit(field) is not None:
            unit, code = extra_currency_unit(field) or ("", "")
            extra.setdefault(unit, {})[code] = diff.stripe_amount
        else:
            continue
        kept.append(field)
    if not kept:
        return ready, []
    if "" in extra:
        product["currency_amounts"] = _with(ready.product.currency_amounts, extra[""])
    variants = tuple(
        v.model_copy(
            update={
                "price_cents": variant_amounts.get(v.id, v.price_cents),
                "currency_amounts": _with(v.currency_amounts, extra.get(v.id, {})),
            }
        )
        if v.id in variant_amounts or v.id in extra
        else v
        for v in ready.variants
    )
    new_product = ready.product.model_copy(update=product) if product else ready.product
    return ReadyProduct(new_product, variants, ready.manages_description, ready.owned), kept


def extra_currency_unit(field: str) -> tuple[str, str] | None:
    """(unit, currency) of a price's amount in another currency — `price.eur` → ("", "eur"),
    `variant:v1.price.jpy` → ("v1", "jpy") — else None."""
    head, _, code = field.rpartition(".")
    if len(code) != 3 or not code.isalpha():
        return None
    if head == "price":
        return "", code
    if head.startswith("variant:") and head.endswith(".price") and len(head) > 14:
        return head[len("variant:") : -len(".price")], code
    return None


def _with(amounts: Mapping[str, int], taken: Mapping[str, int | None]) -> dict[str, int]:
    """`amounts` with Stripe's amount taken for some currencies (None: Stripe has none)."""
    out = dict(amounts)
    for code, amount in taken.items():
        if amount is None:
            out.pop(code, None)
        else:
            out[code] = amount
    return dict(sorted(out.items()))


def _same_currency(diff: FieldDiff, ready: ReadyProduct) -> bool:
    return (diff.currency or "") == ready.product.currency


def _touches(op: Operation) -> set[str]:
    """The owned fields an operation writes."""
    if op.kind in ("update_product", "archive_product", "unarchive_product"):
        fields = {k for k in op.params if k in ("name", "description", "active", *PRODUCT_FIELDS)}
        metadata = op.params.get("metadata")
        if isinstance(metadata, dict):
            fields |= {f"metadata.{k}" for k in metadata}
        return fields
    unit = f"variant:{op.variant_id}.price" if op.variant_id else "price"
    options = op.params.get("currency_options")
    extra = {f"{unit}.{c}" for c in options} if isinstance(options, dict) else set()
    if "tax_behavior" in op.params:
        extra.add(f"{unit}.tax_behavior")
    if op.kind in ("create_price", "create_product"):
        return {unit, "name", *extra} if op.kind == "create_product" else {unit, *extra}
    return extra


def mark_overwrites(plan: ProductPlan, edits: Collection[str]) -> ProductPlan:
    """Mark each operation that replaces a hand edit (a field in `edits`)."""
    if not edits:
        return plan
    ops = [
        op.model_copy(update={"overwrites_stripe_edit": True}) if _touches(op) & set(edits) else op
        for op in plan.operations
    ]
    return plan.model_copy(update={"operations": ops})
