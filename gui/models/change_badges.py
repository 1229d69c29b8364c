"""Rows that changed in Stripe, not by this tool, since the operator last looked at them.

Each `ProductRow.stripe_change` is the newest change made to the product or its prices elsewhere
than this tool (the Dashboard, another program), as Stripe's events told the mirror. `ChangeBadges`
remembers which of those the operator has seen: the rows read when a mode opens are the baseline
(nothing marked), and a row whose change is newer than the one last seen is marked until the row
is selected or clicked. The table answers `FRESH_ROLE` (and a bold font) for a marked row and
shows a dot in its first cell (`gui.models.cell_marks`), in the Stripe badge's colour.
Every cell of a row changed elsewhere says how in its tooltip (`change_sentence`).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from core.workspace import ProductRow, StripeChange

FRESH_ROLE = Qt.ItemDataRole.UserRole + 8  # whether the row changed in Stripe since last looked at

FRESH_TIP = "Changed in Stripe since you last looked at it: select it to clear the mark."


def change_sentence(change: StripeChange) -> str:
    """E.g. "Changed in Stripe at 14:02, not by this tool: name (was 'Desk Lamp')."."""
    words = change.describe()
    return words[:1].upper() + words[1:] + "."


def _key(change: StripeChange) -> str:
    return change.event_id or f"{change.id}@{change.at.isoformat()}"


class ChangeBadges:
    """Which products changed in Stripe (not by this tool) since the operator last looked."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}  # product id -> the newest change known
        self._fresh: set[str] = set()
        self._baseline = True
        self._bold: QFont | None = None

    @property
    def fresh(self) -> frozenset[str]:
        """The products marked now."""
        return frozenset(self._fresh)

    def is_fresh(self, product_id: str) -> bool:
        """Whether this product is marked."""
        return product_id in self._fresh

    def reset(self) -> None:
        """Forget everything (another mode, another account): the next rows are the baseline."""
        self._seen.clear()
        self._fresh.clear()
        self._baseline = True

    def update(self, rows: Iterable[ProductRow]) -> set[str]:
        """Take the rows just read: mark each whose change elsewhere is new since the last rows
        (none the first time). Returns the products whose mark came or went."""
        flipped: set[str] = set()
        for row in rows:
            pid, change = row.product_id, row.stripe_change
            if change is None:
                self._seen.pop(pid, None)
                if pid in self._fresh:
                    self._fresh.discard(pid)
                    flipped.add(pid)
                continue
            key = _key(change)
            if self._seen.get(pid) != key and not self._baseline and pid not in self._fresh:
                self._fresh.add(pid)
                flipped.add(pid)
            self._seen[pid] = key
        self._baseline = False
        return flipped

    def look(self, product_ids: Iterable[str]) -> set[str]:
        """The operator looked at these products: clear their marks; returns those cleared."""
        cleared = self._fresh.intersection(product_ids)
        self._fresh -= cleared
        return cleared

    def font(self, row: ProductRow) -> QFont | None:
        """Bold for a marked row (None: the table's font)."""
        if row.product_id not in self._fresh:
            return None
        if self._bold is None:
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold

    def tooltip(self, row: ProductRow, column: int, base: str | None) -> str | None:
        """A cell's tooltip with how the product changed in Stripe (and, on the first cell of a
        marked row, what the mark means)."""
        lines = [base] if base else []
        if row.stripe_change is not None:
            lines.append(change_sentence(row.stripe_change))
        if column == 0 and row.product_id in self._fresh:
            lines.append(FRESH_TIP)
        return "\n".join(lines) or None
