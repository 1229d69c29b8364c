"""The session's catalog edits: checking an edit as it is typed (a dry run, in the background),
saving it, undoing or redoing it, and reverting to a history entry. All of them change the catalog
only, never Stripe; a save then reads the table again, so the row shows its differences.

A save is checked whole first (every call dry-run against the row as it was loaded), so a refused
value or another writer's change saves nothing; only then is each call saved (one transaction
each: the product's own fields, then each variant's).

`EditFlows` is mixed into `gui.session.Session`, which owns the `edit_checked` and `edit_saved`
signals, the runner, the task plumbing (`_start`) and the workspace (on the pool thread only).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from PySide6.QtCore import SignalInstance

from core.errors import StripeUnavailableError, SyncAdminError
from core.workspace import EditResult, InvalidEditError, ProductRow
from gui.session_types import EditCall, EditCheck, EditOutcome, WorkspaceLike
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

# The catalog column a rule names → the field the maker typed it in.
FORM_FIELDS = {"base_price_cents": "base_price", "price_modifier": "price"}
_VARIANT_PREFIX = re.compile(r"^variant [^:]*: ")


def problem_key(variant_id: str | None, field: str) -> tuple[str | None, str]:
    """Where a problem the workspace names belongs in the form: (variant id, form field)."""
    field = _VARIANT_PREFIX.sub("", field)
    return variant_id, FORM_FIELDS.get(field, field)


class EditFlows:
    """`check_edit` → `edit_checked(EditCheck)`; `save_edit` and `revert_to` →
    `edit_saved(EditOutcome)`, then the rows read back."""

    # Provided by Session.
    edit_checked: SignalInstance
    edit_saved: SignalInstance
    runner: TaskRunner
    shutting_down: bool
    _ws: WorkspaceLike | None
    _start: Callable[..., Task | None]
    _workspace: Callable[[], WorkspaceLike]
    _on_rows: Callable[[list[ProductRow]], None]

    def check_edit(self, product_id: str, calls: Sequence[EditCall], token: int) -> None:
        """Dry-run the edit in the background (nothing is saved): `edit_checked` says what the
        row rules refuse, field by field. It does not make the window busy."""
        if self.shutting_down:
            return
        wanted = list(calls)

        def work(task: Task) -> EditCheck:
            ws = self._ws
            if ws is None:
                return EditCheck(product_id, token, error=RuntimeError("No workspace is open."))
            problems: dict[tuple[str | None, str], str] = {}
            try:
                for call in wanted:
                    try:
                        ws.edit(product_id, call.changes, variant_id=call.variant_id, dry_run=True)
                    except InvalidEditError as err:
                        for p in err.problems:
                            problems.setdefault(problem_key(call.variant_id, p.field), p.message)
            except SyncAdminError as exc:
                return EditCheck(product_id, token, problems, error=exc)
            return EditCheck(product_id, token, problems)

        task = Task(work, name="Checking the edit", foreground=False)
        task.signals.succeeded.connect(self.edit_checked)
        task.signals.failed.connect(lambda exc: log.warning("Checking an edit failed: %s", exc))
        self.runner.start(task)

    def save_edit(
        self,
        product_id: str,
        calls: Sequence[EditCall],
        *,
        purpose: str = "save",
        token: object = None,
    ) -> None:
        """Save the edit (checked whole first: nothing is saved when a call would be refused),
        then read the table again. Writes nothing to Stripe."""
        wanted = [c for c in calls if c.changes]
        if not wanted:
            return

        def work(task: Task) -> EditOutcome:
            ws = self._workspace()
            results: list[EditResult] = []
            at = 0
            try:
                for at in range(len(wanted)):
                    call = wanted[at]
                    ws.edit(product_id, call.changes, **_options(call), dry_run=True)
                for at in range(len(wanted)):
                    call = wanted[at]
                    results.append(ws.edit(product_id, call.changes, **_options(call)))
            except SyncAdminError as exc:
                return self._reread(
                    ws, EditOutcome(product_id, purpose, wanted, results, exc, at, token=token)
                )
            return self._reread(ws, EditOutcome(product_id, purpose, wanted, results, token=token))

        verb = {"undo": "Undoing", "redo": "Redoing"}.get(purpose, "Saving")
        self._start(work, f"{verb} the edit of {product_id}", self._on_edited, "Could not save")

    def revert_to(self, product_id: str, entry_id: int) -> None:
        """Take the catalog back to a history entry's values (nothing to Stripe), then read the
        table again."""

        def work(task: Task) -> EditOutcome:
            ws = self._workspace()
            outcome = EditOutcome(product_id, "revert", [], token=entry_id)
            try:
                outcome.results.append(ws.revert(product_id, entry_id))
            except SyncAdminError as exc:
                outcome = EditOutcome(product_id, "revert", [], error=exc, token=entry_id)
            return self._reread(ws, outcome)

        name = f"Reverting {product_id} to entry #{entry_id}"
        self._start(work, name, self._on_edited, "Could not revert")

    def _reread(self, ws: WorkspaceLike, outcome: EditOutcome) -> EditOutcome:  # pool thread
        if not outcome.changed:
            return outcome
        try:
            rows = ws.status()
        except (StripeUnavailableError, SyncAdminError) as exc:
            return _with(outcome, refresh_error=exc)
        return _with(outcome, rows=rows)

    def _on_edited(self, outcome: EditOutcome) -> None:
        self.edit_saved.emit(outcome)
        if outcome.rows is not None:
            self._on_rows(outcome.rows)


def _options(call: EditCall) -> dict[str, object]:
    return {"variant_id": call.variant_id, "expect": call.expect}


def _with(outcome: EditOutcome, **changes: object) -> EditOutcome:
    return replace(outcome, **changes)  # type: ignore[arg-type]
