"""Fixtures for the sandbox's own tests: a started server and SDK clients pointed at it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.fake_keys import fake_key

TEST_KEY = "sk_test_sandboxTests123"
LIVE_KEY = fake_key("sk", "live", "sandboxTests123")

stripe.enable_telemetry = False


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox on a free loopback port, rate limit off, search lag 0; stopped after the test."""
    with SandboxServer(port=0, rate_limit=0.0, search_lag=0.0) as server:
        yield server


def make_client(server: SandboxServer, key: str = TEST_KEY) -> stripe.StripeClient:
    """The real SDK, talking HTTP to the sandbox, without SDK retries (facts §1.9, §10.2)."""
    return stripe.StripeClient(key, base_addresses={"api": server.url}, max_network_retries=0)


@pytest.fixture
def stripe_client(sandbox: SandboxServer) -> stripe.StripeClient:
    """An SDK client on a test-mode secret key."""
    return make_client(sandbox)


@pytest.fixture
def client_for(sandbox: SandboxServer) -> Callable[[str], stripe.StripeClient]:
    """Build an SDK client for another key (live, restricted, malformed)."""
    return lambda key: make_client(sandbox, key)


def raw_http(
    server: SandboxServer,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """A request the SDK would never send (no key, odd methods): status, JSON body, headers."""
    request = urllib.request.Request(
        server.url + path,
        data=body.encode() if body is not None else None,
        method=method,
        headers=headers or {},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read()), dict(error.headers)
