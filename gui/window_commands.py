"""What the operator's actions do in the main window, and which action, key or button triggers
which: switch mode or catalog, refresh, reset the client, sync selected or all, archive, adopt,
cancel, keys.

`WindowCommands` is mixed into `gui.main_window.MainWindow`, which builds the widgets these act on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QWidget

from core.workspace import Mode, ProductRow, mask_url
from gui.actions import MODE_LABELS, WindowActions, archive_plans, can_archive, not_in_stripe
from gui.connection_view import ConnectionView
from gui.edit_undo import EditUndo
from gui.models.product_table import ProductTableModel
from gui.row_words import display_name
from gui.session import Overwrite, Session
from gui.settings_store import SettingsStore
from gui.tasks import TaskRunner
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_bar import FilterBar
from gui.widgets.status_panel import StatusPanel

log = logging.getLogger(__name__)

# Opens the keys dialog on the session's runner, so its key checks queue behind the window's
# tasks (None: unavailable). A dialog with a `keys_changed(mode)` signal resets the client.
OpenKeys = Callable[[QWidget, TaskRunner], "QDialog | None"]


class WindowCommands:
    """The operator's actions (toolbar, shortcuts, mode box, status panel) and what they start."""

    # Provided by MainWindow.
    session: Session
    settings: SettingsStore
    keys_dialog: QDialog | None
    mode_box: QComboBox
    model: ProductTableModel
    filter_bar: FilterBar
    detail: DetailPane
    status: StatusPanel
    connection: ConnectionView
    undo: EditUndo
    _open_keys: OpenKeys | None
    close: Callable[[], bool]
    selected_rows: Callable[[], list[ProductRow]]
    _update_shown: Callable[[], None]
    _show_detail: Callable[[ProductRow | None], None]
    _show_plan: Callable[..., None]
    overwrite_for: Callable[..., Overwrite]
    clear_overwrites: Callable[[], None]
    take_stripe_edits: Callable[[], None]
    open_adopt: Callable[[], None]
    start_from_handmade: Callable[[], None]
    _on_key_changed: Callable[[str], None]
    _on_keys_closed: Callable[[int], None]

    if TYPE_CHECKING:

        @property
        def mode(self) -> Mode: ...

    def _wire_actions(self, a: WindowActions) -> None:
        a.refresh.triggered.connect(self.refresh)
        a.sync_selected.triggered.connect(self.sync_selected)
        a.sync_all.triggered.connect(self.sync_all)
        a.archive.triggered.connect(self.archive_selected)
        a.take_stripe_edits.triggered.connect(self.take_stripe_edits)
        a.adopt.triggered.connect(self.open_adopt)
        a.start_handmade.triggered.connect(self.start_from_handmade)
        a.reset_client.triggered.connect(self.reset_client)
        a.keys.triggered.connect(self.open_keys)
        a.cancel.triggered.connect(self.cancel_run)
        a.find.triggered.connect(lambda: self.filter_bar.search.setFocus())
        a.quit.triggered.connect(self.close)
        for mode, action in a.modes.items():
            action.triggered.connect(lambda _=False, m=mode: self.set_mode(m))
        self.mode_box.currentIndexChanged.connect(self._on_mode_chosen)
        self.status.cancel_requested.connect(self.session.cancel)
        self.status.failed_clicked.connect(lambda: self.filter_bar.set_state("failed"))

    def start(self) -> None:
        """Open the workspace for the remembered mode (call once the window is shown)."""
        self._switch(self.mode)

    def set_mode(self, mode: Mode) -> None:
        """Switch mode as the toolbar does: a new workspace, a fresh client and account."""
        self.mode_box.setCurrentIndex(self.mode_box.findData(mode))

    def refresh(self) -> None:
        """Re-read the catalog and Stripe in the background (reopen if not connected)."""
        if self.session.account is None:
            self._switch(self.mode, keep_rows=True)  # the catalog listed without Stripe stays
            return
        self.status.show_busy("Refreshing")
        self.session.refresh()

    def reset_client(self) -> None:
        """Reset the Stripe client, re-read the key, re-check the account and refresh."""
        self.status.show_busy("Resetting the Stripe client")
        self.session.reset_client()

    def sync_selected(self) -> None:
        """Read the selected products as syncing them by name would leave them (as the command
        line's `sync IDS` does), then show the plan dialog (see `gui.window_review`)."""
        ids = [r.product_id for r in self.selected_rows() if r.has_local]
        if ids:
            self.status.show_busy("Working out the changes")
            self.session.request_review(ids, self.overwrite_for(ids))

    def sync_all(self) -> None:
        """Work out every change, then show the plan dialog."""
        self.status.show_busy("Working out the changes")
        self.session.request_plans(None, "sync_all", self.overwrite_for(None))

    def archive_selected(self) -> None:
        """Show the plan dialog for archiving the selected products. Products with no Stripe
        product in this mode are listed with nothing to archive; when only those are selected,
        the workspace is asked (it checks Stripe afresh) and says so, recording no hold."""
        rows = self.selected_rows()
        plans = archive_plans(rows)
        absent = [r for r in rows if not_in_stripe(r) and not can_archive(r)]
        if plans:
            notes = [
                (r.product_id, "not in Stripe in this mode: nothing to archive") for r in absent
            ]
            self._show_plan(plans, "Archive", notes=notes)
        elif absent:
            names = ", ".join(display_name(r) for r in absent)
            log.info("Archive of products not in Stripe: %s", names)
            self.status.show_busy(f"Archiving {names}")
            self.session.archive([r.product_id for r in absent])

    def cancel_run(self) -> None:
        """Stop the running task (any the operator started) after the current Stripe operation."""
        if self.session.busy:
            self.status.cancelling()
            self.session.cancel()

    def open_keys(self) -> None:
        """Open the keys dialog; a key saved or deleted for the current mode resets the client."""
        if self._open_keys is None:
            self.status.show_message("Key storage is not available in this build.")
            return
        dialog = self._open_keys(self, self.session.runner)  # type: ignore[arg-type]
        if dialog is None:
            self.status.show_message("Key storage is not available in this build.")
            return
        self.keys_dialog = dialog
        changed = getattr(dialog, "keys_changed", None)
        if changed is not None:
            changed.connect(self._on_key_changed)
        dialog.finished.connect(self._on_keys_closed)

    def _switch(self, mode: Mode, *, keep_rows: bool = False) -> None:
        self.settings.mode = mode
        self.clear_overwrites()  # another Stripe side: other edits
        if not keep_rows:
            self.model.set_rows([])
            self.filter_bar.set_counts([])
            self._update_shown()
            self._show_detail(None)
        self.detail.set_mode(mode)
        self.connection.connecting(mode)
        self.status.show_busy(f"Opening {MODE_LABELS[mode]} mode")
        log.info("Switching to %s mode", mode)
        self.session.open(mode)

    def _on_mode_chosen(self, _index: int) -> None:
        self._switch(self.mode)

    def switch_catalog(self, url: str | None) -> None:
        """Work on another catalog (None: the tool's own) in the current mode: the workspace is
        reopened on it, as a mode switch does, and the next start opens it too. Undo steps are
        dropped: they belong to the catalog they were made in."""
        self.settings.catalog_url = url
        self.undo.stack.clear()
        log.info("Switching to the catalog %s", mask_url(url) if url else "in the data folder")
        self._switch(self.mode)
