"""The tool's own folders and files are the owner's only: catalog, sandbox state, settings, log."""

from __future__ import annotations

import stat
from pathlib import Path

from core import paths
from core.runtime.applog import setup_logging, teardown_logging
from core.settings import Settings, save_settings
from core.workspace import Workspace


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_folders_and_files_are_owner_only(tmp_path: Path) -> None:
    with Workspace.open(mode="sandbox") as ws:  # the default catalog and the sandbox's state
        ws.status()
    save_settings(Settings(currency="eur"))
    log = setup_logging(directory=tmp_path / "log")
    try:
        assert log is not None
        for folder in (paths.data_dir(), paths.config_dir(), log.parent):
            assert _mode(folder) == 0o700, folder
        assert _mode(paths.settings_file()) & 0o077 == 0
    finally:
        teardown_logging()


def test_a_folder_left_open_by_an_older_version_is_closed(tmp_path: Path) -> None:
    folder = paths.data_dir()
    folder.chmod(0o755)
    assert _mode(paths.data_dir()) == 0o700
