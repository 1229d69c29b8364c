"""The process-wide gateway behind `sync_product_to_stripe`: built lazily, cached, resettable.

Where the key comes from, first match wins:

1. `configure(api_key=...)` — set by code that already holds the key (the window, tests);
2. a key provider installed with `set_key_provider(fn)` — called each time the gateway is built,
   e.g. a function reading the keyring for the current mode;
3. the `STRIPE_SECRET_KEY` environment variable (headless use).

`api_base` comes from `configure(api_base=...)` or `STRIPE_API_BASE` (e.g. the local sandbox);
the rate limit from `configure(rate_limit=...)` or `STRIPE_SYNC_RATE_LIMIT` (requests/s); the retry
budget from `configure(retry_budget_s=...)` or `STRIPE_SYNC_RETRY_BUDGET` (seconds).
`reset_stripe_client()` drops the cached gateway so a changed key, base or setting takes effect.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy
from core.errors import ConfigurationError

KeyProvider = Callable[[], str | None]


@dataclass(frozen=True)
class ClientSettings:
    """Settings given in code; None means 'use the environment variable or the default'."""

    api_key: str | None = None
    api_base: str | None = None
    rate_limit: float | None = None
    retry_budget_s: float | None = None
    retry: RetryPolicy | None = None


_lock = threading.Lock()
_gateway: StripeGateway | None = None
_settings = ClientSettings()
_key_provider: KeyProvider | None = None


def configure(
    *,
    api_key: str | None = None,
    api_base: str | None = None,
    rate_limit: float | None = None,
    retry_budget_s: float | None = None,
    retry: RetryPolicy | None = None,
) -> None:
    """Replace the in-code settings (all of them; `configure()` clears them) and drop the client."""
    global _settings, _gateway
    with _lock:
        _settings = ClientSettings(api_key, api_base, rate_limit, retry_budget_s, retry)
        _gateway = None


def set_key_provider(provider: KeyProvider | None) -> None:
    """Install (or with None remove) a function that returns the API key to use."""
    global _key_provider, _gateway
    with _lock:
        _key_provider = provider
        _gateway = None


def _env_float(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a number, not {raw!r}.", hint=f"Unset {name} or give a number."
        ) from None


def _build() -> StripeGateway:
    key = _settings.api_key
    if not key and _key_provider is not None:
        key = _key_provider()
    if not key:
        key = os.environ.get("STRIPE_SECRET_KEY", "").strip() or None
    if not key:
        raise ConfigurationError(
            "No Stripe API key is set.",
            hint="Save a key with Keys… in the window, or set STRIPE_SECRET_KEY for headless use.",
        )
    base = _settings.api_base or os.environ.get("STRIPE_API_BASE", "").strip() or None
    rate = _settings.rate_limit
    if rate is None:
        rate = _env_float("STRIPE_SYNC_RATE_LIMIT")
    budget = _settings.retry_budget_s
    if budget is None:
        budget = _env_float("STRIPE_SYNC_RETRY_BUDGET") or 30.0
    return StripeGateway.create(
        key, api_base=base, rate_limit=rate, retry_budget_s=budget, retry=_settings.retry
    )


def get_gateway() -> StripeGateway:
    """The cached gateway, built on first use from the settings above."""
    global _gateway
    with _lock:
        if _gateway is None:
            _gateway = _build()
        return _gateway


def reset_stripe_client() -> None:
    """Forget the cached client; the next call builds a fresh one (new key, base or settings)."""
    global _gateway
    with _lock:
        _gateway = None
