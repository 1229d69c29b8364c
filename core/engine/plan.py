"""Compare one local product with its Stripe side and plan the writes, in a safe order. Pure.

Only owned fields are compared (design.md §3): name, description, active, the tool's metadata keys,
and per sellable unit (the product itself, or each variant) the amount, currency, nickname,
`variant_id` tag and amounts in other currencies (`currency_options`) of its active price. Writes come in this order: the product itself, new prices
and price renames, the default price, then archiving the prices they replace — so Stripe is never
asked to archive a default price (facts §4.6) and nothing is briefly unsellable.

Operations that depend on an object created earlier in the same plan refer to it by placeholder
(`NEW_PRODUCT`, `new_price_ref(unit)`, `NEW_DEFAULT_PRICE`), resolved by apply.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from core.domain.models import STRIPE_ID_RE, ProductSyncInput, SyncAction, VariantSyncInput
from core.domain.product_fields import OPTIONAL_FIELDS
from core.engine.plan_currencies import extra_diffs, options_param
from core.engine.plan_fields import create_params, field_changes
from core.engine.plan_prices import (
    key_words,
    plan_prices,
    price_diff,
    price_params,
    unit_words,
    with_extra,
)
from core.engine.types import (
    FieldDiff,
    Operation,
    OperationKind,
    ProductPlan,
    RemoteCatalog,
    RemoteProduct,
)
from core.engine.units import (
    NEW_DEFAULT_PRICE,
    NEW_PRODUCT,
    Unit,
    desired_units,
    input_problems,
    owned_metadata,
)


def _plan_create(
    product: ProductSyncInput,
    variants: Sequence[VariantSyncInput],
    units: list[Unit],
    unmanaged: frozenset[str],
) -> ProductPlan:
    if not product.wants_active:
        # Not for sale and not in Stripe: nothing to create (an internal product stays local).
        return _made(product, variants, action="skipped")
    first = units[0]
    params: dict[str, object] = {"name": product.name, "metadata": owned_metadata(product)}
    custom_id = STRIPE_ID_RE.match(product.id) is not None
    if custom_id:
        params["id"] = product.id
    if product.description and "description" not in unmanaged:
        params["description"] = product.description
    params.update(create_params(product, unmanaged))
    price_data: dict[str, object] = {
        "currency": first.currency,
        "unit_amount": first.amount,
        "metadata": dict(first.metadata),
    }
    if first.extra:
        price_data["currency_options"] = options_param(first)
    if first.tax_behavior not in (None, "unspecified"):
        price_data["tax_behavior"] = first.tax_behavior
    params["default_price_data"] = price_data
    id_note = f" (id {product.id})" if custom_id else ""
    ops = [
        Operation(
            kind="create_product",
            product_id=product.id,
            variant_id=first.key or None,
            params=params,
            summary=f"create product “{product.name}”{id_note} with price {first.money()}"
            f"{unit_words(first)}{with_extra(first)}",
        )
    ]
    # `default_price_data` takes no lookup key (docs/stripe-facts.md §6.1): one more write gives
    # the new price its key (and its nickname), so a first sync costs two writes.
    named: dict[str, object] = {"nickname": first.nickname} if first.nickname else {}
    ops.append(
        Operation(
            kind="update_price",
            product_id=product.id,
            variant_id=first.key or None,
            target_id=NEW_DEFAULT_PRICE,
            params={**named, "lookup_key": first.lookup_key, "transfer_lookup_key": True},
            summary=(
                f"name the price{unit_words(first)} “{first.nickname}” and g" if named else "g"
            )
            + f"ive {'it' if named else 'the price' + unit_words(first)} its "
            + key_words(first.lookup_key),
        )
    )
    product_ref = product.id if custom_id else NEW_PRODUCT
    for unit in units[1:]:
        ops.append(
            Operation(
                kind="create_price",
                product_id=product.id,
                variant_id=unit.key,
                params=price_params(unit, product_ref),
                summary=f"create price {unit.money()}{unit_words(unit)}{with_extra(unit)}",
            )
        )
    diffs = [FieldDiff(field="name", local=product.name, stripe=None)]
    for unit in units:
        diffs += [price_diff(unit.field, unit, None), *extra_diffs(unit, None)]
    return _made(
        product, variants, action="created", operations=ops, differences=diffs, unmanaged=unmanaged
    )


def _product_update(
    product: ProductSyncInput, existing: RemoteProduct, unmanaged: frozenset[str]
) -> tuple[Operation | None, list[FieldDiff]]:
    diffs: list[FieldDiff] = []
    params: dict[str, object] = {}
    words: list[str] = []
    if existing.name != product.name:
        diffs.append(FieldDiff(field="name", local=product.name, stripe=existing.name))
        params["name"] = product.name
        words.append(f"name “{existing.name}” → “{product.name}”")
    if "description" not in unmanaged and (product.description or None) != (
        existing.description or None
    ):
        diffs.append(
            FieldDiff(field="description", local=product.description, stripe=existing.description)
        )
        params["description"] = product.description or ""  # '' clears it (facts §2.2)
        words.append("description" if product.description else "clear the description")
    meta = {k: v for k, v in owned_metadata(product).items() if existing.metadata.get(k) != v}
    for key, value in meta.items():
        old = existing.metadata.get(key)
        diffs.append(FieldDiff(field=f"metadata.{key}", local=value, stripe=old))
        label = key.replace("_", " ")
        words.append(f"{label} {old} → {value}" if old else f"tag {label} {value}")
    if meta:
        params["metadata"] = meta  # merged by Stripe: keys added by hand stay
    field_params, field_diffs, field_words = field_changes(product, existing, unmanaged)
    params.update(field_params)
    diffs += field_diffs
    words += field_words
    want = product.wants_active
    kind: OperationKind = "update_product"
    if existing.active != want:
        diffs.append(
            FieldDiff(
                field="active",
                local="active" if want else "archived",
                stripe="active" if existing.active else "archived",
            )
        )
        params["active"] = want
        kind = "unarchive_product" if want else "archive_product"
    if not params:
        return None, diffs
    if kind == "archive_product":
        text = f"archive the product ({product.not_for_sale_reason}); its prices stay as they are"
    elif kind == "unarchive_product":
        text = f"unarchive the product (sell status {product.sell_status})"
    else:
        text = "update " + "; ".join(words)
    if kind != "update_product" and len(words) > 0:
        text += "; also " + "; ".join(words)
    op = Operation(
        kind=kind,
        product_id=product.id,
        target_id=existing.id,
        params=params,
        version=str(existing.updated),
        summary=text,
    )
    return op, diffs


def plan_product(
    product: ProductSyncInput,
    variants: Sequence[VariantSyncInput],
    remote: RemoteCatalog,
    *,
    linked_id: str | None = None,
    unmanaged: Collection[str] = (),
    linked_prices: Mapping[str, str] | None = None,
) -> ProductPlan:
    """Plan the Stripe writes that bring `remote` in step with `product` and its `variants`.

    `unmanaged`: product fields the catalog does not hold (e.g. "description" when the shop's
    table has no such column, or an optional field it does not own): never compared, sent or
    cleared, whatever Stripe has. An optional field the input does not set (`model_fields_set`,
    core.domain.product_fields) is left alone too.
    `linked_prices`: unit key ("" for the product's own price, else the variant id) → the Stripe
    price linked to it (adopted, or written before); such a price sells the unit even untagged.
    """
    linked = linked_prices or {}
    unset = {name for name in OPTIONAL_FIELDS if name not in product.model_fields_set}
    left_alone = frozenset(unmanaged) | unset
    problems = input_problems(product, variants)
    if problems:
        return _made(
            product, variants, action="failed", error="; ".join(problems), unmanaged=left_alone
        )
    units = desired_units(product, variants, left_alone)
    existing = remote.find(product.id, linked_id)
    if existing is None:
        return _plan_create(product, variants, units, left_alone)
    op, diffs = _product_update(product, existing, left_alone)
    ops = [op] if op is not None else []
    current: dict[str, str] = {}
    if product.wants_active:
        price_ops, price_diffs, current = plan_prices(product, existing, units, linked)
        ops += price_ops
        diffs += price_diffs
    else:
        # An archived product's prices may stay active (facts §2.6): they are not compared.
        for unit in units:
            price = existing.active_price_for_variant(unit.key or None, linked.get(unit.key))
            if price is not None:
                current[unit.key] = price.id
    action: SyncAction = "skipped"
    if any(o.kind == "archive_product" for o in ops):
        action = "archived"
    elif ops:
        action = "updated"
    return _made(
        product,
        variants,
        action=action,
        stripe_product_id=existing.id,
        operations=ops,
        differences=diffs,
        current_prices=current,
        unmanaged=left_alone,
    )


def _made(
    product: ProductSyncInput, variants: Sequence[VariantSyncInput], **fields: object
) -> ProductPlan:
    # Built once with its final values: validating a draft and then copying it cost twice as much.
    return ProductPlan(product_id=product.id, product=product, variants=tuple(variants), **fields)
