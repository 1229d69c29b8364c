"""Undo and redo of the catalog edits made since the window opened (a `QUndoStack`).

Each saved edit or revert is one `SavedEdit` step, named for the menu ("Undo price of Founder
Edition Controller, black"). Undoing it is another edit through the same workspace call, back to
the values before, checked against the values the step saved (another writer's change since then
makes the undo save nothing and say so) and journaled like any edit; redo saves the step's values
again. The calls run on the session's task runner: `EditUndo` hands them to `run(calls, purpose,
step)`, and the window reports back with `finished(step, ok)`; a step that could not be undone or
redone puts the stack back where it was, without running anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from core.workspace import ChangedField
from gui.session_types import EditCall

WORDS = {
    "name": "name",
    "description": "description",
    "sell_status": "sell status",
    "dev_status": "dev status",
    "is_live": "live flag",
    "base_price_cents": "price",
    "variant_type": "type",
    "variant_value": "value",
    "price_modifier": "price",
    # The optional fields the catalog may own (gui.widgets.optional_field_inputs), in words.
    "url": "web address",
    "images": "images",
    "statement_descriptor": "statement descriptor",
    "unit_label": "unit label",
    "tax_code": "tax code",
    "shippable": "shippable flag",
    "package_dimensions": "package size",
    "marketing_features": "features",
    "tax_behavior": "tax behavior",
}

# Runs the calls for a step: (product id, calls, "undo" or "redo", the step).
RunStep = Callable[[str, list[EditCall], str, "SavedEdit"], None]


def as_typed(value: Any) -> str:
    """A catalog value as `Workspace.edit` takes it back (cents as whole numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def calls_for(changed: Sequence[ChangedField], *, back: bool) -> list[EditCall]:
    """The calls that put the fields to their values before (`back`) or after a step, checked
    against the values the catalog should hold at that point."""
    units: dict[str | None, list[ChangedField]] = {}
    for c in changed:
        units.setdefault(c.variant_id, []).append(c)
    calls = []
    for vid, fields in sorted(units.items(), key=lambda u: u[0] is not None):
        to = {c.field: as_typed(c.before if back else c.after) for c in fields}
        expect = {c.field: c.after if back else c.before for c in fields}
        calls.append(EditCall(vid, to, expect))
    return calls


def step_text(name: str, changed: Sequence[ChangedField], variants: dict[str, str]) -> str:
    """'price of Founder Edition Controller, black' — what the step changed, for the menu."""
    units: dict[str | None, list[str]] = {}
    for c in changed:
        words = units.setdefault(c.variant_id, [])
        word = WORDS.get(c.field, c.field)
        if word not in words:
            words.append(word)
    parts = []
    for vid, words in units.items():
        where = name if vid is None else f"{name}, {variants.get(vid, vid).lower()}"
        parts.append(f"{' and '.join(words)} of {where}")
    return "; ".join(parts) if len(parts) <= 2 else f"{len(changed)} changes to {name}"


class SavedEdit(QUndoCommand):
    """One saved edit or revert of one product; see the module docstring."""

    def __init__(
        self, owner: EditUndo, product_id: str, changed: Sequence[ChangedField], text: str
    ) -> None:
        super().__init__(text)
        self.owner = owner
        self.product_id = product_id
        self.changed = list(changed)
        self._pushed = False

    def undo(self) -> None:
        """Save the values before the step (on the runner)."""
        self.owner.run_step(self, back=True)

    def redo(self) -> None:
        """Save the step's values again; nothing when it is first pushed (already saved)."""
        if not self._pushed:
            self._pushed = True
            return
        self.owner.run_step(self, back=False)


class EditUndo(QObject):
    """The stack, and the Undo and Redo actions (named for the step, off while the window is
    busy or a step runs)."""

    def __init__(self, parent: QWidget, run: RunStep) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self._run = run
        self._quiet = False
        self._running: tuple[SavedEdit, int] | None = None  # the step and the index before it
        self._busy = False
        self.undo = QAction("Undo", parent)
        self.undo.setShortcuts(_keys(QKeySequence.StandardKey.Undo, "Ctrl+Z"))
        self.undo.setStatusTip("Take back the last catalog edit (nothing is written to Stripe)")
        self.redo = QAction("Redo", parent)
        self.redo.setShortcuts(_keys(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"))
        self.redo.setStatusTip("Make the catalog edit taken back again")
        for action in (self.undo, self.redo):
            parent.addAction(action)
        self.undo.triggered.connect(self.stack.undo)
        self.redo.triggered.connect(self.stack.redo)
        self.stack.indexChanged.connect(self._on_index)
        self._update()

    def push(self, product_id: str, changed: Sequence[ChangedField], text: str) -> None:
        """Add a step the window just saved (nothing runs now)."""
        if changed:
            self.stack.push(SavedEdit(self, product_id, changed, text))

    def run_step(self, step: SavedEdit, *, back: bool) -> None:
        """Called by the stack: hand the step's calls to the window to run."""
        if self._quiet:
            return
        before = self.stack.index()  # Qt moves the index after the step ran
        self._running = (step, before)
        self._update()
        purpose = "undo" if back else "redo"
        self._run(step.product_id, calls_for(step.changed, back=back), purpose, step)

    def finished(self, step: object, ok: bool) -> None:
        """The step's calls ran; when they saved nothing, put the stack back."""
        running, self._running = self._running, None
        if running is not None and running[0] is step and not ok:
            self._quiet = True
            try:
                self.stack.setIndex(running[1])
            finally:
                self._quiet = False
        self._update()

    def fail_running(self) -> None:
        """The running step's task failed outright: put the stack back."""
        if self._running is not None:
            self.finished(self._running[0], ok=False)

    def set_busy(self, busy: bool) -> None:
        """Whether the window is working (a step would queue behind the work)."""
        self._busy = busy
        self._update()

    def _on_index(self, _index: int) -> None:
        self._update()

    def _update(self) -> None:
        free = not self._busy and self._running is None
        for action, can, text, verb in (
            (self.undo, self.stack.canUndo(), self.stack.undoText(), "Undo"),
            (self.redo, self.stack.canRedo(), self.stack.redoText(), "Redo"),
        ):
            action.setEnabled(free and can)
            action.setText(f"{verb} {text}" if can and text else verb)


def _keys(standard: QKeySequence.StandardKey, extra: str) -> list[QKeySequence]:
    keys = QKeySequence.keyBindings(standard)
    if QKeySequence(extra) not in keys:
        keys.append(QKeySequence(extra))
    return keys
