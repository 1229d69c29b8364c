"""Create the price that sells one unit, once, however many planners ask for it at the same time.

The key names the price by what it is (core.engine.idempotency), so a second planner's create is
answered with the first one's price. What remains is telling a *current* answer from a *stale*
one: Stripe replays a key's first answer for 24 hours, and that price may have been archived
since (120 → 130 → back to 120). So:

1. create under the identity key;
2. an answer that is not a replay is the price this request just made. A replayed answer
   (header `Idempotent-Replayed: true`) is the body saved when the price was made, so the price is
   read again: still active and selling the same thing → it is the price (another planner, or a
   lost response, made it); archived or selling something else → it is stale;
3. stale → create again under the identity key salted with the stale price's id. Every planner
   meets the same stale price, so all of them derive the same next key;
4. Stripe refusing the key because it was first used with other parameters (`idempotency_error`,
   e.g. the nickname changed since) → an active price selling the same unit at the same amount is
   adopted when there is one (another planner made it from other details); otherwise the salt
   becomes a digest of the parameters, which every planner sending the same request agrees on;
5. Stripe failing *during* the create and saving that failure under the key (a replayed 500,
   facts §7.2) → the key is spent for 24 hours: an active price selling the same unit at the
   same amount is adopted when there is one; otherwise the price is created once more under the
   key salted with the failed request's id (`Original-Request`, the same for every planner).
   A second saved failure is reported for this product.
"""

from __future__ import annotations

from typing import Any

from core.engine.errors import StripeReplayedFailureError, StripeRequestError
from core.engine.gateway import StripeGateway
from core.engine.idempotency import digest, price_create_key
from core.engine.transport import Written
from core.engine.types import META_VARIANT_ID, RemotePrice

# Each step is one repeat of the same price within 24 hours; far more than any real catalog needs.
MAX_STEPS = 20


def _options(params: dict[str, Any]) -> dict[str, int]:
    """The amounts in other currencies `params` would create the price with."""
    given = params.get("currency_options")
    if not isinstance(given, dict):
        return {}
    return {str(c): int(v["unit_amount"]) for c, v in given.items()}


def _sells(price: RemotePrice, params: dict[str, Any]) -> bool:
    """Whether `price` is active and sells what `params` would create (its amounts in other
    currencies too, when they were read)."""
    meta = params.get("metadata")
    wanted_variant = meta.get(META_VARIANT_ID) if isinstance(meta, dict) else None
    tax = str(params.get("tax_behavior") or "unspecified")
    return (
        (price.currency_options is None or price.currency_options == _options(params))
        and (price.tax_behavior is None or price.tax_behavior == tax)
        and price.active
        and price.product == params["product"]
        and price.unit_amount == params["unit_amount"]
        and price.currency.lower() == str(params["currency"]).lower()
        and price.metadata.get(META_VARIANT_ID) == wanted_variant
    )


def _active_like(gateway: StripeGateway, params: dict[str, Any]) -> RemotePrice | None:
    prices = gateway.list_prices(product=str(params["product"]), active=True)
    return min((p for p in prices if _sells(p, params)), key=lambda p: p.created, default=None)


def create_price_once(
    gateway: StripeGateway, *, local_id: str, variant_id: str | None, params: dict[str, Any]
) -> Written:
    """Create (or find the one already made) the price `params` describe; see the docstring."""
    salt: str | None = None
    after_failure = False
    params_salt = "params:" + digest(params, 24)
    for _ in range(MAX_STEPS):
        key = price_create_key(
            account=gateway.account_key(),
            livemode=gateway.livemode,
            local_id=local_id,
            variant_id=variant_id,
            unit_amount=int(params["unit_amount"]),
            currency=str(params["currency"]),
            salt=salt,
            options=_options(params),
            tax_behavior=str(params.get("tax_behavior") or "unspecified"),
        )
        try:
            written = gateway.create_price(params, idempotency_key=key)
        except StripeReplayedFailureError as err:
            if after_failure:
                raise
            found = _active_like(gateway, params)
            if found is not None:
                return Written(found, err.request_id, replayed=True)
            after_failure = True
            replay_salt = f"failed:{err.original_request}"
            salt = f"{salt}|{replay_salt}" if salt else replay_salt
            continue
        except StripeRequestError as err:
            if err.error_type != "idempotency_error" or (salt or "").endswith(params_salt):
                raise
            found = _active_like(gateway, params)
            if found is not None:
                return Written(found, err.request_id, replayed=True)
            salt = f"{salt}|{params_salt}" if salt else params_salt
            continue
        if not written.replayed:
            return written  # made just now by this request
        price: RemotePrice = written.obj
        now = gateway.retrieve_price(price.id)
        if now is not None and _sells(now, params):
            return Written(now, written.request_id, replayed=True)
        salt = price.id
    raise StripeRequestError(
        f"Gave up creating the price after {MAX_STEPS} stale answers: Stripe kept replaying "
        "earlier prices for the same amount. Sync again tomorrow, when Stripe has forgotten them."
    )
