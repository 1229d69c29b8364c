"""Adopting a Stripe catalog made by hand: which Stripe product is which catalog product. Pure.

Each Stripe product not linked yet (active or archived) is matched to a catalog product not linked
yet: its `metadata.local_id` is a catalog id ("metadata"); else its id is a catalog id ("id"); else
the names are equal ignoring case and spacing, and exactly one unlinked catalog product and exactly
one unlinked Stripe product have that name ("name"). Anything else with a name in common is
ambiguous: listed, never linked. Nothing here writes: `core.workspace.adopting` records the links
and the last-written values (Stripe's values as they are), and writes nothing to Stripe.

A unit's price (the product's own, or each variant's) is, among the product's active one-time
prices in the catalog currency: the one tagged for it, else the one with its lookup key, else one
with the unit's amount — the default price first, then one whose nickname names the variant, then
the only one left. Two variants at one amount may share a pool of equal prices: each price is
taken once, so neither variant is left to create a twin of a price that exists.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from core.catalog.journal import JournalRecord
from core.catalog.records import CatalogRecord, WriteBack
from core.domain.money import format_money
from core.domain.product_fields import PRODUCT_FIELDS, shown_value
from core.engine.types import META_VARIANT_ID, RemoteCatalog, RemotePrice, RemoteProduct
from core.reconcile.convert import whole_number
from core.reconcile.pull_fields import column_value

MatchedBy = Literal["metadata", "id", "name", "hand"]


@dataclass(frozen=True)
class PriceLink:
    """A unit ("" = the product's own price, else the variant id) and the Stripe price it adopts."""

    local_id: str
    stripe_price_id: str


@dataclass(frozen=True)
class Match:
    """A catalog product and the Stripe product it adopts, and how they were matched."""

    local_id: str
    stripe_product_id: str
    by: MatchedBy
    prices: tuple[PriceLink, ...] = ()
    stripe_name: str = ""  # the Stripe product's name, as Stripe holds it

    def record(self) -> dict[str, Any]:
        """The `adopt --json` shape of one link."""
        return {
            "local_id": self.local_id,
            "stripe_product_id": self.stripe_product_id,
            "stripe_name": self.stripe_name,
            "by": self.by,
            "prices": [
                {"local_id": p.local_id, "stripe_price_id": p.stripe_price_id} for p in self.prices
            ],
        }


@dataclass(frozen=True)
class Ambiguous:
    """A Stripe product whose name matches more than one side: listed, not linked."""

    stripe_product_id: str
    name: str
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class Unsupported:
    """A Stripe product the catalog cannot hold (for `--import-unmatched`), and why."""

    stripe_product_id: str
    reason: str


@dataclass
class AdoptionPlan:
    """What adopting would link (and import), and what it leaves alone."""

    linked: list[Match] = field(default_factory=list)
    imported: list[Match] = field(default_factory=list)
    new_rows: list[dict[str, Any]] = field(default_factory=list)  # catalog rows to import
    ambiguous: list[Ambiguous] = field(default_factory=list)
    unmatched_stripe: list[str] = field(default_factory=list)
    unmatched_local: list[str] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The `adopt --json` shape."""
        return {
            "linked": [m.record() for m in self.linked],
            "imported": [m.record() for m in self.imported],
            "ambiguous": [
                {
                    "stripe_product_id": a.stripe_product_id,
                    "name": a.name,
                    "candidates": list(a.candidates),
                }
                for a in self.ambiguous
            ],
            "unmatched_stripe": list(self.unmatched_stripe),
            "unmatched_local": list(self.unmatched_local),
            "unsupported": [
                {"stripe_product_id": u.stripe_product_id, "reason": u.reason}
                for u in self.unsupported
            ],
        }


def name_key(name: str) -> str:
    """A name as adopt compares it: case and spacing ignored ("Lamp  one" = "lamp one")."""
    return " ".join(name.split()).casefold()


def plan_adoption(
    records: Sequence[CatalogRecord],
    remote: RemoteCatalog,
    *,
    linked_products: Mapping[str, str],
    currency: str,
    import_unmatched: bool = False,
    owned: Collection[str] = (),
) -> AdoptionPlan:
    """Match unlinked Stripe products to unlinked catalog products (see the module docstring).

    `linked_products`: catalog id → Stripe product id already linked in this account and mode.
    `owned`: the optional fields the catalog owns (core.reconcile.owned), which an imported row
    takes from Stripe.
    """
    out = AdoptionPlan()
    taken_stripe = set(linked_products.values())
    by_id = {r.id: r for r in records}
    free_local = {r.id for r in records if r.id not in linked_products}
    free_stripe = [p for pid, p in sorted(remote.products.items()) if pid not in taken_stripe]
    pairs: list[tuple[CatalogRecord, RemoteProduct, MatchedBy]] = []
    left: list[RemoteProduct] = []
    for product in free_stripe:  # the sure matches first: a tag, then the id
        if product.local_id in free_local:
            pairs.append((by_id[product.local_id], product, "metadata"))
            free_local.discard(product.local_id)
        elif product.id in free_local:
            pairs.append((by_id[product.id], product, "id"))
            free_local.discard(product.id)
        else:
            left.append(product)
    local_names: dict[str, list[str]] = {}
    for lid in sorted(free_local):
        local_names.setdefault(name_key(str(by_id[lid].product.get("name") or "")), []).append(lid)
    stripe_names: dict[str, list[RemoteProduct]] = {}
    for product in left:
        stripe_names.setdefault(name_key(product.name), []).append(product)
    rest: list[RemoteProduct] = []
    for key, products in stripe_names.items():
        candidates = local_names.get(key, []) if key else []
        if len(products) == 1 and len(candidates) == 1:
            pairs.append((by_id[candidates[0]], products[0], "name"))
            free_local.discard(candidates[0])
        elif candidates:
            for product in products:
                out.ambiguous.append(Ambiguous(product.id, product.name, tuple(candidates)))
        else:
            rest.extend(products)
    ambiguous_locals = {c for a in out.ambiguous for c in a.candidates}
    for record, product, by in pairs:
        prices = unit_prices(record, product, currency)
        out.linked.append(Match(record.id, product.id, by, prices, product.name))
    for product in sorted(rest, key=lambda p: p.id):
        if not import_unmatched:
            out.unmatched_stripe.append(product.id)
            continue
        row, reason = catalog_row(product, currency, taken=set(by_id), owned=owned)
        if row is None:
            out.unsupported.append(Unsupported(product.id, reason))
            continue
        out.new_rows.append(row)
        how: MatchedBy = "metadata" if product.local_id else "id"
        price = product.default_price_object()
        prices = (PriceLink("", price.id),) if price is not None else ()
        out.imported.append(Match(str(row["id"]), product.id, how, prices, product.name))
    out.unmatched_local = sorted(free_local - ambiguous_locals)
    return out


def _sellable(product: RemoteProduct, currency: str) -> list[RemotePrice]:
    """The product's active one-time prices in `currency`, default price first, then oldest."""
    prices = [
        p
        for p in product.prices
        if p.active and p.kind_refusal is None and p.currency == currency.lower()
    ]
    return sorted(prices, key=lambda p: (p.id != product.default_price, p.created, p.id))


def unit_prices(
    record: CatalogRecord, product: RemoteProduct, currency: str
) -> tuple[PriceLink, ...]:
    """The Stripe price each unit of `record` adopts (see the module docstring)."""
    row = record.product
    code = str(row.get("currency") or currency).lower()
    base = whole_number(row.get("base_price_cents"))
    has_variants = row.get("has_variants") is not False and bool(record.variants)
    units: list[tuple[str, int | None, str]] = []  # (unit key, amount, words naming it)
    if has_variants:
        for v in record.variants:
            modifier = whole_number(v.get("price_modifier") or 0)
            amount = None if base is None or modifier is None else base + modifier
            units.append((str(v["id"]), amount, str(v.get("variant_value") or "")))
    else:
        units.append(("", base, ""))
    pool = _sellable(product, code)
    used: set[str] = set()
    links: list[PriceLink] = []

    def take(price: RemotePrice, key: str) -> None:
        used.add(price.id)
        links.append(PriceLink(key, price.id))

    pending: list[tuple[str, int | None, str]] = []
    for key, amount, words in units:  # tagged for the unit, or its lookup key
        tagged = [
            p
            for p in pool
            if p.id not in used
            and (
                (key and p.metadata.get(META_VARIANT_ID) == key)
                or (p.lookup_key is not None and p.lookup_key in (key or record.id,))
            )
        ]
        if tagged:
            take(tagged[0], key)
        else:
            pending.append((key, amount, words))
    # By amount: a unit whose nickname match is sure goes first, so a shared pool is split well.
    pending.sort(key=lambda u: not any(_names(p, u[2]) for p in pool if p.unit_amount == u[1]))
    for key, amount, words in pending:
        same = [
            p for p in pool if p.id not in used and p.unit_amount == amount and amount is not None
        ]
        if not same:
            continue
        default = [p for p in same if p.id == product.default_price and not has_variants]
        named = [p for p in same if _names(p, words)]
        take((default or named or same)[0], key)
    order = {key: i for i, (key, _a, _w) in enumerate(units)}
    return tuple(sorted(links, key=lambda link: order[link.local_id]))


def _names(price: RemotePrice, words: str) -> bool:
    """Whether a price's nickname names the variant (its value as a whole word)."""
    if not words or not price.nickname:
        return False
    return (
        re.search(rf"(?<!\w){re.escape(words.casefold())}(?!\w)", price.nickname.casefold())
        is not None
    )


def catalog_row(
    product: RemoteProduct, currency: str, *, taken: set[str], owned: Collection[str] = ()
) -> tuple[dict[str, Any] | None, str]:
    """The catalog row an unmatched Stripe product becomes, or (None, why it cannot): with
    Stripe's values of the optional fields the catalog owns (`owned`), stored as a pull stores
    them (the price's tax behavior from its default price)."""
    local_id = product.local_id or product.id
    if local_id in taken:
        return None, f"the catalog already has a product {local_id!r}"
    price = product.default_price_object()
    if price is None:
        return None, "it has no default price to take as the catalog price"
    if price.kind_refusal is not None:
        return None, f"its default price is {price.kind_refusal}"
    if price.currency != currency.lower():
        return None, (
            f"its default price is in {price.currency.upper()}, the catalog sells in "
            f"{currency.upper()}"
        )
    row: dict[str, Any] = {
        "id": local_id,
        "name": product.name,
        "description": product.description,
        "base_price_cents": price.unit_amount,
        "sell_status": "available" if product.active else "internal",
        "has_variants": False,
    }
    for name in PRODUCT_FIELDS:
        if name in owned and name in product.fields:
            row[name] = column_value(product.fields[name])
    if "tax_behavior" in owned and price.tax_behavior is not None:
        row["tax_behavior"] = price.tax_behavior
    return row, ""


ADOPT = "adopt"  # the journal operation of an adoption (nothing was written to Stripe)


def adopted_snapshot(
    product: RemoteProduct,
    prices: Sequence[PriceLink],
    *,
    manages_description: bool = True,
    owned: Collection[str] = (),
) -> dict[str, str]:
    """The last-written values an adoption records: Stripe's values as they are now, in the
    snapshot's format (see core.reconcile.recording.snapshot_fields), the optional fields the
    catalog owns (`owned`, core.reconcile.owned) among them."""
    fields = {"name": product.name, "active": "true" if product.active else "false"}
    if manages_description:
        fields["description"] = product.description or ""
    for name in PRODUCT_FIELDS:
        if name in owned:
            fields[name] = shown_value(name, product.fields.get(name))
    sell_status = product.metadata.get("sell_status")
    if sell_status:
        fields["metadata.sell_status"] = sell_status
    by_id = {p.id: p for p in product.prices}
    for link in prices:
        price = by_id.get(link.stripe_price_id)
        if price is None:
            continue
        name = f"variant:{link.local_id}.price" if link.local_id else "price"
        fields[name] = format_money(price.unit_amount, price.currency)
        fields["currency"] = price.currency
        if "tax_behavior" in owned and price.tax_behavior is not None:
            fields[f"{name}.tax_behavior"] = price.tax_behavior
    return fields


def adoption_write_back(
    match: Match,
    product: RemoteProduct,
    *,
    account_id: str,
    mode: str,
    own_columns: bool,
    manages_description: bool = True,
    owned: Collection[str] = (),
) -> WriteBack:
    """What adopting one product records: its links, Stripe's values as last written, a journal
    row saying how it was matched. Nothing is written to Stripe."""
    own = next((p.stripe_price_id for p in match.prices if p.local_id == ""), None)
    how = {
        "metadata": "its local_id tag",
        "id": "its id",
        "name": "its name",
        "hand": "the operator, by hand",
    }[match.by]
    return WriteBack(
        account_id=account_id,
        mode=mode,
        product_id=match.local_id,
        stripe_product_id=match.stripe_product_id,
        stripe_price_id=own or (match.prices[0].stripe_price_id if match.prices else None),
        variant_prices={p.local_id: p.stripe_price_id for p in match.prices if p.local_id},
        snapshot=adopted_snapshot(
            product, match.prices, manages_description=manages_description, owned=owned
        ),
        journal=[
            JournalRecord(
                at=datetime.now(UTC),
                mode=mode,
                account_id=account_id,
                product_id=match.local_id,
                operation=ADOPT,
                summary=f"adopted Stripe product {match.stripe_product_id} (matched by {how}) "
                f"with {len(match.prices)} price(s); nothing was written to Stripe",
                stripe_object_id=match.stripe_product_id,
                after=match.record(),
            )
        ],
        own_catalog_columns=own_columns,
    )
