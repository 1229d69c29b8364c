"""One cell of a shop's table: a file's value converted to the column's Python type, and compared.

An import file holds text (CSV) or JSON scalars, while the shop's own columns may be NUMERIC, DATE,
TIMESTAMP, BOOLEAN, SMALLINT…: a value is converted to what the database hands back for that
column before it is written or compared, so importing an export again finds every row unchanged.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

INT32_MAX = 2**31 - 1
_INT_LIMITS: tuple[tuple[type[sa.types.TypeEngine[Any]], int], ...] = (
    (sa.SmallInteger, 2**15 - 1),
    (sa.BigInteger, 2**63 - 1),
    (sa.Integer, INT32_MAX),
)
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


class CellError(ValueError):
    """A value the column cannot hold; the message is in plain words, without the field name."""


def int_limit(column_type: sa.types.TypeEngine[Any]) -> int:
    """The largest value an integer column holds (PostgreSQL's sizes; SQLite holds more)."""
    for kind, limit in _INT_LIMITS:
        if isinstance(column_type, kind):
            return limit
    return INT32_MAX


def _python_type(column: sa.Column[Any]) -> type | None:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        return None
    return kind


def to_column(column: sa.Column[Any], value: Any) -> Any:
    """`value` (from a file) as the column's Python type; raises CellError saying what is wrong."""
    if value is None:
        return None
    kind = _python_type(column)
    if kind is None:
        return value
    if kind is bool:
        return _to_bool(value)
    if kind is int:
        return _to_int(value, int_limit(column.type))
    if kind in (Decimal, float):
        return _to_number(value, kind)
    if kind is datetime:
        return _parse(value, datetime, "a date and time such as 2026-01-31T12:00:00+00:00")
    if kind is date:
        return _parse(value, date, "a date such as 2026-01-31")
    if kind is time:
        return _parse(value, time, "a time such as 12:30:00")
    if kind is uuid.UUID:
        try:
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        except ValueError:
            raise CellError(f"must be a UUID, got {value!r}") from None
    if kind in (dict, list):
        return _to_json(value)
    if kind is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return str(value)
        raise CellError(f"must be text, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    return type(value).__name__ if isinstance(value, dict | list) else repr(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise CellError(f"must be true or false, got {_shown(value)}")


def _to_int(value: Any, limit: int) -> int:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.lstrip("+-").isdigit() and text.isascii():
            number = int(text)
    if number is None:
        raise CellError(f"must be a whole number, got {_shown(value)}")
    if not -limit - 1 <= number <= limit:
        raise CellError(f"must be between {-limit - 1} and {limit}, got {number}")
    return number


def _to_number(value: Any, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise CellError(f"must be a number, got {_shown(value)}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellError(f"must be a number, got {_shown(value)}") from None
    if not number.is_finite():
        raise CellError(f"must be a finite number, got {_shown(value)}")
    return number if kind is Decimal else float(number)


def _parse(value: Any, kind: type, example: str) -> Any:
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        try:
            return kind.fromisoformat(value.strip())  # type: ignore[attr-defined]
        except ValueError:
            pass
    raise CellError(f"must be {example}, got {_shown(value)}")


def _to_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise CellError(f"must be JSON, got {value!r}") from None
    return value


def same(old: Any, new: Any) -> bool:
    """Whether a stored value and a file's (converted) value are the same."""
    if old is None or new is None:
        return old is None and new is None
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    if isinstance(old, datetime) and isinstance(new, datetime):
        return _utc(old) == _utc(new)
    return bool(old == new)


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes that were written in UTC.
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def plain(value: Any) -> Any:
    """A stored value as JSON can hold it: dates, times and decimals as ISO/decimal strings."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value
