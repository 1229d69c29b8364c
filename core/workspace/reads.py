"""The workspace's one read of both sides: the catalog and Stripe, evaluated into rows and plans.

The Stripe bulk read mostly waits on the rate limit, so the catalog side (records, conversions,
links, snapshots, last errors, holds) is read and converted meanwhile, on the calling thread, which
owns the database connection.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from core.catalog.errors import CatalogError
from core.catalog.links import LinkMap
from core.catalog.snapshots import Snapshot
from core.catalog.store import CatalogStore
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.engine.types import AccountInfo, RemoteCatalog
from core.reconcile.build_rows import with_stripe_changes
from core.reconcile.evaluate import Evaluation, convert_records, drained, evaluate
from core.reconcile.rows import StripeChange
from core.reconcile.threeway import Overwrite
from core.runtime.heap import collections_paused, let_go
from core.settings import Mode


@dataclass(frozen=True)
class CatalogRead:
    """Both sides as read once: the evaluation, Stripe's catalog, and this account+mode's links
    and snapshots (which a sync's write-back compares against)."""

    evaluation: Evaluation
    remote: RemoteCatalog
    links: LinkMap
    snapshots: dict[str, Snapshot]

    def let_go(self, *, keep_rows: bool = False) -> None:
        """Free what this read holds a piece at a time once its results are taken
        (`core.runtime.heap`): the plans and inputs, links and snapshots, and the rows unless
        `keep_rows` (a status returns that very list). Stripe's catalog is left: its products are
        the mirror's."""
        e = self.evaluation
        let_go(e.plans, e.ready, e.not_ready, e.invalid, e.held, e.releasing, self.snapshots)
        let_go(self.links.products, self.links.prices, self.links.variant_prices)
        if not keep_rows:
            let_go(e.rows)


def read_catalog(
    catalog: CatalogStore,
    gateway: StripeGateway,
    *,
    account: AccountInfo,
    mode: Mode,
    currency: str,
    ids: Sequence[str] | None,
    remote: RemoteCatalog | None = None,
    release: Collection[str] = (),
    overwrite: Overwrite = False,
    fetch: Callable[[], RemoteCatalog] | None = None,
    changes: Callable[[], Mapping[str, StripeChange]] | None = None,
    owned: Collection[str] | None = None,
) -> CatalogRead:
    """Read the catalog (all of it, or `ids`) and Stripe (unless `remote` is given), evaluate.

    An id that is neither in the catalog nor a product the tool made in Stripe raises CatalogError
    naming it. `release`: ids whose operator archive holds the coming sync releases. `fetch`:
    how Stripe's side is read (default: everything, `fetch_remote`; the workspace uses its
    mirror); `changes`: Stripe product id → the newest change made there elsewhere, for the rows.
    `owned`: the `owned_fields` setting (core.reconcile.owned).
    """
    records = catalog.list_records(ids)
    read_stripe = fetch or (lambda: fetch_remote(gateway))
    with collections_paused(), ThreadPoolExecutor(1, "stripe-read") as reader:
        reading = reader.submit(read_stripe) if remote is None else None
        converted = convert_records(records, currency, owned)
        links = catalog.links(account.id, mode)
        snapshots = catalog.snapshots(account.id, mode)
        # Only the products whose last sync failed: an entry per product held till the last row.
        last_errors: dict[str, str | None] = {
            k: e for k, e in catalog.last_errors(account.id, mode).items() if e
        }
        holds = catalog.holds(account.id, mode)
        if reading is not None:
            remote = reading.result()
        assert remote is not None
        missing: list[str] = []
        if ids is not None:
            found = {r.id for r in records}
            missing = [i for i in dict.fromkeys(ids) if i not in found]
        evaluation = evaluate(
            drained(records),
            remote,
            links=links,
            snapshots=snapshots,
            last_errors=last_errors,
            currency=currency,
            include_orphans=ids is None,
            orphan_ids=missing,
            converted=converted,
            holds=holds,
            released=release,
            mode=mode,
            overwrite=overwrite,
            owned=owned,
        )
        let_go(converted)  # what no row or plan kept, freed a piece at a time
        if changes is not None:
            evaluation.rows[:] = with_stripe_changes(evaluation.rows, changes())
    shown = {row.product_id for row in evaluation.rows} | {
        row.stripe_product_id for row in evaluation.rows if row.stripe_product_id
    }
    unknown = [i for i in missing if i not in shown]
    if unknown:
        raise CatalogError(
            f"No product {unknown[0]!r} in the catalog {catalog.display_url} "
            f"(nor one the tool made in Stripe, {mode} mode).",
            hint="Check the id (the status command lists them all); nothing was done.",
        )
    return CatalogRead(evaluation, remote, links, snapshots)


def row_key(evaluation: Evaluation, given: str) -> str:
    """The id a product is held under: its catalog id (given directly or as its Stripe id)."""
    for row in evaluation.rows:
        if row.product_id == given:
            return given
    for row in evaluation.rows:
        if row.stripe_product_id == given:
            return row.product_id
    return given
