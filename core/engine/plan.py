"""Compare one local product with its Stripe side and plan the writes, in a safe order. Pure.

Only owned fields are compared (design.md §3): name, description, active, the tool's metadata keys,
and per sellable unit (the product itself, or each variant) the amount, currency, nickname and
`variant_id` tag of its active price. Writes come in this order: the product itself, new prices
and price renames, the default price, then archiving the prices they replace — so Stripe is never
asked to archive a default price (facts §4.6) and nothing is briefly unsellable.

Operations that depend on an object created earlier in the same plan refer to it by placeholder
(`NEW_PRODUCT`, `new_price_ref(unit)`, `NEW_DEFAULT_PRICE`), resolved by apply.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from core.domain.models import STRIPE_ID_RE, ProductSyncInput, SyncAction, VariantSyncInput
from core.domain.money import format_money
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_MANAGED_BY,
    META_VARIANT_ID,
    FieldDiff,
    Operation,
    OperationKind,
    ProductPlan,
    RemoteCatalog,
    RemotePrice,
    RemoteProduct,
    is_managed,
)
from core.engine.units import (
    NEW_DEFAULT_PRICE,
    NEW_PRODUCT,
    PRODUCT_UNIT,
    Unit,
    desired_units,
    input_problems,
    new_price_ref,
    owned_metadata,
)


def _for(unit: Unit) -> str:
    return f" for {unit.label}" if unit.label else ""


def _money(price: RemotePrice | None) -> str | None:
    return None if price is None else format_money(price.unit_amount, price.currency)


def _price_params(unit: Unit, product_ref: str) -> dict[str, object]:
    params: dict[str, object] = {
        "product": product_ref,
        "currency": unit.currency,
        "unit_amount": unit.amount,
        "metadata": dict(unit.metadata),
    }
    if unit.nickname:
        params["nickname"] = unit.nickname
    return params


def _price_version(price: RemotePrice, product: RemoteProduct) -> str:
    return f"{price.id}|{price.active}|{price.nickname}|{product.updated}"


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
    params["default_price_data"] = {
        "currency": first.currency,
        "unit_amount": first.amount,
        "metadata": dict(first.metadata),
    }
    id_note = f" (id {product.id})" if custom_id else ""
    ops = [
        Operation(
            kind="create_product",
            product_id=product.id,
            variant_id=first.key or None,
            params=params,
            summary=f"create product “{product.name}”{id_note} with price {first.money()}"
            f"{_for(first)}",
        )
    ]
    if first.nickname:
        ops.append(
            Operation(
                kind="update_price",
                product_id=product.id,
                variant_id=first.key,
                target_id=NEW_DEFAULT_PRICE,
                params={"nickname": first.nickname},
                summary=f"name the price{_for(first)} “{first.nickname}”",
            )
        )
    product_ref = product.id if custom_id else NEW_PRODUCT
    for unit in units[1:]:
        ops.append(
            Operation(
                kind="create_price",
                product_id=product.id,
                variant_id=unit.key,
                params=_price_params(unit, product_ref),
                summary=f"create price {unit.money()}{_for(unit)}",
            )
        )
    diffs = [FieldDiff(field="name", local=product.name, stripe=None)]
    diffs += [FieldDiff(field=u.field, local=u.money(), stripe=None) for u in units]
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


@dataclass
class _PricePlan:
    creates: list[Operation] = field(default_factory=list)
    archives: list[Operation] = field(default_factory=list)
    diffs: list[FieldDiff] = field(default_factory=list)
    current: dict[str, str] = field(default_factory=dict)
    default_target: str | None = None
    default_money: str | None = None


def _archive_op(
    product: ProductSyncInput,
    existing: RemoteProduct,
    price: RemotePrice,
    unit_key: str | None,
    why: str,
) -> Operation:
    return Operation(
        kind="archive_price",
        product_id=product.id,
        variant_id=unit_key or None,
        target_id=price.id,
        params={"active": False},
        version=_price_version(price, existing),
        summary=f"archive {why} {_money(price)} ({price.id})",
    )


def _plan_unit(
    product: ProductSyncInput,
    existing: RemoteProduct,
    unit: Unit,
    out: _PricePlan,
    first: bool,
    linked: str | None,
) -> None:
    current = existing.active_price_for_variant(unit.key or None, linked)
    # The tool's own price, or one linked to this unit (adopted): replaced when the amount changes.
    owned = current is not None and (is_managed(current) or current.id == linked)
    ref = new_price_ref(unit.key)
    if current is None or (current.unit_amount, current.currency) != (unit.amount, unit.currency):
        params = _price_params(unit, existing.id)
        if current is not None and current.lookup_key:
            params["lookup_key"] = current.lookup_key
            params["transfer_lookup_key"] = True
        was = f" (was {_money(current)})" if current is not None else ""
        new = "new price" if current is not None else "price"
        out.creates.append(
            Operation(
                kind="create_price",
                product_id=product.id,
                variant_id=unit.key or None,
                params=params,
                summary=f"create {new} {unit.money()}{was}{_for(unit)}",
            )
        )
        out.diffs.append(FieldDiff(field=unit.field, local=unit.money(), stripe=_money(current)))
        if current is not None and owned:  # one made by hand and not linked stays as it is
            out.archives.append(_archive_op(product, existing, current, unit.key, "old price"))
        chosen = ref
    else:
        chosen = current.id
        out.current[unit.key] = current.id
        # A hand-made price the unit adopted keeps its own nickname (no write just to rename it).
        if unit.nickname and current.nickname != unit.nickname and is_managed(current):
            out.diffs.append(
                FieldDiff(
                    field=f"variant:{unit.key}.nickname",
                    local=unit.nickname,
                    stripe=current.nickname,
                )
            )
            out.creates.append(
                Operation(
                    kind="update_price",
                    product_id=product.id,
                    variant_id=unit.key,
                    target_id=current.id,
                    params={"nickname": unit.nickname},
                    version=_price_version(current, existing),
                    summary=f"rename the price{_for(unit)} “{current.nickname or ''}” → "
                    f"“{unit.nickname}”",
                )
            )
    # One active price per unit: older duplicates (e.g. from a hand edit) are archived.
    for price in existing.prices:
        if (
            price.active
            and price.id != (current.id if current else None)
            and _unit_of(price, unit.key)
        ):
            out.archives.append(_archive_op(product, existing, price, unit.key, "duplicate price"))
    if first:
        out.default_target = chosen
        out.default_money = unit.money()


def _unit_of(price: RemotePrice, key: str) -> bool:
    tag = price.metadata.get(META_VARIANT_ID)
    if key == PRODUCT_UNIT:
        return tag is None and price.metadata.get(META_MANAGED_BY) == MANAGED_BY_VALUE
    return tag == key


def _plan_prices(
    product: ProductSyncInput,
    existing: RemoteProduct,
    units: list[Unit],
    linked: Mapping[str, str],
) -> tuple[list[Operation], list[FieldDiff], dict[str, str]]:
    out = _PricePlan()
    for index, unit in enumerate(units):
        _plan_unit(product, existing, unit, out, first=index == 0, linked=linked.get(unit.key))
    keys = {u.key for u in units}
    simple = units[0].key == PRODUCT_UNIT
    for price in existing.prices:
        tag = price.metadata.get(META_VARIANT_ID)
        stale = (tag is not None and tag not in keys) or (
            not simple and tag is None and price.metadata.get(META_MANAGED_BY) == MANAGED_BY_VALUE
        )
        if price.active and stale:
            name = f"variant:{tag}.price" if tag else "price"
            out.diffs.append(FieldDiff(field=name, local=None, stripe=_money(price)))
            out.archives.append(_archive_op(product, existing, price, tag, "price no longer sold"))
    ops = list(out.creates)
    if out.default_target is not None and out.default_target != existing.default_price:
        old = existing.default_price_object()
        out.diffs.append(
            FieldDiff(field="default_price", local=out.default_money, stripe=_money(old))
        )
        new = out.default_target.startswith("@")
        ops.append(
            Operation(
                kind="set_default_price",
                product_id=product.id,
                variant_id=units[0].key or None if new else None,
                target_id=existing.id,
                params={"default_price": out.default_target},
                version=str(existing.updated),
                summary=f"make the {'new ' if new else ''}{out.default_money} price the default",
            )
        )
    ops += out.archives
    return ops, out.diffs, out.current


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
    table has no such column): never compared, sent or cleared, whatever Stripe has.
    `linked_prices`: unit key ("" for the product's own price, else the variant id) → the Stripe
    price linked to it (adopted, or written before); such a price sells the unit even untagged.
    """
    linked = linked_prices or {}
    left_alone = frozenset(unmanaged)
    problems = input_problems(product, variants)
    if problems:
        return _made(
            product, variants, action="failed", error="; ".join(problems), unmanaged=left_alone
        )
    units = desired_units(product, variants)
    existing = remote.find(product.id, linked_id)
    if existing is None:
        return _plan_create(product, variants, units, left_alone)
    op, diffs = _product_update(product, existing, left_alone)
    ops = [op] if op is not None else []
    current: dict[str, str] = {}
    if product.wants_active:
        price_ops, price_diffs, current = _plan_prices(product, existing, units, linked)
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
