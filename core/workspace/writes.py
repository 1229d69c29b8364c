"""Writing one product during a workspace sync: the lock, a re-plan when needed, apply, record.

`ProductWriter` is made per sync run by `core.workspace.Workspace`; it holds what every product of
the run shares (`RunContext`) and does, for one product: refuse a plan that no longer matches the
one approved, take the product's cross-process lock, plan again from Stripe's state now when
another operator wrote the product since the run's read, apply the plan and write back links,
snapshot, journal and a released archive hold in one transaction.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from core.catalog.journal import JournalRecord
from core.catalog.links import LinkMap
from core.catalog.records import WriteBack
from core.catalog.snapshots import Snapshot
from core.catalog.store import CatalogStore
from core.domain.models import StripeSyncResult
from core.engine.apply import apply_plan
from core.engine.fetch import plan_fresh
from core.engine.gateway import StripeGateway
from core.engine.types import (
    AccountInfo,
    CancelToken,
    Operation,
    ProductPlan,
    RemoteCatalog,
    WriteRecord,
)
from core.errors import SyncAdminError
from core.reconcile.evaluate import Evaluation
from core.reconcile.holds import hold_archive_plan, releasing_plan
from core.reconcile.recording import build_write_back, journal_record, needs_write


@dataclass
class RunContext:
    """What every product of one sync run shares (`remote` is updated as products are re-read)."""

    remote: RemoteCatalog
    account: AccountInfo
    links: LinkMap
    snapshots: dict[str, Snapshot]
    own: bool
    mark: int


class ProductWriter:
    """Writes the products of one sync run; see the module docstring."""

    def __init__(
        self, catalog: CatalogStore, gateway: StripeGateway, mode: str, ctx: RunContext
    ) -> None:
        self.catalog = catalog
        self.gateway = gateway
        self.mode = mode
        self.ctx = ctx

    def sync_one(
        self,
        evaluation: Evaluation,
        pid: str,
        approved: ProductPlan | None,
        cancel: CancelToken | None,
        releasing: bool,
    ) -> StripeSyncResult:
        """Write one product's plan (re-planned if someone wrote it since the read) and record it.

        `approved`: the plan the operator saw; a fresh plan that differs is refused.
        """
        ctx = self.ctx
        plan = evaluation.plans[pid]
        if approved is not None and _changed(approved, plan):
            return refused(plan)
        if not plan.operations:
            return self._apply_tracked(plan, cancel, releasing)
        with self.catalog.product_lock(pid):
            if self.catalog.written_since(pid, ctx.account.id, self.mode, ctx.mark):
                # Another operator wrote this product after our read: plan again from Stripe now.
                plan = self._fresh_plan(evaluation, pid, plan, releasing)
                ctx.remote = _with(ctx.remote, plan.stripe_product_id, self.gateway)
                if approved is not None and _changed(approved, plan):
                    return refused(plan)
            return self._apply_tracked(plan, cancel, releasing)

    def _fresh_plan(
        self,
        evaluation: Evaluation,
        pid: str,
        old: ProductPlan,
        releasing: bool,
    ) -> ProductPlan:
        """`pid`'s plan made again from Stripe's state now (about two reads)."""
        ctx = self.ctx
        links = self.catalog.links(ctx.account.id, self.mode)
        linked = links.linked_product(pid)
        ready = evaluation.ready.get(pid)
        if ready is None:  # a held product archived without a catalog row to plan from
            fresh = self.gateway.retrieve_product(old.stripe_product_id or pid)
            if fresh is not None and fresh.active:
                return hold_archive_plan(pid, fresh)
            return ProductPlan(
                product_id=pid, action="skipped", stripe_product_id=old.stripe_product_id
            )
        plan = plan_fresh(
            self.gateway,
            ready.product,
            ready.variants,
            linked_id=linked,
            unmanaged=ready.unmanaged,
            linked_prices=links.unit_prices(pid, [v.id for v in ready.variants]),
        )
        # The input kept Stripe's hand edits already; the fresh plan says so too.
        plan = plan.model_copy(update={"kept_stripe_edits": list(old.kept_stripe_edits)})
        return releasing_plan(plan) if releasing else plan

    def _apply_tracked(
        self, plan: ProductPlan, cancel: CancelToken | None, releasing: bool
    ) -> StripeSyncResult:
        """`_apply_one`, then this process no longer counts the product's intents as in flight:
        whatever is left of them (a write whose answer never came) is settled by the next run."""
        self._made: list[int] = []
        try:
            return self._apply_one(plan, cancel, releasing)
        finally:
            self.catalog.intents.done(self._made)

    def _apply_one(
        self,
        plan: ProductPlan,
        cancel: CancelToken | None,
        releasing: bool,
    ) -> StripeSyncResult:
        ctx = self.ctx
        journal: list[JournalRecord] = []
        account = ctx.account
        pending: list[int] = []  # the intent of the write on its way

        def before_write(op: Operation, target: str | None, params: dict[str, Any]) -> None:
            try:
                seq = self.catalog.intents.add(
                    account_id=account.id,
                    mode=self.mode,
                    product_id=op.product_id,
                    operation=op.kind,
                    summary=op.summary,
                    variant_id=op.variant_id,
                    target_id=target,
                    params=json_safe(params),
                )
            except SQLAlchemyError as err:
                raise CatalogWriteError(
                    f"Stopped before writing {op.product_id} to Stripe: the catalog cannot be "
                    f"written ({first_line(err)}). Nothing more was sent to Stripe.",
                    hint="Free some disk space or fix the database, then sync again; what was "
                    "written before is recorded, or will be settled on the next run.",
                ) from None
            pending[:] = [seq]
            self._made.append(seq)

        def on_write(record: WriteRecord) -> None:
            made = journal_record(record, ctx.remote, account_id=account.id, mode=self.mode)
            journal.append(dataclasses.replace(made, intent=pending[0] if pending else None))
            pending.clear()

        def record(result: StripeSyncResult) -> WriteBack:
            return build_write_back(
                result,
                plan,
                journal,
                account_id=account.id,
                mode=self.mode,
                own_columns=ctx.own,
                release_hold=releasing,
                previous=ctx.snapshots.get(plan.product_id),
            )

        try:
            result = apply_plan(
                plan, self.gateway, cancel=cancel, on_write=on_write, before_write=before_write
            )
        except CatalogWriteError:
            raise
        except SyncAdminError as err:
            # A run-level failure (bad key, Stripe unreachable): record what happened, then stop.
            # The intent of a write whose answer never came stays, to be settled on the next run.
            failed = StripeSyncResult(product_id=plan.product_id, action="failed", error=str(err))
            self._record(record(failed), journal)
            raise
        if plan.kept_stripe_edits:
            result = result.model_copy(update={"kept_stripe_edits": list(plan.kept_stripe_edits)})
        wb = record(result)
        row = self.catalog.get_record(plan.product_id) if ctx.own else None
        stale_columns = row is not None and (
            row.product.get("stripe_product_id") != wb.stripe_product_id
        )
        if stale_columns or needs_write(wb, ctx.links, ctx.snapshots):
            self._record(wb, journal)
        return result

    def _record(self, wb: WriteBack, journal: list[JournalRecord]) -> None:
        """Write one product's record back; a catalog that cannot be written stops the run,
        saying what reached Stripe (its intents settle it on the next run)."""
        try:
            self.catalog.write_back(wb)
        except SQLAlchemyError as err:
            made = [r.summary for r in journal if not r.error]
            reached = f" What reached Stripe: {'; '.join(made)}." if made else ""
            raise CatalogWriteError(
                f"{wb.product_id} was written to Stripe but could not be recorded in the catalog "
                f"({first_line(err)}).{reached}",
                hint="Free some disk space or fix the database, then run the tool again: it "
                "settles these writes against Stripe and records them, without writing twice.",
            ) from None


class CatalogWriteError(SyncAdminError):
    """The catalog could not be written during a sync (a full disk, a read-only file, a lost
    database connection): the run stops, saying what reached Stripe."""


def first_line(err: Exception) -> str:
    """The first line of a database error, without SQLAlchemy's background link."""
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def json_safe(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as JSON can hold them (what the intent table stores)."""
    out: dict[str, Any] = json.loads(json.dumps(params, default=str))
    return out


def refused(plan: ProductPlan) -> StripeSyncResult:
    return StripeSyncResult(
        product_id=plan.product_id,
        action="failed",
        stripe_product_id=plan.stripe_product_id,
        error="The catalog or Stripe changed since this plan was shown; nothing was written "
        "for this product. Review the new plan and sync again.",
    )


def _with(remote: RemoteCatalog, stripe_id: str | None, gateway: StripeGateway) -> RemoteCatalog:
    """The bulk read, with one product replaced by its fresh state (for the journal's 'before')."""
    if not stripe_id:
        return remote
    fresh = gateway.retrieve_product(stripe_id)
    if fresh is None:
        return remote
    products = dict(remote.products)
    old = remote.products.get(stripe_id)
    products[stripe_id] = fresh.model_copy(update={"prices": old.prices if old else ()})
    return RemoteCatalog(products=products, read_calls=remote.read_calls)


def _changed(approved: ProductPlan, fresh: ProductPlan) -> bool:
    """Whether a fresh plan would write something other than what the operator approved."""

    def shape(plan: ProductPlan) -> list[tuple[object, ...]]:
        return [(o.kind, o.variant_id, o.target_id, repr(o.params)) for o in plan.operations]

    return approved.action != fresh.action or shape(approved) != shape(fresh)
