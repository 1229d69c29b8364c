"""How long a read of Stripe keeps trying: the `request_timeout_seconds` setting bounds each
request and a read's retries (a refresh gives up and says so), while writes keep their own budget
so that a sync settles; `fail_fast` (the window's automatic refresh) gives up at the first failure
to reach Stripe."""

from __future__ import annotations

import pytest
import stripe

from core.engine.gateway import DEFAULT_TIMEOUT, StripeGateway, http_timeout
from core.engine.throttle import RetryPolicy
from core.errors import StripeUnavailableError
from core.settings import Settings, load_settings, save_settings
from core.workspace import Workspace
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop
from tests.core.engine.test_gateway_retry import FakeClient, FakeClock, Scripted

CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens there: every request is refused


def _refused(count: int) -> list[stripe.APIConnectionError]:
    return [stripe.APIConnectionError("refused", should_retry=True) for _ in range(count)]


def _gateway(outcomes: list[object], *, reads: float, writes: float = 30.0) -> StripeGateway:
    clock = FakeClock()
    return StripeGateway(
        FakeClient(Scripted(outcomes)),  # type: ignore[arg-type]
        api_key=TEST_KEY,
        rate_limit=0,
        retry=RetryPolicy(budget_s=writes),
        read_retry=RetryPolicy(budget_s=reads),
        sleep=clock.sleep,
        clock=clock,
    )


def test_the_setting_is_written_with_its_default_and_read_back() -> None:
    assert Settings().request_timeout_seconds == 10
    save_settings(Settings(request_timeout_seconds=4))
    assert load_settings().request_timeout_seconds == 4
    with pytest.raises(ValueError, match="greater than 0"):
        Settings(request_timeout_seconds=0)


def test_the_setting_reaches_the_gateway_for_reads_only(sqlite_url: str) -> None:
    make_shop(sqlite_url, [LAMP])
    save_settings(Settings(request_timeout_seconds=1.5))
    ws = Workspace.open(db_url=sqlite_url, mode="test", api_key=TEST_KEY, api_base=CLOSED_PORT)
    with ws:
        assert ws.gateway.read_retry.budget_s == 1.5
        assert ws.gateway.retry.budget_s == 30.0  # a sync's writes keep trying
        with pytest.raises(StripeUnavailableError, match="could not be reached"):
            ws.status()
        # Retries with growing waits (0.25 s, 0.5 s, 1 s …) fit a few into 1.5 s, not 13.
        assert 1 < ws.gateway.stats.reads <= 5
    assert http_timeout(1.5) == (1.5, 1.5)
    assert http_timeout(None) == DEFAULT_TIMEOUT  # the library's own default, no setting


def test_reads_give_up_on_their_budget_while_writes_keep_theirs() -> None:
    gw = _gateway(_refused(100), reads=2.0)
    with pytest.raises(StripeUnavailableError, match="while trying to read products"):
        gw.retrieve_product("p1")
    reads = gw.stats.reads
    with pytest.raises(StripeUnavailableError, match="while trying to create products"):
        gw.create_product({"name": "Lamp"}, idempotency_key="k1")
    assert gw.stats.writes > reads  # 30 s of retries against 2 s


def test_fail_fast_gives_up_at_the_first_connection_failure(sqlite_url: str) -> None:
    make_shop(sqlite_url, [LAMP])
    ws = Workspace.open(db_url=sqlite_url, mode="test", api_key=TEST_KEY, api_base=CLOSED_PORT)
    with ws:
        with ws.fail_fast(), pytest.raises(StripeUnavailableError, match="gave up after 1 "):
            ws.status()
        assert ws.gateway.stats.reads == 1


def test_fail_fast_still_waits_out_a_rate_limit() -> None:
    limited = stripe.RateLimitError("Too many", None, 429, None, {"request-id": "req_1"})
    gw = _gateway([limited, {"id": "p1", "name": "Panel", "active": True, "metadata": {}}], reads=5)
    with gw.fail_fast():
        product = gw.retrieve_product("p1")
    assert product is not None and gw.stats.reads == 2
