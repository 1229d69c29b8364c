"""Opening a workspace: the mode's key (or the in-process sandbox), the catalog, the settings.

`open_parts` does what `core.workspace.Workspace.open` needs before a gateway can be built, and
undoes what it did when a later step fails, so a refused open leaves no lock or server behind.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from core import paths
from core.catalog.store import CatalogStore
from core.errors import ConfigurationError
from core.keys.shape import check_key_mode
from core.runtime.instance_lock import InstanceLock
from core.settings import Mode, Settings, load_settings

# A well-formed test key for the in-process sandbox (it accepts any sk_test_ key).
SANDBOX_KEY = "sk_test_sandboxLocal0000"
MODES: tuple[Mode, ...] = ("sandbox", "test", "live")


@dataclass
class OpenedParts:
    """What a workspace is built from (the keyword arguments of `Workspace.__init__`)."""

    catalog: CatalogStore
    api_key: str
    api_base: str | None
    settings: Settings
    sandbox: Any = None
    sandbox_lock: InstanceLock | None = None

    def close(self) -> None:
        """Undo the open: the catalog, the sandbox and its lock."""
        self.catalog.close()
        if self.sandbox is not None:
            self.sandbox.stop()
        if self.sandbox_lock is not None:
            self.sandbox_lock.release()


def open_parts(
    *, db_url: str | None, mode: Mode, api_key: str | None, api_base: str | None
) -> OpenedParts:
    """Check the mode and key, open the catalog and (sandbox mode) start the sandbox."""
    if mode not in MODES:
        raise ConfigurationError(f"Unknown mode {mode!r}.", hint="Use one of: sandbox, test, live.")
    settings = load_settings()
    sandbox = None
    lock = None
    if mode == "sandbox":
        key = SANDBOX_KEY
    else:
        key = (api_key or os.environ.get("STRIPE_SECRET_KEY") or "").strip()
        if not key:
            raise ConfigurationError(
                f"No Stripe key for {mode} mode.",
                hint=f"Set STRIPE_SECRET_KEY to your sk_{mode}_… key, or save one with Keys… "
                "in the window.",
            )
        check_key_mode(key, "live" if mode == "live" else "test")
        api_base = api_base or os.environ.get("STRIPE_API_BASE") or None
    catalog = CatalogStore.open(db_url or settings.db_url, create=False)
    try:
        if mode == "sandbox":
            from core.sandbox import SandboxServer

            lock = InstanceLock.acquire(paths.sandbox_lock_file(), "sandbox")
            sandbox = SandboxServer(port=0, state_file=paths.sandbox_state_file()).start()
            api_base = sandbox.url
        return OpenedParts(catalog, key, api_base, settings, sandbox, lock)
    except BaseException:
        catalog.close()
        if sandbox is not None:
            sandbox.stop()
        if lock is not None:
            lock.release()
        raise
