"""In-memory keyring backends for tests: the keys live in a dict, never on disk or in a real keyring.

They are duck-typed on purpose: a `KeyringBackend` subclass would register itself with keyring for
the whole test process.
"""

from __future__ import annotations

import keyring.errors


class MemoryKeyring:
    """A secure in-memory backend (priority 5, like a real Secret Service)."""

    priority = 5

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("No such password!")
        del self.entries[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring whose collection stays locked: every call fails like SecretService does, until
    the test unlocks it with `locked = False`."""

    locked = True

    def _check(self) -> None:
        if self.locked:
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        super().delete_password(service, username)
