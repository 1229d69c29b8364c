"""Help (F1), Help ▸ About and Settings… in the window, and the note said when the window opens in
Test because it was left in Live (it never opens in Live by itself: `SettingsStore.opening_mode`).

`HelpFlows` is mixed into `gui.main_window.MainWindow`, which builds the actions and menus.
"""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from core.workspace import Mode, ProductRow
from gui.actions import WindowActions
from gui.dialogs.about_dialog import AboutDialog
from gui.dialogs.help_dialog import HelpDialog
from gui.dialogs.settings_dialog import SettingsDialog
from gui.session import Session
from gui.settings_store import SettingsStore
from gui.widgets.status_panel import StatusPanel

OPENED_NOT_LIVE = (
    "Opened in Test mode; the window never opens in Live by itself — switch with Ctrl+3."
)


class HelpFlows:
    """Opens the help page, About and Settings; says why the window did not reopen in Live."""

    # Provided by MainWindow.
    actions: WindowActions
    session: Session
    settings: SettingsStore
    status: StatusPanel
    apply_auto_refresh_setting: Callable[[], None]

    if TYPE_CHECKING:

        @property
        def mode(self) -> Mode: ...

    def _wire_help(self) -> None:
        self.help_dialog: HelpDialog | None = None
        self.about_dialog: AboutDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        a = self.actions
        a.help.triggered.connect(self.open_help)
        a.about.triggered.connect(self.open_about)
        a.open_settings.triggered.connect(self.open_settings)
        if self.settings.left_in_live:  # read before the first open remembers Test instead
            self.session.rows_loaded.connect(self._say_opened_not_live)

    def open_help(self) -> None:
        """Show the help page beside the window (the same one again if it is open)."""
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self._parent())
        self.help_dialog.show()
        self.help_dialog.activateWindow()  # brings it forward if it was behind the window

    def open_about(self) -> None:
        """Show the version and the licences."""
        self.about_dialog = _opened(AboutDialog(self._parent()), self, "about_dialog")

    def open_settings(self) -> None:
        """Show the settings; OK saves them for the window and the command line, and the
        automatic refresh takes its new interval."""
        dialog = SettingsDialog(self._parent(), store=self.settings)
        dialog.accepted.connect(self.apply_auto_refresh_setting)
        self.settings_dialog = _opened(dialog, self, "settings_dialog")

    def _say_opened_not_live(self, _rows: list[ProductRow]) -> None:
        self.session.rows_loaded.disconnect(self._say_opened_not_live)
        if self.mode != "test":  # switched elsewhere before the first read came back
            return
        read = unescape(self.status.text())  # the read's summary, kept after the note
        self.status.show_message(f"{OPENED_NOT_LIVE} {read}".strip())

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self


def _opened(dialog: QDialog, owner: object, attribute: str) -> QDialog:
    """Open `dialog` window-modal; `owner.attribute` is cleared when it closes."""
    dialog.finished.connect(lambda _r: setattr(owner, attribute, None))
    dialog.open()
    return dialog
