"""What a status row says about selling a product: the catalog's live flag, dev status, stock and
category, the for-sale sentence, a row with invalid values told apart from a failed sync, an empty
name, and a held product's price difference."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from core.cli import main
from core.reconcile.rows import ProductRow
from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop, open_ws
from tests.raw_sql import run_sql

READY = {"dev_status": 5, "is_live": True, "category": "lighting"}
PRODUCTS: list[dict[str, Any]] = [
    {**LAMP, **READY, "max_quantity": 500, "sold_quantity": 137},
    {**LAMP, **READY, "id": "gone", "is_live": False},
    {**LAMP, **READY, "id": "early", "dev_status": 3, "is_live": False},
    {**LAMP, **READY, "id": "cable", "sell_status": "sold-out", "max_quantity": 41},
    {**LAMP, **READY, "id": "full", "max_quantity": 41, "sold_quantity": 41, "category": None},
]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _rows(ws: Any) -> dict[str, ProductRow]:
    return {r.product_id: r for r in ws.status()}


def test_rows_carry_the_catalogs_selling_values_and_say_why(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, PRODUCTS)
    with open_ws(db_url, sandbox) as ws:
        rows = _rows(ws)
    lamp = rows["lamp"]
    assert (lamp.is_live, lamp.dev_status, lamp.category) == (True, 5, "lighting")
    assert (lamp.sold_quantity, lamp.max_quantity, lamp.stock_text) == (137, 500, "137 / 500")
    assert lamp.for_sale is True
    assert lamp.for_sale_reason == (
        "For sale: sell status available, dev status 5 of 5, live; 137 of 500 sold."
    )
    gone = rows["gone"]  # not live, never in Stripe: not "Archived" in Stripe, just not for sale
    assert (gone.state, gone.stripe_status, gone.for_sale) == ("archived", "missing", False)
    assert gone.for_sale_reason is not None
    assert gone.for_sale_reason.startswith("Not for sale: not live. A sync archives it")
    early = rows["early"]
    assert (early.state, early.for_sale, early.dev_status_text) == ("not_ready", False, "3 of 5")
    assert early.for_sale_reason is not None
    assert early.for_sale_reason.startswith(
        "Not for sale: dev status 3 of 5 (needs 5) and not live. A sync leaves it alone"
    )
    for sold_out in (rows["cable"], rows["full"]):
        assert sold_out.for_sale is True and sold_out.sold_out
        assert sold_out.state == "missing"  # a sync creates it all the same
        assert sold_out.for_sale_reason is not None
        assert sold_out.for_sale_reason.startswith("Sold out (")
    assert rows["cable"].stock_text == "0 / 41"
    assert rows["full"].category is None


def test_an_invalid_row_is_told_apart_from_a_failed_sync_and_an_empty_name_is_said(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    run_sql(
        sqlite_url,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL, is_live BOOLEAN)",
        "INSERT INTO products VALUES ('lamp', 'Lamp', 'abc', 'available', 1), "
        "('blank', '', 100, 'available', 1), ('ok', 'Ok', 100, 'available', 0)",
    )
    with open_ws(sqlite_url, sandbox) as ws:
        rows = _rows(ws)
    lamp = rows["lamp"]
    assert (lamp.state, lamp.invalid, lamp.plan) == ("failed", True, None)
    assert lamp.error == "base_price_cents: must be a whole number of cents ≥ 0, got 'abc'"
    assert (lamp.for_sale, lamp.for_sale_reason) == (None, None)  # its values cannot be read
    blank = rows["blank"]
    assert (blank.unnamed, blank.name, blank.invalid) == (True, "blank", True)
    assert blank.error == "name: must not be empty"
    ok = rows["ok"]
    assert (ok.unnamed, ok.invalid, ok.is_live, ok.for_sale) == (False, False, False, False)


def test_a_held_product_still_shows_its_price_difference(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        ws.archive(["lamp"])
        run_sql(db_url, "UPDATE products SET base_price_cents = 5200 WHERE id = 'lamp'")
        (row,) = ws.status()
        assert (row.state, row.held, row.for_sale) == ("held", True, False)
        (price,) = [d for d in row.differences if d.field == "price"]
        assert (price.local_amount, price.stripe_amount) == (5200, 4500)
        assert price.changed == "catalog"
        assert row.for_sale_reason == (
            "Not for sale in test mode: you hold it archived here. Without the hold: For sale: "
            "sell status available."
        )
        (plan,) = ws.plan()
        assert [op.kind for op in plan.operations] == []  # the hold still writes nothing


def test_status_json_and_text_carry_the_sentence(
    sqlite_url: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_API_BASE", sandbox.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    make_shop(sqlite_url, PRODUCTS)
    assert main(["status", "--json", "--db", sqlite_url, "--mode", "test"]) == 0
    items = {item["id"]: item for item in json.loads(capsys.readouterr().out)}
    early = items["early"]
    assert {k: early[k] for k in ("for_sale", "is_live", "dev_status", "category")} == {
        "for_sale": False,
        "is_live": False,
        "dev_status": 3,
        "category": "lighting",
    }
    assert early["for_sale_reason"].startswith("Not for sale: dev status 3 of 5 (needs 5)")
    assert (items["lamp"]["sold_quantity"], items["lamp"]["max_quantity"]) == (137, 500)
    assert main(["status", "--db", sqlite_url, "--mode", "test"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert lines["early"].endswith(early["for_sale_reason"])
    assert lines["gone"].endswith(items["gone"]["for_sale_reason"])
    assert lines["full"].endswith(items["full"]["for_sale_reason"])  # sold out, said
    assert "For sale:" not in lines["lamp"]  # only what is off sale or sold out is spelled out
