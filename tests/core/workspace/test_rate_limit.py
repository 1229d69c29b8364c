"""How fast the workspace lets itself call Stripe: never slower than the built-in sandbox allows
(it has no limit), and STRIPE_SYNC_RATE_LIMIT or the setting governs test and live mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import ConfigurationError
from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from core.workspace import Workspace
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _test_mode(db: str, sandbox: SandboxServer) -> Workspace:
    return Workspace.open(db_url=db, mode="test", api_key=TEST_KEY, api_base=sandbox.url)


def test_sandbox_mode_does_not_throttle_itself(sqlite_url: str) -> None:
    make_shop(sqlite_url, [LAMP])
    with Workspace.open(db_url=sqlite_url, mode="sandbox") as ws:
        assert ws.gateway.rate_limit == 0  # the built-in sandbox has no limit


def test_test_mode_keeps_below_stripes_limit_by_default(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    make_shop(sqlite_url, [LAMP])
    with _test_mode(sqlite_url, sandbox) as ws:
        assert ws.gateway.rate_limit == pytest.approx(22.5)  # 90 % of test mode's 25/s


def test_the_environment_then_the_setting_govern_test_mode(
    sqlite_url: str, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_shop(sqlite_url, [LAMP])
    save_settings(Settings(rate_limit=12))
    with _test_mode(sqlite_url, sandbox) as ws:
        assert ws.gateway.rate_limit == 12
        ws.reset_client()  # a fresh gateway keeps the same limit
        assert ws.gateway.rate_limit == 12
    monkeypatch.setenv("STRIPE_SYNC_RATE_LIMIT", "7.5")
    with _test_mode(sqlite_url, sandbox) as ws:
        assert ws.gateway.rate_limit == 7.5
    monkeypatch.setenv("STRIPE_SYNC_RATE_LIMIT", "fast")
    with pytest.raises(ConfigurationError, match="STRIPE_SYNC_RATE_LIMIT='fast' is not a number"):
        _test_mode(sqlite_url, sandbox)
