"""Under the detail pane: the selected product's fields edited in Stripe since the last sync, each
with the two ways out — take Stripe's value into the catalog, or let the next sync overwrite it.

A hand edit in Stripe is never overwritten silently: by default a sync keeps it. "Use Stripe's
value" asks the window to pull that one field; "Overwrite Stripe's edit" is a choice kept for this
session that the window passes to the next plan and sync of the product.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.workspace import FieldDiff, ProductRow
from gui.models.change_marks import change_line, changed_in_stripe, field_label, pullable


class StripeEditsBox(QFrame):
    """Lists the Stripe edits of one product with a button pair per field.

    `use_stripe(product_id, field)`: take Stripe's value into the catalog.
    `overwrite_changed(product_id, field, chosen)`: the next sync overwrites (or keeps) the edit.
    """

    use_stripe = Signal(str, str)
    overwrite_changed = Signal(str, str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Edits made in Stripe")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._grid_host)
        self._row: ProductRow | None = None
        self._busy = False
        self.use_buttons: dict[str, QPushButton] = {}
        self.overwrite_buttons: dict[str, QPushButton] = {}
        self.hide()

    def set_row(
        self, row: ProductRow | None, overwrite: set[str] | frozenset[str] = frozenset()
    ) -> None:
        """Show the Stripe edits of `row` (hidden when there are none); `overwrite`: the fields
        the operator chose to overwrite at the next sync."""
        self._row = row
        self._clear()
        edits = changed_in_stripe(row.differences) if row is not None and row.has_local else []
        if row is None or not edits:
            self.hide()
            return
        self.title.setText(
            "<b>Edited in Stripe since the last sync.</b> Syncing keeps these edits unless you "
            "choose to overwrite them; or take them into the catalog."
        )
        for line, diff in enumerate(edits):
            self._add(line, row, diff, diff.field in overwrite)
        self.set_busy(self._busy)
        self.show()

    def set_busy(self, busy: bool) -> None:
        """Disable the buttons while a task runs (a pull would queue behind it)."""
        self._busy = busy
        for button in self.overwrite_buttons.values():
            button.setEnabled(not busy)
        for button in self.use_buttons.values():
            button.setEnabled(not busy and bool(button.property("pullable")))

    def _add(self, line: int, row: ProductRow, diff: FieldDiff, overwrite: bool) -> None:
        label = QLabel(
            f"<b>{escape(field_label(diff.field))}</b>: "
            f"{escape(change_line(diff, row.last_synced_at) or '')}",
            self._grid_host,
        )
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        use = QPushButton("Use Stripe's value", self._grid_host)
        use.setToolTip(
            f"Write Stripe's {field_label(diff.field).lower()} into the catalog (Stripe is not "
            "changed; the journal keeps the old value)"
        )
        use.clicked.connect(lambda: self.use_stripe.emit(row.product_id, diff.field))
        use.setProperty("pullable", pullable(diff.field))
        if not pullable(diff.field):
            use.setToolTip("The catalog cannot take this field from Stripe.")
        over = QPushButton("Overwrite Stripe's edit", self._grid_host)
        over.setCheckable(True)
        over.setChecked(overwrite)
        over.setToolTip(
            "The next sync of this product writes the catalog's value over the edit made in "
            "Stripe (the plan marks that write). Click again to keep the edit."
        )
        over.toggled.connect(
            lambda chosen: self.overwrite_changed.emit(row.product_id, diff.field, chosen)
        )
        self._grid.addWidget(label, line, 0)
        self._grid.addWidget(use, line, 1)
        self._grid.addWidget(over, line, 2)
        self._grid.setColumnStretch(0, 1)
        self.use_buttons[diff.field] = use
        self.overwrite_buttons[diff.field] = over

    def _clear(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.use_buttons = {}
        self.overwrite_buttons = {}
