"""One sync run: read both sides once, then write product by product, recording each.

`SyncRun` is made by `core.workspace.Workspace` for each sync or archive. For each product it
refuses a plan the operator did not approve (or that no longer matches), lets
`core.workspace.writes.ProductWriter` write and record it, reports not-ready products as skipped
and invalid ones as failed (releasing a hold when the product is synced by name), and reports
progress. A cancel or a run-level error (bad key, Stripe unreachable) carries the results so far.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from core.catalog.records import WriteBack
from core.catalog.store import CatalogStore
from core.domain.models import StripeSyncResult
from core.engine.gateway import StripeGateway
from core.engine.types import (
    AccountInfo,
    CancelToken,
    ProductPlan,
    ProgressCallback,
    ProgressEvent,
    RemoteCatalog,
    SyncCancelledError,
)
from core.errors import CancelledError, SyncAdminError
from core.settings import Mode, Settings
from core.workspace.reads import CatalogRead
from core.workspace.writes import ProductWriter, RunContext, refused

ReadBoth = Callable[[Sequence[str] | None, RemoteCatalog | None, Collection[str]], CatalogRead]


class SyncRun:
    """One run of writes to Stripe; see the module docstring."""

    def __init__(
        self,
        catalog: CatalogStore,
        gateway: StripeGateway,
        mode: Mode,
        settings: Settings,
        *,
        read: ReadBoth,
        account: Callable[[], AccountInfo],
    ) -> None:
        self.catalog = catalog
        self._gateway = gateway
        self.mode: Mode = mode
        self.settings = settings
        self._read = read
        self._account = account

    def run(
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
        """Sync `ids` (None: every product, and held orphans still to archive); see
        `Workspace.sync`. `prefix`: results decided before the run (reported first)."""
        results: list[StripeSyncResult] = list(prefix)
        total = (len(ids) if ids is not None else 0) + len(prefix)
        try:
            with self._gateway.cancellable(cancel):
                return self._write_all(
                    ids, results, approved, strict, release, remote, progress, cancel
                )
        except SyncCancelledError:
            raise
        except CancelledError:
            # Cancelled while a Stripe call waited to be retried (the read, or a product's write).
            raise SyncCancelledError(results, max(total, len(results))) from None
        except SyncAdminError as err:
            # A run-level error (bad key, Stripe unreachable) keeps what was finished before it.
            if err.results is None:
                err.results = list(results)
            raise

    def _write_all(
        self,
        ids: list[str] | None,
        results: list[StripeSyncResult],
        approved: dict[str, ProductPlan] | None,
        strict: bool,
        release: Collection[str],
        remote: RemoteCatalog | None,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> list[StripeSyncResult]:
        mark = self.catalog.journal_mark()
        read = self._read(ids, remote, release)
        evaluation = read.evaluation
        account = self._account()
        if ids is None:  # every catalog product, and held orphans still to archive
            ids = [r.product_id for r in evaluation.rows if r.has_local or r.held]
        known = evaluation.plans.keys() | evaluation.invalid.keys() | evaluation.not_ready.keys()
        order = [i for i in dict.fromkeys(ids) if i in known]
        total = len(order)
        ctx = RunContext(
            read.remote,
            account,
            read.links,
            read.snapshots,
            self.settings.owns_catalog_columns(account.id, self.mode),
            mark,
        )
        writer = ProductWriter(self.catalog, self._gateway, self.mode, ctx)
        if progress:
            progress(ProgressEvent(0, total, None, "starting"))
        for done, pid in enumerate(order, start=1):
            if cancel is not None and cancel.cancelled:
                raise SyncCancelledError(results, total)
            releasing = pid in evaluation.releasing
            if pid in evaluation.plans:
                mine = approved.get(pid) if approved is not None else None
                if strict and mine is None and evaluation.plans[pid].operations:
                    result = refused(evaluation.plans[pid])
                else:
                    result = writer.sync_one(evaluation, pid, mine, cancel, releasing)
            else:
                if pid in evaluation.invalid:
                    result = StripeSyncResult(
                        product_id=pid, action="failed", error=evaluation.invalid[pid]
                    )
                else:
                    result = StripeSyncResult(
                        product_id=pid,
                        action="skipped",
                        changes=[f"not ready: {evaluation.not_ready[pid]}"],
                    )
                if releasing:
                    self.catalog.write_back(
                        WriteBack(account.id, self.mode, pid, release_hold=True)
                    )
            results.append(result)
            if progress:
                progress(ProgressEvent(done, total, pid, result.action))
        read.let_go()
        return results
