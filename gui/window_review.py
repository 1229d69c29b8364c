"""Sync selected as the command line's `sync IDS` does it, and who changed what.

Sync selected reads the selection as syncing it by name would leave it (holds released), shows the
plan dialog for the products that would write, and syncs exactly the reviewed rows. A product the
operator held archived is synced even with nothing to write (that releases its hold), and a
selection with nothing to write says why, product by product (`gui.row_words`).

Edits made in Stripe since the last sync are kept by a sync unless the operator chooses, field by
field, to overwrite them (`overwrites`, kept for this session and passed to every plan and sync);
or they are taken into the catalog (`Workspace.pull`, through the session's runner).

`ReviewFlows` is mixed into `gui.main_window.MainWindow`, which builds the widgets used here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from core.workspace import ProductPlan, ProductRow, format_money, plural
from gui.models.change_marks import changed_in_stripe, field_label, pullable
from gui.models.product_table import ProductTableModel
from gui.row_words import display_name, nothing_to_sync_line
from gui.session import Overwrite, PullOutcome, PullRequest, Review, Session
from gui.session_types import PullResultLike
from gui.widgets.status_panel import StatusPanel, describe_error
from gui.widgets.stripe_edits import StripeEditsBox

log = logging.getLogger(__name__)

ApplyPlans = Callable[[list[ProductPlan]], None]


class ReviewFlows:
    """The review before Sync selected, the overwrite choices and taking Stripe's edits."""

    # Provided by MainWindow.
    session: Session
    model: ProductTableModel
    status: StatusPanel
    stripe_edits: StripeEditsBox
    selected_rows: Callable[[], list[ProductRow]]
    _update_actions: Callable[..., None]
    _show_plan: Callable[..., None]

    def _init_review(self) -> None:
        # Product id -> fields whose Stripe edit the next sync overwrites (this session, this mode).
        self.overwrites: dict[str, set[str]] = {}
        # Said at the end of the run Sync selected starts: the held products it releases with
        # nothing to write, and why the other selected products write nothing.
        self._releasing: list[str] = []
        self._idle_lines: list[str] = []

    def _wire_review(self) -> None:
        self.session.review_ready.connect(self._on_review)
        self.session.pull_finished.connect(self._on_pulled)
        self.stripe_edits.use_stripe.connect(self.use_stripe_value)
        self.stripe_edits.overwrite_changed.connect(self.set_overwrite)

    # -- overwrite choices ------------------------------------------------------------------------

    def overwrite_for(self, ids: Iterable[str] | None) -> Overwrite:
        """The overwrite choices for these products (None: all), as the workspace takes them."""
        wanted = None if ids is None else set(ids)
        chosen = {
            pid: frozenset(fields)
            for pid, fields in self.overwrites.items()
            if fields and (wanted is None or pid in wanted)
        }
        return chosen or False

    def set_overwrite(self, product_id: str, field: str, chosen: bool) -> None:
        """Choose whether the next sync of a product overwrites Stripe's edit of one field."""
        fields = self.overwrites.setdefault(product_id, set())
        if chosen:
            fields.add(field)
            self.status.show_message(
                f"The next sync of {self._name(product_id)} overwrites Stripe's edit of "
                f"{field_label(field).lower()} (the plan marks it)."
            )
        else:
            fields.discard(field)
            self.status.show_message(
                f"The next sync of {self._name(product_id)} keeps Stripe's edit of "
                f"{field_label(field).lower()}."
            )
        if not fields:
            del self.overwrites[product_id]

    def clear_overwrites(self) -> None:
        """Forget every choice (another mode or account: other Stripe edits)."""
        self.overwrites.clear()

    # -- Sync selected: review, then the plan dialog --------------------------------------------

    def _on_review(self, review: Review) -> None:
        shown = {r.product_id: r for r in self.model.rows()}
        was_held = {pid for pid in review.ids if (r := shown.get(pid)) is not None and r.held}
        writing = [
            r for r in review.rows if r.plan is not None and r.plan.operations and r.has_local
        ]
        writes = {r.product_id for r in writing}
        releasing = [r for r in review.rows if r.product_id in was_held - writes and r.has_local]
        released = {r.product_id for r in releasing}
        idle = [r for r in review.rows if r.product_id not in writes | released]
        lines = [nothing_to_sync_line(r) for r in idle]
        if writing:
            self.status.show_message(f"{plural(len(writing), 'product')} to review.")
            notes = [(r.product_id, why) for r, why in zip(idle, lines, strict=True)]
            notes += [
                (r.product_id, "nothing to write in Stripe; the sync releases your archive hold")
                for r in releasing
            ]
            plans = [r.plan for r in writing if r.plan is not None]

            def apply(chosen: list[ProductPlan]) -> None:
                ticked = {p.product_id for p in chosen}
                rows = [r for r in writing if r.product_id in ticked] + releasing
                self._sync_rows(rows, releasing, review.overwrite)

            self._show_plan(plans, "Sync", notes=notes, apply=apply)
            return
        if releasing:
            self._sync_rows(releasing, releasing, review.overwrite, lines)
            return
        self._say_nothing_to_sync(lines)

    def _sync_rows(
        self,
        rows: Sequence[ProductRow],
        releasing: Sequence[ProductRow],
        overwrite: Overwrite,
        lines: Sequence[str] = (),
    ) -> None:
        ids = {r.product_id for r in rows}
        self._releasing = [display_name(r) for r in releasing if r.product_id in ids]
        self._idle_lines = list(lines)
        log.info("Sync selected: %s", ", ".join(sorted(ids)))
        self.session.sync_reviewed(list(rows), overwrite)

    def run_note(self) -> str | None:
        """What the run just finished also did (said after its counts), then forgotten."""
        held, self._releasing = self._releasing, []
        idle, self._idle_lines = self._idle_lines, []
        parts = []
        if held:
            parts.append(f"archive hold released on {', '.join(held)} (nothing to write in Stripe)")
        return "; ".join(parts + idle) or None

    def _say_nothing_to_sync(self, lines: list[str]) -> None:
        if not lines:
            self.status.show_message("Nothing to sync: the selected products are gone.")
        elif len(lines) == 1:
            self.status.show_message(f"Nothing to sync — {lines[0]}")
        else:
            self.status.show_message(
                f"Nothing to sync for the {len(lines)} selected products.", details=lines
            )

    # -- Stripe's edits into the catalog ---------------------------------------------------------

    def take_stripe_edits(self) -> None:
        """Take every field edited in Stripe of the selected products into the catalog."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for row in self.selected_rows():
            edited = {d.field for d in changed_in_stripe(row.differences)}
            fields = tuple(sorted(f for f in edited if pullable(f)))
            if row.has_local and fields:
                groups.setdefault(fields, []).append(row.product_id)
        if not groups:
            self.status.show_message("Nothing to take: no selected product was edited in Stripe.")
            return
        self._pull([(ids, list(fields)) for fields, ids in groups.items()])

    def use_stripe_value(self, product_id: str, field: str) -> None:
        """Take Stripe's value of one field of one product into the catalog."""
        self._pull([([product_id], [field])])

    def _pull(self, requests: list[PullRequest]) -> None:
        self.status.show_busy("Taking Stripe's edits into the catalog")
        self._update_actions(busy=True)
        self.session.pull(requests)

    def _on_pulled(self, outcome: PullOutcome) -> None:
        for result in outcome.results:
            for item in result.pulled:  # a pulled field has nothing left to overwrite
                self.set_overwrite_silently(result.id, item.field)
        pulled, refused = pull_lines(outcome.results, self.model.row_for)
        lines = pulled + refused
        head = f"Took {plural(len(pulled), 'edit')} from Stripe into the catalog"
        if refused:
            head += f"; {len(refused)} not taken"
        if outcome.cancelled:
            head = f"Cancelled — {head.lower()}"
        if outcome.error is not None:
            self.status.show_error(head, outcome.error)
            return
        if outcome.refresh_error is not None:
            head += f". The table could not be read again ({describe_error(outcome.refresh_error)})"
            head += ": Refresh (F5) to try again"
        if len(lines) == 1:
            self.status.show_message(f"{head}: {lines[0]}")
        else:
            self.status.show_message(f"{head}.", details=lines)

    def set_overwrite_silently(self, product_id: str, field: str) -> None:
        """Drop an overwrite choice without a message (the field was taken from Stripe)."""
        fields = self.overwrites.get(product_id)
        if fields is not None:
            fields.discard(field)
            if not fields:
                del self.overwrites[product_id]

    def _name(self, product_id: str) -> str:
        row = self.model.row_for(product_id)
        return display_name(row) if row is not None else product_id


