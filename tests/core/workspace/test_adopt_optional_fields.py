"""`adopt --import-unmatched` fills the optional columns the catalog owns from the Stripe product it
imports (README "Optional product fields"), through the real SDK against the sandbox: the catalog
row holds Stripe's values, a field the catalog does not own stays empty, and the next sync sends
none of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop, open_ws
from tests.raw_sql import query_value, run_sql

URL = "https://shop.example.com/hose"
IMAGES = ["https://shop.example.com/hose.png", "https://shop.example.com/hose-2.png"]
FILLED = ("url", "unit_label", "images", "shippable")
SENT = (*FILLED, "tax_code", "tax_behavior")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(port=0) as server:
        yield server


def _hand_made_hose(sandbox: SandboxServer) -> None:
    """A product made by hand in the Dashboard, with a price the catalog can hold."""
    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})
    params: dict[str, Any] = {
        "id": "hose",
        "name": "Garden Hose",
        "url": URL,
        "unit_label": "per hose",
        "images": IMAGES,
        "shippable": True,
        "tax_code": "txcd_99999999",
        "default_price_data": {"currency": "usd", "unit_amount": 2900},
    }
    client.v1.products.create(params=params)  # type: ignore[arg-type]


def _catalog_value(db: str, column: str) -> object:
    return query_value(db, f"SELECT {column} FROM products WHERE id = 'hose'")


def test_import_unmatched_fills_the_owned_columns_and_the_next_sync_sends_none_of_them(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    make_shop(sqlite_url, [LAMP])
    run_sql(
        sqlite_url,
        "ALTER TABLE products ADD COLUMN url TEXT",
        "ALTER TABLE products ADD COLUMN unit_label TEXT",
        "ALTER TABLE products ADD COLUMN images TEXT",
        "ALTER TABLE products ADD COLUMN shippable BOOLEAN",
        "ALTER TABLE products ADD COLUMN tax_code TEXT",
    )
    # The table has a tax_code column, but the setting leaves it to Stripe.
    save_settings(Settings(owned_fields=list(FILLED)))
    _hand_made_hose(sandbox)
    sandbox.clear_log()
    with open_ws(sqlite_url, sandbox) as ws:
        plan = ws.adopt(import_unmatched=True)
        assert [m.local_id for m in plan.imported] == ["hose"]
        assert sandbox.writes() == []  # adopt writes nothing to Stripe

        assert _catalog_value(sqlite_url, "url") == URL
        assert _catalog_value(sqlite_url, "unit_label") == "per hose"
        assert json.loads(str(_catalog_value(sqlite_url, "images"))) == IMAGES
        assert _catalog_value(sqlite_url, "shippable") == 1
        assert _catalog_value(sqlite_url, "tax_code") is None  # not the catalog's: not filled

        (row,) = ws.status(["hose"])
        assert not {d.field for d in row.differences} & set(SENT)
        sandbox.clear_log()
        (result,) = ws.sync(["hose"])
        assert result.error is None
        sent = {name for w in sandbox.writes() for name in w.params}
        assert not sent & set(SENT), sent  # the tag and lookup key at most, never these fields
        sandbox.clear_log()
        ws.sync(["hose"])
        assert sandbox.writes() == []

    hose = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url}).v1.products.retrieve(
        "hose"
    )
    assert (hose.url, hose.unit_label, list(hose.images), hose.shippable) == (
        URL,
        "per hose",
        IMAGES,
        True,
    )
    assert hose.tax_code == "txcd_99999999"  # left as Stripe has it


def test_without_optional_columns_the_imported_row_holds_only_the_core_fields(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    make_shop(sqlite_url, [LAMP])
    _hand_made_hose(sandbox)
    with open_ws(sqlite_url, sandbox) as ws:
        plan = ws.adopt(import_unmatched=True)
        assert [m.local_id for m in plan.imported] == ["hose"]
        assert plan.new_rows == [
            {
                "id": "hose",
                "name": "Garden Hose",
                "description": None,
                "base_price_cents": 2900,
                "sell_status": "available",
                "has_variants": False,
            }
        ]
        sandbox.clear_log()
        ws.sync(["hose"])
        assert not {name for w in sandbox.writes() for name in w.params} & set(SENT)
