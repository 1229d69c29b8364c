"""The one façade the command line and the window both use: catalog + Stripe + journal.

`Workspace.open(...)` opens the catalog and prepares a gateway for the mode (sandbox: an in-process
Stripe sandbox on loopback, no key needed). Reading Stripe is lazy: nothing goes over the network
until `account()`, `status()`, `plan()` or `sync()` is called. The writing calls live in
`core.workspace.syncing`, the shared parts in `core.workspace.base`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.catalog.export import export_diff
from core.catalog.journal import JournalEntry
from core.engine.types import (
    CancelToken,
    ProductPlan,
)
from core.reconcile.report import diff_records
from core.reconcile.rows import ProductRow
from core.reconcile.threeway import Overwrite
from core.reconcile.tried import mark_rows
from core.settings import Mode
from core.workspace.adopting import AdoptMethods
from core.workspace.comparing import CompareMethods
from core.workspace.opening import open_parts
from core.workspace.pulling import PullMethods
from core.workspace.reads import CatalogRead
from core.workspace.row_editing import RowMethods
from core.workspace.syncing import NOTHING_TO_ARCHIVE, SyncMethods

__all__ = ["NOTHING_TO_ARCHIVE", "Workspace"]


class Workspace(SyncMethods, AdoptMethods, PullMethods, RowMethods, CompareMethods):
    """One catalog, one Stripe account and mode; see the module docstring."""

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

    def status(
        self,
        ids: Sequence[str] | None = None,
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        cancel: CancelToken | None = None,
        refresh_all: bool = False,
    ) -> list[ProductRow]:
        """One row per product (and per product orphaned in Stripe when `ids` is None).

        `release_holds`: show `ids` as syncing them explicitly would leave them (their plans
        release the operator's archive holds), for a plan about to be confirmed and synced.
        `overwrite_stripe_edits`: plan to overwrite fields edited in Stripe since the last write
        (all: True; or product id → fields); by default a sync keeps them (see
        `core.reconcile.threeway`). `cancel`: cancelling it while Stripe is being retried raises
        CancelledError at once. `refresh_all`: read everything in Stripe again instead of only its
        events since the last refresh (Refresh all).
        """
        release = list(ids) if release_holds and ids is not None else ()
        with self._gateway.cancellable(cancel):
            read = self._read(
                ids, release=release, overwrite=overwrite_stripe_edits, refresh_all=refresh_all
            )
        rows = self._tried_in_test(read)
        read.let_go(keep_rows=True)
        return rows

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
        self._tried_in_test(read)
        plans = list(read.evaluation.plans.values())
        read.let_go()
        return plans

    def _tried_in_test(self, read: CatalogRead) -> list[ProductRow]:
        """Live mode: mark each write whose values were never synced to test (same account)."""
        evaluation = read.evaluation
        if self.mode != "live":
            return evaluation.rows
        test = self.catalog.snapshots(self.account().id, "test")
        marked: list[ProductRow] = mark_rows(evaluation.rows, evaluation.plans, test)
        evaluation.rows = marked
        return marked

    def export_diff(self, path: str | Path) -> int:
        """Write the differences with Stripe (as `status --json` has them) to a .json or .csv file;
        CSV cells never start a spreadsheet formula. Returns the rows written."""
        return export_diff(diff_records(self.status()), path)

    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]:
        """The newest journal entries of this mode, newest first."""
        return self.catalog.journal(product_id, limit, mode=self.mode)
