"""Status, plan and sync read Stripe through the mirror (events issue §2, §3): a fresh process's
status costs two requests when nothing changed, the tool's own writes come back as its own, and a
change made elsewhere is shown on its row with when, what and the old values."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import stripe

from core import paths
from core.sandbox import SandboxServer
from core.workspace import ProductRow, Workspace, diff_records, mirroring
from tests.core.catalog.shop import LAMP, SHADE, TEST_KEY, make_shop, open_ws


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def sdk(sandbox: SandboxServer) -> stripe.StripeClient:
    """Someone editing the same account by hand (the Dashboard), through the real SDK."""
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url}, max_network_retries=0)


@pytest.fixture
def shop(sqlite_url: str, sandbox: SandboxServer) -> str:
    """LAMP and SHADE synced to the sandbox (test mode); the mirror, filled by that run's read,
    has seen the run's own writes since."""
    make_shop(sqlite_url, [LAMP, SHADE])
    with open_ws(sqlite_url, sandbox) as ws:
        assert [r.action for r in ws.sync()] == ["created", "created"]
        assert [r.state for r in ws.status()] == ["in_sync", "in_sync"]
    return sqlite_url


@pytest.fixture(autouse=True)
def _notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(mirroring, "refresh_notice", said.append)
    return said


def requests(sandbox: SandboxServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.request_log]


def fresh_status(db: str, sandbox: SandboxServer) -> tuple[list[ProductRow], list[str]]:
    """A status from a newly opened workspace (as a fresh CLI process makes it)."""
    sandbox.clear_log()
    with open_ws(db, sandbox) as ws:
        rows = ws.status()
    return rows, requests(sandbox)


def test_a_fresh_status_with_no_change_costs_the_account_check_and_one_events_page(
    shop: str, sandbox: SandboxServer
) -> None:
    rows, sent = fresh_status(shop, sandbox)
    assert sent == ["GET /v1/account", "GET /v1/events"]
    assert [(r.product_id, r.state) for r in rows] == [("lamp", "in_sync"), ("shade", "in_sync")]


@pytest.mark.parametrize("k", [3, 120])
def test_k_changes_elsewhere_cost_at_most_ceil_k_over_100_plus_two(
    shop: str, sandbox: SandboxServer, sdk: stripe.StripeClient, k: int
) -> None:
    for n in range(k):
        sdk.v1.products.update("lamp", params={"name": f"Lamp by hand {n}"})
    rows, sent = fresh_status(shop, sandbox)
    assert len(sent) <= math.ceil(k / 100) + 2
    assert "GET /v1/products" not in sent
    lamp = next(r for r in rows if r.product_id == "lamp")
    assert (lamp.state, lamp.stripe_name) == ("differs", f"Lamp by hand {k - 1}")


def test_a_change_made_elsewhere_is_shown_on_its_row_and_in_status_json(
    shop: str, sandbox: SandboxServer, sdk: stripe.StripeClient
) -> None:
    sdk.v1.products.update("lamp", params={"name": "Lamp by hand"})
    rows, _ = fresh_status(shop, sandbox)
    lamp = next(r for r in rows if r.product_id == "lamp")
    shade = next(r for r in rows if r.product_id == "shade")
    assert shade.stripe_change is None
    change = lamp.stripe_change
    assert change is not None
    assert (change.by, change.object, change.id, change.local_id) == (
        "elsewhere",
        "product",
        "lamp",
        "lamp",
    )
    assert change.fields["name"].old == "Desk Lamp"
    words = change.describe()
    assert words.startswith("changed in Stripe at ") and "not by this tool" in words
    assert "name (was 'Desk Lamp')" in words
    record = next(r for r in diff_records(rows) if r["id"] == "lamp")
    assert record["stripe_change"]["by"] == "elsewhere"
    assert record["stripe_change"]["fields"] == {
        "name": {"old": "Desk Lamp", "new": "Lamp by hand"}
    }
    # The three values still say Stripe moved (a hand edit).
    assert [(d.field, d.changed) for d in lamp.differences] == [("name", "stripe")]


def test_the_tools_own_writes_come_back_as_its_own_and_are_never_stale(
    shop: str, sandbox: SandboxServer
) -> None:
    make_shop(shop, [{**LAMP, "base_price_cents": 5200}])
    with open_ws(shop, sandbox) as ws:
        assert ws.status(["lamp"])[0].state == "differs"
        assert [r.action for r in ws.sync(["lamp"])] == ["updated"]
        seen = ws.refresh_stripe()
        assert not seen.full and seen.changes
        assert {c.by for c in seen.changes} == {"this tool"}
        [lamp] = ws.status(["lamp"])
    assert (lamp.state, lamp.stripe_price_cents, lamp.stripe_change) == ("in_sync", 5200, None)


def test_refresh_all_reads_everything_and_a_key_without_events_says_what_helps(
    shop: str, sandbox: SandboxServer, _notices: list[str]
) -> None:
    with open_ws(shop, sandbox) as ws:
        sandbox.clear_log()
        done = ws.refresh_stripe(refresh_all=True)
        assert (done.full, done.summary) == (True, "full read")
        assert "GET /v1/products" in requests(sandbox)
    restricted = Workspace.open(
        db_url=shop, mode="test", api_key="rk_test_noevents1234wxyz", api_base=sandbox.url
    )
    with restricted:
        rows = restricted.status()
        assert [r.state for r in rows] == ["in_sync", "in_sync"]
        last = restricted.last_refresh
        assert last is not None and last.full
    assert any("'Events: Read' (rak_event_read)" in text for text in _notices)


def test_a_month_without_looking_falls_back_to_a_full_read_and_says_why(
    shop: str, sandbox: SandboxServer, sdk: stripe.StripeClient, _notices: list[str]
) -> None:
    sandbox.advance_clock(31 * 24 * 3600)
    sdk.v1.products.update("shade", params={"name": "Shade, a month on"})
    with open_ws(shop, sandbox) as ws:
        rows = ws.status()
        last = ws.last_refresh
    assert last is not None and last.full
    assert last.summary.startswith("fell back to a full read because the last change it saw")
    assert [(r.product_id, r.state) for r in rows] == [("lamp", "in_sync"), ("shade", "differs")]
    assert next(r for r in rows if r.product_id == "shade").stripe_name == "Shade, a month on"
    assert any("30 days" in text for text in _notices)


def test_the_mirror_is_kept_per_account_and_mode(shop: str, sandbox: SandboxServer) -> None:
    with open_ws(shop, sandbox) as ws:
        ws.status()
        account = ws.account().id
    assert paths.mirror_file(account, "test").exists()
    assert not paths.mirror_file(account, "live").exists()
