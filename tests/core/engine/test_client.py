"""The cached client: built from the environment or a key provider, dropped by reset."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
import stripe

from core import reset_stripe_client, sync_product_to_stripe
from core.engine import client
from core.errors import ConfigurationError, StripeAuthError
from core.sandbox import SandboxServer
from tests.core.engine.conftest import TEST_KEY
from tests.core.engine.seed_examples import SIMPLE
from tests.fake_keys import fake_key


@pytest.fixture(autouse=True)
def _fresh_client() -> Iterator[None]:
    client.configure()
    client.set_key_provider(None)
    yield
    client.configure()
    client.set_key_provider(None)


def test_no_key_anywhere_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as info:
        sync_product_to_stripe(SIMPLE)
    assert "STRIPE_SECRET_KEY" in str(info.value)


def test_environment_key_and_base_are_used_and_reset_picks_up_changes(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", sandbox.url)
    monkeypatch.setenv("STRIPE_SYNC_RATE_LIMIT", "0")
    assert sync_product_to_stripe(SIMPLE).action == "created"
    sandbox.revoke_key("sk_test_revoked123456789")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_revoked123456789")
    # Still the cached client: the old key keeps working until the reset.
    assert sync_product_to_stripe(SIMPLE).action == "skipped"
    reset_stripe_client()
    with pytest.raises(StripeAuthError):
        sync_product_to_stripe(SIMPLE)


def test_key_provider_is_asked_when_the_client_is_built(sandbox: SandboxServer) -> None:
    asked: list[str] = []

    def from_keyring() -> str:
        asked.append("test")
        return TEST_KEY

    client.set_key_provider(from_keyring)
    client.configure(api_base=sandbox.url, rate_limit=0)
    assert sync_product_to_stripe(SIMPLE).action == "created"
    assert sync_product_to_stripe(SIMPLE).action == "skipped"
    assert asked == ["test"]
    reset_stripe_client()
    sync_product_to_stripe(SIMPLE)
    assert asked == ["test", "test"]


def test_rate_limit_defaults_follow_the_key_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    client.configure(
        api_key=fake_key("sk", "live", "abcdefgh12345678"), api_base="http://127.0.0.1:9"
    )
    assert client.get_gateway().rate_limit == pytest.approx(90.0)
    client.configure(api_key=TEST_KEY, api_base="http://127.0.0.1:9")
    assert client.get_gateway().rate_limit == pytest.approx(22.5)
    monkeypatch.setenv("STRIPE_SYNC_RATE_LIMIT", "7")
    reset_stripe_client()
    assert client.get_gateway().rate_limit == 7.0


def test_bad_rate_limit_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_SYNC_RATE_LIMIT", "fast")
    client.configure(api_key=TEST_KEY)
    with pytest.raises(ConfigurationError) as info:
        client.get_gateway()
    assert "STRIPE_SYNC_RATE_LIMIT" in str(info.value)


def test_telemetry_header_is_never_sent(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Something else in the process may switch the SDK's telemetry on; the engine's calls still
    # must not report request timings (the SDK sends them on the request after the first).
    monkeypatch.setattr(stripe, "enable_telemetry", True)
    client.configure(api_key=TEST_KEY, api_base=sandbox.url, rate_limit=0)
    sync_product_to_stripe(SIMPLE)
    sync_product_to_stripe({**SIMPLE, "name": "Renamed"})
    assert len(sandbox.request_log) >= 4
    sent = {name.lower() for r in sandbox.request_log for name in r.header_names}
    assert "authorization" in sent  # the header names really are recorded
    assert "x-stripe-client-telemetry" not in sent


def test_importing_the_client_alone_turns_telemetry_off() -> None:
    code = "import stripe, core.engine.client; print(stripe.enable_telemetry)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"


def test_account_name_comes_from_the_dashboard_settings(sandbox: SandboxServer) -> None:
    client.configure(api_key=TEST_KEY, api_base=sandbox.url)
    account = client.get_gateway().account()
    assert (account.id, account.name, account.livemode) == (
        sandbox.account_id,
        sandbox.account_name,
        False,
    )
