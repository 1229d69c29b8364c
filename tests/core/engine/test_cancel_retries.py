"""Cancelling while Stripe is being retried (a 503 storm) or throttled ends the call at once.

Without this, closing the window during a storm waited out the whole retry budget (30 s). Each
test runs the call on a worker thread, cancels it, and checks the thread did end, and how: the
join timeout is a liveness bound far below the 30 s budget, not a speed measurement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from core.engine.gateway import StripeGateway
from core.engine.sync import sync_products_to_stripe
from core.engine.throttle import RetryPolicy
from core.engine.types import CancelToken, ProgressEvent, SyncCancelledError
from core.errors import CancelledError
from core.sandbox import SandboxServer
from tests.core.engine.conftest import TEST_KEY

STORM = 1000  # more 503s than any retry budget gets through
BUDGET = RetryPolicy(budget_s=30.0)  # the shipped default: 0.25 s doubling to 4 s, 30 s in all
LIVENESS_S = 5.0  # far below the budget: a call still running then did not notice the cancel


def _outcome_after_cancel(call: Callable[[], object], token: CancelToken) -> BaseException | None:
    """Run `call` on a thread, cancel `token` once it is under way, return what it raised."""
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test thread to assert on
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(0.3)  # let the storm begin (the first retries) before cancelling
    assert worker.is_alive(), f"the call ended before the cancel: {outcome}"
    token.cancel()
    worker.join(LIVENESS_S)
    assert not worker.is_alive(), "the call kept retrying after the cancel"
    return outcome[0]


def _storm_gateway(sandbox: SandboxServer, *, rate_limit: float = 0) -> StripeGateway:
    return StripeGateway.create(TEST_KEY, api_base=sandbox.url, rate_limit=rate_limit, retry=BUDGET)


def test_cancel_during_a_503_storm_ends_the_call(sandbox: SandboxServer) -> None:
    gateway = _storm_gateway(sandbox)
    sandbox.fail_next(STORM, 503)
    token = CancelToken()

    def read() -> None:
        with gateway.cancellable(token):
            gateway.list_products()

    error = _outcome_after_cancel(read, token)
    assert isinstance(error, CancelledError)
    assert "retry" in str(error)
    assert gateway.stats.reads >= 2  # it was retrying when cancelled, not refused outright


def test_without_a_cancel_the_storm_is_still_retried(sandbox: SandboxServer) -> None:
    """The cancel-aware wait is a wait: an uncancelled token lets the retries go on to success."""
    gateway = StripeGateway.create(
        TEST_KEY, api_base=sandbox.url, rate_limit=0, retry=RetryPolicy(5.0, 0.01, 0.05)
    )
    sandbox.fail_next(3, 503)
    with gateway.cancellable(CancelToken()):
        assert gateway.list_products() == []
    assert gateway.stats.reads == 4


def test_cancel_while_throttled_ends_the_wait(sandbox: SandboxServer) -> None:
    gateway = _storm_gateway(sandbox, rate_limit=0.1)  # one call, then one every 10 s
    token = CancelToken()

    def two_reads() -> None:
        with gateway.cancellable(token):
            gateway.list_products()
            gateway.list_products()

    assert isinstance(_outcome_after_cancel(two_reads, token), CancelledError)
    assert gateway.stats.reads == 1


def test_bulk_sync_cancelled_during_the_read_storm_reports_nothing_done(
    sandbox: SandboxServer,
) -> None:
    gateway = _storm_gateway(sandbox)
    sandbox.fail_next(STORM, 503)
    token = CancelToken()
    product = {"id": "lamp", "name": "Lamp", "price_usd": 1200, "sell_status": "available"}

    def run() -> None:
        sync_products_to_stripe([product], gateway=gateway, cancel=token)

    error = _outcome_after_cancel(run, token)
    assert isinstance(error, SyncCancelledError)
    assert error.results == [] and error.total == 1
    assert sandbox.writes() == []
    assert gateway.cancel_token is None  # the run's token does not outlive it


def test_bulk_sync_cancelled_during_a_write_storm_stops(sandbox: SandboxServer) -> None:
    """The read succeeds, then every write answers 503: the cancel ends the run, not the budget."""
    gateway = _storm_gateway(sandbox)
    token = CancelToken()
    products = [
        {"id": f"p{i}", "name": f"P{i}", "price_usd": 100 + i, "sell_status": "available"}
        for i in range(3)
    ]

    def storm_after_read(event: ProgressEvent) -> None:
        if event.done == 0:
            sandbox.fail_next(STORM, 503)

    def run() -> None:
        sync_products_to_stripe(products, gateway=gateway, cancel=token, progress=storm_after_read)

    error = _outcome_after_cancel(run, token)
    assert isinstance(error, SyncCancelledError)
    assert error.results == [] and error.total == 3
    assert sandbox.writes() == []  # every write was refused (503s apply nothing)


def test_cancel_token_wait() -> None:
    token = CancelToken()
    assert token.wait(0.01) is False
    token.cancel()
    assert token.wait(60) is True


@pytest.mark.parametrize("token", [None, CancelToken()])
def test_cancellable_blocks_nest_and_restore(sandbox: SandboxServer, token: CancelToken) -> None:
    gateway = _storm_gateway(sandbox)
    outer = CancelToken()
    with gateway.cancellable(outer):
        with gateway.cancellable(token):
            assert gateway.cancel_token is (token or outer)
        assert gateway.cancel_token is outer
    assert gateway.cancel_token is None
