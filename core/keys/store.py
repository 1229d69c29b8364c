"""API keys in the OS keyring: one entry per mode, never in a file, a log or an error message.

`SecretStore` wraps `keyring` under one service name ("stripe-sync-admin") with the user names
"stripe:test" and "stripe:live". It looks at the keyring backend when first needed (not when built:
the probe can block on D-Bus or pop an unlock prompt, so callers choose the thread), and says in
plain words whether keys can be kept there (`status`, `message`, `backend_name`). When no secure
keyring works it offers session-only keys, held in memory and forgotten on exit. The environment
variable STRIPE_SECRET_KEY serves headless use for the mode its prefix names.
"""

from __future__ import annotations

import importlib
import os
import secrets
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.errors

from core.errors import ConfigurationError
from core.keys.shape import KeyMode, check_key_mode, mask_key, parse_key

SERVICE_NAME = "stripe-sync-admin"
ENV_VAR = "STRIPE_SECRET_KEY"
MODES: tuple[KeyMode, ...] = ("test", "live")

KeyringStatus = Literal["ok", "none", "locked", "insecure"]
KeySource = Literal["keyring", "session", "environment"]

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


def _message(status: KeyringStatus, name: str, detail: str = "") -> str:
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
            return None, BackendReport(name, "insecure", _message("insecure", name))
        name = readable_backend_name(backend)
        return None, BackendReport(name, "none", _message("none", name))
    chosen = secure[0]
    name = readable_backend_name(chosen)
    status, detail = _trial(chosen, service)
    return chosen, BackendReport(name, status, _message(status, name, detail))


def _plain(err: Exception, key: str | None = None) -> str:
    """An exception's text with the key (if any) masked: keyring messages must not leak it."""
    text = str(err) or type(err).__name__
    if key:
        text = text.replace(key, mask_key(key))
    return text


@contextmanager
def _keyring_call(action: str, backend_name: str, key: str | None = None) -> Iterator[None]:
    """Turn keyring (and D-Bus) failures into KeyStoreError subclasses with plain messages."""
    try:
        yield
    except keyring.errors.KeyringLocked:
        raise KeyringLockedError(_message("locked", backend_name)) from None
    except (keyring.errors.NoKeyringError, keyring.errors.InitError) as err:
        raise KeyringUnavailableError(
            f"Could not {action}: {backend_name} is not available ({_plain(err, key)}).",
            hint="Check that the keyring is installed, running and unlocked.",
        ) from None
    except (keyring.errors.PasswordSetError, keyring.errors.PasswordDeleteError) as err:
        raise KeyringWriteError(
            f"{backend_name} refused to {action}: {_plain(err, key)}",
            hint="Unlock the keyring and try again, or use a key for this session only.",
        ) from None
    except Exception as err:  # secretstorage/D-Bus errors are not KeyringErrors
        raise KeyStoreError(
            f"Could not {action} in {backend_name}: {type(err).__name__}: {_plain(err, key)}",
            hint="Check that the keyring is running and unlocked.",
        ) from None


