"""What every part of the workspace façade shares: the catalog, the gateway, the account, one read
of both sides, and closing. `core.workspace.facade.Workspace` is built from this and the mixins
beside it (syncing, two-way), each in its own module.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

from core.catalog.store import CatalogStore
from core.engine.client import reset_stripe_client
from core.engine.gateway import StripeGateway
from core.engine.types import (
    AccountInfo,
    CancelToken,
    RemoteCatalog,
)
from core.errors import ConfigurationError
from core.reconcile.threeway import Overwrite
from core.runtime.instance_lock import InstanceLock
from core.settings import Mode, Settings
from core.workspace.mirroring import MirrorKeeper, StripeRefresh
from core.workspace.reads import CatalogRead, read_catalog

RATE_LIMIT_ENV = "STRIPE_SYNC_RATE_LIMIT"


def rate_limit_for(mode: Mode, given: float | None, settings: Settings) -> float | None:
    """Requests per second the gateway allows itself: `given`, else STRIPE_SYNC_RATE_LIMIT, else
    the setting; with none of them, no limit against the built-in sandbox (it has none) and
    the gateway's default (90 % of Stripe's limit for the key's mode) against Stripe."""
    if given is not None:
        return given
    text = os.environ.get(RATE_LIMIT_ENV, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not value >= 0:  # also refuses nan
            raise ConfigurationError(
                f"{RATE_LIMIT_ENV}={text!r} is not a number of requests per second.",
                hint="Use e.g. 20, or 0 for no limit; or unset it.",
            )
        return value
    if settings.rate_limit is not None:
        return settings.rate_limit
    return 0.0 if mode == "sandbox" else None


class WorkspaceBase:
    """One catalog, one Stripe account and mode (see `core.workspace.Workspace`)."""

    def __init__(
        self,
        *,
        mode: Mode,
        catalog: CatalogStore,
        api_key: str,
        api_base: str | None,
        rate_limit: float | None,
        settings: Settings,
        sandbox: Any = None,
        sandbox_lock: InstanceLock | None = None,
    ) -> None:
        self.mode: Mode = mode
        self.catalog = catalog
        self.settings = settings
        self._api_key = api_key
        self._api_base = api_base
        self._rate_limit = rate_limit
        self._sandbox = sandbox
        self._sandbox_lock = sandbox_lock
        self._gateway = self._new_gateway()
        self._mirror = MirrorKeeper(catalog, mode)

    def _new_gateway(self) -> StripeGateway:
        rate = rate_limit_for(self.mode, self._rate_limit, self.settings)
        return StripeGateway.create(
            self._api_key,
            api_base=self._api_base,
            rate_limit=rate,
            timeout_s=self.settings.request_timeout_seconds,
        )

    @property
    def gateway(self) -> StripeGateway:
        """The gateway in use (its `stats` count the calls made)."""
        return self._gateway

    @property
    def sandbox_url(self) -> str | None:
        """The in-process sandbox's address (sandbox mode only)."""
        return str(self._sandbox.url) if self._sandbox is not None else None

    def account(self, *, cancel: CancelToken | None = None) -> AccountInfo:
        """The Stripe account of the key (network on first call, then cached).

        `cancel`: cancelling it while Stripe is being retried raises CancelledError at once.
        """
        with self._gateway.cancellable(cancel):
            return self._gateway.account()

    @contextmanager
    def cancellable(self, cancel: CancelToken | None) -> Iterator[None]:
        """Within the block, a Stripe call waiting to be retried (429, 5xx, network) raises
        CancelledError as soon as `cancel` is cancelled, instead of using up its retry budget."""
        with self._gateway.cancellable(cancel):
            yield

    @contextmanager
    def fail_fast(self) -> Iterator[None]:
        """Within the block, a read gives up at its first failure to reach Stripe instead of
        retrying (for checks that come again by themselves: the window's automatic refresh)."""
        with self._gateway.fail_fast():
            yield

    def _read(
        self,
        ids: Sequence[str] | None,
        remote: RemoteCatalog | None = None,
        *,
        release: Collection[str] = (),
        overwrite: Overwrite = False,
        refresh_all: bool = False,
    ) -> CatalogRead:
        account = self.account()
        return read_catalog(
            self.catalog,
            self._gateway,
            account=account,
            mode=self.mode,
            currency=self.settings.currency,
            ids=ids,
            remote=remote,
            release=release,
            overwrite=overwrite,
            fetch=lambda: self._mirror.remote(self._gateway, account, full=refresh_all),
            changes=lambda: self._mirror.changes(account),
            owned=self.settings.owned_fields,
        )

    def refresh_stripe(
        self, *, refresh_all: bool = False, cancel: CancelToken | None = None
    ) -> StripeRefresh:
        """Bring Stripe's side up to date now: its events since the last refresh, or everything
        (`refresh_all`, or when events cannot serve); says how, and what changed (for `watch`)."""
        with self._gateway.cancellable(cancel):
            return self._mirror.refresh(self._gateway, self.account(), full=refresh_all)[1]

    @property
    def last_refresh(self) -> StripeRefresh | None:
        """What the last refresh of Stripe's side did (None before the first)."""
        return self._mirror.last

    def reset_client(self) -> AccountInfo:
        """Drop cached Stripe clients, build a fresh gateway and check the account again."""
        reset_stripe_client()
        token = self._gateway.cancel_token  # a `cancellable` block in force carries over
        self._gateway = self._new_gateway()
        return self.account(cancel=token)

    def dashboard_url(self, stripe_id: str) -> str:
        """Where a Stripe product is shown: the Dashboard, or the sandbox's own URL."""
        if self._sandbox is not None:
            return f"{self._sandbox.url}/v1/products/{stripe_id}"
        prefix = "" if self.mode == "live" else "test/"
        return f"https://dashboard.stripe.com/{prefix}products/{stripe_id}"

    def close(self) -> None:
        """Stop the in-process sandbox, release its lock, the mirror and the database."""
        self._mirror.close()
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        if self._sandbox_lock is not None:
            self._sandbox_lock.release()
            self._sandbox_lock = None
        self.catalog.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
