"""A live key is only sent over https, or plain http to this computer."""

from __future__ import annotations

import pytest

from core.errors import ConfigurationError
from core.keys.api_base import check_api_base, is_loopback


@pytest.mark.parametrize(
    "host", ["localhost", "LocalHost", "localhost.", "127.0.0.1", "127.1.2.3", "::1"]
)
def test_this_computer(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "127.0.0.1.example.com",
        "localhost.example.com",
        "10.0.0.1",
        "::ffff:10.0.0.1",
        "0x7f.1",
        "",
    ],
)
def test_not_this_computer(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    "base",
    [
        None,
        "https://api.stripe.com",
        "https://proxy.example.com:8443/",
        "http://127.0.0.1:12111",
        "http://[::1]:80",
    ],
)
def test_allowed_for_a_live_key(base: str | None) -> None:
    check_api_base(base, "live")


def test_a_test_key_may_go_anywhere() -> None:
    check_api_base("http://example.com", "test")


def test_a_refusal_names_the_source_and_hides_a_password() -> None:
    with pytest.raises(ConfigurationError) as err:
        check_api_base("http://user:hunter2@proxy.example.com/", "live")
    assert str(err.value) == (
        "STRIPE_API_BASE is 'http://proxy.example.com/': it is plain http to another computer "
        "(proxy.example.com), so the live key would travel in clear text. Use an https:// "
        "address (plain http only to this computer: localhost, 127.0.0.1 or ::1), or unset "
        "STRIPE_API_BASE to talk to Stripe itself."
    )
    assert "hunter2" not in str(err.value)


def test_a_malformed_address_is_refused_not_crashed_on() -> None:
    with pytest.raises(ConfigurationError, match="is not an https:// address"):
        check_api_base("http://[::1", "live")
