"""The application log: a rotating file in the user's log folder, with Stripe keys masked.

`setup_logging()` attaches one RotatingFileHandler (1 MB x 5 files) to the root logger. A filter on
that handler rewrites every record so that anything shaped like a Stripe key (`sk_`, `rk_`, `pk_`
followed by `test_`/`live_`) is shown as `sk_test_…abcd`, in the message, its arguments, the
exception text and the stack; the formatter masks the finished line once more as a safety net.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from core import paths
from core.keys.shape import mask_key

APP_NAME = "stripe-sync-admin"
LOG_FILE_NAME = "stripe-sync-admin.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "stripe-sync-admin-file"

_KEY_PATTERN = re.compile(r"(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+")


def redact_keys(text: str) -> str:
    """Replace everything in `text` that looks like a Stripe key by its masked form."""
    return _KEY_PATTERN.sub(lambda match: mask_key(match.group(0)), text)


class KeyRedactingFilter(logging.Filter):
    """Masks Stripe keys in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message, exception text and stack; always let it through."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record, nor leak its args
            message = f"{record.msg!s} (unformattable arguments)"
        record.msg = redact_keys(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_keys(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_keys(record.stack_info)
        return True


class KeyRedactingFormatter(logging.Formatter):
    """A formatter that masks keys in the finished line as well (belt and braces)."""

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then mask anything shaped like a key."""
        return redact_keys(super().format(record))


def log_dir() -> Path:
    """The folder holding the application log (platformdirs' user log folder)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def _our_handler() -> RotatingFileHandler | None:
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _HANDLER_NAME and isinstance(handler, RotatingFileHandler):
            return handler
    return None


def _lower_root_level(level: int) -> None:
    root = logging.getLogger()
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)


def setup_logging(level: int = logging.INFO, directory: Path | None = None) -> Path:
    """Send log records to a rotating file with keys masked; return the log file's path.

    Calling it again adds no second handler: it only updates the level, or moves the file when
    the log folder changed (e.g. another XDG_STATE_HOME).
    """
    folder = directory if directory is not None else log_dir()
    path = folder / LOG_FILE_NAME
    root = logging.getLogger()
    existing = _our_handler()
    if existing is not None and Path(existing.baseFilename) == path.resolve():
        existing.setLevel(level)
        _lower_root_level(level)
        return path
    if existing is not None:
        teardown_logging()
    paths.private_dir(folder)
    handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.set_name(_HANDLER_NAME)
    handler.setLevel(level)
    handler.addFilter(KeyRedactingFilter())
    handler.setFormatter(KeyRedactingFormatter(LOG_FORMAT))
    root.addHandler(handler)
    _lower_root_level(level)
    # The SDK logs every request URL at INFO; our gateway logs what matters in plain words.
    logging.getLogger("stripe").setLevel(max(level, logging.WARNING))
    return path


def teardown_logging() -> None:
    """Remove and close the handler `setup_logging` added (tests, or before a log folder moves)."""
    handler = _our_handler()
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
