"""Which keyring this computer has, and whether keys can be kept there: the backend, its provider
(GNOME Keyring, KWallet, …) in words a user recognises, and a probe that tells ok / locked / none /
insecure. `core.keys.store.SecretStore` uses it; the errors here are what it raises.
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.errors

from core.errors import ConfigurationError
from core.keys.shape import KeyMode

SERVICE_NAME = "stripe-sync-admin"
ENV_VAR = "STRIPE_SECRET_KEY"
KeyringStatus = Literal["ok", "none", "locked", "insecure"]
_PROBE_USER = "stripe-sync-admin:probe"

# Backends by module: the words a user recognises. Secret Service names its provider when it can.
_READABLE_BACKENDS = {
    "keyring.backends.SecretService": "Secret Service",
    "keyring.backends.libsecret": "Secret Service (libsecret)",
    "keyring.backends.kwallet": "KWallet",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Manager",
    "keyring.backends.fail": "no keyring",
    "keyring.backends.null": "a null keyring that discards keys",
    "keyrings.alt.file": "an unencrypted file (keyrings.alt)",
}
_SECRET_SERVICE_PROVIDERS = {
    "gnome-keyring-d": "GNOME Keyring",
    "gnome-keyring-daemon": "GNOME Keyring",
    "kwalletd5": "KWallet",
    "kwalletd6": "KWallet",
    "keepassxc": "KeePassXC",
}


class KeyStoreError(ConfigurationError):
    """A key could not be read, saved or deleted in the keyring."""


class KeyringUnavailableError(KeyStoreError):
    """No secure keyring works on this machine (none installed, or only insecure ones)."""


class KeyringLockedError(KeyStoreError):
    """The keyring is there but locked, or it refused to open."""


class KeyringWriteError(KeyStoreError):
    """The keyring refused to save or delete an entry."""


def user_name(mode: KeyMode) -> str:
    """The keyring user name that holds a mode's key: "stripe:test" or "stripe:live"."""
    return f"stripe:{mode}"


@dataclass(frozen=True)
class BackendReport:
    """What the keyring detection found: a readable name, a status and what to tell the user."""

    name: str
    status: KeyringStatus
    message: str


def _backends_of(backend: Any) -> list[Any]:
    """The backend itself, or each backend a ChainerBackend chains."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        return list(backend.backends)
    return [backend]


def _priority(backend: Any) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend's priority raises when it is not viable (e.g. no D-Bus)
        return -1.0


def _is_placeholder(backend: Any) -> bool:
    from keyring.backends import fail, null

    return isinstance(backend, fail.Keyring | null.Keyring)


def _secret_service_provider() -> str | None:
    """Which program owns org.freedesktop.secrets on the session bus (Linux only), if known."""
    if not sys.platform.startswith("linux") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    try:
        jeepney: Any = importlib.import_module("jeepney")
        blocking: Any = importlib.import_module("jeepney.io.blocking")
        call = jeepney.new_method_call(
            jeepney.bus_messages.message_bus,
            "GetConnectionUnixProcessID",
            "s",
            ("org.freedesktop.secrets",),
        )
        with blocking.open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(call, timeout=2)
        pid = int(reply.body[0])
        program = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip()
    except Exception:  # naming the provider is a nicety; any failure just leaves it unnamed
        return None
    return _SECRET_SERVICE_PROVIDERS.get(program, program or None)


def readable_backend_name(backend: Any) -> str:
    """A name the user recognises for a keyring backend, e.g. "GNOME Keyring (Secret Service)"."""
    module = type(backend).__module__
    name = _READABLE_BACKENDS.get(module)
    if name is None:
        return (
            type(backend).__name__ if module == "builtins" else f"{module}.{type(backend).__name__}"
        )
    if module in ("keyring.backends.SecretService", "keyring.backends.libsecret"):
        provider = _secret_service_provider()
        if provider:
            return f"{provider} ({name})"
    return name


def _install_hint() -> str:
    if sys.platform == "darwin":
        return "On macOS the login Keychain should be available; check that it is not locked."
    if sys.platform.startswith("win"):
        return "On Windows the Credential Manager should be available; check your user account."
    return (
        "On Linux install and unlock GNOME Keyring or KWallet (a Secret Service provider; "
        "for example: sudo apt install gnome-keyring), then log out and in again."
    )


_SESSION_HINT = (
    "Until then you can enter a key for this session only: it is kept in memory and forgotten "
    f"when the tool closes. For headless use, set {ENV_VAR}."
)


def status_message(status: KeyringStatus, name: str, detail: str = "") -> str:
    if status == "ok":
        return f"Keys are stored in {name}."
    if status == "locked":
        text = (
            f"Your keyring is locked: unlock {name} (for example open 'Passwords and Keys', or "
            "log out and in again), then try again."
        )
        if detail:
            text = f"{text} Details: {detail.rstrip('.')}."
        return f"{text} {_SESSION_HINT}"
    if status == "insecure":
        return (
            f"No secure keyring is available: only {name}, which would not keep keys safe. "
            f"{_install_hint()} {_SESSION_HINT}"
        )
    text = f"No secure keyring is available. {_install_hint()}"
    if detail:
        text = f"{text} Details: {detail.rstrip('.')}."
    return f"{text} {_SESSION_HINT}"


def _trial(backend: Any, service: str) -> tuple[KeyringStatus, str]:
    """Save, read back and delete a random probe entry to tell a working store from a locked one."""
    value = secrets.token_hex(16)
    try:
        backend.set_password(service, _PROBE_USER, value)
        read_back = backend.get_password(service, _PROBE_USER)
        backend.delete_password(service, _PROBE_USER)
    except keyring.errors.KeyringLocked:
        return "locked", ""
    except keyring.errors.InitError as err:
        return "locked", f"it could not be opened: {err}"
    except keyring.errors.KeyringError as err:
        return "none", f"{type(err).__name__}: {err}"
    except Exception as err:  # D-Bus and platform errors must not stop the tool from starting
        return "none", f"{type(err).__name__}: {err}"
    if read_back != value:
        return "none", "it did not keep a test entry"
    return "ok", ""


def detect_backend(backend: Any, service: str = SERVICE_NAME) -> tuple[Any | None, BackendReport]:
    """Pick the secure backend keys will go to and say whether it works.

    Returns the chosen backend (None when no secure one exists) and a report for the user.
    """
    candidates = [b for b in _backends_of(backend) if not _is_placeholder(b)]
    secure = sorted((b for b in candidates if _priority(b) >= 1), key=_priority, reverse=True)
    if not secure:
        weak = [b for b in candidates if _priority(b) > 0]
        if weak:
            name = readable_backend_name(weak[0])
            return None, BackendReport(name, "insecure", status_message("insecure", name))
        name = readable_backend_name(backend)
        return None, BackendReport(name, "none", status_message("none", name))
    chosen = secure[0]
    name = readable_backend_name(chosen)
    status, detail = _trial(chosen, service)
    return chosen, BackendReport(name, status, status_message(status, name, detail))
