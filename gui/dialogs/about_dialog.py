"""Help ▸ About: the version, the tool's licence (MIT) and the Qt for Python licence note the
LGPL asks for (which libraries, their licence, where to read it, that they may be replaced)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

DIST = "stripe-sync-admin"
QT_LICENSING = "https://www.qt.io/licensing"


def app_version() -> str:
    """The installed version of stripe-sync-admin ("unknown" when run from an uninstalled tree)."""
    try:
        return version(DIST)
    except PackageNotFoundError:
        return "unknown"


def about_html() -> str:
    """The About text, as rich text."""
    return (
        f"<h3>Stripe Sync Admin {app_version()}</h3>"
        "<p>Keeps your own product catalog mirrored in Stripe, safely.</p>"
        "<p>Stripe Sync Admin is free software under the <b>MIT licence</b>.</p>"
        f"<p>It uses Qt for Python (PySide6 {PySide6.__version__}) and the Qt libraries "
        f"({qVersion()}), used under the <b>GNU Lesser General Public License version 3</b> "
        f'(LGPLv3); see <a href="{QT_LICENSING}">{QT_LICENSING}</a>. They are separate '
        "libraries, not changed by this tool: you may replace them with another compatible "
        "version of your own, for example by installing another PySide6 into the same Python "
        "environment.</p>"
    )


class AboutDialog(QDialog):
    """The version and the licences; links open in the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Stripe Sync Admin")
        layout = QVBoxLayout(self)
        self.text = QLabel(about_html(), self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setMinimumWidth(460)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
