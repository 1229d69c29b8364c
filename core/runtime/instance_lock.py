"""One stripe-sync-admin process at a time on the in-process sandbox's state file.

The sandbox keeps its state in one JSON file in the user data folder; two processes serving it at
once would overwrite each other's writes. Sandbox mode therefore takes an exclusive lock on a file
beside it (holding the owner's pid) for as long as the workspace is open. Within one process the
lock is shared (the window reopens its workspace; tests open several in turn).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import IO

from core.errors import ConfigurationError

_guard = threading.Lock()
_held: dict[Path, tuple[IO[str], int]] = {}  # path → (open file holding the lock, users)


class InstanceLock:
    """A held lock; `release()` once (also on close of the workspace)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._released = False

    @classmethod
    def acquire(cls, path: Path, what: str) -> InstanceLock:
        """Take the lock at `path` or raise ConfigurationError naming the pid that holds it."""
        path = path.resolve()
        with _guard:
            if path in _held:
                handle, users = _held[path]
                _held[path] = (handle, users + 1)
                return cls(path)
            handle = path.open("a+", encoding="utf-8")
            try:
                if not _try_lock(handle):
                    handle.seek(0)
                    owner = handle.read().strip() or "unknown"
                    raise ConfigurationError(
                        f"The {what} is in use by another stripe-sync-admin (pid {owner}); "
                        "close it first."
                    )
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
            except BaseException:
                handle.close()
                raise
            _held[path] = (handle, 1)
        return cls(path)

    def release(self) -> None:
        """Give the lock up (the last user in this process unlocks the file)."""
        if self._released:
            return
        self._released = True
        with _guard:
            handle, users = _held[self.path]
            if users > 1:
                _held[self.path] = (handle, users - 1)
                return
            del _held[self.path]
            handle.close()  # closing the file drops the lock


def _try_lock(handle: IO[str]) -> bool:
    if os.name != "posix":  # pragma: no cover - the tool's platforms are POSIX; Windows: no lock
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
