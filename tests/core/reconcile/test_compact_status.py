"""What a status keeps per product stays small (benchmarks/catalog_bench.py --case memory).

Not timed: the tests check the structure that keeps the memory down. Equal short texts read from
the catalog and the snapshots are one object, the plans share one set of unmanaged field names,
a row's last written name is its own name (not a second copy), and evaluating drains the catalog
records so each is freed once its row is built.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from core.catalog.records import CatalogRecord
from core.catalog.store import CatalogStore
from core.engine.types import FieldDiff
from core.reconcile.evaluate import drained
from core.reconcile.rows import ProductRow
from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, make_shop, open_ws

READY = {"dev_status": 5, "is_live": True}
PRODUCTS: list[dict[str, Any]] = [
    {**LAMP, **READY},
    {**LAMP, **READY, "id": "shade", "name": "Lamp Shade", "base_price_cents": 1500},
    {**LAMP, **READY, "id": "bulb", "name": "Bulb", "base_price_cents": 300},
]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def test_a_synced_status_shares_repeated_values_between_products(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    make_shop(sqlite_url, PRODUCTS)
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        rows = {r.product_id: r for r in ws.status()}
    lamp, shade, bulb = rows["lamp"], rows["shade"], rows["bulb"]
    assert {r.state for r in rows.values()} == {"in_sync"}
    # Read once per product from the catalog and the snapshots, kept as one string each.
    assert lamp.sell_status == "available"
    assert lamp.sell_status is shade.sell_status is bulb.sell_status
    assert lamp.last_written is not None and shade.last_written is not None
    for (key, value), (other_key, other_value) in zip(
        sorted(lamp.last_written.items()), sorted(shade.last_written.items()), strict=True
    ):
        assert key is other_key
        if key in ("active", "metadata.sell_status", "currency"):
            assert value is other_value
    # What was last written is the catalog's name as synced: the row's own string.
    assert lamp.last_written["name"] == "Desk Lamp"
    assert lamp.last_written["name"] is lamp.name
    # One sentence for every product for sale for the same reasons.
    assert lamp.for_sale_reason == shade.for_sale_reason
    assert lamp.for_sale_reason is shade.for_sale_reason
    # The fields the catalog leaves alone: one set for every plan (0.7 KB each otherwise).
    assert lamp.plan is not None and shade.plan is not None
    assert lamp.plan.unmanaged and lamp.plan.unmanaged is shade.plan.unmanaged
    # Nothing to write, nothing differs: one shared empty list each, which cannot be changed.
    assert lamp.differences == [] and lamp.plan.operations == []
    assert lamp.differences is shade.differences is lamp.plan.differences
    assert lamp.plan.operations is shade.plan.operations
    assert lamp.unmanaged_prices is shade.unmanaged_prices
    with pytest.raises(TypeError):
        lamp.differences.append(FieldDiff(field="name", local="Lamp", stripe="Desk Lamp"))
    assert shade.differences == []
    assert [r.model_dump(mode="json")["differences"] for r in (lamp, shade)] == [[], []]


def test_a_rows_last_written_values_must_be_texts() -> None:
    row = ProductRow(product_id="lamp", name="Lamp", state="in_sync", last_written={"name": "L"})
    assert row.last_written == {"name": "L"}
    with pytest.raises(ValidationError, match="last_written"):
        ProductRow(product_id="lamp", name="Lamp", state="in_sync", last_written={"price": 5})


def test_the_catalogs_short_texts_are_read_as_one_object(sqlite_url: str) -> None:
    make_shop(sqlite_url, PRODUCTS)
    store = CatalogStore.open(sqlite_url)
    try:
        first, second, _ = store.list_records()
    finally:
        store.close()
    assert first.product["sell_status"] == second.product["sell_status"] == "available"
    assert first.product["sell_status"] is second.product["sell_status"]
    assert first.product["name"] != second.product["name"]


def test_drained_records_leave_the_list_as_they_are_handed_on() -> None:
    records = [CatalogRecord(product={"id": pid}) for pid in ("a", "b", "c")]
    seen: list[tuple[str, int]] = []
    for record in drained(records):
        seen.append((record.id, len(records)))
    assert seen == [("a", 2), ("b", 1), ("c", 0)]
    assert records == []
