"""The real window in test mode, talking through the real workspace and SDK to a sandbox the test
holds (and may also edit by hand): the one way the window tests build it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from core.catalog.importer import import_file
from core.catalog.sample import sample_catalog_path
from core.catalog.store import CatalogStore
from core.sandbox import SandboxServer
from core.settings import Mode
from core.workspace import Workspace
from gui.main_window import MainWindow
from gui.session import Session, WorkspaceLike
from gui.settings_store import SettingsStore


def sample_catalog_db(folder: Path) -> str:
    """A SQLite catalog in `folder` holding the sample catalog (what a newcomer starts with)."""
    url = f"sqlite:///{folder / 'c.db'}"
    store = CatalogStore.open(url)
    try:
        import_file(store, sample_catalog_path())
    finally:
        store.close()
    return url


@contextmanager
def window_in_test_mode(
    qtbot: QtBot, db_url: str, sandbox: SandboxServer, key: str
) -> Iterator[MainWindow]:
    """The window opened in test mode with `key` on `db_url`, its rows loaded; closed after."""

    def opener(mode: Mode, given: str | None) -> WorkspaceLike:
        ws: Any = Workspace.open(db_url=db_url, mode=mode, api_key=given, api_base=sandbox.url)
        return ws  # type: ignore[no-any-return]

    settings = SettingsStore()
    settings.mode = "test"
    session = Session(opener, lambda mode: key if mode == "test" else None)
    win = MainWindow(session, settings)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(session.rows_loaded, timeout=20_000):
        win.start()
    qtbot.waitUntil(lambda: not session.busy, timeout=20_000)
    try:
        yield win
    finally:
        win.close()
