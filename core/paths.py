"""Where the tool keeps its files: the platform's user data and config folders (platformdirs).

XDG_DATA_HOME and XDG_CONFIG_HOME are honoured on Linux, so tests and CI can point them elsewhere.
Folders are created on first use, readable by their owner only (0700).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "stripe-sync-admin"


def private_dir(path: Path) -> Path:
    """Create `path` if needed and make it the owner's only (0700): the catalog, the sandbox's
    state, the settings and the log are nobody else's business on a shared computer."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def data_dir() -> Path:
    """The user data folder (the default catalog and the sandbox's state live here)."""
    return private_dir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def config_dir() -> Path:
    """The user config folder (settings.toml lives here)."""
    return private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def default_catalog_path() -> Path:
    """The SQLite file used when no database URL is given."""
    return data_dir() / "catalog.sqlite3"


def default_catalog_url() -> str:
    """The SQLAlchemy URL of the default SQLite catalog."""
    return f"sqlite:///{default_catalog_path()}"


def sandbox_state_file() -> Path:
    """Where the in-process sandbox keeps its state, so one run sees what the previous one wrote."""
    return data_dir() / "sandbox-state.json"


def sandbox_lock_file() -> Path:
    """Held by the process serving the in-process sandbox (one at a time: core.runtime.instance_lock)."""
    return data_dir() / "sandbox.lock"


def settings_file() -> Path:
    """The TOML file holding the non-secret settings."""
    return config_dir() / "settings.toml"


def mirror_file(account_id: str, mode: str) -> Path:
    """The SQLite file holding the mirror of one Stripe account's products and prices in one mode
    (core.engine.mirror): what the tool last read of Stripe, kept up to date from its events."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{account_id}-{mode}")
    return private_dir(data_dir() / "mirror") / f"{safe}.sqlite3"
