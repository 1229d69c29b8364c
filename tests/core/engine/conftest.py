"""Engine fixtures: a fresh sandbox per test, a fast-retrying gateway on it, and the cached client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.engine import client
from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy
from core.sandbox import SandboxServer

TEST_KEY = "sk_test_engineTests12345678"
# Short waits so retry tests run fast; the budget still outlasts a storm of 5+ 429s.
FAST_RETRY = RetryPolicy(budget_s=5.0, initial_s=0.01, max_s=0.05)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A fresh, empty sandbox on a free loopback port, no rate limit, no search lag."""
    server = SandboxServer(port=0).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def gateway(sandbox: SandboxServer) -> StripeGateway:
    """A gateway on the sandbox, unthrottled (the sandbox has no rate limit here)."""
    return StripeGateway.create(TEST_KEY, api_base=sandbox.url, rate_limit=0, retry=FAST_RETRY)


@pytest.fixture
def configured(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The process-wide client pointed at the sandbox (as the window would configure it)."""
    client.configure(api_key=TEST_KEY, api_base=sandbox.url, rate_limit=0, retry=FAST_RETRY)
    try:
        yield sandbox
    finally:
        client.configure()
        client.set_key_provider(None)
