"""Filling the plan dialog's tree a few products per event-loop turn.

Creating the items of a 1,000-product plan (a line per product, a line per write under it) in one
go kept the window from painting for 100-250 ms (benchmarks/gui_bench.py). `TreeFill` puts the
first `FIRST` products in the tree at once (a small plan is complete right away, as before) and
the rest `CHUNK` per turn, each expanded as it arrives. `finish()` puts the rest in now: call it
before reading or changing the ticks. The items are made as before (`plan_rows.product_item`, and
`note_item` here, moved from the dialog unchanged), so their text is the same either way; it is
wrapped to the column only when drawn (`plan_rows.WrapToColumn`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from gui.dialogs.plan_rows import set_wrapped

CHUNK = 100  # products per event-loop turn (about 10 ms of work)
# Products put in at once: more than a screenful, while the dialog itself is made in that turn.
FIRST = 30


def note_item(title: str, why: str) -> QTreeWidgetItem:
    """A selected product with nothing to write: greyed, cannot be ticked, with the reason."""
    note = QTreeWidgetItem([title, ""])
    set_wrapped(note, why)
    note.setToolTip(0, title)
    note.setFlags(note.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
    note.setDisabled(True)
    return note


class TreeFill(QObject):
    """Adds the items `makers` make to `tree`, `CHUNK` per event-loop turn after the first."""

    def __init__(self, tree: QTreeWidget, makers: Sequence[Callable[[], QTreeWidgetItem]]) -> None:
        super().__init__(tree)
        self._tree = tree
        self._makers = list(makers)
        self._next = 0
        self._then: list[Callable[[], None]] = []
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._step)
        self._add(FIRST)
        if self.pending:
            self._turn.start()

    @property
    def pending(self) -> bool:
        """Whether some items are still to come."""
        return self._next < len(self._makers)

    def when_done(self, then: Callable[[], None]) -> None:
        """Run `then()` once every item is in the tree (now, if they already are)."""
        if self.pending:
            self._then.append(then)
        else:
            then()

    def finish(self) -> None:
        """Put every remaining item in the tree now."""
        if self.pending:
            self._turn.stop()
            self._add(len(self._makers))
            self._done()

    def _step(self) -> None:
        self._add(CHUNK)
        if self.pending:
            self._turn.start()
        else:
            self._done()

    def _add(self, count: int) -> None:
        makers = self._makers[self._next : self._next + count]
        self._next += len(makers)
        items = [make() for make in makers]
        self._tree.addTopLevelItems(items)
        for item in items:
            item.setExpanded(True)

    def _done(self) -> None:
        then, self._then = self._then, []
        for call in then:
            call()
