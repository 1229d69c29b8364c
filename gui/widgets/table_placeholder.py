"""A message shown in the middle of an empty table: why there are no rows (not connected, …, or
the filters hide every product). A connection message wins over the filters' one."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class TablePlaceholder(QLabel):
    """Sits on the view's viewport and covers it while the text is set and the view is empty."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self._view = view
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName("Table message")
        self.setContentsMargins(40, 20, 40, 20)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        self._html = ""  # the connection's message
        self._no_match = ""  # the filters' message
        self.hide()

    def show_text(self, html: str) -> None:
        """Show this message while the table has no rows (empty text: show nothing)."""
        self._html = html
        self._show()

    def show_no_match(self, text: str | None) -> None:
        """Say (plain text) that the filters hide every product; None: they do not."""
        self._no_match = f"<p>{escape(text)}</p>" if text else ""
        self._show()

    def _show(self) -> None:
        self.setText(self._html or self._no_match)
        self.update_visibility()

    def update_visibility(self) -> None:
        """Show the message only when there is one and the view has no rows."""
        model = self._view.model()
        empty = model is None or model.rowCount() == 0
        self.setVisible(bool(self.text()) and empty)
        self.resize(self._view.viewport().size())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the viewport's size."""
        if event.type() == QEvent.Type.Resize:
            self.resize(self._view.viewport().size())
        return False
