"""The session's adopt flows: take over a Stripe catalog made by hand, writing nothing to Stripe.

`request_adopt_preview` works out what adopting would link (stores nothing), `adopt` records the
links the operator ticked, `link` records one link chosen by hand, and `start_from_handmade` starts
the built-in sandbox afresh with a hand-made Stripe catalog to try it on. Each runs on the task
runner like every other workspace call and reads the table again afterwards.

`AdoptFlows` is mixed into `gui.session.Session`, which owns the signals, the task plumbing
(`_start`) and the workspace (`_workspace`, on the pool thread).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from PySide6.QtCore import SignalInstance

from core.errors import SyncAdminError
from core.workspace import AdoptionPlan, ProductRow
from gui.session_types import AdoptOutcome, WorkspaceLike
from gui.tasks import Task

log = logging.getLogger(__name__)

HANDMADE_PRESET = "handmade"


class AdoptFlows:
    """`request_adopt_preview` → `adopt_preview_ready(AdoptionPlan)`; `adopt` →
    `adopt_finished(AdoptOutcome)`; `link` → `link_finished(AdoptOutcome)`;
    `start_from_handmade` → `preset_applied(list of ids)`; the rows follow through `_on_rows`."""

    # Provided by Session.
    adopt_preview_ready: SignalInstance
    adopt_finished: SignalInstance
    link_finished: SignalInstance
    preset_applied: SignalInstance
    cancelled: SignalInstance
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]

    def request_adopt_preview(self) -> None:
        """Work out what adopting would link, import and leave alone; stores nothing.

        Worked out as if the Stripe-only products were to be imported too, so the dialog can say
        which of them the catalog could hold and why the others cannot be."""
        name = "Looking for products made by hand in Stripe"

        def work(task: Task) -> tuple[AdoptionPlan, bool]:
            ws = self._workspace()
            plan = ws.adopt(dry_run=True, import_unmatched=True, cancel=task.cancel_token)
            return plan, task.cancel_token.cancelled

        def done(result: tuple[AdoptionPlan, bool]) -> None:
            plan, cancelled = result
            if cancelled:
                self.cancelled.emit(name)
            else:
                self.adopt_preview_ready.emit(plan)

        self._start(work, name, done, "Could not look at the products in Stripe")

    def adopt(self, only: Collection[str], import_unmatched: bool = False) -> None:
        """Record the links to these Stripe products (and, with `import_unmatched`, make catalog
        products of the Stripe-only ones listed in `only`), then read the table again."""
        chosen = sorted(set(only))

        def work(task: Task) -> AdoptOutcome:
            ws = self._workspace()
            try:
                plan = ws.adopt(
                    only=chosen, import_unmatched=import_unmatched, cancel=task.cancel_token
                )
            except SyncAdminError as exc:  # refused, or Stripe could not be read: nothing stored
                return AdoptOutcome(error=exc)
            return self._read_back(ws, AdoptOutcome(plan=plan))

        self._start(work, "Adopting", self._on_adopted, "Could not adopt")

    def link(self, local_id: str, stripe_product_id: str) -> None:
        """Link one catalog product to one Stripe product by hand, then read the table and work
        out again what adopting would still link."""

        def work(task: Task) -> AdoptOutcome:
            ws = self._workspace()
            try:
                match = ws.link(local_id, stripe_product_id)
            except SyncAdminError as exc:  # refused, with the reason: nothing was linked
                return AdoptOutcome(error=exc)
            outcome = self._read_back(ws, AdoptOutcome(match=match))
            try:
                preview = ws.adopt(dry_run=True, import_unmatched=True, cancel=task.cancel_token)
            except SyncAdminError as exc:
                log.warning("Could not work out the adoption again: %s", exc)
                return outcome
            return AdoptOutcome(outcome.plan, match, outcome.rows, None, None, preview)

        self._start(work, f"Linking {local_id}", self._on_linked, "Could not link")

    def start_from_handmade(self) -> None:
        """Start the built-in sandbox afresh with a Stripe catalog made by hand for the sample
        products (sandbox mode only; the catalog is kept), then read the table again."""

        def work(task: Task) -> tuple[list[str], list[ProductRow]]:
            ws = self._workspace()
            created = ws.apply_sandbox_preset(HANDMADE_PRESET, fresh=True)
            with ws.cancellable(task.cancel_token):
                return created, ws.status()

        self._start(
            work,
            "Starting the sandbox from a hand-made Stripe catalog",
            self._on_preset,
            "Could not start the sandbox from a hand-made catalog",
        )

    # -- pool thread helpers, GUI thread results -------------------------------------------------

    @staticmethod
    def _read_back(ws: WorkspaceLike, outcome: AdoptOutcome) -> AdoptOutcome:
        try:
            rows = ws.status()
        except Exception as exc:  # what was recorded stays recorded; the table says it is stale
            return AdoptOutcome(outcome.plan, outcome.match, None, None, exc)
        return AdoptOutcome(outcome.plan, outcome.match, rows)

    def _on_adopted(self, outcome: AdoptOutcome) -> None:
        if outcome.plan is not None:
            log.info(
                "Adopted: %s",
                ", ".join(f"{m.local_id} → {m.stripe_product_id}" for m in outcome.plan.linked),
            )
        self.adopt_finished.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)

    def _on_linked(self, outcome: AdoptOutcome) -> None:
        if outcome.match is not None:
            log.info("Linked %s → %s", outcome.match.local_id, outcome.match.stripe_product_id)
        self.link_finished.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)

    def _on_preset(self, result: tuple[list[str], list[ProductRow]]) -> None:
        created, rows = result
        log.info("Sandbox started afresh from the hand-made catalog: %d objects", len(created))
        self.preset_applied.emit(list(created))
        self._on_rows(rows)
