"""The composition root: builds the application, the settings, the session and the window.

Only this module chooses concrete objects (the real `Workspace`, the OS keyring); everything else
receives them. `main()` is what `stripe-sync-admin` (no arguments) runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from core.errors import ConfigurationError
from core.workspace import Mode, ProductRow
from gui.heap import share_the_gil
from gui.main_window import MainWindow
from gui.session import OpenWorkspace, ReadKey, Session, WorkspaceLike
from gui.session_offline import ListCatalog
from gui.settings_store import MODES, SettingsStore
from gui.tasks import TaskRunner
from gui.window_commands import OpenKeys

log = logging.getLogger(__name__)

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
APP_ID = "stripe-sync-admin"


def app_icon() -> QIcon:
    """The application's icon (resources/icon.svg)."""
    return QIcon(str(RESOURCES / "icon.svg"))


def make_opener(db_url: str | None | Callable[[], str | None]) -> OpenWorkspace:
    """Open the real workspace on `db_url` (None: the default catalog; a function: the catalog it
    names at each open, so Catalog ▸ Open… takes effect at the next open) for a mode and key."""

    def open_workspace(mode: Mode, api_key: str | None) -> WorkspaceLike:
        from core.workspace import Workspace

        url = db_url() if callable(db_url) else db_url

        if mode != "sandbox" and not api_key:
            raise ConfigurationError(
                f"No {mode} key is stored yet.",
                hint=f"Add your {mode} secret key with Keys… (Ctrl+K), or use the Sandbox.",
            )
        workspace: Any = Workspace.open(db_url=url, mode=mode, api_key=api_key)
        return workspace  # type: ignore[no-any-return]

    return open_workspace


def make_catalog_lister(db_url: str | None | Callable[[], str | None]) -> ListCatalog:
    """List the catalog `db_url` names (as for `make_opener`) without Stripe, each product's
    Stripe side unknown: what the window shows when Stripe cannot be read."""

    def list_catalog(why: str) -> list[ProductRow]:
        from core.workspace import catalog_only_rows

        return catalog_only_rows(db_url() if callable(db_url) else db_url, why=why)

    return list_catalog


def make_key_reader(store: Any | None) -> ReadKey:
    """Read the key for test/live from the SecretStore each time (sandbox needs none, so the
    keyring is not even looked at). Runs on the session's worker: the first read probes the
    keyring there, never on the GUI thread. A locked keyring raises KeyringLockedError saying to
    unlock it and press Reset client."""

    def read_key(mode: Mode) -> str | None:
        if mode == "sandbox" or store is None:
            return None
        from core.keys.store import KeyringLockedError

        try:
            return store.get(mode)  # type: ignore[no-any-return]
        except KeyringLockedError:
            raise KeyringLockedError(
                f"The {mode} key cannot be read: your keyring ({store.backend_name}) is locked.",
                hint="Unlock it (for example open 'Passwords and Keys'), then press Reset client "
                "(Ctrl+Shift+R). Or enter a key for this session only with Keys….",
            ) from None

    return read_key


def make_session(
    opener: OpenWorkspace, store: Any | None, list_catalog: ListCatalog | None = None
) -> Session:
    """A session reading keys from `store` (a SecretStore, or None: no keys in this build),
    listing the catalog with `list_catalog` when Stripe cannot be read."""
    if store is None:
        return Session(opener, make_key_reader(None), list_catalog=list_catalog)
    return Session(
        opener,
        make_key_reader(store),
        recheck_keys=store.refresh,
        is_session_key=lambda mode: store.source(mode) == "session",
        list_catalog=list_catalog,
    )


def _secret_store() -> Any | None:
    try:
        from core.keys.store import SecretStore
    except ImportError:  # the keys feature is not in this build
        return None
    return SecretStore()  # cheap: it looks at the keyring only when first asked


def _keys_opener(store: Any | None) -> OpenKeys:
    def open_keys(parent: QWidget, runner: TaskRunner | None = None) -> QDialog | None:
        if store is None:
            return None
        try:
            from gui.dialogs.keys_dialog import KeysDialog
        except ImportError:
            return None
        dialog: QDialog = KeysDialog(store, parent, runner=runner)
        dialog.open()
        return dialog

    return open_keys


def build_window(
    *,
    db_url: str | None = None,
    settings: SettingsStore | None = None,
    opener: OpenWorkspace | None = None,
    secret_store: Any | None = None,
) -> MainWindow:
    """Build the window with its session (the caller shows it and calls `start()`)."""
    share_the_gil()  # the worker's Python never holds the window's paint up for long
    settings = settings or SettingsStore()
    if db_url is not None:
        settings.catalog_url = db_url
    store = secret_store if secret_store is not None else _secret_store()
    # The catalog is read at each open: the Catalog menu switches it (gui.catalog_menu).
    lister = make_catalog_lister(lambda: settings.catalog_url) if opener is None else None
    session = make_session(opener or make_opener(lambda: settings.catalog_url), store, lister)
    window = MainWindow(session, settings, open_keys=_keys_opener(store), icon=app_icon())
    session.setParent(window)
    return window


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=APP_ID, description="Stripe Sync Admin window")
    parser.add_argument(
        "--mode",
        choices=MODES,
        help="start in this mode (default: the last one, but Test when it was Live)",
    )
    parser.add_argument("--db-url", help="catalog database URL (default: the last one used)")
    return parser.parse_args(list(argv))


def setup_app_logging() -> Path | None:
    """The application log main() writes (rotated, keys masked); its path, if there is one."""
    try:
        from core.runtime.applog import setup_logging
    except ImportError:
        logging.basicConfig(level=logging.INFO)
        return None
    return setup_logging()


def main(argv: Sequence[str] | None = None) -> int:
    """Open the window; returns the application's exit code."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    setup_app_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName(APP_ID)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName("Stripe Sync Admin")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    settings = SettingsStore()
    if args.mode:
        settings.requested_mode = args.mode
    window = build_window(db_url=args.db_url, settings=settings)
    window.show()
    window.start()
    log.info("Window opened in %s mode", window.mode)
    return app.exec()
