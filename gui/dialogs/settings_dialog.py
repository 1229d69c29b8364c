"""Settings…: the choices a maker may want to change from the window. Saved in the settings file
the command line reads too (`core.settings`), so both behave alike."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.errors import ConfigurationError
from core.settings import Settings, load_settings, save_settings

UNTRIED_CHOICE = "Ask once more before a live sync with writes never tried in test mode"
UNTRIED_NOTE = (
    "A live plan marks each write whose values were never synced to test mode first. With this "
    "on, applying such writes asks “Go on anyway?”; you can always go on."
)


class SettingsDialog(QDialog):
    """Shows the settings; OK saves them (a settings file that cannot be read is left alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        layout = QVBoxLayout(self)
        self.untried = QCheckBox(UNTRIED_CHOICE, self)
        layout.addWidget(self.untried)
        note = QLabel(UNTRIED_NOTE, self)
        note.setWordWrap(True)
        note.setContentsMargins(24, 0, 0, 8)
        layout.addWidget(note)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#d32f2f;")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._settings: Settings | None = None
        try:
            self._settings = load_settings()
        except ConfigurationError as err:
            self._refuse(str(err))
        self.untried.setChecked(self._settings.confirm_untried_live if self._settings else True)
        self.problem.setVisible(bool(self.problem.text()))

    def _refuse(self, why: str) -> None:
        self.problem.setText(f"{why} Nothing can be saved until then.")
        self.untried.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def accept(self) -> None:
        """Save the choices, then close (on a file that cannot be written: say why, stay open)."""
        if self._settings is None:
            return
        chosen = self._settings.model_copy(
            update={"confirm_untried_live": self.untried.isChecked()}
        )
        try:
            save_settings(chosen)
        except OSError as err:
            self.problem.setText(f"The settings could not be saved: {err.strerror or err}.")
            self.problem.show()
            return
        super().accept()