class SecretStore:
    """Stripe API keys per mode, kept in the OS keyring or, failing that, for this session only."""

    def __init__(
        self,
        service: str = SERVICE_NAME,
        backend: Any | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Build without touching the keyring: it is looked at on first use (`detect`), on
        whichever thread that happens. `backend` overrides `keyring.get_keyring()` (for tests)."""
        self.service = service
        self._given_backend = backend
        self._environ = environ
        self._session: dict[KeyMode, str] = {}
        self._backend: Any | None = None
        self._report: BackendReport | None = None
        self._lock = threading.Lock()  # the GUI's worker and the GUI thread may both ask

    @property
    def detected(self) -> bool:
        """Whether the keyring has been looked at yet (reading the properties below does it)."""
        return self._report is not None

    def detect(self) -> None:
        """Look at the keyring unless that was done already (a write/read/delete probe)."""
        if self._report is None:
            self.refresh()

    def refresh(self) -> None:
        """Look at the keyring again, e.g. after the user unlocked it."""
        with self._lock:
            backend = (
                self._given_backend if self._given_backend is not None else keyring.get_keyring()
            )
            self._backend, self._report = detect_backend(backend, self.service)

    def _detected_report(self) -> BackendReport:
        self.detect()
        assert self._report is not None
        return self._report

    @property
    def backend_name(self) -> str:
        """Where keys go, in words the user recognises ("GNOME Keyring (Secret Service)")."""
        return self._detected_report().name

    @property
    def status(self) -> KeyringStatus:
        """ok: keys are kept in a secure keyring; none / locked / insecure: they cannot be."""
        return self._detected_report().status

    @property
    def message(self) -> str:
        """What the keyring situation is, in plain words, and what to do about it."""
        return self._detected_report().message

    @property
    def session_only(self) -> bool:
        """True when keys can only be kept in memory for this session."""
        return self.status != "ok"

    def _environment_key(self, mode: KeyMode) -> str | None:
        environ = os.environ if self._environ is None else self._environ
        key = environ.get(ENV_VAR, "").strip()
        if not key:
            return None
        try:
            return key if parse_key(key).mode == mode else None
        except ConfigurationError:
            return None

    def _require_backend(self) -> Any:
        if self.status != "ok" or self._backend is None:
            if self.status == "locked":
                raise KeyringLockedError(self.message)
            raise KeyringUnavailableError(self.message)
        return self._backend

    def _stored_key(self, mode: KeyMode) -> str | None:
        if self.session_only:
            return None
        backend = self._require_backend()
        with _keyring_call(f"read the {mode} key", self.backend_name):
            value = backend.get_password(self.service, user_name(mode))
        return str(value) if value else None

    def source(self, mode: KeyMode) -> KeySource | None:
        """Where `get(mode)` finds the key: a session key, the keyring, the environment, or nowhere."""
        if mode in self._session:
            return "session"
        if self._stored_key(mode) is not None:
            return "keyring"
        if self._environment_key(mode) is not None:
            return "environment"
        return None

    def get(self, mode: KeyMode) -> str | None:
        """The key for a mode: a session key, else the keyring's, else STRIPE_SECRET_KEY if its
        mode matches, else None. Raises KeyStoreError when the keyring fails on reading, and
        KeyringLockedError when it is locked (the key may well be in it: "no key" would be wrong)
        unless a session or environment key serves the mode."""
        if mode in self._session:
            return self._session[mode]
        if self.status == "locked":
            from_env = self._environment_key(mode)
            if from_env is not None:
                return from_env
            raise KeyringLockedError(
                f"The {mode} key cannot be read: {self.backend_name} is locked.",
                hint="Unlock the keyring (for example open 'Passwords and Keys'), then try again.",
            )
        stored = self._stored_key(mode)
        if stored is not None:
            return stored
        return self._environment_key(mode)

    def masked(self, mode: KeyMode) -> str:
        """The mode's key as `sk_test_…abcd`, "(no key)" without one, never the whole key."""
        try:
            return mask_key(self.get(mode))
        except KeyStoreError:
            return "(keyring unavailable)"

    def set(self, mode: KeyMode, key: str) -> None:
        """Check the key belongs to `mode` and save it in the keyring (replacing any earlier one).

        Raises ConfigurationError (malformed or swapped key) or a KeyStoreError.
        """
        key = key.strip()
        check_key_mode(key, mode)
        backend = self._require_backend()
        with _keyring_call(f"save the {mode} key", self.backend_name, key):
            backend.set_password(self.service, user_name(mode), key)
        self._session.pop(mode, None)

    def use_session_key(self, mode: KeyMode, key: str) -> None:
        """Keep a key for this session only, in memory (after checking it belongs to `mode`)."""
        key = key.strip()
        check_key_mode(key, mode)
        self._session[mode] = key

    def delete(self, mode: KeyMode) -> None:
        """Forget a mode's key: its session key and its keyring entry. Deleting nothing is fine."""
        self._session.pop(mode, None)
        if self.session_only or self._stored_key(mode) is None:
            return
        backend = self._require_backend()
        with _keyring_call(f"delete the {mode} key", self.backend_name):
            backend.delete_password(self.service, user_name(mode))
