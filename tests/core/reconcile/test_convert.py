"""A catalog row becomes the engine's input, a 'not ready yet', or a field-specific failure.

Bad data is never a skip: only "no price yet" and "dev status < 5" are not-ready; anything the tool
cannot use (the shop's tables may hold anything, SQLite even 'abc' in an INTEGER column) fails
with a message naming the field.
"""

from __future__ import annotations

import pytest

from core.catalog import CatalogStore
from core.reconcile.convert import Invalid, NotReady, ReadyProduct, to_sync_input
from tests.raw_sql import run_sql

STATUSES = "available, for-sale, pre-order, pre-sale, sold-out, internal"


def _convert(url: str, values: str, columns: str = "id, name, base_price_cents, sell_status"):  # type: ignore[no-untyped-def]
    """Create the catalog, add one row by SQL, convert it."""
    CatalogStore.open(url).close()
    run_sql(url, f"INSERT INTO products ({columns}) VALUES ({values})")
    store = CatalogStore.open(url)
    try:
        (record,) = store.list_records()
        return to_sync_input(record)
    finally:
        store.close()


BAD_ROWS = [
    ("'p', 'Lamp', 100, 'bogus'", f"sell_status: must be one of {STATUSES}, got 'bogus'"),
    (
        "'p', 'Lamp', -5, 'available'",
        "base_price_cents: must be a whole number of cents ≥ 0, got -5",
    ),
    ("'p', '  ', 100, 'available'", "name: must not be empty"),
    ("'p', '', 100, 'available'", "name: must not be empty"),
    (
        "'p', 'Lamp', 100000000, 'available'",
        "base_price_cents: must be at most 99,999,999 cents (Stripe's limit), got 100,000,000",
    ),
    (
        "'p', '', -1, 'For Sale'",
        "name: must not be empty; base_price_cents: must be a whole number of cents ≥ 0, got -1; "
        f"sell_status: must be one of {STATUSES}, got 'For Sale'",
    ),
]


@pytest.mark.parametrize(("values", "error"), BAD_ROWS)
def test_bad_row_fails_naming_each_field(db_url: str, values: str, error: str) -> None:
    result = _convert(db_url, values)
    assert result == Invalid("p", error)


def test_unsupported_currency_in_the_shops_column_fails(db_url: str) -> None:
    run_sql(
        db_url,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL, currency TEXT)",
    )
    result = _convert(
        db_url,
        "'p', 'Lamp', 100, 'available', 'xyz'",
        "id, name, base_price_cents, sell_status, currency",
    )
    assert isinstance(result, Invalid)
    assert result.error.startswith("currency: Invalid currency: xyz. Stripe does not support it")


@pytest.mark.parametrize(
    ("price", "shown"), [("'abc'", "'abc'"), ("12.5", "12.5"), ("'12x'", "'12x'")]
)
def test_loosely_typed_sqlite_price_fails_instead_of_crashing(
    sqlite_url: str, price: str, shown: str
) -> None:
    result = _convert(sqlite_url, f"'p', 'Lamp', {price}, 'available'")
    assert result == Invalid(
        "p", f"base_price_cents: must be a whole number of cents ≥ 0, got {shown}"
    )


def test_bad_variant_fails_naming_the_variant(sqlite_url: str) -> None:
    CatalogStore.open(sqlite_url).close()
    run_sql(
        sqlite_url,
        "INSERT INTO products (id, name, base_price_cents, sell_status) VALUES "
        "('p', 'Lamp', 1000, 'available')",
        "INSERT INTO variants (id, product_id, variant_type, variant_value, price_modifier) VALUES "
        "('p-red', 'p', 'color', 'RED', 'x'), ('p-blue', 'p', 'color', 'BLUE', -2000)",
    )
    store = CatalogStore.open(sqlite_url)
    try:
        (record,) = store.list_records()
        result = to_sync_input(record)
    finally:
        store.close()
    assert isinstance(result, Invalid)
    assert result.error == (
        "variants[p-blue].price_modifier: the price would be -1,000 cents (1,000 - 2,000); it must "
        "be between 0 and 99,999,999; variants[p-red].price_modifier: must be a whole number of "
        "cents between -99,999,999 and 99,999,999, got 'x'"
    )


def test_not_ready_is_only_no_price_yet_or_dev_status_below_5(db_url: str) -> None:
    assert _convert(db_url, "'p', 'Lamp', NULL, 'available'") == NotReady("p", "no price yet")


def test_dev_status_below_5_is_not_ready(sqlite_url: str) -> None:
    result = _convert(
        sqlite_url,
        "'p', 'Lamp', 100, 'available', 3",
        "id, name, base_price_cents, sell_status, dev_status",
    )
    assert result == NotReady("p", "dev status 3 (needs 5)")


def test_live_flag_overrides_dev_status(sqlite_url: str) -> None:
    result = _convert(
        sqlite_url,
        "'early', 'Early Bird', 100, 'pre-sale', 2, 1",
        "id, name, base_price_cents, sell_status, dev_status, is_live",
    )
    assert isinstance(result, ReadyProduct)
