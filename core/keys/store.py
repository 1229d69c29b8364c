"""API keys in the OS keyring: one entry per mode, never in a file, a log or an error message.

`SecretStore` wraps `keyring` under one service name ("stripe-sync-admin") with the user names
"stripe:test" and "stripe:live". It looks at the keyring backend when first needed (not when built:
the probe can block on D-Bus or pop an unlock prompt, so callers choose the thread), and says in
plain words whether keys can be kept there (`status`, `message`, `backend_name`). When no secure
keyring works it offers session-only keys, held in memory and forgotten on exit. The environment
variable STRIPE_SECRET_KEY serves headless use for the mode its prefix names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

import keyring
import keyring.errors

from core.errors import ConfigurationError
from core.keys.backend import (
    ENV_VAR,
    SERVICE_NAME,
    BackendReport,
    KeyringLockedError,
    KeyringStatus,
    KeyringUnavailableError,
    KeyringWriteError,
    KeyStoreError,
    detect_backend,
    status_message,
    user_name,
)
from core.keys.shape import KeyMode, check_key_mode, mask_key, parse_key

MODES: tuple[KeyMode, ...] = ("test", "live")

KeySource = Literal["keyring", "session", "environment"]


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
        raise KeyringLockedError(status_message("locked", backend_name)) from None
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
