"""A banner under the toolbar saying which mode the window is in; red and loud in live mode.

Under the mode, a notice when the table is not what Stripe holds now: Stripe could not be read at
all (the catalog is listed, its Stripe side unknown) or a refresh failed (the rows are those of an
older read). It says why and what to do, with "Enter keys…" and "Try again" where they fit.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.workspace import AccountInfo, Mode
from gui.theme import LIVE_RED, is_dark

SESSION_KEY_NOTE = (
    "<b>Key kept for this session only</b> (the keyring is not available): it is forgotten when "
    "the tool closes."
)


class ModeBanner(QWidget):
    """Shows the mode and account; `is_live` tells whether the live warning is up. A notice under
    it (`set_notice`) says why the table is not current; its buttons ask for `keys_wanted` and
    `retry_wanted`."""

    keys_wanted = Signal()
    retry_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Mode banner")
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setAccessibleName("Why the table is not current")
        self.keys_button = QPushButton("Enter keys…", self)
        self.keys_button.setToolTip("Add or replace the Stripe key for this mode (Ctrl+K)")
        self.keys_button.clicked.connect(self.keys_wanted)
        self.retry_button = QPushButton("Try again", self)
        self.retry_button.setToolTip("Read the catalog and Stripe again (F5)")
        self.retry_button.clicked.connect(self.retry_wanted)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.label)
        texts.addWidget(self.notice)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(texts, 1)
        layout.addWidget(self.keys_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._notice_plain = ""
        self.clear_notice()
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.is_live = False
        self.session_key = False
        self.set_mode("sandbox", None)

    def set_mode(
        self,
        mode: Mode,
        account: AccountInfo | None,
        *,
        not_connected: str | None = None,
        session_key: bool = False,
    ) -> None:
        """Show the banner for this mode and account. Without an account it says "connecting…",
        or "not connected: <reason>" when `not_connected` gives the reason. `session_key` adds
        that the mode's key is kept for this session only."""
        self.is_live = mode == "live"
        # The application's palette: this widget's own palette is the one its style sheet made
        # (a dark test banner would otherwise keep the next banner dark in a light theme).
        dark = is_dark(QApplication.palette())
        if account is not None:
            who = f"{escape(account.name)} ({escape(account.id)})"
        elif not_connected is not None:
            who = f"<b>not connected</b>: {escape(not_connected)}"
        else:
            who = "connecting…"
        if mode == "live":
            text = (
                f"<b>LIVE MODE</b> — {who}. Every write changes real products that real "
                "customers can buy."
            )
            style = f"background:{LIVE_RED}; color:white; font-size:11pt;"
        elif mode == "test":
            text = f"<b>Test mode</b> — {who}. Stripe test data only; no real money moves."
            style = "background:#3a3000; color:#ffe9a6;" if dark else "background:#fff4d6;"
        else:
            text = (
                f"<b>Sandbox</b> — {who}. A local stand-in for Stripe: nothing leaves this "
                "computer. Switch to Test or Live and add a key with Keys… to work on Stripe."
            )
            style = "background:#0d2a45; color:#d6ebff;" if dark else "background:#e3f1fd;"
        if session_key and mode != "sandbox":
            text += f"<br>{SESSION_KEY_NOTE}"
        self.session_key = session_key and mode != "sandbox"
        self.setStyleSheet(f"ModeBanner {{ {style} }} QLabel {{ {style} }}")
        self.label.setText(text)

    def set_notice(self, html: str, plain: str, *, keys: bool = False, retry: bool = True) -> None:
        """Say under the mode why the table is not current (`html`; `plain`: the same words as
        plain text), with "Enter keys…" (`keys`) and "Try again" (`retry`) beside it."""
        self._notice_plain = plain
        self.notice.setText(html)
        self.notice.setVisible(bool(html))
        self.keys_button.setVisible(bool(html) and keys)
        self.retry_button.setVisible(bool(html) and retry)

    def clear_notice(self) -> None:
        """The table is current (or being read): no notice."""
        self.set_notice("", "")

    def notice_text(self) -> str:
        """The notice as plain text ("" when there is none)."""
        return self._notice_plain
