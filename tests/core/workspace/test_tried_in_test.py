"""Test before live: a live plan marks each write whose values were never synced to test mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, SHADE, make_shop, open_ws
from tests.raw_sql import run_sql


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _marks(ws) -> dict[str, list[tuple[str, bool | None]]]:  # type: ignore[no-untyped-def]
    return {p.product_id: [(op.kind, op.tried_in_test) for op in p.operations] for p in ws.plan()}


def test_live_plan_marks_what_test_mode_has_not_seen(db_url: str, sandbox: SandboxServer) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox, "test") as test:
        test.sync(["lamp"])  # lamp tried in test at $45.00; shade never
        assert {op.tried_in_test for p in test.plan() for op in p.operations} == {None}
    with open_ws(db_url, sandbox, "live") as live:
        marks = _marks(live)
        assert marks["lamp"] == [("create_product", True), ("update_price", True)]
        assert marks["shade"] == [("create_product", False), ("update_price", False)]
        live.sync()
    # A new price tried in test first, then planned live: tried; one only changed live: not.
    run_sql(db_url, "UPDATE products SET base_price_cents = 4700 WHERE id = 'lamp'")
    run_sql(db_url, "UPDATE products SET base_price_cents = 1700 WHERE id = 'shade'")
    with open_ws(db_url, sandbox, "test") as test:
        test.sync(["lamp"])
    with open_ws(db_url, sandbox, "live") as live:
        marks = _marks(live)
        assert {t for _kind, t in marks["lamp"]} == {True}
        assert {t for _kind, t in marks["shade"]} == {False}
