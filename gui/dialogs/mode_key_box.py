"""One mode's key in the keys dialog: what is stored (masked) and where, a field for a new key,
Check and save, Delete…, and a result line under the field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.keys.shape import KeyMode
from core.keys.store import ENV_VAR, KeyStoreError, SecretStore

_ERROR_STYLE = "color: #b00020;"
_OK_STYLE = "color: #1b6e20;"


class ModeKeyBox(QGroupBox):
    """The controls for one mode's key: what is stored, a field for a new key, save and delete."""

    def __init__(self, mode: KeyMode, parent: QWidget | None = None) -> None:
        super().__init__(f"{mode.capitalize()} mode", parent)
        self.mode = mode
        self.current = QLabel()
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.account = QLabel()
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(f"Paste a sk_{mode}_… or rk_{mode}_… key")
        self.save_button = QPushButton("Check and save")
        self.delete_button = QPushButton("Delete…")
        for button in (self.save_button, self.delete_button):
            button.setAutoDefault(False)  # Enter in the key field saves; it must not close
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.account.hide()
        self.status.hide()

        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.account)
        layout.addLayout(row)
        layout.addWidget(self.status)

    def show_status(self, text: str, *, error: bool = False) -> None:
        """Show a result line under the field (red for errors)."""
        self.status.setText(text)
        self.status.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE)
        self.status.setVisible(bool(text))

    def show_account(self, text: str) -> None:
        """Show which account the key belongs to (empty: hide the line)."""
        self.account.setText(text)
        self.account.setVisible(bool(text))

    def show_checking(self, checking: bool) -> None:
        """Lock the field and its save button while the typed key is checked with Stripe."""
        self.save_button.setEnabled(not checking)
        self.edit.setEnabled(not checking)

    def show_stored(self, store: SecretStore) -> None:
        """Show the mode's stored key (masked) and where it comes from; Delete only applies to a
        key in the keyring or held for this session."""
        self.save_button.setText("Use for this session" if store.session_only else "Check and save")
        try:
            source = store.source(self.mode)
        except KeyStoreError as err:
            self.current.setText("Stored key: (the keyring could not be read)")
            self.show_status(str(err), error=True)
            self.delete_button.setEnabled(False)
            return
        masked = store.masked(self.mode)
        where = {
            "keyring": f"saved in {store.backend_name}",
            "session": "for this session only",
            "environment": f"from the {ENV_VAR} environment variable",
            None: "",
        }[source]
        self.current.setText(f"Stored key: {masked}" + (f" — {where}" if where else ""))
        self.delete_button.setEnabled(source in ("keyring", "session"))
