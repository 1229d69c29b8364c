"""Compare the catalog with Stripe: one `core.rows.ProductRow` (and plan) per product.

Pure: takes the catalog rows, the Stripe side read in bulk and the tool's own tables, and calls the
engine's pure planner. No network and no database access here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from core.catalog.holds import Hold
from core.catalog.links import LinkMap
from core.catalog.records import CatalogRecord
from core.catalog.snapshots import Snapshot
from core.engine.plan import plan_product
from core.engine.types import (
    MANAGED_BY_VALUE,
    META_MANAGED_BY,
    ProductPlan,
    RemoteCatalog,
    RemoteProduct,
)
from core.reconcile.adopt import name_key
from core.reconcile.build_rows import orphan_row, ready_row, unready_row
from core.reconcile.convert import (
    Converted,
    Invalid,
    ReadyProduct,
    to_sync_input,
)
from core.reconcile.holds import (
    held_row,
    hold_archive_plan,
    not_for_sale,
    releasing_plan,
    with_withheld_differences,
)
from core.reconcile.owned import stripe_only_fields
from core.reconcile.rows import ProductRow
from core.reconcile.threeway import (
    Overwrite,
    annotate,
    is_stripe_edit,
    keep_stripe_edits,
    mark_overwrites,
    overwrites,
)


@dataclass
class Evaluation:
    """Rows for display and, for products that can be synced, their plans and inputs.

    `plans` also holds the archive of a held product that cannot otherwise be synced (not ready,
    invalid, or orphaned in Stripe); `ready` only the products planned from their catalog row
    (as planned: with the hold applied unless released). `invalid`: product id → what is wrong.
    """

    rows: list[ProductRow] = field(default_factory=list)
    plans: dict[str, ProductPlan] = field(default_factory=dict)
    ready: dict[str, ReadyProduct] = field(default_factory=dict)
    not_ready: dict[str, str] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)  # holds in effect (not released)
    releasing: set[str] = field(default_factory=set)  # holds this sync releases


def convert_records(
    records: Sequence[CatalogRecord], currency: str, owned: Collection[str] | None = None
) -> dict[str, Converted]:
    """Each record's engine input (or why it cannot be synced), by product id; `owned`: the
    `owned_fields` setting (core.reconcile.owned)."""
    return {r.id: to_sync_input(r, currency=currency, owned=owned) for r in records}


def drained(records: list[CatalogRecord]) -> Iterator[CatalogRecord]:
    """Each of `records` in order, taken out of the list as it is handed on: evaluating a drained
    list frees each record (a dict of every column) once its row is built, instead of holding all
    of them until the last row (about 1 KB per product at the peak of a status)."""
    records.reverse()
    while records:
        yield records.pop()


def evaluate(
    records: Iterable[CatalogRecord],
    remote: RemoteCatalog,
    *,
    links: LinkMap,
    snapshots: dict[str, Snapshot],
    last_errors: dict[str, str | None],
    currency: str,
    include_orphans: bool,
    orphan_ids: Sequence[str] | None = None,
    converted: Mapping[str, Converted] | None = None,
    holds: Mapping[str, Hold] | None = None,
    released: Collection[str] = (),
    mode: str = "",
    overwrite: Overwrite = False,
    owned: Collection[str] | None = None,
) -> Evaluation:
    """Build rows and plans for `records`; add Stripe products orphaned by the catalog.

    `converted` holds `convert_records` results made beforehand (e.g. while Stripe was read).
    A product in `holds` is planned as not for sale (archived) unless it is in `released` (being
    synced explicitly), whose plan then says it releases the hold. A field edited in Stripe since
    the last write is kept as Stripe has it unless `overwrite` says otherwise (see
    `core.reconcile.threeway`). `owned`: the `owned_fields` setting.
    """
    out = Evaluation()
    namesakes = unlinked_by_name(remote, set(links.products.values()))
    holds = holds or {}
    matched: set[str] = set()
    local_ids: set[str] = set()
    for record in records:
        local_ids.add(record.id)
        linked = links.linked_product(record.id)
        existing = remote.find(record.id, linked)
        if existing is not None:
            matched.add(existing.id)
        ready = converted.get(record.id) if converted is not None else None
        if ready is None:
            ready = to_sync_input(record, currency=currency, owned=owned)
        snapshot = snapshots.get(record.id)
        unit_prices = links.unit_prices(record.id, [str(v["id"]) for v in record.variants])
        # A hold means "keep Stripe's product archived here": with no Stripe product in this
        # account and mode (a hold recorded before that was refused) there is nothing to hold.
        held = record.id in holds and record.id not in released and existing is not None
        releasing = record.id in holds and record.id in released
        if held:
            out.held.add(record.id)
        if releasing:
            out.releasing.add(record.id)
        if not isinstance(ready, ReadyProduct):
            if held and existing is not None and existing.active:
                out.plans[record.id] = hold_archive_plan(record.id, existing)
            if isinstance(ready, Invalid):
                out.invalid[record.id] = ready.error
            else:
                out.not_ready[record.id] = ready.reason
            row = unready_row(record, existing, ready, snapshot, currency, unit_prices)
            if held:
                row = held_row(row, holds[record.id], mode, out.plans.get(record.id))
            out.rows.append(row)
            continue
        unheld = ready
        if held:
            ready = not_for_sale(ready)

        def plan_for(
            wanted: ReadyProduct,
            linked: str | None = linked,
            unit_prices: Mapping[str, str] = unit_prices,
        ) -> ProductPlan:
            return plan_product(
                wanted.product,
                wanted.variants,
                remote,
                linked_id=linked,
                unmanaged=wanted.unmanaged,
                linked_prices=unit_prices,
            )

        ready, plan = plan_two_way(record.id, ready, existing, snapshot, plan_for, overwrite)
        if releasing:
            plan = releasing_plan(plan)
        out.plans[record.id] = plan
        out.ready[record.id] = ready
        row = ready_row(
            record, ready, existing, plan, snapshot, last_errors.get(record.id), unit_prices
        )
        if row.state == "missing":
            row = _warn_of_namesakes(row, namesakes)
        elif existing is not None:
            shown = stripe_only_fields(existing, ready.owned)
            row = row.model_copy(update={"stripe_only_fields": shown}) if shown else row
        if held:
            row = held_row(row, holds[record.id], mode, plan)
            # The hold plans the product archived, so its prices are not compared: show the
            # differences a sync releasing the hold would write all the same.
            _, released_plan = plan_two_way(
                record.id, unheld, existing, snapshot, plan_for, overwrite
            )
            row = with_withheld_differences(row, released_plan)
        out.rows.append(row)
    if include_orphans or orphan_ids:
        wanted = set(orphan_ids or ())
        for product in sorted(remote.products.values(), key=lambda p: p.id):
            if product.id in matched or not _managed(product):
                continue
            if product.local_id in local_ids:
                continue  # a twin of a local product: shown through that product's row
            if include_orphans or product.id in wanted or product.local_id in wanted:
                key = orphan_key(product)
                row = orphan_row(product)
                if key in holds and key not in released:
                    out.held.add(key)
                    if product.active:
                        out.plans[key] = hold_archive_plan(key, product)
                    row = held_row(row, holds[key], mode, out.plans.get(key))
                out.rows.append(row)
    return out


def plan_two_way(
    product_id: str,
    ready: ReadyProduct,
    existing: RemoteProduct | None,
    snapshot: Snapshot | None,
    plan_for: Callable[[ReadyProduct], ProductPlan],
    overwrite: Overwrite,
) -> tuple[ReadyProduct, ProductPlan]:
    """The input to sync from and its plan: every difference annotated with who changed it, hand
    edits kept unless overwritten, operations that overwrite one marked."""
    plan = plan_for(ready)
    diffs = annotate(plan.differences, snapshot)
    edits = [d for d in diffs if is_stripe_edit(d)]
    keep = [d for d in edits if not overwrites(overwrite, product_id, d.field)]
    kept: list[str] = []
    if keep and existing is not None:
        ready, kept = keep_stripe_edits(ready, existing, keep)
        if kept:
            plan = plan_for(ready)
    if kept or any(new is not old for new, old in zip(diffs, plan.differences, strict=True)):
        plan = plan.model_copy(update={"differences": diffs, "kept_stripe_edits": kept})
    return ready, mark_overwrites(plan, [d.field for d in edits if d.field not in kept])


def unlinked_by_name(remote: RemoteCatalog, linked: set[str]) -> dict[str, list[str]]:
    """Stripe products made by hand and linked to nothing, by name (as adopt compares names)."""
    out: dict[str, list[str]] = {}
    for product in remote.products.values():
        if product.id not in linked and not _managed(product):
            out.setdefault(name_key(product.name), []).append(product.id)
    return out


def _warn_of_namesakes(row: ProductRow, namesakes: Mapping[str, list[str]]) -> ProductRow:
    """A product about to be created while Stripe holds one by that name, made by hand."""
    found = sorted(namesakes.get(name_key(row.name), []))
    if not found:
        return row
    note = (
        f"Stripe already has a product named like this, not linked to the catalog "
        f"({', '.join(found)}): adopt it (Adopt…, or `stripe-sync-admin adopt`) or link it "
        f"(`link {row.product_id} {found[0]}`) first, or the sync creates another one"
    )
    return row.model_copy(update={"note": note})


def orphan_key(product: RemoteProduct) -> str:
    """The id an orphaned Stripe product is known by (its row's product_id, its hold's key)."""
    return product.local_id or product.id


def _managed(product: RemoteProduct) -> bool:
    return bool(product.local_id) or product.metadata.get(META_MANAGED_BY) == MANAGED_BY_VALUE
