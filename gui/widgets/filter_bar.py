"""The filter bar: a search field over id, name and variants, and a state filter with counts.
Esc in the search field clears it (and, when it is empty, goes on to Cancel)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from core.workspace import ProductRow
from gui.models.product_filter import STATE_FILTERS
from gui.models.row_prep import summarize


class FilterBar(QWidget):
    """Emits `text_changed` and `state_changed` (a STATE_FILTERS key) as the operator filters."""

    text_changed = Signal(str)
    state_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search product id, name or variant…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search products")
        self.search.setToolTip("Search by product id, name, variant id or value (Esc clears it)")
        self.search.installEventFilter(self)
        self.state = QComboBox(self)
        self.state.setAccessibleName("State filter")
        self.state.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, label in STATE_FILTERS.items():
            self.state.addItem(label, key)
        self.shown = QLabel(self)
        self.shown.setMinimumWidth(120)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.search, 3)
        label = QLabel("&Show:", self)
        label.setBuddy(self.state)
        layout.addWidget(label)
        layout.addWidget(self.state)
        layout.addWidget(self.shown)
        self.search.textChanged.connect(self.text_changed)
        self.state.currentIndexChanged.connect(
            lambda _index: self.state_changed.emit(self.current_state())
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in a search field with text clears it. The window's Esc (Cancel) is a shortcut,
        which would take the key first: the override claims it for the field."""
        if watched is self.search and _plain_escape(event) and self.search.text():
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def current_state(self) -> str:
        """The selected state filter key."""
        return str(self.state.currentData())

    def set_state(self, key: str) -> None:
        """Select a state filter (emits state_changed when it changes)."""
        index = self.state.findData(key)
        if index < 0:
            raise ValueError(f"unknown state filter {key!r}")
        self.state.setCurrentIndex(index)

    def set_counts(self, rows: Sequence[ProductRow]) -> None:
        """Show how many products each state filter would keep (counted with prepared rows, on
        the worker: `row_prep.summarize`)."""
        summary = summarize(rows)
        for i, (key, label) in enumerate(STATE_FILTERS.items()):
            count = summary.total if key == "all" else summary.counts.get(key, 0)
            self.state.setItemText(i, f"{label} ({count})")

    def set_shown(self, shown: int, total: int) -> None:
        """Say how many of the products the table shows."""
        self.shown.setText(f"{shown} of {total} shown" if shown != total else f"{total} products")


def _plain_escape(event: QEvent) -> bool:
    """Whether a key event is Esc without Ctrl, Alt or Shift."""
    plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Escape
        and event.modifiers() in plain
    )
