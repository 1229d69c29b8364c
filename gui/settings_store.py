"""What the window remembers between runs, in an INI file under the platform's config folder.

QSettings in INI format at an explicit path (not the registry or Qt's default location), so a test
with a fresh XDG_CONFIG_HOME starts from defaults and leaves nothing behind.

The window never opens in Live mode by itself: left in Live, it opens in Test (`opening_mode`) and
says so (`left_in_live`). Only `--mode live`, asked for this once (`requested_mode`), opens Live.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from core.workspace import Mode

APP_DIR = "stripe-sync-admin"
MODES: tuple[str, ...] = get_args(Mode)
# Seconds between two refreshes by events while the window is visible (0: off). The sandbox is on
# this computer and costs nothing to ask; Stripe counts every request against the rate limit.
AUTO_REFRESH_DEFAULTS: dict[str, float] = {"sandbox": 3.0, "test": 30.0, "live": 30.0}
RECENT_COUNT = 5  # catalogs in Catalog ▸ Recent catalogs
DEFAULT_CATALOG = ""  # the tool's own catalog (no URL) in the recent list


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
        value = self._qs.value("session/catalog_url", "")
        self._catalog_url = str(value) if value else None

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
        self._qs.setValue("session/catalog_url", value or "")

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
        """Put `url` (None: the tool's own catalog) first in the recent catalogs."""
        entry = url or DEFAULT_CATALOG
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
