"""What a product's plan does in Stripe, in one sentence for makers. Pure.

The one wording the plan dialog's product line and the command line's `plan` share: "Create in
Stripe with price $64.00", "Change the price from $50.00 to $64.00 (a new price; the old one is
archived)", "Rename to “Desk lamp”", "Archive in Stripe (not for sale: sell status internal)".
The operations' own summaries (the engine's) stay as the detail under it. Counts read as words
too: `plural(2, "product")` is "2 products", `changes_in_stripe(1)` "1 change in Stripe".
"""

from __future__ import annotations

import re

from core.engine.types import FieldDiff, ProductPlan

_PRICE = re.compile(r"\A(?:variant:(?P<variant>.+)\.)?price(?:\.(?P<currency>[a-z]{3}))?\Z")
# Differences said by other clauses (the default price moves with a price change; "active" is the
# archive or unarchive itself).
_SAID_ELSEWHERE = {"default_price", "active"}
_DETAIL_WORDS = {
    "lookup_key": "lookup key",
    "tax_behavior": "tax behavior",
    "nickname": "price name",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 product', '6 products'; `many` for a word that does not just take an s."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def changes_in_stripe(count: int) -> str:
    """How many writes a sync makes, as a maker reads it: '1 change in Stripe', '3 changes in
    Stripe'."""
    return f"{plural(count, 'change')} in Stripe"


def plan_sentence(plan: ProductPlan) -> str:
    """What syncing this product does in Stripe, in one sentence (no full stop)."""
    if plan.error:
        return f"Cannot sync: {plan.error}"
    if not plan.operations:
        return "Nothing to change in Stripe"
    kinds = {op.kind for op in plan.operations}
    if "create_product" in kinds:
        return _sentence([_create(plan)])
    clauses: list[str] = []
    if "archive_product" in kinds:
        why = plan.product.not_for_sale_reason if plan.product is not None else None
        clauses.append(f"archive in Stripe (not for sale: {why})" if why else "archive in Stripe")
    if "unarchive_product" in kinds:
        clauses.append("put back on sale in Stripe")
    said = set(_SAID_ELSEWHERE)
    if kinds & {"archive_product", "unarchive_product"}:
        said.add("metadata.sell_status")  # the sell status is why it is (un)archived
    details: list[str] = []
    for diff in plan.differences:
        if diff.field in said:
            continue
        price = _PRICE.match(diff.field)
        if price is not None:
            clauses.append(_price_clause(plan, diff, price["variant"], price["currency"]))
        elif diff.field == "name":
            clauses.append(f"rename to “{diff.local}”")
        elif diff.field == "description":
            clauses.append("change the description" if diff.local else "clear the description")
        else:
            word = _detail_word(diff.field)
            if word not in details:
                details.append(word)
    if details:
        clauses.append("update the " + _and(details))
    if not clauses:  # every write is bookkeeping the differences do not name
        clauses.append("update the product's details")
    return _sentence(clauses)


def _create(plan: ProductPlan) -> str:
    prices = [
        (_unit_label(plan, match["variant"]), diff)
        for diff in plan.differences
        if (match := _PRICE.match(diff.field)) is not None and match["currency"] is None
    ]
    if not prices:
        return "create in Stripe"
    if len(prices) == 1:
        label, diff = prices[0]
        return f"create in Stripe with price {_money(plan, diff, label)}"
    words = ", ".join(_money(plan, diff, label) for label, diff in prices)
    return f"create in Stripe with {len(prices)} prices: {words}"


def _money(plan: ProductPlan, diff: FieldDiff, label: str) -> str:
    """'$64.00', '$64.00 for color BLACK', then any amounts in other currencies."""
    text = f"{diff.local}" + (f" for {label}" if label else "")
    extras = [
        f"{d.currency.upper()} {d.local}"
        for d in plan.differences
        if d.field.startswith(diff.field + ".") and d.currency and d.local
    ]
    return text + (f" (also {', '.join(extras)})" if extras else "")


def _price_clause(
    plan: ProductPlan, diff: FieldDiff, variant: str | None, currency: str | None
) -> str:
    label = _unit_label(plan, variant)
    whose = f" for {label}" if label else ""
    if currency is not None:
        what = f"the price{whose} in {currency.upper()}"
        if diff.local is None:
            return f"stop {what}" + _replaced(plan, variant)
        if diff.stripe is None:
            return f"set {what} to {diff.local}" + _replaced(plan, variant)
        return f"change {what} from {diff.stripe} to {diff.local}" + _replaced(plan, variant)
    if diff.local is None:
        return f"stop selling{whose} at {diff.stripe} (its price is archived)"
    if diff.stripe is None:
        return f"add the price {diff.local}{whose}"
    return f"change the price{whose} from {diff.stripe} to {diff.local}" + _replaced(plan, variant)


def _replaced(plan: ProductPlan, variant: str | None) -> str:
    """How a unit's price changes: a new price, an earlier one back, or in place (nothing)."""
    unit_ops = [op for op in plan.operations if op.variant_id == variant]
    archived = any(op.kind == "archive_price" for op in unit_ops)
    old = "the old one is archived" if archived else "the old one, made by hand, stays"
    if any(op.kind == "create_price" for op in unit_ops):
        return f" (a new price; {old})"
    if any(op.kind == "update_price" and op.params.get("active") is True for op in unit_ops):
        return f" (the earlier price at that amount comes back; {old})"
    return ""


def _unit_label(plan: ProductPlan, variant: str | None) -> str:
    if variant is None:
        return ""
    for candidate in plan.variants:
        if candidate.id == variant:
            return candidate.label()
    return variant


def _detail_word(field: str) -> str:
    if field.startswith("metadata."):
        return "tags"
    last = field.rsplit(".", 1)[-1]
    return _DETAIL_WORDS.get(last, last.replace("_", " "))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _sentence(clauses: list[str]) -> str:
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:]
