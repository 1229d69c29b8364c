"""The status bar's right-hand corner: when Stripe was last checked, and how.

"Stripe checked 14:02:05 — events: 2 changes", "… — full read", "… — full read, because
events could not be read with this key: give it 'Events: Read' …", or, in the error colour,
"Stripe could not be checked at 14:02:05: …" (the rows shown stay those of the check before).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from core.workspace import StripeRefresh
from gui.session_refresh import Checked
from gui.widgets.status_panel import ERROR_RED, describe_error

HOW_TIP = (
    "Refresh (F5) reads what changed in Stripe since; Refresh all (Shift+F5) reads everything "
    "in Stripe again."
)


def how(refresh: StripeRefresh) -> str:
    """How Stripe's side was brought up to date, in a few words."""
    if not refresh.full:
        return refresh.summary  # "events: 2 changes"
    if refresh.reason:
        return f"full read, because {refresh.reason}"
    if refresh.notice:
        words = refresh.notice.rstrip(".")
        return f"full read: {words[:1].lower()}{words[1:]}"
    return "full read"


def checked_text(checked: Checked) -> str:
    """The corner's words for one check (plain text)."""
    at = checked.at.strftime("%H:%M:%S")
    if checked.error is not None:
        return f"Stripe could not be checked at {at}: {describe_error(checked.error)}"
    if checked.refresh is None:
        return f"Stripe checked {at}"
    return f"Stripe checked {at} — {how(checked.refresh)}"


class StripeCheckedLabel(QLabel):
    """Says when Stripe was last checked and how (`show_checked`); empty until the first check."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("When Stripe was last checked")
        self.setContentsMargins(8, 0, 4, 0)
        self._plain = ""

    def show_checked(self, checked: Checked) -> None:
        """Show one check (a failed one in the error colour)."""
        self._plain = checked_text(checked)
        html = escape(self._plain)
        if checked.error is not None:
            html = f'<span style="color:{ERROR_RED}">{html}</span>'
        self.setText(html)
        self.setToolTip(f"{self._plain}\n{HOW_TIP}")

    def clear_checked(self) -> None:
        """Nothing is known (no workspace is open)."""
        self._plain = ""
        self.setText("")
        self.setToolTip("")

    def plain_text(self) -> str:
        """What the corner says, as plain text."""
        return self._plain
