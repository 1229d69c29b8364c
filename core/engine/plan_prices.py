"""Planning a product's prices: one active price per sellable unit, replaced when its amount changes.

Part of `core.engine.plan` (which plans the product itself and calls `plan_prices`). New prices and
renames come first, then the default price, then archiving the prices they replace. A change a
killed run left half done (its new price made, the old one still the default) is finished with the
price that is there, never made again. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.domain.models import ProductSyncInput
from core.domain.money import format_money
from core.engine.plan_currencies import (
    HAND_MADE,
    extra_diffs,
    in_place_update,
    new_price_reason,
    options_param,
    twin_matches,
)
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_MANAGED_BY,
    META_VARIANT_ID,
    FieldDiff,
    Operation,
    RemotePrice,
    RemoteProduct,
    is_managed,
)
from core.engine.units import PRODUCT_UNIT, Unit, new_price_ref


def unit_words(unit: Unit) -> str:
    """' for color BLACK' (a variant's words in a summary), '' for the product's own price."""
    return f" for {unit.label}" if unit.label else ""


def money_text(price: RemotePrice | None) -> str | None:
    """A price's amount for display, None for no price."""
    return None if price is None else format_money(price.unit_amount, price.currency)


def price_diff(field: str, unit: Unit | None, price: RemotePrice | None) -> FieldDiff:
    """A price difference: display strings and the amounts in the currency's smallest unit."""
    return FieldDiff(
        field=field,
        local=unit.money() if unit is not None else None,
        stripe=money_text(price),
        currency=unit.currency if unit is not None else price.currency if price else None,
        local_amount=unit.amount if unit is not None else None,
        stripe_amount=price.unit_amount if price is not None else None,
    )


def key_words(key: str) -> str:
    """'lookup key lamp' (how a plan names a key)."""
    return f"lookup key {key}"


def price_params(unit: Unit, product_ref: str, key: str | None = None) -> dict[str, object]:
    """The create parameters of `unit`'s price on the product `product_ref`: it takes its lookup
    key (`key`, else the unit's) over from the price it replaces in the same request."""
    params: dict[str, object] = {
        "product": product_ref,
        "currency": unit.currency,
        "unit_amount": unit.amount,
        "metadata": dict(unit.metadata),
    }
    if unit.nickname:
        params["nickname"] = unit.nickname
    if unit.extra:
        params["currency_options"] = options_param(unit)
    if unit.tax_behavior not in (None, "unspecified"):
        params["tax_behavior"] = unit.tax_behavior
    params["lookup_key"] = key or unit.lookup_key
    params["transfer_lookup_key"] = True
    return params


def wanted_key(unit: Unit, current: RemotePrice | None) -> str:
    """The lookup key the unit's price should carry: the catalog's own key; else a key set by
    hand on the current price (kept); else the derived one."""
    if unit.own_key or current is None or not current.lookup_key:
        return unit.lookup_key
    return current.lookup_key


def tax_reason(unit: Unit, price: RemotePrice, owned: bool) -> str | None:
    """Why a different tax behavior needs a new price (None: same, or changed in place)."""
    have = price.tax_behavior or "unspecified"
    if unit.tax_behavior is None or price.tax_behavior is None or unit.tax_behavior == have:
        return None
    if not owned:
        return HAND_MADE
    if have == "unspecified":
        return None  # Stripe sets it once, in place (facts §4.2)
    return (
        f"Stripe never changes a price's tax behavior once it is {have}; "
        f"{unit.tax_behavior} needs a new price"
    )


def tax_diff(unit: Unit, price: RemotePrice | None) -> list[FieldDiff]:
    """The unit's tax behavior difference (field `price.tax_behavior`), when compared."""
    have = None if price is None else price.tax_behavior or "unspecified"
    if unit.tax_behavior is None or (price is not None and price.tax_behavior is None):
        return []
    if have == unit.tax_behavior or (have is None and unit.tax_behavior == "unspecified"):
        return []
    return [FieldDiff(field=f"{unit.field}.tax_behavior", local=unit.tax_behavior, stripe=have)]


def with_extra(unit: Unit) -> str:
    """' with EUR €41.00, JPY ¥6,900' for a unit with amounts in other currencies, else ''."""
    return f" with {unit.extra_money()}" if unit.extra else ""


def _price_version(price: RemotePrice, product: RemoteProduct) -> str:
    return f"{price.id}|{price.active}|{price.nickname}|{product.updated}"


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
        summary=f"archive {why} {money_text(price)} ({price.id})",
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
    replaced, begun = current, _made_already(existing, unit, current)
    if begun is not None and replaced is not None:
        # A change begun by a run that died after making the new price (a kill before the default
        # moved): that price (the tool's) is the unit's now; the default and the archive are left.
        out.diffs.append(price_diff(unit.field, unit, replaced))
        if owned:
            out.archives.append(_archive_op(product, existing, replaced, unit.key, "old price"))
        current, owned = begun, True
    else:
        replaced = None
    ref = new_price_ref(unit.key)
    changed = current is None or (current.unit_amount, current.currency) != (
        unit.amount,
        unit.currency,
    )
    # Amounts in other currencies that Stripe cannot bring in step in place need a new price.
    why_new = (
        None
        if changed or current is None
        else new_price_reason(unit, current, owned) or tax_reason(unit, current, owned)
    )
    changed = changed or why_new is not None
    because = f" ({why_new})" if why_new else ""
    earlier = _archived_twin(existing, unit) if changed else None
    if changed and earlier is not None:
        # Reuse before create (design §12): the price this tool made for the unit at this amount
        # comes back, so A → B → A leaves the original price id (and what points at it) in place.
        params_back: dict[str, object] = {"active": True}
        if unit.nickname and earlier.nickname != unit.nickname:
            params_back["nickname"] = unit.nickname
        key = wanted_key(unit, current)
        if earlier.lookup_key != key:
            params_back.update(lookup_key=key, transfer_lookup_key=True)
        made = datetime.fromtimestamp(earlier.created, UTC).strftime("%Y-%m-%d")
        was = f" (was {money_text(current)})" if current is not None else ""
        out.creates.append(
            Operation(
                kind="update_price",
                product_id=product.id,
                variant_id=unit.key or None,
                target_id=earlier.id,
                params=params_back,
                version=_price_version(earlier, existing),
                summary=f"reuse price {earlier.id} {unit.money()}{was}{unit_words(unit)}"
                f"{with_extra(unit)} (made on {made}, archived since) instead of creating a new "
                f"one{because}",
            )
        )
        out.diffs.append(price_diff(unit.field, unit, current))
        out.diffs += extra_diffs(unit, current) + tax_diff(unit, current)
        if current is not None and owned:
            out.archives.append(_archive_op(product, existing, current, unit.key, "old price"))
        chosen = earlier.id
        out.current[unit.key] = earlier.id
    elif changed:
        params = price_params(unit, existing.id, wanted_key(unit, current))
        was = f" (was {money_text(current)})" if current is not None else ""
        new = "new price" if current is not None else "price"
        out.creates.append(
            Operation(
                kind="create_price",
                product_id=product.id,
                variant_id=unit.key or None,
                params=params,
                summary=f"create {new} {unit.money()}{was}{unit_words(unit)}{with_extra(unit)}"
                f"{because}",
            )
        )
        out.diffs.append(price_diff(unit.field, unit, current))
        out.diffs += extra_diffs(unit, current) + tax_diff(unit, current)
        if current is not None and owned:  # one made by hand and not linked stays as it is
            out.archives.append(_archive_op(product, existing, current, unit.key, "old price"))
        chosen = ref
    else:
        assert current is not None  # not changed: the unit has its price
        chosen = current.id
        out.current[unit.key] = current.id
        _update_in_place(product, existing, unit, current, out, owned)
    # One active price per unit: older duplicates (e.g. from a hand edit) are archived.
    for price in existing.prices:
        if (
            price.active
            and price.id not in (current.id if current else None, replaced.id if replaced else None)
            and _unit_of(price, unit.key)
        ):
            out.archives.append(_archive_op(product, existing, price, unit.key, "duplicate price"))
    if first:
        out.default_target = chosen
        out.default_money = unit.money()


def _update_in_place(
    product: ProductSyncInput,
    existing: RemoteProduct,
    unit: Unit,
    current: RemotePrice,
    out: _PricePlan,
    owned: bool,
) -> None:
    """One `update_price` for what changes on the unit's price without replacing it: its
    nickname, its amounts in other currencies (plan_currencies), its tax behavior set once, and
    its lookup key (given to a price the tool manages that has none, or the catalog's own)."""
    params: dict[str, object] = {}
    words: list[str] = []
    # A hand-made price the unit adopted keeps its own nickname (no write just to rename it).
    if unit.nickname and current.nickname != unit.nickname and is_managed(current):
        out.diffs.append(
            FieldDiff(
                field=f"variant:{unit.key}.nickname", local=unit.nickname, stripe=current.nickname
            )
        )
        params["nickname"] = unit.nickname
        words.append(
            f"rename the price{unit_words(unit)} “{current.nickname or ''}” → “{unit.nickname}”"
        )
    diffs = extra_diffs(unit, current)
    if diffs:  # new_price_reason said Stripe can change these in place
        out.diffs += diffs
        params["currency_options"], text = in_place_update(unit, current)
        words.append(text.replace("the price", f"the price{unit_words(unit)}", 1))
    taxed = tax_diff(unit, current)
    if taxed and owned:  # tax_reason said Stripe sets it in place (from unspecified)
        out.diffs += taxed
        params["tax_behavior"] = unit.tax_behavior
        words.append(f"set the price's tax behavior{unit_words(unit)} to {unit.tax_behavior}")
    key = wanted_key(unit, current)
    if owned and current.lookup_key != key:
        out.diffs.append(
            FieldDiff(
                field=unit.field[: -len("price")] + "lookup_key",
                local=key,
                stripe=current.lookup_key,
            )
        )
        params.update(lookup_key=key, transfer_lookup_key=True)
        old = f" (was {current.lookup_key})" if current.lookup_key else ""
        words.append(f"give the price{unit_words(unit)} its {key_words(key)}{old}")
    if not params:
        return
    out.creates.append(
        Operation(
            kind="update_price",
            product_id=product.id,
            variant_id=unit.key or None,
            target_id=current.id,
            params=params,
            version=_price_version(current, existing),
            summary="; ".join(words),
        )
    )


def _made_already(
    existing: RemoteProduct, unit: Unit, current: RemotePrice | None
) -> RemotePrice | None:
    """When `current` does not sell `unit` at its wanted amount: the oldest active price this
    tool made for the unit that does (a new price whose change did not finish), if any."""
    if current is None or (current.unit_amount, current.currency) == (unit.amount, unit.currency):
        return None
    return _oldest_twin(existing, unit, active=True)


def _archived_twin(existing: RemoteProduct, unit: Unit) -> RemotePrice | None:
    """The oldest archived price this tool made for `unit` at its wanted amount and currency."""
    return _oldest_twin(existing, unit, active=False)


def _oldest_twin(existing: RemoteProduct, unit: Unit, *, active: bool) -> RemotePrice | None:
    earlier = [
        p
        for p in existing.prices
        if p.active is active
        and _unit_of(p, unit.key)
        and p.kind_refusal is None
        and (p.unit_amount, p.currency) == (unit.amount, unit.currency)
        and twin_matches(p, unit)
        and unit.tax_behavior in (None, p.tax_behavior or "unspecified")
    ]
    return min(earlier, key=lambda p: (p.created, p.id), default=None)


def _unit_of(price: RemotePrice, key: str) -> bool:
    tag = price.metadata.get(META_VARIANT_ID)
    if key == PRODUCT_UNIT:
        return tag is None and price.metadata.get(META_MANAGED_BY) == MANAGED_BY_VALUE
    return tag == key


def plan_prices(
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
            out.diffs.append(price_diff(name, None, price))
            out.diffs += [
                d.model_copy(update={"field": name + d.field[len("price") :]})
                for d in extra_diffs(None, price)
            ]
            out.archives.append(_archive_op(product, existing, price, tag, "price no longer sold"))
    ops = list(out.creates)
    if out.default_target is not None and out.default_target != existing.default_price:
        old = existing.default_price_object()
        out.diffs.append(
            FieldDiff(field="default_price", local=out.default_money, stripe=money_text(old))
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
