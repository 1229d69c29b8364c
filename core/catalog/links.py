"""Links from local ids to Stripe ids, kept per Stripe account and mode.

A test-mode id never overwrites a live-mode one: the account and mode are part of the key. Writes
are upserts, so two operators writing back the same product at once cannot clobber each other's
other links, and the last write of a given link wins atomically.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog.per_account import read_rows, upsert_row

PRODUCT = "product"
PRICE = "price"
VARIANT_PRICE = "variant_price"


@dataclass
class LinkMap:
    """The links of one account and mode, by kind: local id → Stripe id."""

    products: dict[str, str] = field(default_factory=dict)
    prices: dict[str, str] = field(default_factory=dict)
    variant_prices: dict[str, str] = field(default_factory=dict)

    def linked_product(self, product_id: str) -> str | None:
        """The Stripe product id linked to a local product, if any."""
        return self.products.get(product_id)

    def unit_prices(self, product_id: str, variant_ids: Sequence[str]) -> dict[str, str]:
        """The linked price of each unit: "" → the product's own (no variants), else variant id."""
        if not variant_ids:
            price = self.prices.get(product_id)
            return {"": price} if price else {}
        return {vid: self.variant_prices[vid] for vid in variant_ids if vid in self.variant_prices}


def load_links(conn: Connection, table: sa.Table, account_id: str, mode: str) -> LinkMap:
    """All links of one account and mode."""
    out = LinkMap()
    rows = read_rows(conn, table, account_id, mode, "kind", "local_id", "stripe_id")
    for kind, local_id, stripe_id in rows:
        target = {PRODUCT: out.products, PRICE: out.prices, VARIANT_PRICE: out.variant_prices}
        if kind in target:  # interned: the same ids as Stripe's side holds, not a copy per link
            target[kind][sys.intern(local_id)] = sys.intern(stripe_id)
    return out


def save_link(
    conn: Connection,
    table: sa.Table,
    *,
    account_id: str,
    mode: str,
    kind: str,
    local_id: str,
    product_id: str,
    stripe_id: str,
    at: datetime,
) -> None:
    """Insert or update one link (an upsert on account, mode, kind and local id)."""
    upsert_row(
        conn,
        table,
        account_id,
        mode,
        {
            "kind": kind,
            "local_id": local_id,
            "product_id": product_id,
            "stripe_id": stripe_id,
            "updated_at": at,
        },
        ("kind", "local_id"),
    )
