"""What the window says about its connection: title, mode banner, account label and the message in
an empty table. Connecting, connected to an account, or not connected and why, in plain words."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QWidget

from core.workspace import AccountInfo, Mode
from gui.actions import MODE_LABELS
from gui.widgets.mode_banner import ModeBanner
from gui.widgets.status_panel import describe_error
from gui.widgets.table_placeholder import TablePlaceholder

APP_TITLE = "Stripe Sync Admin"


def short_reason(exc: object) -> str:
    """An error's message without its hint, for the title and the account label."""
    message = getattr(exc, "message", None)
    text = str(message if message else exc).strip() or type(exc).__name__
    return text.rstrip(".")


class ConnectionView:
    """Keeps the title, banner, account label and table message in step with the connection."""

    def __init__(
        self,
        window: QWidget,
        banner: ModeBanner,
        account_label: QLabel,
        placeholder: TablePlaceholder,
    ) -> None:
        self._window = window
        self._banner = banner
        self._label = account_label
        self._placeholder = placeholder
        self.not_connected: str | None = None  # why there is no account, in plain words

    def connecting(self, mode: Mode) -> None:
        """A workspace for `mode` is being opened."""
        self.not_connected = None
        self._banner.set_mode(mode, None)
        self._placeholder.show_text("")
        self._label.setText("connecting…")
        self._title(mode, None)

    def connected(self, mode: Mode, account: AccountInfo, session_key: bool) -> None:
        """Connected to `account` (its key perhaps held for this session only)."""
        self.not_connected = None
        self._banner.set_mode(mode, account, session_key=session_key)
        self._placeholder.show_text("")
        self._label.setText(f"<b>{escape(account.name)}</b> · {escape(account.id)}")
        self._title(mode, account)

    def lost(self, mode: Mode, exc: object) -> None:
        """Opening or resetting failed (`exc`) or was cancelled (None)."""
        reason = "cancelled" if exc is None else short_reason(exc)
        self.not_connected = reason
        self._banner.set_mode(mode, None, not_connected=reason)
        self._label.setText(f"<i>not connected: {escape(reason)}</i>")
        full = "Opening was cancelled." if exc is None else describe_error(exc)
        self._placeholder.show_text(
            f"<p><b>Not connected to {MODE_LABELS[mode]} mode.</b></p>"
            f"<p>{escape(full)}</p><p>Refresh (F5) tries again.</p>"
        )
        self._title(mode, None)

    def _title(self, mode: Mode, account: AccountInfo | None) -> None:
        if account is not None:
            who = account.name
        elif self.not_connected is not None:
            who = f"not connected: {self.not_connected}"
        else:
            who = "connecting…"
        if mode == "live":
            self._window.setWindowTitle(f"{APP_TITLE} — {who} — LIVE")
        else:
            self._window.setWindowTitle(f"{APP_TITLE} — {who} ({MODE_LABELS[mode]})")
