"""Checking a key before it is saved: whose account it is and whether it may do the tool's work."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

from core.engine.errors import StripeRequestError
from core.engine.failures import StripeGaveUpError
from core.engine.gateway import StripeGateway
from core.engine.types import AccountInfo
from core.errors import StripePermissionError, StripeUnavailableError
from core.keys.api_base import API_BASE_VAR, check_api_base
from core.keys.shape import KeyMode

NOT_SAVED = "The key was not saved"
# The engine's hints speak of syncs and writes; a key check writes nothing (its probes target an
# id that cannot exist), so what is left to do is check the connection and the key again.
KEY_CHECK_HINT = (
    "Check the internet connection (and STRIPE_API_BASE, if set), then check the key again."
)


def verify_key_with_stripe(mode: KeyMode, key: str, *, api_base: str | None = None) -> AccountInfo:
    """Ask Stripe whose key this is and whether it may read and write products and prices.

    Raises StripeAuthError (refused key), StripePermissionError naming the missing permission,
    StripeUnavailableError, or ConfigurationError for a live key and a plain-http STRIPE_API_BASE
    to another computer. The write checks target an id that cannot exist, so nothing is written.
    """
    if api_base:
        check_api_base(api_base, mode, source="The API base address")
        base: str | None = api_base
    else:
        base = os.environ.get(API_BASE_VAR, "").strip() or None
        check_api_base(base, mode)  # a live key goes over https only (or to this computer)
    gateway = StripeGateway.create(key, api_base=base, retry_budget_s=10.0)
    try:
        return _ask_stripe(gateway, mode)
    except StripeGaveUpError as err:
        raise StripeUnavailableError(
            f"{NOT_SAVED}: Stripe {err.reason} while it was being checked (gave up after "
            f"{err.attempts} attempts in {err.elapsed:.1f} s).",
            hint=KEY_CHECK_HINT,
            request_id=err.request_id,
        ) from None
    except StripeUnavailableError as err:
        raise StripeUnavailableError(
            f"{NOT_SAVED}. {err.message}", hint=err.hint, request_id=err.request_id
        ) from None


def _ask_stripe(gateway: StripeGateway, mode: KeyMode) -> AccountInfo:
    """The account, after probing product and price reads and writes (see above)."""
    try:
        account = gateway.account()
    except StripePermissionError:
        # A restricted key may not read the account; products and prices are what the tool needs.
        account = AccountInfo(id="", name="", livemode=mode == "live")
    probe = f"ssa_permission_probe_{uuid.uuid4().hex[:16]}"
    checks: list[Callable[[], object]] = [
        lambda: gateway.retrieve_product(probe),
        lambda: gateway.list_prices(product=probe),
        lambda: gateway.update_product(probe, {}, idempotency_key=f"{probe}-product"),
        lambda: gateway.update_price(probe, {}, idempotency_key=f"{probe}-price"),
    ]
    for check in checks:
        try:
            check()
        except StripeRequestError:
            pass  # e.g. 404 for the made-up id: the permission itself is there
    return account
