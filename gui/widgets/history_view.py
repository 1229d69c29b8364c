"""The History tab: every catalog edit, revert, import, pull and Stripe write of one product, newest
first, each with a "Revert to this" button; and below, each price it has had over time (amount,
from–to, the Stripe price per account and mode).

Reverting takes the catalog back to the values of that entry; nothing is written to Stripe until
the next sync, whose plan shows what the revert means there. The view only asks, through
`revert_requested`; the window does the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.workspace import HistoryEntry, PricePeriod, format_money, plural

KIND_WORDS = {
    "edit": "Edited",
    "revert": "Reverted",
    "import": "Imported",
    "pull": "Taken from Stripe",
    "stripe_write": "Written to Stripe",
}


def when(at: datetime | None) -> str:
    """A moment as the tab shows it (local time, to the minute)."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M") if at is not None else "now"


def entry_text(entry: HistoryEntry) -> str:
    """'Edited by alice:' over 'base_price_cents $45.00 → $50.00' (the journal's own words)."""
    who = f" by {entry.user}" if entry.user else ""
    where = f" ({entry.mode})" if entry.mode else ""
    failed = f" — failed: {entry.error}" if entry.error else ""
    return f"{KIND_WORDS.get(entry.kind, entry.kind)}{where}{who}:\n{entry.summary}{failed}"


def period_amount(period: PricePeriod) -> str:
    """The period's amount in its currency."""
    return format_money(period.amount, period.currency) if period.amount is not None else "?"


class HistoryView(QWidget):
    """The History tab (see the module docstring)."""

    revert_requested = Signal(str, int)  # product id, history entry id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Product history")
        self.product_id: str | None = None
        self._busy = False
        self.buttons: dict[int, QPushButton] = {}
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.entries = QTreeWidget(self)
        self.entries.setAccessibleName("History entries, newest first")
        self.entries.setRootIsDecorated(False)
        self.entries.setWordWrap(True)
        self.entries.setHeaderLabels(["When", "What", ""])
        self.entries.setUniformRowHeights(False)
        self.prices = QTreeWidget(self)
        self.prices.setAccessibleName("Prices over time")
        self.prices.setRootIsDecorated(False)
        self.prices.setHeaderLabels(["Price", "From", "To", "Stripe price", "Mode"])
        for tree in (self.entries, self.prices):
            tree.setAlternatingRowColors(True)
            tree.header().setStretchLastSection(False)
        self.entries.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.entries.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.entries.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(5):
            self.prices.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        prices_box = QWidget(self)
        prices_layout = QVBoxLayout(prices_box)
        prices_layout.setContentsMargins(0, 4, 0, 0)
        prices_title = QLabel("<b>Prices over time</b>", prices_box)
        prices_layout.addWidget(prices_title)
        prices_layout.addWidget(self.prices, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.entries)
        split.addWidget(prices_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        self.show_product(None)

    def show_product(self, product_id: str | None, *, has_local: bool = True) -> None:
        """Follow the selection; the history follows through `set_history`."""
        if product_id == self.product_id and product_id is not None:
            return
        self.product_id = product_id
        self._clear()
        if product_id is None:
            self.caption.setText("Select one product to see its history.")
        elif not has_local:
            self.caption.setText("This product is only in Stripe: it has no catalog history.")
        else:
            self.caption.setText("Loading…")

    def set_history(
        self, product_id: str, entries: Sequence[HistoryEntry], periods: Sequence[PricePeriod]
    ) -> None:
        """Show the product's history (newest first) and its prices over time."""
        if product_id != self.product_id:
            return
        self._clear()
        self.caption.setText(
            f"{plural(len(entries), 'change')}, newest first. “Revert to this” puts the catalog back "
            "to that entry's values; nothing goes to Stripe until the next sync."
        )
        for entry in entries:
            item = QTreeWidgetItem([when(entry.at), entry_text(entry), ""])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            item.setToolTip(1, _tip(entry))
            if entry.error:
                item.setForeground(1, Qt.GlobalColor.red)
            self.entries.addTopLevelItem(item)
            button = QPushButton("Revert to this", self.entries)
            button.setToolTip(f"Put the catalog back to the values of entry #{entry.id}")
            button.setEnabled(not self._busy)
            button.clicked.connect(lambda _=False, e=entry.id: self._revert(e))
            self.entries.setItemWidget(item, 2, button)
            self.buttons[entry.id] = button
        for period in reversed(periods):
            unit = f" · variant {period.variant_id}" if period.variant_id else ""
            item = QTreeWidgetItem(
                [
                    period_amount(period) + unit,
                    when(period.since),
                    when(period.until),
                    period.stripe_price_id or "not recorded",
                    period.mode,
                ]
            )
            item.setToolTip(4, f"Stripe account {period.account_id}")
            self.prices.addTopLevelItem(item)
        if not periods:
            empty = QTreeWidgetItem(["Never sent to Stripe", "", "", "", ""])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.prices.addTopLevelItem(empty)

    def set_busy(self, busy: bool) -> None:
        """While the window works, reverting waits."""
        self._busy = busy
        for button in self.buttons.values():
            button.setEnabled(not busy)

    def entry_texts(self) -> list[str]:
        """What each entry says, top to bottom (for tests and the screenshot)."""
        return [
            self.entries.topLevelItem(i).text(1) for i in range(self.entries.topLevelItemCount())
        ]

    def _clear(self) -> None:
        self.entries.clear()
        self.prices.clear()
        self.buttons = {}

    def _revert(self, entry_id: int) -> None:
        if self.product_id is not None and not self._busy:
            self.revert_requested.emit(self.product_id, entry_id)


def _tip(entry: HistoryEntry) -> str:
    lines = [f"#{entry.id} {entry.at:%Y-%m-%d %H:%M:%S} {entry.operation}"]
    if entry.field:
        lines.append(f"{entry.field}: {_value(entry.before)} → {_value(entry.after)}")
    if entry.stripe_price_id:
        lines.append(f"Stripe price {entry.stripe_price_id}")
    if entry.account_id:
        lines.append(f"{entry.mode} · {entry.account_id}")
    return "\n".join(lines)


def _value(value: Any) -> str:
    return "—" if value is None else str(value)
