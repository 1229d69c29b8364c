"""Reuse before create (design §12): a price changed A → B → A makes one new price in all (B), and
the default price ends where it started, so links and Payment Links that named it keep working."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, make_shop, open_ws
from tests.core.engine import stripe_view as view
from tests.raw_sql import run_sql


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _price(db_url: str, cents: int) -> None:
    run_sql(db_url, f"UPDATE products SET base_price_cents = {cents} WHERE id = 'lamp'")


def test_a_to_b_to_a_creates_one_price_and_the_default_comes_back(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])  # $45.00
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        original = view.product(sandbox, "lamp")["default_price"]
        _price(db_url, 5000)
        ws.sync()
        _price(db_url, 4500)
        (plan,) = ws.plan(["lamp"])
        assert any(
            op.summary.startswith(f"reuse price {original} $45.00 (was $50.00)")
            and "archived since" in op.summary
            for op in plan.operations
        )
        ws.sync()
        assert view.product(sandbox, "lamp")["default_price"] == original
        creates = [w for w in sandbox.writes() if w.path == "/v1/prices"]
        assert len(creates) == 1  # only the $50.00 price was ever made by a price create
        active = [p["id"] for p in view.prices(sandbox, "lamp", active=True)]
        assert active == [original]
        (row,) = ws.status(["lamp"])
        assert (row.state, row.stripe_price_id) == ("in_sync", original)
        journal = [e.operation for e in reversed(ws.journal("lamp"))]
        assert journal[-3:] == ["update_price", "set_default_price", "archive_price"]
