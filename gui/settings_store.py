"""What the window remembers between runs, in an INI file under the platform's config folder.

QSettings in INI format at an explicit path (not the registry or Qt's default location), so a test
with a fresh XDG_CONFIG_HOME starts from defaults and leaves nothing behind.

The window never opens in Live mode by itself: left in Live, it opens in Test (`opening_mode`) and
says so (`left_in_live`). Only `--mode live`, asked for this once (`requested_mode`), opens Live.

A database password is never written to the file: a catalog URL is saved without it (the catalog
and the recent ones), and the password typed is kept in memory for this run only
(`full_catalog_url`). Reopened later, a PostgreSQL catalog asks for it again (`needs_password`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from core.workspace import Mode
from gui.dialogs.database_url_dialog import split_password, with_password

APP_DIR = "stripe-sync-admin"
MODES: tuple[str, ...] = get_args(Mode)
# Seconds between two refreshes by events while the window is visible (0: off). The sandbox is on
# this computer and costs nothing to ask; Stripe counts every request against the rate limit.
AUTO_REFRESH_DEFAULTS: dict[str, float] = {"sandbox": 3.0, "test": 30.0, "live": 30.0}
RECENT_COUNT = 5  # catalogs in Catalog ▸ Recent catalogs
DEFAULT_CATALOG = ""  # the tool's own catalog (no URL) in the recent list
_ASKS_PASSWORD = ("postgresql", "postgres")  # databases that take a user and a password


def without_password(url: str) -> str:
    """`url` as it may be written to the file: its password taken out."""
    return split_password(url)[0]


def settings_path() -> Path:
    """The INI file: `<user config dir>/stripe-sync-admin/window.ini`."""
    return Path(platformdirs.user_config_dir(APP_DIR, appauthor=False)) / "window.ini"


class SettingsStore:
    """Window size, splitter positions, the last mode, the catalog location and the recent ones,
    the hidden columns and the automatic refresh's interval."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.requested_mode: Mode | None = None  # `--mode`, for this start only
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        # Kept in Python too: the workspace opener reads it on the worker thread, and one QSettings
        # object may not be used from two threads.
        # Passwords typed this run, by the URL without them (never written to the file).
        self._passwords: dict[str, str] = {}
        value = self._qs.value("session/catalog_url", "")
        self._catalog_url = without_password(str(value)) if value else None
        self._forget_saved_passwords()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @property
    def geometry(self) -> QByteArray | None:
        """The window geometry saved last time (None on first start)."""
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """Toolbars' state saved last time."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    @property
    def splitter(self) -> QByteArray | None:
        """The table/detail splitter position saved last time."""
        return self._bytes("window/splitter")

    @splitter.setter
    def splitter(self, value: QByteArray) -> None:
        self._qs.setValue("window/splitter", value)

    @property
    def mode(self) -> Mode:
        """The last mode used; sandbox on first start (or if the file holds nonsense)."""
        value = self._qs.value("session/mode", "sandbox")
        return value if value in MODES else "sandbox"  # type: ignore[return-value]

    @mode.setter
    def mode(self, value: Mode) -> None:
        self._qs.setValue("session/mode", value)

    @property
    def opening_mode(self) -> Mode:
        """The mode the window opens in: the one asked for on the command line, else the last one
        used, but Test instead of Live (a live write should never be one click from starting)."""
        if self.requested_mode is not None:
            return self.requested_mode
        return "test" if self.mode == "live" else self.mode

    @property
    def left_in_live(self) -> bool:
        """Whether the window was left in Live mode and so opens in Test instead."""
        return self.requested_mode is None and self.mode == "live"

    @property
    def catalog_url(self) -> str | None:
        """The catalog database URL used last (None: the tool's default catalog). Safe to read
        from any thread."""
        return self._catalog_url

    @catalog_url.setter
    def catalog_url(self, value: str | None) -> None:
        self._catalog_url = value or None
        saved = without_password(value) if value else ""
        _address, password = split_password(value or "")
        if password:
            self._passwords[saved] = password
        self._qs.setValue("session/catalog_url", saved)

    def full_catalog_url(self, url: str) -> str:
        """A saved catalog URL with the password typed for it this run put back, if any."""
        password = self._passwords.get(without_password(url))
        return with_password(url, password) if password else url

    def needs_password(self, url: str | None) -> bool:
        """Whether to ask for `url`'s password before opening it: a PostgreSQL URL with a user
        and no password, none typed this run (a .pgpass file or PGPASSWORD may still give it:
        the question takes an empty password too)."""
        if not url:
            return False
        scheme, _, rest = url.partition("://")
        if scheme.split("+")[0].lower() not in _ASKS_PASSWORD or "@" not in rest:
            return False
        address, password = split_password(url)
        return password is None and without_password(address) not in self._passwords

    def _forget_saved_passwords(self) -> None:
        """A file written before passwords were left out: take them out now."""
        stored = str(self._qs.value("session/catalog_url", "") or "")
        if stored and without_password(stored) != stored:
            self._qs.setValue("session/catalog_url", without_password(stored))
        recent = self._strings("catalog/recent")
        clean = list(dict.fromkeys(without_password(u) for u in recent))
        if clean != recent:
            self._qs.setValue("catalog/recent", json.dumps(clean))

    def _strings(self, key: str) -> list[str]:
        try:
            value = json.loads(str(self._qs.value(key, "[]")))
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    @property
    def recent_catalogs(self) -> list[str]:
        """The catalogs opened last, newest first (at most 5; DEFAULT_CATALOG: the tool's own)."""
        return self._strings("catalog/recent")[:RECENT_COUNT]

    def add_recent_catalog(self, url: str | None) -> None:
        """Put `url` (None: the tool's own catalog) first in the recent catalogs, without its
        password."""
        entry = without_password(url) if url else DEFAULT_CATALOG
        recent = [entry, *(u for u in self.recent_catalogs if u != entry)][:RECENT_COUNT]
        self._qs.setValue("catalog/recent", json.dumps(recent))

    def forget_recent_catalogs(self) -> None:
        """Empty the recent catalogs."""
        self._qs.setValue("catalog/recent", "[]")

    @property
    def hidden_columns(self) -> list[str]:
        """The names of the table columns the operator hid (View ▸ Columns)."""
        return self._strings("view/hidden_columns")

    @hidden_columns.setter
    def hidden_columns(self, names: list[str]) -> None:
        self._qs.setValue("view/hidden_columns", json.dumps(sorted(set(names))))

    @property
    def shown_columns(self) -> list[str]:
        """The names of the columns hidden by default that the operator showed (View ▸ Columns)."""
        return self._strings("view/shown_columns")

    @shown_columns.setter
    def shown_columns(self, names: list[str]) -> None:
        self._qs.setValue("view/shown_columns", json.dumps(sorted(set(names))))

    def auto_refresh_seconds(self, mode: Mode) -> float:
        """Seconds between the window's own refreshes in `mode` (0: off): the saved choice, else
        30 in test and live and 3 in the sandbox."""
        value = self._qs.value("refresh/auto_seconds", "")
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return AUTO_REFRESH_DEFAULTS[mode]
        return seconds if seconds >= 0 else AUTO_REFRESH_DEFAULTS[mode]  # also refuses nan

    @property
    def auto_refresh_choice(self) -> float | None:
        """The interval the operator chose for every mode (None: the defaults per mode)."""
        value = self._qs.value("refresh/auto_seconds", "")
        try:
            seconds = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return seconds if seconds >= 0 else None

    def set_auto_refresh_seconds(self, seconds: float | None) -> None:
        """Refresh every `seconds` in every mode (0: never by itself; None: the defaults)."""
        self._qs.setValue("refresh/auto_seconds", "" if seconds is None else float(seconds))

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()