def _value(field: str, value: object, currency: str, text: object = None) -> str:
    if isinstance(text, str) and text:
        return text  # the workspace's own words for it (e.g. an amount with its currency)
    if isinstance(value, int) and not isinstance(value, bool) and field.endswith("price"):
        return format_money(value, currency)
    if isinstance(value, str):
        return f"“{value}”"
    return "(none)" if value is None else str(value)


def pull_lines(
    results: Sequence[PullResultLike], row_for: Callable[[str], ProductRow | None]
) -> tuple[list[str], list[str]]:
    """What a pull took and refused, one line per field: 'Lamp: name “Lamp” → “Desk lamp”' and
    "Shade: price not taken: …" (names and currencies as the table showed them)."""
    pulled, refused = [], []
    for result in results:
        row = row_for(result.id)
        name = display_name(row) if row is not None else result.id
        currency = row.currency if row is not None else "usd"
        for item in result.pulled:
            label = field_label(item.field).lower()
            money = getattr(item, "currency", None) or currency
            before = _value(item.field, item.before, money, getattr(item, "before_text", None))
            after = _value(item.field, item.after, money, getattr(item, "after_text", None))
            pulled.append(f"{name}: {label} {before} → {after}")
        for item in result.refused:
            label = field_label(item.field).lower()
            refused.append(f"{name}: {label} not taken: {item.reason}")
    return pulled, refused
