"""Writing to Stripe from the workspace: sync (all, ids, or approved plans), sync what was shown,
and archive (an operator hold in this account and mode)."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from core.domain.models import StripeSyncResult
from core.engine.types import (
    CancelToken,
    ProductPlan,
    ProgressCallback,
    RemoteCatalog,
)
from core.reconcile.rows import ProductRow
from core.reconcile.threeway import Overwrite
from core.workspace.reads import row_key
from core.workspace.runs import SyncRun
from core.workspace.settling import Settled, SettleMethods

NOTHING_TO_ARCHIVE = "not in Stripe in this mode: nothing to archive"


class SyncMethods(SettleMethods):
    """The workspace's writing calls; see the module docstring."""

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
        # Writes an interrupted run made but never recorded are settled first (and journaled).
        with self._gateway.cancellable(cancel):
            self.last_settled: list[Settled] = self.settle_interrupted()
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
