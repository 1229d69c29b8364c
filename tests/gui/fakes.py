"""A small in-memory workspace with the same interface as `core.workspace.Workspace`.

It keeps a local catalog, a pretend Stripe side and what was last written to it, computes rows
and plans the way the real one does in spirit (create / update / archive; edits made in Stripe kept
unless overwritten; the operator's archive holds, released by syncing a product by name), takes
Stripe's edits into the catalog (`pull`), records every call, and can be made to block or fail, so
window tests can check what the window asks for and what it shows. It also adopts a Stripe
catalog made by hand (`adopt`, `link`, `apply_sandbox_preset`) from a plan the test sets
(`adoption`, e.g. `handmade_adoption()`): adopting records links only, as the real one does.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.catalog.journal import JournalEntry
from core.domain.models import StripeSyncResult
from core.engine.types import (
    AccountInfo,
    CancelToken,
    FieldDiff,
    Operation,
    ProductPlan,
    ProgressCallback,
    ProgressEvent,
    SyncCancelledError,
)
from core.errors import ConfigurationError, StripeAuthError, SyncAdminError
from core.reconcile.adopt import AdoptionPlan, Ambiguous, Match, PriceLink, Unsupported
from core.reconcile.rows import FieldChange, ProductRow, StripeChange
from core.reconcile.threeway import Overwrite, overwrites
from core.settings import Mode
from core.workspace import HistoryEntry, PricePeriod, StripeRefresh
from tests.gui.fake_edits import FakeEdits

NOTHING_TO_ARCHIVE = "not in Stripe in this mode: nothing to archive"
RELEASES_HOLD = "releases the operator's archive hold"
HELD_SINCE = datetime(2026, 12, 2, 14, 3, tzinfo=UTC)
NO_CHANGE = StripeRefresh(summary="events: 0 changes", full=False, requests=1)


@dataclass(frozen=True)
class Pulled:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Refused:
    field: str
    reason: str


@dataclass(frozen=True)
class PullResult:
    """What core.workspace.pulling.PullResult holds, as the window reads it."""

    id: str
    pulled: list[Pulled] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def make_row(product_id: str, **fields: Any) -> ProductRow:
    """A ProductRow with sensible defaults (in sync, $10.00, available)."""
    values: dict[str, Any] = {
        "product_id": product_id,
        "name": f"Product {product_id}",
        "state": "in_sync",
        "local_price_cents": 1000,
        "stripe_price_cents": 1000,
        "sell_status": "available",
        "stripe_sell_status": "available",
        "stripe_status": "active",
        "stripe_product_id": product_id,
        "stripe_price_id": f"price_{product_id}",
    }
    values.update(fields)
    values.setdefault("stripe_name", values["name"])
    return ProductRow(**values)


@dataclass
class Local:
    name: str
    price: int
    sell_status: str = "available"
    description: str | None = None
    dev_status: int = 5
    is_live: bool = True
    variants: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Remote:
    name: str
    price: int
    active: bool = True


@dataclass
class FakeWorkspace(FakeEdits):
    """The workspace interface over two dicts; `gate` (if set) blocks each product of a sync.
    Catalog edits, history and revert: `tests.gui.fake_edits`."""

    mode: Mode = "sandbox"
    local: dict[str, Local] = field(default_factory=dict)
    remote: dict[str, Remote] = field(default_factory=dict)
    account_info: AccountInfo = AccountInfo("acct_fake123", "Fake Shop", False)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    fail_ids: set[str] = field(default_factory=set)  # products whose sync fails
    gate: threading.Event | None = None  # set() to let each product through
    entered: threading.Event = field(default_factory=threading.Event)
    auth_error: bool = False
    journal_entries: list[JournalEntry] = field(default_factory=list)
    closed: bool = False
    status_gate: threading.Event | None = None  # set() to let a status read finish
    run_error_after: int | None = None  # a sync stops with run_error after this many products
    run_error: SyncAdminError | None = None
    written: dict[str, Remote] = field(default_factory=dict)  # what the tool last wrote
    holds: set[str] = field(default_factory=set)  # products the operator archived here
    refuse_pull: dict[str, str] = field(default_factory=dict)  # field -> why pull refuses it
    adoption: AdoptionPlan | None = None  # what adopt proposes (None: nothing made by hand)
    refuse_link: str | None = None  # why link refuses, if it does
    links: dict[str, str] = field(default_factory=dict)  # local id -> Stripe id adopted/linked
    edit_log: list[tuple[str, HistoryEntry]] = field(default_factory=list)  # (product, entry)
    price_periods: dict[str, list[PricePeriod]] = field(default_factory=dict)
    # Watching Stripe: the newest change made elsewhere per product (shown on its row), what the
    # last status said about how Stripe was checked, and the one the next status will say.
    stripe_changes: dict[str, StripeChange] = field(default_factory=dict)
    last_refresh: StripeRefresh | None = None
    next_refresh: StripeRefresh = field(default_factory=lambda: NO_CHANGE)
    status_error: SyncAdminError | None = None  # the next status reads fail with this

    @classmethod
    def sample(cls, **kwargs: Any) -> FakeWorkspace:
        """Five products: in sync, differing name, differing price, missing, archived; one orphan."""
        ws = cls(**kwargs)
        ws.local = {
            "p-sync": Local("Mug", 1200),
            "p-name": Local("Poster (large)", 2500),
            "p-price": Local("Tote bag", 13000),
            "p-new": Local("Sticker", 300),
            "p-int": Local("Prototype", 5000, "internal"),
        }
        ws.remote = {
            "p-sync": Remote("Mug", 1200),
            "p-name": Remote("Poster", 2500),
            "p-price": Remote("Tote bag", 12000),
            "p-int": Remote("Prototype", 5000, active=False),
            "p-gone": Remote("Old hoodie", 4000),
        }
        return ws

    # -- the Workspace interface --------------------------------------------------------------

    def account(self) -> AccountInfo:
        self.calls.append(("account", None))
        if self.auth_error:
            raise StripeAuthError(
                "Stripe refused the key sk_test_…abcd.", hint="Check the key in Keys…."
            )
        return self.account_info

    def status(
        self,
        ids: Sequence[str] | None = None,
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        cancel: CancelToken | None = None,
        refresh_all: bool = False,
    ) -> list[ProductRow]:
        if refresh_all:
            self.calls.append(("refresh_all", ids))
        elif release_holds or overwrite_stripe_edits:
            wanted = None if ids is None else list(ids)
            self.calls.append(("status", wanted, release_holds, overwrite_stripe_edits))
        else:
            self.calls.append(("status", ids))
        if self.status_gate is not None:
            self.entered.set()
            self.status_gate.wait(10)
        if self.status_error is not None:
            raise self.status_error
        if refresh_all:
            self.last_refresh = StripeRefresh(summary="full read", full=True, requests=2)
        else:
            self.last_refresh, self.next_refresh = self.next_refresh, NO_CHANGE
        every = sorted(set(self.local) | set(self.remote))
        released = set(ids or ()) if release_holds else set()
        return [
            self._row(pid, pid in released, overwrite_stripe_edits)
            for pid in every
            if ids is None or pid in ids
        ]

    def plan(
        self, ids: Sequence[str] | None = None, *, overwrite_stripe_edits: Overwrite = False
    ) -> list[ProductPlan]:
        self.calls.append(("plan", None if ids is None else list(ids)))
        released = set(ids or ())
        return [
            self._plan(pid, overwrite_stripe_edits, pid in released)
            for pid in sorted(self.local)
            if ids is None or pid in ids
        ]

    def sync(
        self,
        plans_or_ids: Any = None,
        *,
        overwrite_stripe_edits: Overwrite = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        plans = [
            p if isinstance(p, ProductPlan) else self._plan(p, overwrite_stripe_edits)
            for p in plans_or_ids or []
        ]
        self.calls.append(("sync", [p.product_id for p in plans]))
        results = []
        for done, plan in enumerate(plans):
            if cancel is not None and cancel.cancelled:
                raise SyncCancelledError(results, len(plans))
            if self.run_error is not None and done == self.run_error_after:
                self.run_error.results = results  # what core attaches to a run-level error
                raise self.run_error
            if progress is not None:
                progress(ProgressEvent(done, len(plans), plan.product_id))
            if self.gate is not None:
                self.entered.set()
                self.gate.wait(10)
                self.gate.clear()
            results.append(self._apply(plan))
        if progress is not None:
            progress(ProgressEvent(len(plans), len(plans), None))
        return results

    def sync_reviewed(
        self,
        rows: Sequence[ProductRow],
        *,
        release_holds: bool = False,
        overwrite_stripe_edits: Overwrite = False,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        ids = [r.product_id for r in rows]
        self.calls.append(("sync_reviewed", ids, release_holds, overwrite_stripe_edits))
        results = []
        for done, row in enumerate(rows):
            if progress is not None:
                progress(ProgressEvent(done, len(rows), row.product_id))
            if release_holds:
                self.holds.discard(row.product_id)
            if row.plan is not None and row.plan.operations:
                results.append(self._apply(row.plan))
            else:
                results.append(StripeSyncResult(product_id=row.product_id, action="skipped"))
        return results

    def archive(
        self,
        ids: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> list[StripeSyncResult]:
        self.calls.append(("archive", list(ids)))
        results = []
        for pid in ids:
            if pid not in self.remote:
                results.append(
                    StripeSyncResult(product_id=pid, action="skipped", changes=[NOTHING_TO_ARCHIVE])
                )
                continue
            self.remote[pid].active = False
            if pid in self.local:
                self.holds.add(pid)
            results.append(StripeSyncResult(product_id=pid, action="archived"))
        return results

    def pull(
        self,
        ids: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> list[PullResult]:
        self.calls.append(("pull", list(ids), None if fields is None else list(fields)))
        out = []
        for pid in ids:
            loc, rem = self.local[pid], self.remote[pid]
            wanted = fields
            if wanted is None:
                wanted = [d.field for d in self._diffs(pid) if d.changed in ("stripe", "both")]
            result = PullResult(pid)
            for name in wanted:
                if name in self.refuse_pull:
                    result.refused.append(Refused(name, self.refuse_pull[name]))
                elif name == "name":
                    result.pulled.append(Pulled(name, loc.name, rem.name))
                    loc.name = rem.name
                elif name == "price":
                    result.pulled.append(Pulled(name, loc.price, rem.price))
                    loc.price = rem.price
                else:
                    result.refused.append(Refused(name, "this field cannot be taken from Stripe"))
            out.append(result)
        return out

    def adopt(
        self,
        *,
        dry_run: bool = False,
        import_unmatched: bool = False,
        only: Collection[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> AdoptionPlan:
        wanted = None if only is None else sorted(only)
        self.calls.append(("adopt", dry_run, import_unmatched, wanted))
        proposed = self.adoption or AdoptionPlan()
        keep = (lambda m: True) if only is None else (lambda m: m.stripe_product_id in set(only))
        imports = [m for m in proposed.imported if keep(m)] if import_unmatched else []
        plan = AdoptionPlan(
            linked=[m for m in proposed.linked if keep(m)],
            imported=imports,
            new_rows=[r for r in proposed.new_rows if r["id"] in {m.local_id for m in imports}],
            ambiguous=list(proposed.ambiguous),
            unmatched_stripe=[]
            if import_unmatched
            else [m.stripe_product_id for m in proposed.imported]
            + [u.stripe_product_id for u in proposed.unsupported],
            unmatched_local=list(proposed.unmatched_local),
            unsupported=list(proposed.unsupported) if import_unmatched else [],
        )
        if not dry_run:
            for row in plan.new_rows:
                self.local[row["id"]] = Local(row["name"], row["base_price_cents"])
            for match in plan.linked + plan.imported:
                self._adopted(match)
            done = {m.stripe_product_id for m in plan.linked + plan.imported}
            proposed.linked = [m for m in proposed.linked if m.stripe_product_id not in done]
            proposed.imported = [m for m in proposed.imported if m.stripe_product_id not in done]
        return plan

    def link(self, local_id: str, stripe_product_id: str) -> Match:
        self.calls.append(("link", local_id, stripe_product_id))
        if self.refuse_link is not None:
            raise ConfigurationError(self.refuse_link, hint="Nothing was linked.")
        match = Match(local_id, stripe_product_id, "hand", (PriceLink("", f"price_{local_id}"),))
        self._adopted(match)
        if self.adoption is not None:
            self.adoption.ambiguous = [
                a
                for a in self.adoption.ambiguous
                if a.stripe_product_id != stripe_product_id and local_id not in a.candidates
            ]
        return match

    def apply_sandbox_preset(self, name: str = "handmade", *, fresh: bool = False) -> list[str]:
        self.calls.append(("apply_sandbox_preset", name, fresh))
        if self.mode != "sandbox":
            raise ConfigurationError(
                "Presets fill the built-in sandbox only.",
                hint="Switch to Sandbox mode to try adopting a hand-made catalog.",
            )
        if fresh:
            self.remote.clear()
            self.written.clear()
            self.links.clear()
        self.adoption = handmade_adoption(self)
        return ["prod_Sticker", "price_Sticker", "prod_Lamp", "price_Lamp"]

    def _adopted(self, match: Match) -> None:
        loc = self.local[match.local_id]
        self.links[match.local_id] = match.stripe_product_id
        self.remote[match.local_id] = Remote(loc.name, loc.price)
        self.written[match.local_id] = Remote(loc.name, loc.price)

    def journal(self, product_id: str | None = None, limit: int = 50) -> list[JournalEntry]:
        self.calls.append(("journal", product_id))
        hits = [e for e in self.journal_entries if product_id in (None, e.product_id)]
        return hits[:limit]

    def reset_client(self) -> AccountInfo:
        self.calls.append(("reset_client", None))
        return self.account()

    def dashboard_url(self, stripe_id: str) -> str:
        kind = "prices" if stripe_id.startswith("price_") else "products"
        return f"https://dashboard.stripe.com/test/{kind}/{stripe_id}"

    @contextmanager
    def cancellable(self, cancel: CancelToken | None) -> Iterator[None]:
        """The fake never waits on Stripe, so there is nothing to interrupt."""
        yield

    def close(self) -> None:
        self.calls.append(("close", None))
        self.closed = True

    def edit_in_stripe(self, pid: str, name: str, *, at: datetime | None = None) -> StripeChange:
        """Rename a product in Stripe as someone would in the Dashboard: the next status sees it
        through one event, as a change made elsewhere than this tool."""
        rem = self.remote[pid]
        change = StripeChange(
            at=at or datetime.now(UTC),
            by="elsewhere",
            object="product",
            id=pid,
            change="updated",
            product_id=pid,
            local_id=pid,
            fields={"name": FieldChange(old=rem.name, new=name)},
            event_id=f"evt_{len(self.stripe_changes) + 1}_{pid}_{name}",
        )
        rem.name = name
        self.stripe_changes[pid] = change
        self.next_refresh = StripeRefresh(
            summary="events: 1 change", full=False, requests=1, changes=[change]
        )
        return change

    # -- internals ----------------------------------------------------------------------------

    def _row(self, pid: str, released: bool = False, overwrite: Overwrite = False) -> ProductRow:
        loc, rem = self.local.get(pid), self.remote.get(pid)
        diffs = self._diffs(pid)
        if loc is None:
            assert rem is not None
            return ProductRow(
                product_id=pid,
                name=rem.name,
                state="orphaned",
                has_local=False,
                stripe_product_id=pid,
                stripe_status="active" if rem.active else "archived",
                stripe_name=rem.name,
                stripe_price_cents=rem.price,
                stripe_change=self.stripe_changes.get(pid),
            )
        held = pid in self.holds and rem is not None and not released
        plan = self._plan(pid, overwrite, released)
        if held:
            state = "held"
        elif rem is None:
            state = "missing"
        elif diffs or plan.operations:
            state = "differs"
        else:
            state = "archived" if not rem.active else "in_sync"
        note = None
        if held:
            note = (
                f"archived by the operator in {self.mode} mode on 2026-12-02 14:03 UTC; the "
                "catalog is unchanged. Sync this product by name (Sync selected, or "
                f"`stripe-sync-admin sync {pid}`) to release the hold"
            )
        return ProductRow(
            product_id=pid,
            name=loc.name,
            state=state,
            local_price_cents=loc.price,
            sell_status=loc.sell_status,
            stripe_product_id=pid if rem else None,
            stripe_status="missing" if rem is None else ("active" if rem.active else "archived"),
            stripe_name=rem.name if rem else None,
            stripe_price_cents=rem.price if rem else None,
            stripe_price_id=f"price_{pid}" if rem else None,
            stripe_sell_status=loc.sell_status if rem else None,
            differences=diffs,
            plan=plan,
            last_synced_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC) if rem else None,
            held=held,
            note=note,
            stripe_change=self.stripe_changes.get(pid),
        )

    def _diffs(self, pid: str) -> list[FieldDiff]:
        loc, rem = self.local.get(pid), self.remote.get(pid)
        if loc is None or rem is None:
            return []
        was = self.written.get(pid)
        out = []
        if loc.name != rem.name:
            out.append(
                FieldDiff(
                    field="name",
                    local=loc.name,
                    stripe=rem.name,
                    last_written=was.name if was else None,
                    changed=_who(loc.name, rem.name, was.name if was else None),
                )
            )
        if loc.price != rem.price:
            out.append(
                FieldDiff(
                    field="price",
                    local=f"{loc.price}",
                    stripe=f"{rem.price}",
                    currency="usd",
                    local_amount=loc.price,
                    stripe_amount=rem.price,
                    last_written=f"{was.price}" if was else None,
                    last_written_amount=was.price if was else None,
                    changed=_who(loc.price, rem.price, was.price if was else None),
                )
            )
        return out

    def _plan(self, pid: str, overwrite: Overwrite = False, released: bool = False) -> ProductPlan:
        loc, rem = self.local[pid], self.remote.get(pid)
        if rem is None:
            op = Operation(kind="create_product", product_id=pid, summary=f"create {loc.name}")
            return ProductPlan(product_id=pid, action="created", operations=[op])
        if pid in self.holds and not released:
            return ProductPlan(product_id=pid, action="skipped", stripe_product_id=pid)
        ops, kept = [], []
        for diff in self._diffs(pid):
            edited = diff.changed in ("stripe", "both")
            if edited and not overwrites(overwrite, pid, diff.field):
                kept.append(diff.field)
                continue
            kind = "update_product" if diff.field == "name" else "create_price"
            summary = f"{diff.field} {diff.stripe!r} → {diff.local!r}"
            ops.append(
                Operation(
                    kind=kind,
                    product_id=pid,
                    target_id=pid,
                    params={"field": diff.field},
                    summary=summary,
                    overwrites_stripe_edit=edited,
                )
            )
        if not rem.active and loc.sell_status != "internal":
            summary = "unarchive the product" + (f" ({RELEASES_HOLD})" if released else "")
            ops.append(
                Operation(kind="unarchive_product", product_id=pid, target_id=pid, summary=summary)
            )
        action = "updated" if ops else "skipped"
        return ProductPlan(
            product_id=pid,
            action=action,
            stripe_product_id=pid,
            operations=ops,
            kept_stripe_edits=kept,
        )

    def _apply(self, plan: ProductPlan) -> StripeSyncResult:
        pid = plan.product_id
        if pid in self.fail_ids:
            return StripeSyncResult(
                product_id=pid, action="failed", error="Stripe refused the price: amount too large"
            )
        loc, rem = self.local[pid], self.remote.get(pid)
        if rem is None:
            self.remote[pid] = Remote(loc.name, loc.price, loc.sell_status != "internal")
        else:
            for op in plan.operations:
                if op.params.get("field") == "name":
                    rem.name = loc.name
                elif op.params.get("field") == "price":
                    rem.price = loc.price
                elif op.kind == "unarchive_product":
                    rem.active = True
        now = self.remote[pid]
        self.written[pid] = Remote(now.name, now.price, now.active)
        return StripeSyncResult(
            product_id=pid,
            action=plan.action,
            stripe_product_id=pid,
            kept_stripe_edits=list(plan.kept_stripe_edits),
        )


def _who(local: object, stripe: object, was: object | None) -> Any:
    """Who changed a field since it was last written (None: never written)."""
    if was is None:
        return None
    if local != was and stripe != was:
        return "both"
    return "stripe" if stripe != was else "catalog"


def handmade_adoption(ws: FakeWorkspace) -> AdoptionPlan:
    """A Stripe catalog made by hand for `ws` (adds its catalog products "p-lamp" and "p-cable"):
    "Sticker" matched by name, "Lamp" by its local_id tag, two Stripe products named "Cable", a
    gift card Stripe has alone (the catalog could hold it) and a tip jar it could not."""
    ws.local.setdefault("p-lamp", Local("Lamp", 4500))
    ws.local.setdefault("p-cable", Local("Cable", 450))
    for pid in ("p-new", "p-lamp", "p-cable"):
        ws.remote.pop(pid, None)
    return AdoptionPlan(
        linked=[
            Match("p-new", "prod_Sticker", "name", (PriceLink("", "price_Sticker"),)),
            Match("p-lamp", "prod_Lamp", "metadata", (PriceLink("", "price_Lamp"),)),
        ],
        imported=[Match("gift-card", "prod_Gift", "id", (PriceLink("", "price_Gift"),))],
        new_rows=[{"id": "gift-card", "name": "Gift Card", "base_price_cents": 2500}],
        ambiguous=[
            Ambiguous("prod_CableA", "Cable", ("p-cable",)),
            Ambiguous("prod_CableB", "Cable", ("p-cable",)),
        ],
        unmatched_local=["p-int"],
        unsupported=[
            Unsupported(
                "prod_Tip", "its default price is a price whose amount the customer chooses"
            )
        ],
    )
