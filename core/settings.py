"""Non-secret settings, kept as TOML in the user config folder (keys never go here: see core.keys).

Read with `tomllib`; written with the tiny writer below, which is enough for flat string, number and
boolean values. Unknown keys in the file are refused with a message naming them, so a typo does not
silently do nothing.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.domain.models import iso_currency
from core.domain.product_fields import OPTIONAL_FIELDS
from core.errors import ConfigurationError
from core.paths import settings_file

# The three places a key talks to: the built-in sandbox, Stripe test mode, Stripe live mode.
Mode = Literal["sandbox", "test", "live"]

_COLUMNS_RE = re.compile(r"\A(acct_[A-Za-z0-9_]+):(sandbox|test|live)\Z")


class Settings(BaseModel):
    """The tool's settings; every field has a default, so a missing file means defaults."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    db_url: str | None = Field(default=None, description="SQLAlchemy URL of the catalog database")
    mode: Mode = Field(
        default="sandbox",
        description="mode used when none is given: sandbox (built in, no key) or test "
        "(live is never a good default: give --mode live each time)",
    )
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
    request_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="how long a read of Stripe (a refresh, a status, a plan) keeps trying before "
        "it gives up and says so: each request's connect and read timeout, and the time its "
        "retries may take. Writes keep retrying for 30 s (each under its idempotency key), so a "
        "sync settles",
    )
    confirm_untried_live: bool = Field(
        default=True,
        description="ask once more before a live sync that makes writes never synced to test mode "
        "first (going on stays possible)",
    )
    owned_fields: list[str] | None = Field(
        default=None,
        description="the optional product fields this catalog owns (written to Stripe, and "
        'cleared there when the catalog has none), e.g. ["url", "images", '
        '"tax_behavior"]; a field left out is never written nor cleared. Default: every '
        "one the products table has a column for (url, images, statement_descriptor, "
        "unit_label, tax_code, shippable, package_dimensions, marketing_features, tax_behavior)",
    )

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str) -> str:
        return iso_currency(value)

    @field_validator("owned_fields")
    @classmethod
    def _known_fields(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        unknown = [name for name in value if name not in OPTIONAL_FIELDS]
        if unknown:
            raise ValueError(
                f"{', '.join(map(repr, unknown))} is not an optional product field; use "
                f"{', '.join(OPTIONAL_FIELDS)}"
            )
        return list(dict.fromkeys(value))

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


HEADER = (
    "# stripe-sync-admin settings (no secrets here: keys live in the OS keyring).",
    "# Each setting is described above it. A line starting with # is not read: remove the # to",
    "# use a setting; a setting left out takes its default. Delete this file to start afresh.",
)

# What an unset setting could look like, shown commented out in the file (None: no default value).
EXAMPLES: dict[str, str] = {
    "db_url": '"postgresql+psycopg://shop@localhost:5432/shop"',
    "catalog_stripe_columns": '"acct_123:live"',
    "rate_limit": "10",
    "owned_fields": '["url", "images", "tax_behavior"]',
}


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings as TOML, each with its description as a comment (unset values are
    commented out); returns the file written."""
    return _write(_render(settings), path or settings_file())


def write_default_settings(path: Path | None = None) -> Path | None:
    """On first run: write the settings file with every setting commented out beside its
    description, so a maker can see what there is to set. A file that exists is left alone
    (None is returned); otherwise returns the file written."""
    path = path or settings_file()
    if path.exists():
        return None
    return _write(_render(None), path)


def _render(settings: Settings | None) -> str:
    """The file's text: `settings`' values, or (None) every setting commented out."""
    values = settings.model_dump() if settings is not None else {}
    lines = list(HEADER)
    for key, info in Settings.model_fields.items():
        lines.append("")
        lines += [f"# {line}" for line in textwrap.wrap(f"{key}: {info.description}.", 96)]
        value = values.get(key)
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
        elif info.default is not None:
            lines.append(f"# {key} = {_toml_value(info.default)}")
        else:
            example = EXAMPLES.get(key, '""')
            lines.append(f"# {key} = {example}  # an example: not set by default")
    return "\n".join(lines) + "\n"


def _write(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
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
