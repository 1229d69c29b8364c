"""The workspace end to end against the sandbox: plan, sync, write-back, links per mode, journal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.engine.types import CancelToken, ProgressEvent, SyncCancelledError
from core.errors import CancelledError, ConfigurationError, KeyModeMismatchError, StripeAuthError
from core.paths import config_dir, data_dir, default_catalog_path
from core.sandbox import SandboxServer
from core.settings import Settings, load_settings, save_settings
from core.workspace import Workspace
from tests.core.catalog.shop import LAMP, LIVE_KEY, SHADE, TEST_KEY, make_shop, open_ws
from tests.raw_sql import run_sql


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


_shop = make_shop
_open = open_ws


def test_paths_and_settings_follow_xdg_and_round_trip(tmp_path: Path) -> None:
    import os

    assert str(data_dir()).startswith(os.environ["XDG_DATA_HOME"])
    assert str(config_dir()).startswith(os.environ["XDG_CONFIG_HOME"])
    assert default_catalog_path().parent == data_dir()
    assert load_settings() == Settings()
    settings = Settings(db_url='sqlite:///a "b".db', catalog_stripe_columns="acct_1:live")
    save_settings(settings)
    assert load_settings() == settings


def test_bad_settings_file_is_a_clear_configuration_error() -> None:
    (config_dir() / "settings.toml").write_text('curency = "usd"\n')
    with pytest.raises(ConfigurationError) as err:
        load_settings()
    assert "settings.toml: curency: unknown setting." in str(err.value)


def test_newcomer_sandbox_mode_needs_no_key_and_sees_the_last_run() -> None:
    with Workspace.open() as ws:
        assert ws.mode == "sandbox"
        results = ws.sync()
        assert {r.action for r in results} == {"created", "skipped"}
        assert ws.dashboard_url("lamp") == f"{ws.sandbox_url}/v1/products/lamp"
    with Workspace.open() as ws:  # a new in-process sandbox, same state file
        states = {r.product_id: r.state for r in ws.status()}
        assert states["material-8x8-v1"] == "in_sync"
        assert states["diffuser-acrylic"] == "not_ready"


def test_sync_writes_back_links_snapshot_and_journal(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP])
    with _open(db_url, sandbox) as ws:
        (plan,) = ws.plan()
        assert plan.action == "created"
        (result,) = ws.sync([plan])
        assert (result.action, result.error) == ("created", None)
        account = ws.account()
        links = ws.catalog.links(account.id, "test")
        assert links.products == {"lamp": "lamp"}
        assert links.prices["lamp"] == result.stripe_price_id
        (row,) = ws.status()
        assert row.state == "in_sync"
        assert row.last_written == {
            "name": "Desk Lamp",
            "description": "",
            "active": "true",
            "metadata.sell_status": "available",
            "currency": "usd",
            "price": "$45.00",
        }
        key, entry = ws.journal("lamp")  # newest first
        assert (key.operation, key.summary) == (
            "update_price",
            "give the price its lookup key lamp",
        )
        assert entry.operation == "create_product"
        assert entry.request_id and entry.request_id.startswith("req_")
        assert entry.account_id == account.id and entry.mode == "test"
        # Catalog's own stripe_* columns belong to no account by default: left empty.
        assert ws.catalog.get_record("lamp").product["stripe_product_id"] is None  # type: ignore[union-attr]
        # A second sync of an unchanged catalog writes nothing.
        sandbox.clear_log()
        (again,) = ws.sync(["lamp"])
        assert again.action == "skipped"
        assert sandbox.writes() == []
        assert len(ws.journal("lamp")) == 2


def test_test_and_live_links_never_mix(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP])
    with _open(db_url, sandbox, "live") as live:
        account = live.account()
    save_settings(Settings(catalog_stripe_columns=f"{account.id}:live"))
    with _open(db_url, sandbox, "live") as live:
        (live_result,) = live.sync(["lamp"])
    with _open(db_url, sandbox, "test") as test:
        (test_result,) = test.sync(["lamp"])
        assert test_result.action == "created"
        live_links = test.catalog.links(account.id, "live")
        test_links = test.catalog.links(account.id, "test")
        assert live_links.prices["lamp"] == live_result.stripe_price_id
        assert test_links.prices["lamp"] == test_result.stripe_price_id
        assert live_result.stripe_price_id != test_result.stripe_price_id
        # The catalog's own columns hold the live ids, untouched by the later test sync.
        lamp = test.catalog.get_record("lamp")
        assert lamp is not None
        assert lamp.product["stripe_price_id"] == live_result.stripe_price_id
        assert lamp.product["last_synced_at"] is not None
        assert [e.mode for e in test.journal()] == ["test", "test"]


def test_changed_catalog_after_approval_is_refused(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP])
    with _open(db_url, sandbox) as ws:
        plans = ws.plan()
        run_sql(db_url, "UPDATE products SET base_price_cents = 9900")
        (result,) = ws.sync(plans)
        assert result.action == "failed"
        assert result.error is not None and "changed since this plan was shown" in result.error
        assert sandbox.writes() == []


def test_failed_write_is_journaled_and_shown_as_failed(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP])
    with _open(db_url, sandbox) as ws:

        def refuse_first_write(event: ProgressEvent) -> None:
            if event.done == 0:  # reads are done; the next request is the first write
                sandbox.fail_next(1, 400, "parameter_invalid_empty")

        (result,) = ws.sync(["lamp"], progress=refuse_first_write)
        assert result.action == "failed" and result.error
        (entry,) = ws.journal("lamp")
        assert entry.error and entry.operation in ("create_product", "sync_failed")
        (row,) = ws.status()
        assert row.state == "failed" and row.error == entry.error
        (retry,) = ws.sync(["lamp"])
        assert retry.action == "created"
        assert ws.status()[0].state == "in_sync"


def test_product_removed_locally_shows_as_orphaned(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP, SHADE])
    with _open(db_url, sandbox) as ws:
        ws.sync()
        run_sql(db_url, "DELETE FROM products WHERE id = 'shade'")
        rows = {r.product_id: r for r in ws.status()}
        assert rows["shade"].state == "orphaned"
        assert not rows["shade"].has_local
        assert rows["shade"].stripe_product_id == "shade"


def test_cancel_stops_between_products(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP, SHADE])
    token = CancelToken()
    with _open(db_url, sandbox) as ws:

        def progress(event: ProgressEvent) -> None:
            if event.done == 1:
                token.cancel()

        with pytest.raises(SyncCancelledError) as err:
            ws.sync(progress=progress, cancel=token)
        assert [r.product_id for r in err.value.results] == ["lamp"]
        assert {r.product_id: r.state for r in ws.status()} == {
            "lamp": "in_sync",
            "shade": "missing",
        }


def _cancelled_on_a_thread(
    call: Callable[[], object], token: CancelToken, ready: threading.Event | None = None
) -> object:
    """Run `call` on a thread, cancel `token` once `ready` is set (else after 0.3 s); what it
    raised (None: returned).

    The 5 s join is a liveness bound far below the 30 s retry budget, not a speed measurement.
    """
    outcome: list[object] = []

    def work() -> None:
        try:
            call()
        except Exception as exc:  # handed to the test thread to assert on
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    if ready is not None:
        assert ready.wait(60.0), "the call never reached the point the test cancels at"
    worker.join(0.3)
    token.cancel()
    worker.join(5.0)
    assert not worker.is_alive(), "the workspace kept retrying Stripe after the cancel"
    return outcome[0]


def test_status_cancelled_during_a_503_storm_stops(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP, SHADE])
    with _open(db_url, sandbox) as ws:
        ws.account()  # as the window does on opening; then Stripe starts failing
        sandbox.fail_next(1000, 503)
        token = CancelToken()
        error = _cancelled_on_a_thread(lambda: ws.status(cancel=token), token)
        assert isinstance(error, CancelledError)
        assert ws.gateway.cancel_token is None
        sandbox.fail_next(0, 503)
        # The workspace is still usable once Stripe answers again.
        assert {r.product_id: r.state for r in ws.status()} == {
            "lamp": "missing",
            "shade": "missing",
        }


def test_sync_cancelled_during_a_503_storm_keeps_what_was_done(
    db_url: str, sandbox: SandboxServer
) -> None:
    _shop(db_url, [LAMP, SHADE])
    token = CancelToken()
    storming = threading.Event()  # a loaded machine may take longer than 0.3 s for the lamp
    with _open(db_url, sandbox) as ws:

        def storm_after_lamp(event: ProgressEvent) -> None:
            if event.done == 1:
                sandbox.fail_next(1000, 503)
                storming.set()

        def run() -> None:
            ws.sync(progress=storm_after_lamp, cancel=token)

        error = _cancelled_on_a_thread(run, token, storming)
        assert isinstance(error, SyncCancelledError)
        assert [r.product_id for r in error.results or []] == ["lamp"]
        sandbox.fail_next(0, 503)
        states = {r.product_id: r.state for r in ws.status()}
        assert states["lamp"] == "in_sync"
        assert states["shade"] in ("missing", "failed")


def test_key_for_the_wrong_mode_is_refused(db_url: str) -> None:
    with pytest.raises(KeyModeMismatchError):
        Workspace.open(db_url=db_url, mode="test", api_key=LIVE_KEY)
    with pytest.raises(ConfigurationError, match="No Stripe key for live mode"):
        Workspace.open(db_url=db_url, mode="live")


def test_reset_client_and_dashboard_urls(db_url: str, sandbox: SandboxServer) -> None:
    _shop(db_url, [LAMP])
    with _open(db_url, sandbox) as ws:
        account = ws.reset_client()
        assert account.id == sandbox.account_id
        assert ws.dashboard_url("prod_1") == "https://dashboard.stripe.com/test/products/prod_1"
    with _open(db_url, sandbox, "live") as ws:
        assert ws.dashboard_url("prod_1") == "https://dashboard.stripe.com/products/prod_1"


def test_a_key_revoked_mid_run_stops_it_but_keeps_what_was_finished(
    db_url: str, sandbox: SandboxServer
) -> None:
    _shop(db_url, [LAMP, SHADE])
    with _open(db_url, sandbox) as ws:

        def revoke_after_first(event: ProgressEvent) -> None:
            if event.done == 1:
                sandbox.revoke_key(TEST_KEY)

        with pytest.raises(StripeAuthError) as err:
            ws.sync(progress=revoke_after_first)
        assert err.value.results is not None
        assert [(r.product_id, r.action) for r in err.value.results] == [("lamp", "created")]
        # What was finished was written back: the link for lamp is stored.
        account = ws.account()
        assert ws.catalog.links(account.id, "test").products == {"lamp": "lamp"}
