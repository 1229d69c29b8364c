"""Catalog ▸ Open database URL…: the address of a catalog on a database server (PostgreSQL).

The password has its own field and is never shown: typed (or pasted) into the address, it is taken
out of it into the password field as soon as the field is left. Everything the window shows or logs
of the address has the password masked (`core.workspace.mask_url`), and it is never saved: a
catalog reopened later (Recent catalogs, or at start) asks for it here again (`ask_password`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.workspace import mask_url

EXAMPLE = "postgresql+psycopg://shop@localhost:5432/shop"
NOTE = (
    "The catalog's address on a database server, for example {example}. The password goes in "
    "its own field: it is never shown, and the log and the window show the address without it."
)
PASSWORD_AGAIN = (
    "The password of {where} is not saved on this computer: type it to open the catalog. Leave "
    "it empty if a .pgpass file or PGPASSWORD gives it."
)
# scheme://user:password@rest — greedy up to the last @, as mask_url reads it.
_WITH_PASSWORD = re.compile(r"\A([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):(\S*)@([^@]*)\Z")
_HAS_USER = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]+@")
_SCHEME = re.compile(r"\A[A-Za-z][A-Za-z0-9+.-]*://\S+\Z")


def split_password(url: str) -> tuple[str, str | None]:
    """`url` without its password, and the password (None: it had none)."""
    match = _WITH_PASSWORD.match(url.strip())
    if match is None:
        return url.strip(), None
    return f"{match.group(1)}@{match.group(3)}", unquote(match.group(2))


def with_password(url: str, password: str) -> str:
    """`url` (`scheme://user@…`) with `password` put in, escaped for a URL."""
    scheme, rest = url.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{quote(password, safe='')}@{host}"


class DatabaseUrlDialog(QDialog):
    """Asks for a database URL and its password; `url()` is what to open once accepted."""

    def __init__(
        self, parent: QWidget | None = None, *, address: str = "", ask_password: bool = False
    ) -> None:
        """`address`: the URL to start from (without a password); `ask_password`: say that its
        password is not saved and must be typed again."""
        super().__init__(parent)
        self.setWindowTitle("Open a catalog on a database server")
        layout = QVBoxLayout(self)
        note = QLabel(NOTE.format(example=EXAMPLE), self)
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(EXAMPLE)
        self.address.setAccessibleName("Database URL")
        self.address.editingFinished.connect(self._take_password_out)
        form.addRow("&Database URL:", self.address)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("none (e.g. a .pgpass file or PGPASSWORD gives it)")
        form.addRow("&Password:", self.password)
        layout.addLayout(form)
        self.again = QLabel(self)
        self.again.setWordWrap(True)
        self.again.setAccessibleName("Why the password is asked")
        self.again.setText(PASSWORD_AGAIN.format(where=mask_url(address) or "this catalog"))
        self.again.setVisible(ask_password)
        layout.addWidget(self.again)
        if address:
            self.address.setText(address)
            self._take_password_out()
        if ask_password:
            self.password.setFocus()
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color:#d32f2f;")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def _take_password_out(self) -> None:
        address, password = split_password(self.address.text())
        if password is not None:
            self.address.setText(address)
            self.password.setText(password)

    def url(self) -> str:
        """The URL to open, with the password put in (never shown)."""
        self._take_password_out()
        address, password = self.address.text().strip(), self.password.text()
        return with_password(address, password) if password else address

    def _refuse(self, why: str) -> None:
        self.problem.setText(why)
        self.problem.show()

    def accept(self) -> None:
        """Close with the URL when it looks like one; else say what is missing and stay open."""
        self._take_password_out()
        address = self.address.text().strip()
        if not _SCHEME.match(address):
            self._refuse(
                f"{mask_url(address) or 'Nothing'} is not a database URL: it starts with the "
                f"kind of database, then ://, e.g. {EXAMPLE}."
            )
            return
        if self.password.text() and not _HAS_USER.match(address):
            self._refuse(
                "A password needs a user name: put it before @ in the URL, e.g. " + EXAMPLE + "."
            )
            return
        super().accept()
