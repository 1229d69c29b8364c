"""The help page F1 opens: modes and keys, what each state and change mark means, what a sync
writes, adopt, pull and test before live. Offline: rich text from `resources/help.html`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

HELP_FILE = Path(__file__).resolve().parents[2] / "resources" / "help.html"


def help_html() -> str:
    """The help page's rich text (a short note if the file is missing from this installation)."""
    try:
        return HELP_FILE.read_text(encoding="utf-8")
    except OSError:
        return (
            "<p>The help page is missing from this installation "
            f"(<code>{HELP_FILE}</code>). Reinstalling Stripe Sync Admin brings it back.</p>"
        )


class HelpDialog(QDialog):
    """A window beside the main one (not modal): the help page, links open in the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stripe Sync Admin — Help")
        self.resize(720, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setAccessibleName("Help")
        self.browser.setHtml(help_html())
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
