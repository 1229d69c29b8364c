"""The one façade the command line and the window both use: catalog + Stripe + journal.

`Workspace.open(...)` opens the catalog and prepares a gateway for the mode (sandbox: an in-process
Stripe sandbox on loopback, no key needed). Reading Stripe is lazy: nothing goes over the network
until `account()`, `status()`, `plan()` or `sync()` is called.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from core.catalog.export import export_diff
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
from core.reconcile.report import diff_records
from core.reconcile.rows import ProductRow
from core.reconcile.threeway import Overwrite
from core.runtime.instance_lock import InstanceLock
from core.settings import Mode, Settings
from core.workspace.opening import open_parts
from core.workspace.reads import CatalogRead, read_catalog, row_key
from core.workspace.runs import SyncRun

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
        parts = open_parts(db_url=db_url, mode=mode, api_key=api_key, api_base=api_base)
        try:
            return cls(mode=mode, rate_limit=rate_limit, **parts.__dict__)
        except BaseException:
            parts.close()
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
        overwrite: Overwrite = False,
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
            overwrite=overwrite,
        )

    def status(
        self,
        ids: Sequence[str] | None = None,
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        cancel: CancelToken | None = None,
    ) -> list[ProductRow]:
        """One row per product (and per product orphaned in Stripe when `ids` is None).

        `release_holds`: show `ids` as syncing them explicitly would leave them (their plans
        release the operator's archive holds), for a plan about to be confirmed and synced.
        `overwrite_stripe_edits`: plan to overwrite fields edited in Stripe since the last write
        (all: True; or product id → fields); by default a sync keeps them (see
        `core.reconcile.threeway`). `cancel`: cancelling it while Stripe is being retried raises
        CancelledError at once.
        """
        release = list(ids) if release_holds and ids is not None else ()
        with self._gateway.cancellable(cancel):
            read = self._read(ids, release=release, overwrite=overwrite_stripe_edits)
        return read.evaluation.rows

    def plan(
        self,
        ids: Sequence[str] | None = None,
        *,
        overwrite_stripe_edits: Overwrite = False,
        cancel: CancelToken | None = None,
    ) -> list[ProductPlan]:
        """What a sync would do for each product that can be synced; nothing is written.

        Given ids (syncing them explicitly), a product the operator archived is planned back to
        what the catalog says, the plan saying it "releases the operator's archive hold"; without
        ids (sync all), held products stay archived. `cancel`: as for `status`.
        """
        with self._gateway.cancellable(cancel):
            release = list(ids) if ids is not None else ()
            read = self._read(ids, release=release, overwrite=overwrite_stripe_edits)
        return list(read.evaluation.plans.values())

    def export_diff(self, path: str | Path) -> int:
        """Write the differences with Stripe (as `status --json` has them) to a .json or .csv file;
        CSV cells never start a spreadsheet formula. Returns the rows written."""
        return export_diff(diff_records(self.status()), path)

    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]:
        """The newest journal entries of this mode, newest first."""
        return self.catalog.journal(product_id, limit, mode=self.mode)

    # ----------------------------------------------------------------------------- writing
    def sync(
        self,
        plans_or_ids: Sequence[ProductPlan] | Sequence[str] | None = None,
        *,
        overwrite_stripe_edits: Overwrite = False,
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
        after recording. Fields edited in Stripe since the last write are kept as Stripe has them
        (each result's `kept_stripe_edits`) unless `overwrite_stripe_edits` says otherwise.
        """
        run = functools.partial(
            self._run, overwrite=overwrite_stripe_edits, progress=progress, cancel=cancel
        )
        if plans_or_ids is None:
            return run(None)
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
            return run(list(approved), approved=approved, release=release)
        ids = [str(i) for i in items]
        return run(ids, release=ids)

    def sync_reviewed(
        self,
        rows: Sequence[ProductRow],
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        """Sync exactly what `status()` showed: one result per local row, nothing else written.

        Each row's plan is the approved one (re-checked against fresh Stripe state before
        writing); a row shown without writes may not write now (e.g. not ready then, ready now):
        its result fails with "changed since shown". `release_holds` and `overwrite_stripe_edits`:
        as the rows were shown by `status`.
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
            overwrite=overwrite_stripe_edits,
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
        overwrite: Overwrite = False,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> list[StripeSyncResult]:
        run = SyncRun(
            self.catalog,
            self._gateway,
            self.mode,
            self.settings,
            read=lambda wanted, known, freed: self._read(
                wanted, known, release=freed, overwrite=overwrite
            ),
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
