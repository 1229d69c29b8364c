"""The status bar's right-hand corner: when Stripe was last checked, and how.

"Stripe checked 14:02:05 — events: 2 changes", "… — full read", "… — full read, because
events could not be read with this key: give it 'Events: Read' …", or, in the error colour,
"Stripe could not be checked at 14:02:05: …" (the rows shown stay those of the check before).

While the last check failed, `stale_changed` carries what the window's notice says until a check
works again: "Couldn't reach Stripe at 14:02 (…). The table shows Stripe as of 13:58, 4 minutes
ago. Refresh (F5) tries again." The age is told again every `AGE_TICK_MS`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from core.errors import StripeUnavailableError
from core.workspace import StripeRefresh
from gui.connection_view import short_reason
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


AGE_TICK_MS = 30_000  # how often the notice's "4 minutes ago" is worked out again


def age_words(age: timedelta) -> str:
    """How long ago, in words: "less than a minute ago", "4 minutes ago", "2 hours ago"."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 1:
        return "less than a minute ago"
    size, unit = next(
        (s, u) for s, u in ((24 * 60, "day"), (60, "hour"), (1, "minute")) if minutes >= s
    )
    count = minutes // size
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def _clock(at: datetime, now: datetime) -> str:
    return at.strftime("%H:%M" if at.date() == now.date() else "%Y-%m-%d %H:%M")


def stale_text(failed: Checked, last_ok: datetime | None, now: datetime) -> str:
    """What the window says after a failed check (`failed`) while it shows the rows of the last
    check that worked (`last_ok`; None: not known)."""
    what = "Couldn't reach Stripe"
    if not isinstance(failed.error, StripeUnavailableError):
        what = "Couldn't refresh"
    text = f"{what} at {_clock(failed.at, now)} ({short_reason(failed.error)})."
    if last_ok is not None:
        age = age_words(now - last_ok)
        text += f" The table shows Stripe as of {_clock(last_ok, now)}, {age}."
    else:
        text += " The table shows Stripe as it was last read."
    return f"{text} Refresh (F5) tries again."


def checked_text(checked: Checked) -> str:
    """The corner's words for one check (plain text)."""
    at = checked.at.strftime("%H:%M:%S")
    if checked.error is not None:
        return f"Stripe could not be checked at {at}: {describe_error(checked.error)}"
    if checked.refresh is None:
        return f"Stripe checked {at}"
    return f"Stripe checked {at} — {how(checked.refresh)}"


class StripeCheckedLabel(QLabel):
    """Says when Stripe was last checked and how (`show_checked`); empty until the first check.
    `stale_changed(text)`: what to say while the last check failed ("" once one works)."""

    stale_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName("When Stripe was last checked")
        self.setContentsMargins(8, 0, 4, 0)
        self._plain = ""
        self._last_ok: datetime | None = None  # the last check that worked
        self._failed: Checked | None = None  # the last check, while it failed
        self._ages = QTimer(self)
        self._ages.setInterval(AGE_TICK_MS)
        self._ages.timeout.connect(self._tell_stale)

    def show_checked(self, checked: Checked) -> None:
        """Show one check (a failed one in the error colour)."""
        self._plain = checked_text(checked)
        html = escape(self._plain)
        if checked.error is not None:
            html = f'<span style="color:{ERROR_RED}">{html}</span>'
        self.setText(html)
        self.setToolTip(f"{self._plain}\n{HOW_TIP}")
        if checked.error is None:
            self._last_ok, self._failed = checked.at, None
            self._ages.stop()
        else:
            self._failed = checked
            self._ages.start()
        self._tell_stale()

    def clear_checked(self) -> None:
        """Nothing is known (no workspace is open)."""
        self._plain = ""
        self.setText("")
        self.setToolTip("")
        self._last_ok = self._failed = None
        self._ages.stop()
        self._tell_stale()

    def stale_text(self, now: datetime | None = None) -> str:
        """What to say while the last check failed (see `stale_text`); "" when it worked."""
        if self._failed is None:
            return ""
        return stale_text(self._failed, self._last_ok, now or datetime.now())

    def _tell_stale(self) -> None:
        self.stale_changed.emit(self.stale_text())

    def plain_text(self) -> str:
        """What the corner says, as plain text."""
        return self._plain
