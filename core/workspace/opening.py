"""Opening a workspace: the mode's key (or the in-process sandbox), the catalog, the settings.

`open_parts` does what `core.workspace.Workspace.open` needs before a gateway can be built, and
undoes what it did when a later step fails, so a refused open leaves no lock or server behind.

Without a key from the caller (the command line), test and live mode take STRIPE_SECRET_KEY, else
the key the window saved in the OS keyring (`find_key`), and say which. A live key is only sent over
https, or plain http to this computer (core.keys.api_base).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core import paths
from core.catalog.store import CatalogStore
from core.domain.text import terminal_safe
from core.errors import ConfigurationError
from core.keys.api_base import API_BASE_VAR, check_api_base
from core.keys.backend import ENV_VAR, KeyringLockedError, KeyStoreError
from core.keys.shape import KeyMode, check_key_mode, mask_key
from core.keys.store import SecretStore
from core.runtime.instance_lock import InstanceLock
from core.settings import Mode, Settings, load_settings

# A well-formed test key for the in-process sandbox (it accepts any sk_test_ key).
SANDBOX_KEY = "sk_test_sandboxLocal0000"
# The built-in sandbox logs requests for tests; one serving a window for hours keeps the last few.
SANDBOX_LOG_LIMIT = 10_000
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


def _to_stderr(text: str) -> None:
    sys.stderr.write(terminal_safe(text) + "\n")


# Where `find_key` says which key it uses (the command line's stderr; the window always passes
# its key, so it never gets here).
key_notice: Callable[[str], None] = _to_stderr


def find_key(mode: KeyMode) -> str:
    """The key for `mode` when the caller gave none (the command line): STRIPE_SECRET_KEY when
    set (headless use; it wins, even over a key saved in the keyring), else the key the window
    saved in the OS keyring. Says which on `key_notice`, masked.

    Raises ConfigurationError when there is none, or when the keyring is locked or fails.
    """
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        check_key_mode(from_env, mode)
        key_notice(f"Using the {mode} key from {ENV_VAR} ({mask_key(from_env)}).")
        return from_env
    store = SecretStore(environ={})
    try:
        key = store.get(mode)
    except KeyringLockedError:
        raise ConfigurationError(
            f"The {mode} key cannot be read: {store.backend_name} is locked.",
            hint="Unlock it (for example open 'Passwords and Keys', or log in to the desktop), "
            f"then run the command again; or set {ENV_VAR} to your sk_{mode}_… key.",
        ) from None
    except KeyStoreError as err:
        raise ConfigurationError(
            f"The {mode} key cannot be read from {store.backend_name}: {err.message}",
            hint=f"Check that the keyring is running and unlocked, or set {ENV_VAR} to your "
            f"sk_{mode}_… key.",
        ) from None
    if key:
        key_notice(f"Using the {mode} key saved in {store.backend_name} ({mask_key(key)}).")
        return key
    if store.status == "ok":
        raise ConfigurationError(
            f"No Stripe key for {mode} mode: none is saved in {store.backend_name}.",
            hint=f"Save one with Keys… in the window, or set {ENV_VAR} to your sk_{mode}_… key.",
        )
    raise ConfigurationError(
        f"No Stripe key for {mode} mode (no secure keyring works on this computer, so none "
        "can be saved there).",
        hint=f"Set {ENV_VAR} to your sk_{mode}_… key.",
    )


def publish_sandbox_url(url: str) -> None:
    """Say where this process serves the built-in sandbox, so other processes (the command line
    while the window is open) use it instead of being locked out."""
    target = paths.sandbox_lock_file().with_suffix(".url")
    target.write_text(url + "\n", encoding="utf-8")
    target.chmod(0o600)


def shared_sandbox_url() -> str | None:
    """The address of the sandbox another process serves, when it answers."""
    try:
        url = paths.sandbox_lock_file().with_suffix(".url").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not url.startswith("http://127.0.0.1:"):
        return None
    try:
        with urllib.request.urlopen(f"{url}/v1/account", timeout=2):  # noqa: S310 - loopback
            pass
    except urllib.error.HTTPError:
        pass  # it answered (without a key it refuses, as Stripe does): it is there
    except OSError:
        return None
    return url


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
        key_mode: KeyMode = "live" if mode == "live" else "test"
        key = api_key.strip() if api_key and api_key.strip() else find_key(key_mode)
        check_key_mode(key, key_mode)
        if api_base:
            check_api_base(api_base, key_mode, source="The API base address")
        else:
            api_base = os.environ.get(API_BASE_VAR, "").strip() or None
            check_api_base(api_base, key_mode)
    catalog = CatalogStore.open(db_url or settings.db_url, create=False)
    try:
        if mode == "sandbox":
            from core.sandbox import SandboxServer

            try:
                lock = InstanceLock.acquire(paths.sandbox_lock_file(), "sandbox")
            except ConfigurationError:
                # Another process (the window, say) serves the sandbox: talk to it instead.
                shared = shared_sandbox_url()
                if shared is None:
                    raise
                return OpenedParts(catalog, key, shared, settings)
            sandbox = SandboxServer(
                port=0, state_file=paths.sandbox_state_file(), log_limit=SANDBOX_LOG_LIMIT
            ).start()
            api_base = sandbox.url
            publish_sandbox_url(api_base)
        return OpenedParts(catalog, key, api_base, settings, sandbox, lock)
    except BaseException:
        catalog.close()
        if sandbox is not None:
            sandbox.stop()
        if lock is not None:
            lock.release()
        raise
