"""Settings… (Ctrl+,): every setting of `settings.toml`, each with what it means, and the window's
own (how often it refreshes by itself). The file is the one the command line reads too
(`core.settings`), so both behave alike; on first run it is created with every setting described
and commented out, and the dialog says where it is.

Values are checked by the settings' own rules; a refused value is named under its field and
nothing is saved. A password in the catalog's database URL is never shown: the field shows it
masked, and keeps it while the URL is left as shown.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import ConfigurationError
from core.paths import settings_file
from core.settings import Settings, load_settings, save_settings, write_default_settings
from core.workspace import mask_url
from gui.settings_store import AUTO_REFRESH_DEFAULTS, SettingsStore

UNTRIED_CHOICE = "Ask once more before a live sync with writes never tried in test mode"
UNTRIED_NOTE = (
    "A live plan marks each write whose values were never synced to test mode first. With this "
    "on, applying such writes asks “Go on anyway?”; you can always go on."
)
LABELS: dict[str, str] = {
    "db_url": "Catalog database:",
    "mode": "Mode:",
    "currency": "Currency:",
    "catalog_stripe_columns": "stripe_* columns:",
    "rate_limit": "Requests per second:",
    "request_timeout_seconds": "Give up reading Stripe after:",
    "confirm_untried_live": "Test before live:",
    "owned_fields": "Fields the catalog owns:",
}
# What the window adds to a setting's own description.
NOTES: dict[str, str] = {
    "db_url": "The window opens the catalog chosen in the Catalog menu; this one when none was "
    "chosen there (and the command line without --db). Empty: the catalog in your data folder.",
    "mode": "Live is never offered as a default: a live write should never be one slip away.",
    "catalog_stripe_columns": "Which Stripe account and mode own the shop's own stripe_* "
    "columns (e.g. acct_123:live); empty: none, the tool keeps its links itself.",
    "rate_limit": "Empty: the default.",
    "request_timeout_seconds": "In seconds; empty: the default (10). The window's automatic "
    "refresh gives up at the first failure to reach Stripe and tries again at its next turn.",
    "owned_fields": "Names separated by commas; empty: the default.",
}
MODES = {"sandbox": "Sandbox (built in, no key)", "test": "Test"}
LIVE_IN_FILE = "Live (set in the file; choose Sandbox or Test)"
AUTO_DEFAULT = "Default ({sandbox:g} s in the sandbox, {test:g} s in test and live)"
APPLIES = (
    "The catalog, mode, currency, rate limit, time to give up and stripe_* columns apply from "
    "the next time a catalog or mode is opened."
)


def plain_message(message: str) -> str:
    """A validator's message without pydantic's "Value error, " prefix."""
    return message.removeprefix("Value error, ")


class SettingsDialog(QDialog):
    """Shows the settings; OK checks and saves them (a settings file that cannot be read is left
    alone). With `store`, also the window's own settings."""

    def __init__(
        self, parent: QWidget | None = None, *, store: SettingsStore | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._store = store
        self.path = settings_file()
        layout = QVBoxLayout(self)
        self.where = QLabel(self)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setWordWrap(True)
        layout.addWidget(self.where)
        self._settings: Settings | None = None
        self._created = False
        refused = ""
        try:
            self._created = write_default_settings(self.path) is not None
            self._settings = load_settings(self.path)
        except ConfigurationError as err:
            refused = str(err)
        except OSError as err:
            refused = f"The settings file {self.path} could not be created: {err.strerror or err}."
        self.where.setText(self._where_text())
        self.problems: dict[str, QLabel] = {}
        self.editors: dict[str, QWidget] = {}
        shared = QGroupBox("Window and command line", self)
        self._grid = QGridLayout(shared)
        self._grid.setColumnStretch(1, 1)
        self._build_fields()
        layout.addWidget(shared)
        applies = QLabel(APPLIES, self)
        applies.setWordWrap(True)
        layout.addWidget(applies)
        self.auto_refresh: QSpinBox | None = None
        if store is not None:
            layout.addWidget(self._window_box(store))
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
        if refused:
            self._refuse(refused)
        self.problem.setVisible(bool(self.problem.text()))

    # -- layout -------------------------------------------------------------------------------

    def _where_text(self) -> str:
        text = f"Settings file: {self.path}"
        if self._created:
            text += " (created now, with every setting described in it)"
        return text

    def _build_fields(self) -> None:
        values = self._settings or Settings()
        self._db_url = values.db_url
        self.db_url = QLineEdit(mask_url(values.db_url or ""), self)
        self.db_url.setPlaceholderText("the catalog in your data folder")
        self.mode = QComboBox(self)
        for mode, label in MODES.items():
            self.mode.addItem(label, mode)
        if values.mode == "live":
            self.mode.addItem(LIVE_IN_FILE, "live")
        self.mode.setCurrentIndex(self.mode.findData(values.mode))
        self.currency = QLineEdit(values.currency, self)
        self.columns = QLineEdit(values.catalog_stripe_columns or "", self)
        self.columns.setPlaceholderText("acct_123:live")
        rate = values.rate_limit
        self.rate_limit = QLineEdit("" if rate is None else f"{rate:g}", self)
        self.rate_limit.setPlaceholderText("22.5 in test, 90 in live")
        self.timeout = QLineEdit(f"{values.request_timeout_seconds:g}", self)
        self.timeout.setPlaceholderText(f"{Settings().request_timeout_seconds:g}")
        self.untried = QCheckBox(UNTRIED_CHOICE, self)
        self.untried.setChecked(values.confirm_untried_live)
        owned: list[str] | None = getattr(values, "owned_fields", None)
        self.owned = QLineEdit(", ".join(owned or []), self)
        self.owned.setPlaceholderText("every one the products table has a column for")
        known: dict[str, QWidget] = {
            "owned_fields": self.owned,
            "db_url": self.db_url,
            "mode": self.mode,
            "currency": self.currency,
            "catalog_stripe_columns": self.columns,
            "rate_limit": self.rate_limit,
            "request_timeout_seconds": self.timeout,
            "confirm_untried_live": self.untried,
        }
        for name, info in Settings.model_fields.items():
            editor = known.get(name)
            if editor is None:  # a setting this dialog does not edit: shown, kept as it is
                editor = QLabel(f"{getattr(values, name)!r} (change it in the file)", self)
            note = " ".join(
                n for n in (f"{info.description}.", NOTES.get(name, ""), self._untried(name)) if n
            )
            self._add_row(name, LABELS.get(name, f"{name}:"), editor, note)

    @staticmethod
    def _untried(name: str) -> str:
        return UNTRIED_NOTE if name == "confirm_untried_live" else ""

    def _add_row(self, name: str, label: str, editor: QWidget, note: str) -> None:
        row = self._grid.rowCount()
        caption = QLabel(label, self)
        caption.setBuddy(editor)
        self._grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(editor, row, 1)
        described = QLabel(note, self)
        described.setWordWrap(True)
        described.setStyleSheet("color:palette(placeholder-text);")
        self._grid.addWidget(described, row + 1, 1)
        problem = QLabel(self)
        problem.setWordWrap(True)
        problem.setStyleSheet("color:#d32f2f;")
        problem.hide()
        self._grid.addWidget(problem, row + 2, 1)
        editor.setToolTip(note)
        self.editors[name] = editor
        self.problems[name] = problem

    def _window_box(self, store: SettingsStore) -> QGroupBox:
        box = QGroupBox("This window", self)
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 1)
        spin = QSpinBox(box)
        spin.setRange(-1, 24 * 3600)
        spin.setSuffix(" s")
        spin.setSpecialValueText(AUTO_DEFAULT.format(**AUTO_REFRESH_DEFAULTS))
        choice = store.auto_refresh_choice
        spin.setValue(-1 if choice is None else round(choice))
        caption = QLabel("Automatic &refresh:", box)
        caption.setBuddy(spin)
        grid.addWidget(caption, 0, 0)
        grid.addWidget(spin, 0, 1)
        note = QLabel(
            "How often the window reads what changed in Stripe while it is shown (0: never by "
            "itself; F5 always does). Stripe counts each read against its rate limit.",
            box,
        )
        note.setWordWrap(True)
        grid.addWidget(note, 1, 1)
        self.auto_refresh = spin
        return box

    def _refuse(self, why: str) -> None:
        self.problem.setText(f"{why} Nothing can be saved until then.")
        for editor in self.editors.values():
            editor.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    # -- saving -------------------------------------------------------------------------------

    def chosen(self) -> dict[str, Any]:
        """The values as the fields have them (not yet checked)."""
        typed = self.db_url.text().strip()
        keep = self._db_url is not None and typed == mask_url(self._db_url)
        chosen: dict[str, Any] = {
            "db_url": self._db_url if keep else (typed or None),
            "mode": self.mode.currentData(),
            "currency": self.currency.text(),
            "catalog_stripe_columns": self.columns.text(),
            "rate_limit": self.rate_limit.text().strip() or None,
            "request_timeout_seconds": self.timeout.text().strip()
            or Settings().request_timeout_seconds,
            "confirm_untried_live": self.untried.isChecked(),
        }
        if "owned_fields" in Settings.model_fields:
            names = [n for n in re.split(r"[\s,]+", self.owned.text()) if n]
            chosen["owned_fields"] = names or None
        return chosen

    def _show_problems(self, problems: dict[str, str]) -> None:
        for name, label in self.problems.items():
            label.setText(problems.get(name, ""))
            label.setVisible(name in problems)
        other = [text for name, text in problems.items() if name not in self.problems]
        self.problem.setText(" ".join(other))
        self.problem.setVisible(bool(other))

    def accept(self) -> None:
        """Check and save the choices, then close; on a refused value or a file that cannot be
        written, say why and stay open."""
        if self._settings is None:
            return
        data = self._settings.model_dump() | self.chosen()
        problems: dict[str, str] = {}
        try:
            chosen = Settings.model_validate(data)
        except ValidationError as err:
            for error in err.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                problems.setdefault(name, plain_message(error["msg"]) + ".")
        if problems:
            self._show_problems(problems)
            return
        self._show_problems({})
        try:
            save_settings(chosen, self.path)
        except OSError as err:
            self.problem.setText(f"The settings could not be saved: {err.strerror or err}.")
            self.problem.show()
            return
        if self._store is not None and self.auto_refresh is not None:
            seconds = self.auto_refresh.value()
            self._store.set_auto_refresh_seconds(None if seconds < 0 else seconds)
        super().accept()
