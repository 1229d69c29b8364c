"""The gateway's throttling, retries and error mapping, driven by a scripted fake SDK (no network)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from core.engine.errors import StripeReplayedFailureError, StripeRequestError
from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy, TokenBucket
from core.errors import StripeAuthError, StripePermissionError, StripeUnavailableError
from tests.fake_keys import fake_key

KEY = "sk_test_abcdefghijklmnop1234"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _error(cls: type[stripe.StripeError], status: int, message: str, code: str = "") -> Any:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code or None}}
    headers = {"request-id": "req_test123"}
    if cls is stripe.InvalidRequestError:
        return cls(message, None, code or None, None, status, body, headers)
    return cls(message, None, status, body, headers)


class FakeObject:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.last_response = None

    def to_dict(self) -> dict[str, Any]:
        return self._data


class Scripted:
    """A fake SDK service: each call takes the next scripted outcome (an error or a dict)."""

    def __init__(self, outcomes: list[Any]) -> None:
        self.outcomes = outcomes
        self.keys: list[str | None] = []

    def _next(self, options: dict[str, Any] | None = None) -> Any:
        self.keys.append((options or {}).get("idempotency_key"))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return FakeObject(outcome)

    def retrieve(self, _id: str) -> Any:
        return self._next()

    def create(self, params: dict[str, Any], options: dict[str, Any]) -> Any:
        return self._next(options)


class FakeClient:
    def __init__(self, service: Scripted) -> None:
        self.v1 = type("V1", (), {"products": service, "prices": service})()


def gateway(
    outcomes: list[Any], *, budget: float = 30.0
) -> tuple[StripeGateway, Scripted, FakeClock]:
    service = Scripted(outcomes)
    clock = FakeClock()
    gw = StripeGateway(
        FakeClient(service),  # type: ignore[arg-type]
        api_key=KEY,
        rate_limit=0,
        retry=RetryPolicy(budget_s=budget, initial_s=0.25, max_s=4.0),
        sleep=clock.sleep,
        clock=clock,
    )
    return gw, service, clock


PRODUCT = {"id": "p1", "name": "Panel", "active": True, "metadata": {}}


def test_five_429s_in_a_row_are_survived_with_growing_capped_backoff() -> None:
    storm = [_error(stripe.RateLimitError, 429, "Too many", "rate_limit") for _ in range(5)]
    gw, _, clock = gateway([*storm, PRODUCT])
    product = gw.retrieve_product("p1")
    assert product is not None and product.name == "Panel"
    assert gw.stats.reads == 6
    assert len(clock.sleeps) == 5
    bases = [0.25, 0.5, 1.0, 2.0, 4.0]
    assert all(b * 0.5 <= s <= b for s, b in zip(clock.sleeps, bases, strict=True))


def test_retrying_gives_up_within_the_budget_with_a_clear_error() -> None:
    storm = [_error(stripe.RateLimitError, 429, "Too many", "rate_limit") for _ in range(50)]
    gw, _, clock = gateway(storm, budget=5.0)
    with pytest.raises(StripeUnavailableError) as info:
        gw.retrieve_product("p1")
    assert "too many requests" in str(info.value)
    assert clock.now <= 5.0


def test_connection_errors_and_5xx_are_retried_and_writes_keep_their_key() -> None:
    outcomes = [
        stripe.APIConnectionError("connection reset", should_retry=True),
        _error(stripe.APIError, 500, "boom"),
        _error(stripe.APIError, 409, "in use", "idempotency_key_in_use"),
        {**PRODUCT, "default_price": "price_1"},
    ]
    gw, service, _ = gateway(outcomes)
    written = gw.create_product({"name": "Panel"}, idempotency_key="k-1")
    assert written.obj.default_price == "price_1"
    assert service.keys == ["k-1"] * 4
    assert gw.stats.writes == 4


def test_connection_error_that_cannot_succeed_is_not_retried() -> None:
    # The SDK marks errors no retry can fix (an invalid header, a TLS failure) should_retry=False.
    secret = "sk_test_abcdefghijklmnop1234"
    cause = stripe.APIConnectionError(f"Invalid header value b'Bearer {secret}\\n'")
    gw, service, clock = gateway([cause, {**PRODUCT}])
    with pytest.raises(StripeUnavailableError) as info:
        gw.retrieve_product("panel")
    assert gw.stats.reads == 1
    assert clock.sleeps == []
    assert "retrying would not help" in str(info.value)
    chain = [info.value, info.value.__context__, info.value.__cause__]
    assert not any(secret in repr(e) or secret in str(e) for e in chain if e is not None)


def test_a_saved_failure_of_a_create_is_not_retried_under_its_key() -> None:
    replayed = _error(stripe.APIError, 500, "boom")
    replayed.headers = {"idempotent-replayed": "true", "original-request": "req_first"}
    gw, service, clock = gateway([_error(stripe.APIError, 500, "boom"), replayed, {**PRODUCT}])
    with pytest.raises(StripeReplayedFailureError) as info:
        gw.create_product({"name": "Panel"}, idempotency_key="k-1")
    assert info.value.original_request == "req_first"
    assert service.keys == ["k-1", "k-1"]


def test_bad_key_raises_without_revealing_it() -> None:
    gw, _, _ = gateway(
        [_error(stripe.AuthenticationError, 401, f"Invalid API Key provided: {KEY}")]
    )
    with pytest.raises(StripeAuthError) as info:
        gw.retrieve_product("p1")
    assert KEY not in str(info.value)
    assert "sk_test_…1234" in str(info.value)


def test_missing_permission_names_the_permission() -> None:
    message = (
        "The provided key 'rk_test_***1234' does not have the required permissions for this "
        "endpoint on account 'acct_1'. Having the 'rak_product_write' permission would allow "
        "this request to continue."
    )
    gw, _, _ = gateway([_error(stripe.PermissionError, 403, message)])
    with pytest.raises(StripePermissionError) as info:
        gw.create_product({"name": "x"}, idempotency_key="k")
    assert "rak_product_write" in str(info.value)


def test_missing_product_reads_as_none_and_other_refusals_are_request_errors() -> None:
    gw, _, _ = gateway(
        [
            _error(stripe.InvalidRequestError, 404, "No such product", "resource_missing"),
            _error(
                stripe.InvalidRequestError,
                400,
                "Product already exists.",
                "resource_already_exists",
            ),
        ]
    )
    assert gw.retrieve_product("nope") is None
    with pytest.raises(StripeRequestError) as info:
        gw.create_product({"id": "p1", "name": "x"}, idempotency_key="k")
    assert info.value.code == "resource_already_exists"
    assert info.value.request_id == "req_test123"


def test_token_bucket_spaces_calls_to_the_rate_once_its_first_second_is_spent() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):  # a second's worth goes out at once
        bucket.acquire()
    assert clock.sleeps == []
    for _ in range(10):
        bucket.acquire()
    assert clock.now == pytest.approx(2.0)
    assert clock.sleeps == pytest.approx([0.2] * 10)


def test_token_bucket_never_lets_more_than_a_second_plus_the_rate_through() -> None:
    clock = FakeClock()
    bucket = TokenBucket(90.0, clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    for _ in range(1000):
        bucket.acquire()
        sent.append(clock.now)
    for start in sent:
        window = sum(1 for t in sent if start <= t < start + 1.0)
        assert window <= 90 + 90 + 1


def test_an_idle_bucket_fills_up_again_but_not_beyond_a_second() -> None:
    clock = FakeClock()
    bucket = TokenBucket(10.0, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        bucket.acquire()
    clock.now += 60.0  # a minute idle
    before = len(clock.sleeps)
    for _ in range(10):
        bucket.acquire()
    assert len(clock.sleeps) == before
    bucket.acquire()
    assert clock.sleeps[-1] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("key", "rate"), [(KEY, 22.5), (fake_key("sk", "live", "abcdefghijkl1234"), 90.0)]
)
def test_gateway_defaults_to_90_percent_of_the_mode_limit_with_a_full_first_second(
    key: str, rate: float
) -> None:
    clock = FakeClock()
    service = Scripted([PRODUCT] * int(rate * 3))
    gw = StripeGateway(
        FakeClient(service),  # type: ignore[arg-type]
        api_key=key,
        sleep=clock.sleep,
        clock=clock,
    )
    assert gw.rate_limit == pytest.approx(rate)
    for _ in range(int(rate)):  # a short run is not slowed at all
        gw.retrieve_product("p1")
    assert clock.sleeps == []
    for _ in range(int(rate * 2)):  # a long one settles at the rate
        gw.retrieve_product("p1")
    calls = int(rate) + int(rate * 2)
    assert clock.now == pytest.approx((calls - rate) / rate)  # all but the first second's worth


def test_rate_zero_means_unthrottled() -> None:
    clock = FakeClock()
    bucket = TokenBucket(0.0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        bucket.acquire()
    assert clock.sleeps == []
