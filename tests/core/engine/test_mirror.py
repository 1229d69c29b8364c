"""The mirror that follows Stripe's events (events issue §2): cursor, fallbacks, attribution and
cost, through the real SDK against the sandbox, with the requests counted by the sandbox itself."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest
import stripe

from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.engine.mirror import StripeMirror
from core.engine.refresh import EXPIRED, NO_EVENT_READ, refresh_remote
from core.engine.types import RemoteCatalog
from core.sandbox import SandboxServer
from tests.core.engine.conftest import FAST_RETRY, TEST_KEY

DAY = 24 * 3600


@pytest.fixture
def sdk(sandbox: SandboxServer) -> stripe.StripeClient:
    """Someone else's hands in the same account: the real SDK, not the tool's gateway."""
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url}, max_network_retries=0)


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[StripeMirror]:
    """An empty mirror file."""
    kept = StripeMirror(tmp_path / "mirror.sqlite3")
    try:
        yield kept
    finally:
        kept.close()


def make_products(sdk: stripe.StripeClient, count: int, prefix: str = "m") -> list[str]:
    """`count` products, each with a one-time price as its default (and a local_id tag)."""
    ids = [f"{prefix}-{i:04d}" for i in range(count)]
    for pid in ids:
        sdk.v1.products.create(
            params={
                "id": pid,
                "name": f"Product {pid}",
                "metadata": {"local_id": pid},
                "default_price_data": {"currency": "usd", "unit_amount": 1000},
            }
        )
    return ids


def view(remote: RemoteCatalog) -> dict[str, tuple[object, ...]]:
    """What a status shows of each product: name, active, default price and its prices."""
    return {
        pid: (
            p.name,
            p.active,
            p.default_price,
            p.metadata,
            sorted((pr.id, pr.unit_amount, pr.active, pr.nickname) for pr in p.prices),
        )
        for pid, p in remote.products.items()
    }


def reads(sandbox: SandboxServer) -> list[str]:
    """The requests the sandbox answered since its log was cleared."""
    return [f"{r.method} {r.path}" for r in sandbox.request_log]


def test_first_refresh_reads_everything_then_no_change_costs_one_request(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 120)
    first = refresh_remote(gateway, mirror)
    assert first.full and first.summary == "full read"
    assert view(first.catalog) == view(fetch_remote(gateway))
    sandbox.clear_log()
    again = refresh_remote(gateway, mirror)
    assert (again.full, again.summary, again.requests) == (False, "events: 0 changes", 1)
    assert reads(sandbox) == ["GET /v1/events"]
    assert view(again.catalog) == view(first.catalog)


def test_a_new_process_reads_the_file_not_stripe(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, tmp_path: Path
) -> None:
    make_products(sdk, 3)
    path = tmp_path / "kept.sqlite3"
    first = StripeMirror(path)
    refresh_remote(gateway, first)
    first.close()
    sdk.v1.products.update("m-0001", params={"name": "Renamed"})
    sandbox.clear_log()
    later = StripeMirror(path)
    try:
        done = refresh_remote(gateway, later)
    finally:
        later.close()
    assert (done.full, done.requests) == (False, 1)
    assert done.catalog.products["m-0001"].name == "Renamed"
    assert view(done.catalog) == view(fetch_remote(gateway))


@pytest.mark.parametrize("k", [1, 99, 100, 101, 250])
def test_k_changes_cost_at_most_ceil_k_over_100_requests(
    sandbox: SandboxServer,
    gateway: StripeGateway,
    sdk: stripe.StripeClient,
    mirror: StripeMirror,
    k: int,
) -> None:
    ids = make_products(sdk, 30)
    refresh_remote(gateway, mirror)
    for n in range(k):
        sdk.v1.products.update(ids[n % len(ids)], params={"name": f"Edit {n}"})
    sandbox.clear_log()
    done = refresh_remote(gateway, mirror)
    assert len(done.applied) == k
    assert done.requests == len(reads(sandbox)) <= math.ceil(k / 100) + 1
    assert done.summary == f"events: {k} change{'' if k == 1 else 's'}"
    assert view(done.catalog) == view(fetch_remote(gateway))


def test_every_kind_of_change_lands_like_a_full_read(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 3)
    sdk.v1.products.create(params={"id": "bare", "name": "Bare"})
    refresh_remote(gateway, mirror)
    new_price = sdk.v1.prices.create(
        params={"product": "m-0000", "currency": "usd", "unit_amount": 1200}
    )
    sdk.v1.products.update("m-0000", params={"default_price": new_price.id})
    old = str(sdk.v1.products.retrieve("m-0001").default_price)
    sdk.v1.prices.update(old, params={"nickname": "Standard", "metadata": {"colour": "red"}})
    sdk.v1.products.update("m-0002", params={"active": False, "metadata": {"local_id": ""}})
    sdk.v1.products.delete("bare")
    sdk.v1.products.create(params={"id": "late", "name": "Late"})
    done = refresh_remote(gateway, mirror)
    assert not done.full
    assert "bare" not in done.catalog.products
    assert done.catalog.find("late") is not None
    assert done.catalog.find("m-0002") is None or done.catalog.products["m-0002"].local_id is None
    assert view(done.catalog) == view(fetch_remote(gateway))


def test_a_change_made_during_the_full_read_is_applied_again_harmlessly(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    """The cursor is the newest event listed *before* the read: a change during it comes again."""
    make_products(sdk, 2)
    real_fetch = gateway.list_products

    def list_then_edit(**kwargs: object) -> list[object]:
        listed = real_fetch(**kwargs)  # type: ignore[arg-type]
        sdk.v1.products.update("m-0000", params={"name": "During the read"})
        return listed  # type: ignore[return-value]

    gateway.list_products = list_then_edit  # type: ignore[method-assign,assignment]
    first = refresh_remote(gateway, mirror)
    gateway.list_products = real_fetch  # type: ignore[method-assign]
    assert first.catalog.products["m-0000"].name == "Product m-0000"  # read before the edit
    done = refresh_remote(gateway, mirror)
    assert [a.event.object_id for a in done.applied] == ["m-0000"]
    assert done.catalog.products["m-0000"].name == "During the read"


def test_a_cursor_older_than_retention_falls_back_to_a_full_read(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 2)
    refresh_remote(gateway, mirror)
    sandbox.advance_clock(31 * DAY)  # the cursor's event is gone (stripe-facts §4.9)
    sdk.v1.products.update("m-0001", params={"name": "A month later"})
    done = refresh_remote(gateway, mirror)
    assert (done.full, done.reason) == (True, EXPIRED)
    assert done.summary == f"fell back to a full read because {EXPIRED}"
    assert done.catalog.products["m-0001"].name == "A month later"
    sdk.v1.products.update("m-0000", params={"name": "Then events again"})
    after = refresh_remote(gateway, mirror)
    assert (after.full, len(after.applied)) == (False, 1)
    assert after.catalog.products["m-0000"].name == "Then events again"


def test_a_mirror_not_refreshed_for_29_days_is_read_in_full(
    gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 1)
    now = [1_000_000.0]
    refresh_remote(gateway, mirror, clock=lambda: now[0])
    now[0] += 29 * DAY + 1
    assert refresh_remote(gateway, mirror, clock=lambda: now[0]).full


def test_a_key_without_event_read_reads_everything_and_says_which_permission_helps(
    sandbox: SandboxServer, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 2)
    restricted = StripeGateway.create(
        "rk_test_noevents1234wxyz", api_base=sandbox.url, rate_limit=0, retry=FAST_RETRY
    )
    first = refresh_remote(restricted, mirror)
    assert first.full and first.notice is not None
    assert "'Events: Read' (rak_event_read)" in first.notice
    assert first.notice == NO_EVENT_READ + "."
    sdk.v1.products.update("m-0000", params={"name": "Seen anyway"})
    sandbox.clear_log()
    again = refresh_remote(restricted, mirror)
    assert again.full and again.reason is not None and "rak_event_read" in again.reason
    assert again.catalog.products["m-0000"].name == "Seen anyway"
    assert "GET /v1/products" in reads(sandbox)


def test_each_change_is_attributed_to_this_tool_or_elsewhere(
    gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 2)
    refresh_remote(gateway, mirror)
    mine = sdk.v1.products.update("m-0000", params={"name": "By the tool"})
    sdk.v1.products.update("m-0001", params={"name": "By hand", "metadata": {"colour": "red"}})
    assert mine.last_response is not None
    journal = {mine.last_response.request_id}

    def ours(ids: Collection[str]) -> Collection[str]:
        return [i for i in ids if i in journal]

    done = refresh_remote(gateway, mirror, ours=ours)
    by = {a.event.object_id: a.by_tool for a in done.applied}
    assert by == {"m-0000": True, "m-0001": False}
    hand = done.applied[1]
    assert hand.local_id == "m-0001"
    assert {k: (c.old, c.new) for k, c in hand.fields.items()} == {
        "name": ("Product m-0001", "By hand"),
        "metadata.colour": (None, "red"),
    }
    kept = mirror.external_changes()
    assert set(kept) == {"m-0001"}  # only changes made elsewhere are kept, the newest per product
    assert kept["m-0001"].fields["name"].old == "Product m-0001"


def test_a_price_change_is_kept_against_its_product(
    gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 1)
    refresh_remote(gateway, mirror)
    price = str(sdk.v1.products.retrieve("m-0000").default_price)
    sdk.v1.prices.update(price, params={"nickname": "Hand-named"})
    refresh_remote(gateway, mirror)
    change = mirror.external_changes()["m-0000"]
    assert (change.event.kind, change.event.object_id, change.local_id) == (
        "price",
        price,
        "m-0000",
    )
    assert change.fields["nickname"].new == "Hand-named"


def test_two_mirrors_on_one_file_never_go_back_in_time(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, tmp_path: Path
) -> None:
    """The window and a `watch` refresh the same file: the slower one goes on from the faster's
    cursor instead of applying an older page over newer state."""
    make_products(sdk, 1)
    path = tmp_path / "shared.sqlite3"
    window, watcher = StripeMirror(path), StripeMirror(path)
    try:
        refresh_remote(gateway, window)
        refresh_remote(gateway, watcher)
        sdk.v1.products.update("m-0000", params={"name": "First"})
        stale_cursor = watcher.state().cursor
        refresh_remote(gateway, window)
        sdk.v1.products.update("m-0000", params={"name": "Second"})
        refresh_remote(gateway, window)
        from core.engine.events import events_since

        [old_page] = list(events_since(gateway, stale_cursor))[:1]
        assert watcher.apply(old_page[:1], expected=stale_cursor, ours=lambda _: (), at=0) is None
        done = refresh_remote(gateway, watcher)
        assert done.catalog.products["m-0000"].name == "Second"
    finally:
        window.close()
        watcher.close()


def test_an_empty_account_then_changes_are_followed_from_the_start(
    sandbox: SandboxServer, gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    """No event when the mirror was filled (no cursor): every event since is newer, applied."""
    first = refresh_remote(gateway, mirror)
    assert first.full and first.catalog.products == {} and mirror.state().cursor is None
    make_products(sdk, 2)
    done = refresh_remote(gateway, mirror)
    assert (done.full, len(done.applied)) == (False, 4)  # each product and its price
    assert view(done.catalog) == view(fetch_remote(gateway))
    assert mirror.state().cursor == done.applied[-1].event.id


def test_a_write_with_the_tools_own_idempotency_key_is_the_tools_before_it_is_journaled(
    gateway: StripeGateway, sdk: stripe.StripeClient, mirror: StripeMirror
) -> None:
    make_products(sdk, 1)
    refresh_remote(gateway, mirror)
    sdk.v1.products.update(
        "m-0000", params={"name": "Synced"}, options={"idempotency_key": "ssa1-update_product-x"}
    )
    sdk.v1.products.update("m-0000", params={"name": "By hand"}, options={"idempotency_key": "k1"})
    done = refresh_remote(gateway, mirror)
    assert [a.by_tool for a in done.applied] == [True, False]
