"""A key check that Stripe stops answering says the key was not saved and what to do, in a key
check's words, never a sync's ("run the sync again later")."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from core.engine.failures import WRITE_GAVE_UP_HINT
from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy
from core.errors import StripeUnavailableError
from core.workspace import verify_key_with_stripe
from core.workspace.keycheck import KEY_CHECK_HINT

KEY = "sk_test_abcdefghijklmnop1234"
ACCOUNT = {"id": "acct_1", "settings": {"dashboard": {"display_name": "Shop"}}}


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class _Obj:
    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.last_response = None

    def to_dict(self) -> dict[str, Any]:
        return self._data


class _Page:
    data: dict[str, Any] = {"data": [], "has_more": False}


def _missing(*_args: Any, **_kwargs: Any) -> Any:
    body = {"error": {"message": "No such product", "type": "invalid_request_error"}}
    raise stripe.InvalidRequestError("No such product", None, "resource_missing", None, 404, body)


def _offline(*_args: Any, **_kwargs: Any) -> Any:
    raise stripe.APIConnectionError("connection reset", should_retry=True)


class _Service:
    def __init__(self, **calls: Any) -> None:
        self.__dict__.update(calls)


class _Client:
    """Stripe answers the account and the reads, then the connection drops for the writes."""

    def __init__(self, *, account_offline: bool = False) -> None:
        self.v1 = _Service(
            accounts=_Service(
                retrieve_current=_offline if account_offline else lambda: _Obj(ACCOUNT)
            ),
            products=_Service(retrieve=_missing, update=_offline),
            prices=_Service(update=_offline),
        )

    def raw_request(self, *_args: Any, **_kwargs: Any) -> _Page:
        return _Page()


def _use(monkeypatch: pytest.MonkeyPatch, client: _Client) -> None:
    clock = _Clock()
    gateway = StripeGateway(
        client,  # type: ignore[arg-type]
        api_key=KEY,
        rate_limit=0,
        retry=RetryPolicy(budget_s=5.0, initial_s=0.25, max_s=4.0),
        sleep=clock.sleep,
        clock=clock,
    )
    monkeypatch.setattr(StripeGateway, "create", classmethod(lambda cls, *a, **k: gateway))


def test_a_key_check_cut_off_during_its_write_probe_says_the_key_was_not_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    _use(monkeypatch, _Client())
    with pytest.raises(StripeUnavailableError) as info:
        verify_key_with_stripe("test", KEY)
    err = info.value
    assert err.message.startswith(
        "The key was not saved: Stripe could not be reached while it was being checked (gave up "
        "after "
    )
    assert err.hint == KEY_CHECK_HINT
    assert "then check the key again" in str(err)
    assert "sync" not in str(err) and "update products" not in str(err)
    assert err.__cause__ is None and err.__suppress_context__


def test_a_key_check_that_cannot_read_the_account_says_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    _use(monkeypatch, _Client(account_offline=True))
    with pytest.raises(StripeUnavailableError) as info:
        verify_key_with_stripe("test", KEY)
    assert info.value.message.startswith("The key was not saved: Stripe could not be reached")
    assert info.value.hint == KEY_CHECK_HINT


def test_a_sync_write_that_gives_up_keeps_the_write_hint() -> None:
    clock = _Clock()
    gateway = StripeGateway(
        _Client(),  # type: ignore[arg-type]
        api_key=KEY,
        rate_limit=0,
        retry=RetryPolicy(budget_s=5.0, initial_s=0.25, max_s=4.0),
        sleep=clock.sleep,
        clock=clock,
    )
    with pytest.raises(StripeUnavailableError) as info:
        gateway.update_product("prod_1", {"name": "Lamp"}, idempotency_key="k-1")
    assert info.value.message.startswith("Stripe could not be reached while trying to update")
    assert info.value.hint == WRITE_GAVE_UP_HINT
    assert "not made twice" in info.value.hint
