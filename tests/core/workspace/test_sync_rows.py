"""What a sync does with the shop's own table as it is: missing optional columns, bad rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.catalog.shop import TEST_KEY, open_ws
from tests.raw_sql import run_sql

NO_DESCRIPTION = (
    "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "base_price_cents INTEGER, sell_status TEXT NOT NULL)"
)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _stripe(sandbox: SandboxServer) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})


def test_without_a_description_column_a_hand_set_description_survives(
    db_url: str, sandbox: SandboxServer
) -> None:
    run_sql(
        db_url, NO_DESCRIPTION, "INSERT INTO products VALUES ('lamp', 'Lamp', 4500, 'available')"
    )
    with open_ws(db_url, sandbox) as ws:
        (created,) = ws.sync()
        assert created.action == "created"
        _stripe(sandbox).v1.products.update("lamp", {"description": "Written by hand in Stripe"})
        (row,) = ws.status()
        assert (row.state, row.differences) == ("in_sync", [])
        sandbox.clear_log()
        (again,) = ws.sync(["lamp"])
        assert again.action == "skipped" and sandbox.writes() == []
        run_sql(db_url, "UPDATE products SET name = 'Desk Lamp'")
        (plan,) = ws.plan()
        assert [op.params for op in plan.operations] == [{"name": "Desk Lamp"}]
        (renamed,) = ws.sync()
        assert renamed.action == "updated"
        assert "description" not in (ws.status()[0].last_written or {})
    product = _stripe(sandbox).v1.products.retrieve("lamp")
    assert (product.name, product.description) == ("Desk Lamp", "Written by hand in Stripe")


def test_a_bad_row_fails_with_its_field_and_the_others_sync(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    run_sql(
        sqlite_url,
        NO_DESCRIPTION,
        "INSERT INTO products VALUES ('lamp', 'Lamp', 'abc', 'available'), "
        "('shade', 'Shade', 1500, 'bogus'), ('ok', 'Ok', 250, 'available'), "
        "('kit', 'Kit', NULL, 'available')",
    )
    with open_ws(sqlite_url, sandbox) as ws:
        rows = {r.product_id: r for r in ws.status()}
        assert {pid: r.state for pid, r in rows.items()} == {
            "kit": "not_ready",
            "lamp": "failed",
            "ok": "missing",
            "shade": "failed",
        }
        assert rows["lamp"].error == (
            "base_price_cents: must be a whole number of cents ≥ 0, got 'abc'"
        )
        assert rows["lamp"].local_price_cents is None
        assert rows["kit"].not_ready_reason == "no price yet"
        results = {r.product_id: (r.action, r.error) for r in ws.sync()}
    assert results == {
        "kit": ("skipped", None),
        "lamp": ("failed", "base_price_cents: must be a whole number of cents ≥ 0, got 'abc'"),
        "ok": ("created", None),
        "shade": (
            "failed",
            "sell_status: must be one of available, for-sale, pre-order, pre-sale, sold-out, "
            "internal, got 'bogus'",
        ),
    }


def test_an_internal_product_never_synced_says_why_it_is_not_in_stripe(
    db_url: str, sandbox: SandboxServer
) -> None:
    run_sql(db_url, NO_DESCRIPTION, "INSERT INTO products VALUES ('tool', 'Jig', 100, 'internal')")
    with open_ws(db_url, sandbox) as ws:
        (row,) = ws.status()
    assert (row.state, row.stripe_status) == ("archived", "missing")
    assert row.note == "internal: not for sale, nothing in Stripe"


def test_sync_all_gives_an_internal_product_never_in_stripe_no_last_synced(
    sqlite_url: str,
) -> None:
    from core.sandbox import SandboxServer as Server
    from tests.core.catalog.shop import make_shop
    from tests.core.catalog.shop import open_ws as workspace

    make_shop(
        sqlite_url,
        [{"id": "proto", "name": "Prototype", "base_price_cents": 900, "sell_status": "internal"}],
    )
    with Server(port=0) as server, workspace(sqlite_url, server) as ws:
        (result,) = ws.sync()
        assert (result.action, result.stripe_product_id) == ("skipped", None)
        (row,) = ws.status()
        assert (row.last_synced_at, row.last_written) == (None, None)
        assert row.note == "internal: not for sale, nothing in Stripe"
