"""The status bar's content: progress and Cancel during a run, then an honest summary."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from core.engine.types import ProgressEvent
from core.errors import SyncAdminError
from core.models import StripeSyncResult, SyncSummary


def describe_error(exc: object) -> str:
    """An exception in plain words: core errors give message and hint, others their text."""
    if isinstance(exc, SyncAdminError):
        return f"{exc.message} {exc.hint}".strip()
    text = str(exc).strip()
    return text or type(exc).__name__


def summary_text(kind: str, results: list[StripeSyncResult], cancelled: bool) -> str:
    """The end-of-run summary as rich text; the failed count links to `failed`."""
    counts = SyncSummary.of(results)
    verb = "Archive" if kind == "archive" else "Sync"
    head = f"{verb} cancelled after {len(results)} product(s)" if cancelled else f"{verb} done"
    parts = [
        f"{counts.created} created",
        f"{counts.updated} updated",
        f"{counts.archived} archived",
        f"{counts.skipped} skipped",
    ]
    failed = f"{counts.failed} failed"
    parts.append(f'<a href="failed">{failed}</a>' if counts.failed else failed)
    return f"{head}: " + " · ".join(parts)


class StatusPanel(QWidget):
    """Progress bar, current product and Cancel while a run goes; a summary or error afterwards.

    `failed_clicked` fires when the operator clicks the "N failed" link.
    """

    cancel_requested = Signal()
    failed_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.setOpenExternalLinks(False)
        self.message.linkActivated.connect(self._on_link)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setToolTip("Stop after the current Stripe operation (Esc)")
        self.cancel.clicked.connect(self._on_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel)
        self._running = False
        self._busy = False
        self._show_run_widgets(False)

    @property
    def showing_busy(self) -> bool:
        """Whether a short task's busy display (from show_busy) is up."""
        return self._busy

    @property
    def running(self) -> bool:
        """Whether a run's progress is showing."""
        return self._running

    def start_run(self, title: str) -> None:
        """Show a run starting: busy bar, Cancel enabled."""
        self._running = True
        self.progress.setRange(0, 0)
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")
        self._set(escape(title) + "…")
        self._show_run_widgets(True)

    def show_busy(self, title: str) -> None:
        """Show a short task (refresh, planning) going: busy bar, no Cancel."""
        self._running = False
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel.setVisible(False)
        self._set(escape(title) + "…", busy=True)
        self.message.setToolTip("")

    def show_progress(self, event: ProgressEvent) -> None:
        """Show `done` of `total` and the product being worked on."""
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.done)
            self.progress.setFormat(f"{event.done} / {event.total}")
        if event.product_id and event.message:
            self._set(f"{escape(event.product_id)}: {escape(event.message)}")
        elif event.product_id:
            self._set(f"Working on {escape(event.product_id)}…")
        elif event.message:
            self._set(escape(event.message.capitalize()) + "…")

    def cancelling(self) -> None:
        """Say that the run will stop after the current Stripe operation."""
        self.cancel.setEnabled(False)
        self.cancel.setText("Cancelling…")
        self._set("Stopping after the current Stripe operation…")

    def finish_run(self, kind: str, results: list[StripeSyncResult], cancelled: bool) -> None:
        """Replace the progress with the summary; failed products' errors go in the tooltip."""
        self._running = False
        self._show_run_widgets(False)
        failures = [r for r in results if r.error or r.action == "failed"]
        text = summary_text(kind, results, cancelled)
        if failures:
            first = failures[0]
            text += f" — {escape(first.product_id)}: {escape(first.error or 'failed')}"
        self._set(text)
        self.message.setToolTip(
            "\n".join(f"{r.product_id}: {r.error or 'failed'}" for r in failures)
        )

    def show_message(self, text: str) -> None:
        """Show a plain message (ends any run display)."""
        self._running = False
        self._show_run_widgets(False)
        self._set(escape(text))
        self.message.setToolTip("")

    def show_error(self, context: str, exc: object) -> None:
        """Show an error in plain words, in the error colour."""
        self._running = False
        self._show_run_widgets(False)
        words = describe_error(exc)
        self._set(f'<span style="color:#d32f2f"><b>{escape(context)}:</b> {escape(words)}</span>')
        self.message.setToolTip(words)

    def text(self) -> str:
        """The message as shown (rich text)."""
        return self.message.text()

    def _set(self, html: str, busy: bool = False) -> None:
        self._busy = busy
        self.message.setText(html)

    def _show_run_widgets(self, visible: bool) -> None:
        self.progress.setVisible(visible)
        self.cancel.setVisible(visible)

    def _on_cancel(self) -> None:
        self.cancelling()
        self.cancel_requested.emit()

    def _on_link(self, href: str) -> None:
        if href == "failed":
            self.failed_clicked.emit()
