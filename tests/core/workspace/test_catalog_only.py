"""The catalog listed without Stripe: every product as the catalog holds it, Stripe's side
unknown (no key, a locked keyring, Stripe out of reach), and nothing sent over the network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.catalog.errors import CatalogError
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.reconcile.report import row_record
from core.workspace import catalog_only_rows
from tests.core.catalog.shop import LAMP, SHADE, make_shop

BLACK = {
    "id": "lamp-black",
    "product_id": "lamp",
    "variant_type": "color",
    "variant_value": "BLACK",
    "price_modifier": 500,
}


def _shop_with_variants(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    lamp = {**LAMP, "has_variants": True}
    path.write_text(json.dumps({"products": [lamp, SHADE], "variants": [BLACK]}))
    store = CatalogStore.open(db_url)
    try:
        import_file(store, path)
    finally:
        store.close()


def test_every_catalog_product_is_listed_with_its_stripe_side_unknown(
    sqlite_url: str, tmp_path: Path
) -> None:
    _shop_with_variants(sqlite_url, tmp_path)
    rows = catalog_only_rows(sqlite_url, why="No test key is stored yet.")
    assert [r.product_id for r in rows] == ["lamp", "shade"]
    lamp = rows[0]
    assert lamp.name == "Desk Lamp" and lamp.local_price_cents == 4500
    assert lamp.sell_status == "available"
    assert [(v.variant_id, v.local_price_cents) for v in lamp.variants] == [("lamp-black", 5000)]
    for row in rows:
        assert row.state == "unknown" and row.stripe_status == "unknown"
        assert row.differences == [] and row.plan is None
        assert row.stripe_product_id is None and row.stripe_price_cents is None
        assert row.note is not None
        assert "unknown" in row.note and "No test key is stored yet" in row.note


def test_the_json_record_says_unknown_and_why(sqlite_url: str) -> None:
    make_shop(sqlite_url, [SHADE])
    (row,) = catalog_only_rows(sqlite_url, why="Stripe could not be reached")
    record = row_record(row)
    assert record["id"] == "shade" and record["state"] == "unknown"
    assert record["differences"] == []
    assert record["note"] == (
        "Stripe was not read, so what it holds for this product is unknown: "
        "Stripe could not be reached"
    )
    assert "kept_stripe_edits" not in record and "error" not in record


def test_a_catalog_that_cannot_be_opened_is_said_as_such(sqlite_url: str) -> None:
    # Nothing to list: the window keeps saying it is not connected, and why.
    with pytest.raises(CatalogError):
        catalog_only_rows(sqlite_url)
