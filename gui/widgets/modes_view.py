"""The detail pane's Test vs Live tab: when the product was last synced to test and to live mode
of the account, and the fields whose last-written values differ between the two."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.workspace import ModeComparison
from gui.session_types import Detail


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "never"  # type: ignore[attr-defined]


class ModesView(QWidget):
    """Test vs Live for the selected product (test and live mode only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.show_modes(None)

    def show_detail(self, detail: Detail) -> None:
        """Show the comparison the detail load brought (none in sandbox mode)."""
        self.show_modes(detail.modes)

    def show_modes(self, modes: ModeComparison | None) -> None:
        """Show one product's test and live side by side."""
        if modes is None:
            self.text.setText(
                "Test vs Live compares what was synced to test mode and to live mode of one "
                "Stripe account. Select a product in Test or Live mode."
            )
            return
        rows = "".join(
            f"<tr><td>{escape(d.field)}</td><td>{escape(d.test or '(none)')}</td>"
            f"<td>{escape(d.live or '(none)')}</td></tr>"
            for d in modes.differences
        )
        table = (
            "<table cellspacing=4><tr><th align=left>Field</th><th align=left>Test</th>"
            f"<th align=left>Live</th></tr>{rows}</table>"
            if rows
            else ""
        )
        self.text.setText(
            f"<p><b>{escape(modes.describe())}</b></p>"
            f"<p>Last synced to test: {_when(modes.test_synced_at)}<br>"
            f"Last synced to live: {_when(modes.live_synced_at)}</p>{table}"
        )
