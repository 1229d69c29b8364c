"""The status bar's content: progress and Cancel during a run, then an honest summary; a message
about several products keeps the per-product lines behind a "details" link.

Hints (an action's status tip, shown while the pointer is on it) are shown here too, in the
message's place, instead of as the status bar's own temporary message: that one is painted over
the bar, and a result shown meanwhile was drawn over it. A new message ends the hint."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from core.errors import SyncAdminError
from core.workspace import ProgressEvent, StripeSyncResult, SyncSummary, plural

ERROR_RED = "#d32f2f"


def describe_error(exc: object) -> str:
    """An exception in plain words: core errors give message and hint, others their text."""
    if isinstance(exc, SyncAdminError):
        return f"{exc.message} {exc.hint}".strip()
    text = str(exc).strip()
    return text or type(exc).__name__


def summary_text(
    kind: str, results: list[StripeSyncResult], cancelled: bool, stopped: bool = False
) -> str:
    """The end-of-run summary as rich text; the failed count links to `failed`.

    `stopped`: a run-level error ended the run early (the counts are the products before it).
    """
    counts = SyncSummary.of(results)
    verb = "Archive" if kind == "archive" else "Sync"
    if cancelled:
        head = f"{verb} cancelled after {plural(len(results), 'product')}"
    elif stopped:
        head = f"{verb} stopped after {plural(len(results), 'product')}"
    else:
        head = f"{verb} done"
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
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAccessibleName("Hint")
        self.hint.hide()
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setToolTip("Stop after the current Stripe operation (Esc)")
        self.cancel.clicked.connect(self._on_cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel)
        self._running = False
        self._busy = False
        self._details: list[str] = []
        self.details_box: QMessageBox | None = None
        self._show_run_widgets(False)
        # As tall in every state: a progress bar or Cancel appearing never moves the window's
        # layout (that resized the table by a few pixels, repainting all of it, at each run).
        tallest = (self.message, self.hint, self.progress, self.cancel)
        self.setMinimumHeight(max(w.sizeHint().height() for w in tallest))

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
        """Show a task without steps (opening, refreshing, planning) going: busy bar and Cancel
        (when Stripe is unreachable these take a while to give up)."""
        self._running = False
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self.cancel.setEnabled(True)
        self.cancel.setText("Cancel")
        self._show_run_widgets(True)
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

    def cancelling(self, text: str = "Stopping after the current Stripe operation…") -> None:
        """Say that the task will stop after the current Stripe operation (the next result,
        cancellation or message replaces this)."""
        self.cancel.setEnabled(False)
        self.cancel.setText("Cancelling…")
        self._set(escape(text), busy=True)

    def finish_run(
        self,
        kind: str,
        results: list[StripeSyncResult],
        cancelled: bool,
        *,
        error: object | None = None,
        stale: bool = False,
        refresh_error: object | None = None,
        note: str | None = None,
    ) -> None:
        """Replace the progress with the summary; failed products' errors go in the tooltip.

        `error`: what stopped the whole run, shown in plain words after the counts; `stale`: the
        table was not read again, so the summary says how to; `note`: what else the run did
        (e.g. an archive hold released with nothing to write), after the counts.
        """
        self._running = False
        self._show_run_widgets(False)
        failures = [r for r in results if r.error or r.action == "failed"]
        skips = [r for r in results if r.action == "skipped" and r.changes and not r.error]
        text = summary_text(kind, results, cancelled, stopped=error is not None)
        tips = [f"{r.product_id}: {r.error or 'failed'}" for r in failures]
        tips += [f"{r.product_id}: {'; '.join(r.changes)}" for r in skips]
        if error is not None:
            words = describe_error(error)
            text = f'<span style="color:{ERROR_RED}"><b>{escape(words)}</b></span> — {text}'
            tips.insert(0, words)
        elif failures:
            first = failures[0]
            text += f" — {escape(first.product_id)}: {escape(first.error or 'failed')}"
        elif skips:
            first_skip = skips[0]
            more = f" (and {len(skips) - 1} more)" if len(skips) > 1 else ""
            text += f" — {escape(first_skip.product_id)}: {escape('; '.join(first_skip.changes))}"
            text += escape(more)
        if note:
            text += f" · {escape(note)}"
            tips.append(note)
        if refresh_error is not None:
            words = describe_error(refresh_error)
            text += (
                f' · <span style="color:{ERROR_RED}">the table could not be read again: '
                f"{escape(words)}</span> Refresh (F5) to try again"
            )
            tips.append(f"Reading the table again failed: {words}")
        elif stale:
            text += " · the table may be out of date: Refresh (F5) to read Stripe again"
        self._set(text)
        self.message.setToolTip("\n".join(tips))

    def show_message(self, text: str, details: Sequence[str] = ()) -> None:
        """Show a plain message (ends any run display). `details`: one line per product, behind a
        "details" link (and in the tooltip)."""
        self._running = False
        self._show_run_widgets(False)
        html = escape(text)
        if details:
            html += ' — <a href="details">details</a>'
        self._set(html)
        self._details = list(details)
        # A long message is cut by a narrow window: the tooltip has it whole.
        self.message.setToolTip("\n".join([text, *details]))

    def details(self) -> list[str]:
        """The per-product lines behind the current message's "details" link."""
        return list(self._details)

    def show_details(self) -> None:
        """Open the current message's per-product lines in a small window (not modal)."""
        if not self._details:
            return
        if self.details_box is not None:
            self.details_box.close()
        box = QMessageBox(QMessageBox.Icon.Information, "Details", self.message.text(), parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText("\n".join(self._details))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: setattr(self, "details_box", None))
        self.details_box = box
        box.open()

    def show_error(self, context: str, exc: object) -> None:
        """Show an error in plain words, in the error colour."""
        self._running = False
        self._show_run_widgets(False)
        words = describe_error(exc)
        self._set(
            f'<span style="color:{ERROR_RED}"><b>{escape(context)}:</b> {escape(words)}</span>'
        )
        self.message.setToolTip(words)

    def text(self) -> str:
        """The message as shown (rich text)."""
        return self.message.text()

    def show_hint(self, text: str) -> None:
        """Show an action's hint in the message's place ("" puts the message back)."""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        self.message.setVisible(not text)

    def _set(self, html: str, busy: bool = False) -> None:
        self._busy = busy
        self._details = []
        self.message.setText(html)
        self.show_hint("")  # a result is never hidden behind a hint

    def _show_run_widgets(self, visible: bool) -> None:
        self.progress.setVisible(visible)
        self.cancel.setVisible(visible)

    def _on_cancel(self) -> None:
        self.cancelling()
        self.cancel_requested.emit()

    def _on_link(self, href: str) -> None:
        if href == "failed":
            self.failed_clicked.emit()
        elif href == "details":
            self.show_details()


class StatusTips(QObject):
    """Installed on the main window: its actions' status tips go to the panel's hint instead of
    the status bar's temporary message (which would be painted over the panel)."""

    def __init__(self, panel: StatusPanel) -> None:
        super().__init__(panel)
        self._panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take status tips; let every other event through."""
        if isinstance(event, QStatusTipEvent):
            self._panel.show_hint(event.tip())
            return True
        return super().eventFilter(watched, event)
