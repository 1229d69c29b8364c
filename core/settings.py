"""Non-secret settings, kept as TOML in the user config folder (keys never go here: see core.keys).

Read with `tomllib`; written with the tiny writer below, which is enough for flat string, number and
boolean values. Unknown keys in the file are refused with a message naming them, so a typo does not
silently do nothing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.domain.models import iso_currency
from core.errors import ConfigurationError
from core.paths import settings_file

# The three places a key talks to: the built-in sandbox, Stripe test mode, Stripe live mode.
Mode = Literal["sandbox", "test", "live"]

_COLUMNS_RE = re.compile(r"\A(acct_[A-Za-z0-9_]+):(sandbox|test|live)\Z")


class Settings(BaseModel):
    """The tool's settings; every field has a default, so a missing file means defaults."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    db_url: str | None = Field(default=None, description="SQLAlchemy URL of the catalog database")
    mode: Mode = Field(default="sandbox", description="mode used when none is given")
    currency: str = Field(default="usd", description="currency when the catalog has no column")
    catalog_stripe_columns: str | None = Field(
        default=None,
        description="'acct_x:live': the account and mode the catalog's own stripe_* columns hold",
    )
    rate_limit: float | None = Field(
        default=None,
        ge=0,
        description="Stripe requests per second in test and live mode (default: 90% of Stripe's "
        "limit: 22.5 test, 90 live; 0 = no limit). STRIPE_SYNC_RATE_LIMIT overrides it",
    )
    confirm_untried_live: bool = Field(
        default=True,
        description="ask once more before a live sync that makes writes never synced to test mode "
        "first (going on stays possible)",
    )

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str) -> str:
        return iso_currency(value)

    @field_validator("catalog_stripe_columns")
    @classmethod
    def _columns(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _COLUMNS_RE.match(value):
            raise ValueError("must look like acct_123:live (an account id, a colon, a mode)")
        return value

    def owns_catalog_columns(self, account_id: str, mode: str) -> bool:
        """Whether the catalog's own stripe_* columns belong to this account and mode."""
        return self.catalog_stripe_columns == f"{account_id}:{mode}"


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file (defaults when it does not exist); bad content → ConfigurationError."""
    path = path or settings_file()
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigurationError(
            f"Cannot read the settings file {path}: {err}.",
            hint="Fix or delete the file; defaults are used when it is missing.",
        ) from err
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(file)"
        what = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
        raise ConfigurationError(
            f"Settings file {path}: {where}: {what}.",
            hint="Fix or delete the file; defaults are used when it is missing.",
        ) from err


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings as TOML (unset values are left out); returns the file written."""
    path = path or settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# stripe-sync-admin settings (no secrets here: keys live in the OS keyring)"]
    for key, value in settings.model_dump().items():
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    escaped = "".join(_escape(ch) for ch in text)
    return f'"{escaped}"'


def _escape(ch: str) -> str:
    if ch == '"':
        return '\\"'
    if ch == "\\":
        return "\\\\"
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04x}"
    return ch
