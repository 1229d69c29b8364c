"""Checking a live key before it is saved refuses the same unsafe address a sync would."""

from __future__ import annotations

import pytest

from core.errors import ConfigurationError
from core.workspace import verify_key_with_stripe
from tests.fake_keys import fake_key

LIVE_KEY = fake_key("sk", "live", "keycheckLive4444")


def test_a_live_key_is_not_checked_over_plain_http_to_another_computer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_API_BASE", " http://stripe-proxy.example.com ")
    with pytest.raises(ConfigurationError) as err:
        verify_key_with_stripe("live", LIVE_KEY)
    assert str(err.value).startswith(
        "STRIPE_API_BASE is 'http://stripe-proxy.example.com': it is plain http to another computer"
    )
    with pytest.raises(ConfigurationError, match="The API base address is 'http://10.0.0.1'"):
        verify_key_with_stripe("live", LIVE_KEY, api_base="http://10.0.0.1")
