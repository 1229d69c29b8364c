"""The one façade the command line and the window both use: catalog + Stripe + journal.

`Workspace.open(...)` opens the catalog and prepares a gateway for the mode (sandbox: an in-process
Stripe sandbox on loopback, no key needed). Reading Stripe is lazy: nothing goes over the network
until `account()`, `status()`, `plan()` or `sync()` is called.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from core import paths
from core.catalog.journal import JournalEntry
from core.catalog.store import CatalogStore
from core.domain.models import StripeSyncResult
from core.engine.client import reset_stripe_client
from core.engine.gateway import StripeGateway
from core.engine.types import (
    AccountInfo,
    CancelToken,
    ProductPlan,
    ProgressCallback,
    RemoteCatalog,
)
from core.errors import ConfigurationError
from core.keys.shape import check_key_mode
from core.reconcile.rows import ProductRow
from core.runtime.instance_lock import InstanceLock
from core.settings import Mode, Settings, load_settings
from core.workspace.reads import CatalogRead, read_catalog, row_key
from core.workspace.runs import SyncRun

# A well-formed test key for the in-process sandbox (it accepts any sk_test_ key).
SANDBOX_KEY = "sk_test_sandboxLocal0000"
MODES: tuple[Mode, ...] = ("sandbox", "test", "live")
NOTHING_TO_ARCHIVE = "not in Stripe in this mode: nothing to archive"


class Workspace:
    """One catalog, one Stripe account and mode; see the module docstring."""

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

    # ----------------------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        *,
        db_url: str | None = None,
        mode: Mode = "sandbox",
        api_key: str | None = None,
        api_base: str | None = None,
        rate_limit: float | None = None,
    ) -> Workspace:
        """Open the catalog (`db_url`, else the setting, else the default SQLite file) for `mode`.

        A given database must hold the shop's `products` table already (a mistyped URL is refused,
        not turned into an empty catalog); the default file is created with the sample catalog on
        first run. sandbox: starts the local Stripe sandbox (state kept in the user data folder,
        one process at a time), no key. test/live: the key is `api_key`, else STRIPE_SECRET_KEY;
        its mode must match.
        """
        if mode not in MODES:
            raise ConfigurationError(
                f"Unknown mode {mode!r}.", hint="Use one of: sandbox, test, live."
            )
        settings = load_settings()
        sandbox = None
        lock = None
        if mode == "sandbox":
            key = SANDBOX_KEY
        else:
            key = (api_key or os.environ.get("STRIPE_SECRET_KEY") or "").strip()
            if not key:
                raise ConfigurationError(
                    f"No Stripe key for {mode} mode.",
                    hint=f"Set STRIPE_SECRET_KEY to your sk_{mode}_… key, or save one with Keys… "
                    "in the window.",
                )
            check_key_mode(key, "live" if mode == "live" else "test")
            api_base = api_base or os.environ.get("STRIPE_API_BASE") or None
        catalog = CatalogStore.open(db_url or settings.db_url, create=False)
        try:
            if mode == "sandbox":
                from core.sandbox import SandboxServer

                lock = InstanceLock.acquire(paths.sandbox_lock_file(), "sandbox")
                sandbox = SandboxServer(port=0, state_file=paths.sandbox_state_file()).start()
                api_base = sandbox.url
            return cls(
                mode=mode,
                catalog=catalog,
                api_key=key,
                api_base=api_base,
                rate_limit=rate_limit,
                settings=settings,
                sandbox=sandbox,
                sandbox_lock=lock,
            )
        except BaseException:
            catalog.close()
            if sandbox is not None:
                sandbox.stop()
            if lock is not None:
                lock.release()
            raise

    def _new_gateway(self) -> StripeGateway:
        return StripeGateway.create(
            self._api_key, api_base=self._api_base, rate_limit=self._rate_limit
        )

    @property
    def gateway(self) -> StripeGateway:
        """The gateway in use (its `stats` count the calls made)."""
        return self._gateway

    @property
    def sandbox_url(self) -> str | None:
        """The in-process sandbox's address (sandbox mode only)."""
        return str(self._sandbox.url) if self._sandbox is not None else None

    # ----------------------------------------------------------------------------- reading
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

    def _read(
        self,
        ids: Sequence[str] | None,
        remote: RemoteCatalog | None = None,
        *,
        release: Collection[str] = (),
    ) -> CatalogRead:
        return read_catalog(
            self.catalog,
            self._gateway,
            account=self.account(),
            mode=self.mode,
            currency=self.settings.currency,
            ids=ids,
            remote=remote,
            release=release,
        )

    def status(
        self,
        ids: Sequence[str] | None = None,
        *,
        release_holds: bool = False,
        cancel: CancelToken | None = None,
    ) -> list[ProductRow]:
        """One row per product (and per product orphaned in Stripe when `ids` is None).

        `release_holds`: show `ids` as syncing them explicitly would leave them (their plans
        release the operator's archive holds), for a plan about to be confirmed and synced.
        `cancel`: cancelling it while Stripe is being retried raises CancelledError at once.
        """
        release = list(ids) if release_holds and ids is not None else ()
        with self._gateway.cancellable(cancel):
            return self._read(ids, release=release).evaluation.rows

    def plan(
        self, ids: Sequence[str] | None = None, *, cancel: CancelToken | None = None
    ) -> list[ProductPlan]:
        """What a sync would do for each product that can be synced; nothing is written.

        Given ids (syncing them explicitly), a product the operator archived is planned back to
        what the catalog says, the plan saying it "releases the operator's archive hold"; without
        ids (sync all), held products stay archived. `cancel`: as for `status`.
        """
        with self._gateway.cancellable(cancel):
            read = self._read(ids, release=list(ids) if ids is not None else ())
        return list(read.evaluation.plans.values())

    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]:
        """The newest journal entries of this mode, newest first."""
        return self.catalog.journal(product_id, limit, mode=self.mode)

    # ----------------------------------------------------------------------------- writing
    def sync(
        self,
        plans_or_ids: Sequence[ProductPlan] | Sequence[str] | None = None,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        """Apply plans (re-checked against fresh Stripe state) or sync ids; write back per product.

        One result per product asked for (not-ready ones `skipped`, invalid ones `failed`).
        Ids (explicit) release the operator's archive holds on them; `None` (all) keeps held
        products archived. Given plans, a product whose fresh plan differs from the approved one is
        not touched: its result fails with a message saying so; a plan made to put a held product
        back on sale (from `plan(ids)`) releases its hold. Raises SyncCancelledError (with the
        results so far) when cancelled; run-level errors (bad key, Stripe unreachable) raise
        after recording.
        """
        if plans_or_ids is None:
            return self._run(None, progress=progress, cancel=cancel)
        items = list(plans_or_ids)
        if not items:
            return []
        if all(isinstance(i, ProductPlan) for i in items):
            approved = {p.product_id: p for p in items if isinstance(p, ProductPlan)}
            # A plan from plan(ids) has the shop's own input; a held one is planned not live.
            release = [
                pid
                for pid, p in approved.items()
                if p.product is not None and p.product.is_live is not False
            ]
            return self._run(
                list(approved), approved=approved, release=release, progress=progress, cancel=cancel
            )
        ids = [str(i) for i in items]
        return self._run(ids, release=ids, progress=progress, cancel=cancel)

    def sync_reviewed(
        self,
        rows: Sequence[ProductRow],
        *,
        release_holds: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        """Sync exactly what `status()` showed: one result per local row, nothing else written.

        Each row's plan is the approved one (re-checked against fresh Stripe state before
        writing); a row shown without writes may not write now (e.g. not ready then, ready now):
        its result fails with "changed since shown". `release_holds`: the rows came from
        `status(ids, release_holds=True)`.
        """
        local = [r for r in rows if r.has_local or r.held]
        if not local:
            return []
        approved = {r.product_id: r.plan for r in local if r.plan is not None}
        ids = [r.product_id for r in local]
        return self._run(
            ids,
            approved=approved,
            strict=True,
            release=ids if release_holds else (),
            progress=progress,
            cancel=cancel,
        )

    def _run(
        self,
        ids: list[str] | None,
        *,
        approved: dict[str, ProductPlan] | None = None,
        strict: bool = False,
        release: Collection[str] = (),
        remote: RemoteCatalog | None = None,
        prefix: Sequence[StripeSyncResult] = (),
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> list[StripeSyncResult]:
        run = SyncRun(
            self.catalog,
            self._gateway,
            self.mode,
            self.settings,
            read=lambda wanted, known, freed: self._read(wanted, known, release=freed),
            account=self.account,
        )
        return run.run(
            ids,
            approved=approved,
            strict=strict,
            release=release,
            remote=remote,
            prefix=prefix,
            progress=progress,
            cancel=cancel,
        )

    def archive(
        self,
        ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        """Archive products in Stripe in this account and mode only, and keep them archived here.

        Every id is checked first (a catalog product, or a product the tool made in Stripe that
        has no catalog row any more): an unknown one raises CatalogError naming it and nothing is
        done. Then the operator's archive hold is recorded (journaled) and the products are
        archived in Stripe. The shop's catalog is not changed: other modes and accounts are not
        affected, "sync all" keeps the products archived here, and syncing one explicitly (by id,
        or a plan from `plan(ids)`) releases its hold. A product with no Stripe product in this
        account and mode gets no hold and nothing is written: its result is `skipped`, saying
        "not in Stripe in this mode: nothing to archive".
        """
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        with self._gateway.cancellable(cancel):
            read = self._read(wanted)
        rows = {row.product_id: row for row in read.evaluation.rows}
        keys: list[str] = []
        absent: list[StripeSyncResult] = []
        for key in dict.fromkeys(row_key(read.evaluation, pid) for pid in wanted):
            row = rows.get(key)
            if row is not None and row.stripe_product_id is None:
                absent.append(
                    StripeSyncResult(product_id=key, action="skipped", changes=[NOTHING_TO_ARCHIVE])
                )
            else:
                keys.append(key)
        if not keys:
            return absent
        self.catalog.add_holds(
            self.account().id, self.mode, keys, reason="archived by the operator"
        )
        return self._run(keys, remote=read.remote, prefix=absent, progress=progress, cancel=cancel)

    # ----------------------------------------------------------------------------- client
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
        """Stop the in-process sandbox, release its lock and the database."""
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        if self._sandbox_lock is not None:
            self._sandbox_lock.release()
            self._sandbox_lock = None
        self.catalog.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
