"""Prices in other currencies (`ssa_currency_amounts`): read with the records, written by import.

One row per unit and currency: `variant_id` '' is the product's own price, else the variant's;
`amount` is in the currency's smallest unit (cents; yen for JPY). The sync sends them to Stripe as
the price's `currency_options`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

PRODUCT_UNIT = ""  # the variant_id of a product's own price
_CHUNK = 500

# product id → unit → currency → amount
AmountsByProduct = dict[str, dict[str, dict[str, int]]]


def load(conn: Connection, table: sa.Table, product_ids: Sequence[str] | None) -> AmountsByProduct:
    """The amounts of these products (None: of every product)."""
    out: AmountsByProduct = {}
    queries: Iterable[sa.Select[Any]]
    if product_ids is None:
        queries = [sa.select(table)]
    else:
        ids = sorted(set(product_ids))
        queries = (
            sa.select(table).where(table.c.product_id.in_(ids[start : start + _CHUNK]))
            for start in range(0, len(ids), _CHUNK)
        )
    for query in queries:
        for row in conn.execute(query.order_by(table.c.product_id, table.c.variant_id)):
            m = row._mapping
            unit = out.setdefault(str(m["product_id"]), {}).setdefault(str(m["variant_id"]), {})
            unit[str(m["currency"])] = int(m["amount"])
    return out


def replace(
    conn: Connection, table: sa.Table, product_id: str, unit: str, amounts: Mapping[str, int]
) -> None:
    """Make `amounts` the unit's whole set of amounts in other currencies."""
    conn.execute(
        sa.delete(table).where(table.c.product_id == product_id, table.c.variant_id == unit)
    )
    if amounts:
        conn.execute(
            sa.insert(table),
            [
                {"product_id": product_id, "variant_id": unit, "currency": c, "amount": a}
                for c, a in sorted(amounts.items())
            ],
        )


def product_currencies(conn: Connection, table: sa.Table) -> list[str]:
    """Every currency some product's own price has an amount in, sorted (CSV export's columns)."""
    query = (
        sa.select(table.c.currency)
        .where(table.c.variant_id == PRODUCT_UNIT)
        .distinct()
        .order_by(table.c.currency)
    )
    return [str(c) for c in conn.execute(query).scalars()]
