"""The product table's fixed columns and their titles (the currency columns follow them)."""

from __future__ import annotations

from enum import IntEnum


class Column(IntEnum):
    """The table's columns, in order."""

    ID = 0
    NAME = 1
    LOCAL_PRICE = 2
    STRIPE_PRICE = 3
    SELL_STATUS = 4
    STRIPE_STATUS = 5
    STATE = 6
    LAST_SYNCED = 7
    LIVE = 8
    DEV_STATUS = 9
    STOCK = 10
    CATEGORY = 11


HEADERS = {
    Column.ID: "Product",
    Column.NAME: "Name",
    Column.LOCAL_PRICE: "Local price",
    Column.STRIPE_PRICE: "Stripe price",
    Column.SELL_STATUS: "Sell status",
    Column.STRIPE_STATUS: "In Stripe",
    Column.STATE: "State",
    Column.LAST_SYNCED: "Last synced",
    Column.LIVE: "Live",
    Column.DEV_STATUS: "Dev status",
    Column.STOCK: "Stock",
    Column.CATEGORY: "Category",
}

# The catalog's own columns, hidden until shown from View ▸ Columns (the choice is remembered).
HIDDEN_BY_DEFAULT = frozenset({Column.LIVE, Column.DEV_STATUS, Column.STOCK, Column.CATEGORY})
# What the catalog-only columns explain: why the product is or is not for sale.
FOR_SALE_COLUMNS = frozenset({Column.LIVE, Column.DEV_STATUS, Column.STOCK})
