"""What the window says about its connection: title, mode banner, account label and the message in
an empty table. Connecting, connected to an account, or not connected and why, in plain words; when
the catalog is listed without Stripe, the banner's notice says why Stripe's side is unknown and
what to do; after a failed refresh, how old the rows shown are."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QWidget

from core.errors import ConfigurationError, StripeAuthError, StripePermissionError
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


def needs_key(exc: object) -> bool:
    """Whether a failed open is about the key (none, a locked keyring, refused or too weak), so
    Keys… is what the operator needs."""
    return isinstance(exc, ConfigurationError | StripeAuthError | StripePermissionError)


def unknown_notice(mode: Mode, exc: object, count: int) -> str:
    """Why Stripe's side is unknown while the catalog is listed, and what to do (plain text)."""
    why = "Opening was cancelled. Try again reads Stripe." if exc is None else describe_error(exc)
    listed = f"{count} product{'' if count == 1 else 's'}"
    return (
        f"Stripe ({MODE_LABELS[mode]} mode) could not be read: {why} Your catalog ({listed}) is "
        "listed: it is kept on this computer. What Stripe holds is unknown until it can be read, "
        "so syncing, archiving, taking Stripe's edits and editing wait until then."
    )


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
        self._banner.clear_notice()
        self._placeholder.show_text("")
        self._label.setText("connecting…")
        self._title(mode, None)

    def connected(self, mode: Mode, account: AccountInfo, session_key: bool) -> None:
        """Connected to `account` (its key perhaps held for this session only)."""
        self.not_connected = None
        self._banner.set_mode(mode, account, session_key=session_key)
        self._banner.clear_notice()
        self._placeholder.show_text("")
        self._label.setText(f"<b>{escape(account.name)}</b> · {escape(account.id)}")
        self._title(mode, account)

    def lost(self, mode: Mode, exc: object) -> None:
        """Opening or resetting failed (`exc`) or was cancelled (None)."""
        reason = "cancelled" if exc is None else short_reason(exc)
        self.not_connected = reason
        self._banner.set_mode(mode, None, not_connected=reason)
        self._banner.clear_notice()
        self._label.setText(f"<i>not connected: {escape(reason)}</i>")
        full = "Opening was cancelled." if exc is None else describe_error(exc)
        self._placeholder.show_text(
            f"<p><b>Not connected to {MODE_LABELS[mode]} mode.</b></p>"
            f"<p>{escape(full)}</p><p>Refresh (F5) tries again.</p>"
        )
        self._title(mode, None)

    def catalog_only(self, mode: Mode, exc: object, count: int) -> None:
        """The catalog is listed without Stripe (opening failed with `exc`, or was cancelled:
        None): the banner's notice says why and what to do; the table's message gives way."""
        plain = unknown_notice(mode, exc, count)
        self._banner.set_notice(
            f"<b>Stripe's side is unknown.</b> {escape(plain)}",
            f"Stripe's side is unknown. {plain}",
            keys=mode != "sandbox" and needs_key(exc),
        )
        self._placeholder.show_text("")

    def stale(self, text: str) -> None:
        """A refresh failed (`text` says when, why and how old the rows are); "" once one works."""
        if not text:
            self._banner.clear_notice()
            return
        self._banner.set_notice(f"<b>Not current.</b> {escape(text)}", f"Not current. {text}")

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
