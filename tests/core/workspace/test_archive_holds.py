"""Archive: Stripe in this account and mode only, an operator's hold instead of a catalog change.

Archiving used to set the shop's sell_status to internal, in every mode at once (so archiving in
test mode archived the product at the next live sync), before checking the other ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from core.catalog import CatalogError
from core.engine.types import ProgressEvent
from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from tests.core.catalog.shop import LAMP, SHADE, make_shop, open_ws
from tests.raw_sql import query_value, run_sql

HELD_NOTE = re.compile(
    r"archived by the operator in test mode on \d{4}-\d\d-\d\d \d\d:\d\d UTC; the catalog is "
    r"unchanged\. Sync this product by name \(Sync selected, or `stripe-sync-admin sync (\w+)`\) "
    r"to release the hold"
)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _states(ws) -> dict[str, tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    return {r.product_id: (r.state, r.stripe_status, r.held) for r in ws.status()}


def test_archive_in_test_mode_leaves_the_catalog_and_live_mode_alone(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox, "live") as live:
        live.sync()
        account = live.account()
    save_settings(Settings(catalog_stripe_columns=f"{account.id}:live"))
    with open_ws(db_url, sandbox, "test") as test:
        test.sync()
        (result,) = test.archive(["shade"])
        assert (result.action, result.error) == ("archived", None)
        assert _states(test)["shade"] == ("held", "archived", True)
        (row,) = [r for r in test.status() if r.product_id == "shade"]
        match = HELD_NOTE.fullmatch(row.note or "")
        assert match is not None and match.group(1) == "shade", row.note
    # The shop's catalog is the shop's: its sell status and live-owned columns are untouched.
    assert query_value(db_url, "SELECT sell_status FROM products WHERE id = 'shade'") == "for-sale"
    sandbox.clear_log()
    with open_ws(db_url, sandbox, "live") as live:
        assert _states(live)["shade"] == ("in_sync", "active", False)
        live.sync()
        assert sandbox.writes() == []


def test_sync_all_keeps_it_archived_and_an_explicit_sync_releases_the_hold(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        ws.archive(["shade"])
        sandbox.clear_log()
        results = {r.product_id: r.action for r in ws.sync()}
        assert results == {"lamp": "skipped", "shade": "skipped"}
        assert sandbox.writes() == []
        assert [p.operations for p in ws.plan() if p.product_id == "shade"] == [[]]

        (plan,) = ws.plan(["shade"])
        assert [op.summary for op in plan.operations] == [
            "unarchive (releases the operator's archive hold) (sell status for-sale)"
        ]
        (result,) = ws.sync(["shade"])
        assert result.action == "updated"
        assert _states(ws)["shade"] == ("in_sync", "active", False)
        operations = [e.operation for e in reversed(ws.journal("shade"))]
        assert operations == [
            "create_product",
            "update_price",  # the new price's lookup key
            "archive_hold",
            "archive_product",
            "release_hold",
            "unarchive_product",
        ]

        # An approved plan that puts it back on sale (Sync selected in the window) releases too.
        ws.archive(["shade"])
        plans = ws.plan(["shade"])
        (again,) = ws.sync(plans)
        assert again.action == "updated"
        assert _states(ws)["shade"] == ("in_sync", "active", False)


def test_an_unknown_id_archives_nothing(db_url: str, sandbox: SandboxServer) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        sandbox.clear_log()
        with pytest.raises(CatalogError, match="No product 'nope' in the catalog"):
            ws.archive(["shade", "nope"])
        assert sandbox.writes() == []
        assert [e.operation for e in ws.journal()] == [
            "update_price",
            "create_product",
            "update_price",
            "create_product",
        ]
        assert _states(ws)["shade"] == ("in_sync", "active", False)


def test_archive_an_orphan_and_a_product_never_synced(db_url: str, sandbox: SandboxServer) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox) as ws:
        ws.sync(["shade"])
        run_sql(db_url, "DELETE FROM products WHERE id = 'shade'")
        assert _states(ws)["shade"] == ("orphaned", "active", False)
        results = {r.product_id: r for r in ws.archive(["shade", "lamp"])}
        assert results["shade"].action == "archived"
        assert (results["lamp"].action, results["lamp"].changes) == (
            "skipped",
            ["not in Stripe in this mode: nothing to archive"],
        )
        states = _states(ws)
        assert states["shade"] == ("held", "archived", True)
        # Never in Stripe: nothing to archive, no hold, its status stays what it was.
        assert states["lamp"] == ("missing", "missing", False)
        assert "archive_hold" not in [e.operation for e in ws.journal("lamp")]
        sandbox.clear_log()
        ws.sync()
        # lamp is created, then its price gets its lookup key
        assert [w.path for w in sandbox.writes()][:1] == ["/v1/products"]
        assert [w.params.get("lookup_key") for w in sandbox.writes()][1:] == ["lamp"]


def test_a_held_product_whose_archive_failed_is_archived_by_the_next_sync_all(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()

        def refuse_first_write(event: ProgressEvent) -> None:
            if event.done == 0:  # Stripe is read; the next request is the archive
                sandbox.fail_next(1, 400, "parameter_invalid_empty")

        (failed,) = ws.archive(["lamp"], progress=refuse_first_write)
        assert failed.action == "failed"
        (row,) = ws.status()
        # The failed archive stays visible as a failure; the note says it is held.
        assert (row.state, row.held) == ("failed", True)
        assert HELD_NOTE.fullmatch(row.note or "")
        (retry,) = ws.sync()
        assert retry.action == "archived"
        assert _states(ws)["lamp"] == ("held", "archived", True)


def test_sync_all_retries_the_archive_of_a_held_orphan(db_url: str, sandbox: SandboxServer) -> None:
    make_shop(db_url, [LAMP, SHADE])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        run_sql(db_url, "DELETE FROM products WHERE id = 'shade'")

        def refuse_first_write(event: ProgressEvent) -> None:
            if event.done == 0:
                sandbox.fail_next(1, 400, "parameter_invalid_empty")

        (failed,) = ws.archive(["shade"], progress=refuse_first_write)
        assert failed.action == "failed"
        assert _states(ws)["shade"] == ("held", "active", True)
        results = {r.product_id: r.action for r in ws.sync()}
        assert results == {"lamp": "skipped", "shade": "archived"}
        assert _states(ws)["shade"] == ("held", "archived", True)


def test_a_hold_recorded_on_a_product_not_in_stripe_is_ignored_then_released(
    db_url: str, sandbox: SandboxServer
) -> None:
    """A hold recorded by an older version on a product Stripe never held (the stuck hold)."""
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.catalog.add_holds(ws.account().id, ws.mode, ["lamp"], reason="archived by the operator")
        assert _states(ws)["lamp"] == ("missing", "missing", False)
        (result,) = ws.sync(["lamp"])
        assert result.action == "created"
        assert ws.catalog.holds(ws.account().id, ws.mode) == {}
        assert [e.operation for e in reversed(ws.journal("lamp"))][-3:] == [
            "release_hold",
            "create_product",
            "update_price",
        ]


def test_status_json_of_a_held_product_says_held_with_its_note(
    db_url: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    from core.cli import main
    from tests.core.catalog.shop import TEST_KEY

    monkeypatch.setenv("STRIPE_API_BASE", sandbox.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        ws.archive(["lamp"])
    code = main(["status", "--json", "--db", db_url, "--mode", "test"])
    (item,) = json.loads(capsys.readouterr().out)
    assert code == 0
    assert item["state"] == "held"
    assert HELD_NOTE.fullmatch(item["note"])
