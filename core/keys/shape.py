"""Stripe API keys: which mode a key belongs to, and how to show one without revealing it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.errors import ConfigurationError, KeyModeMismatchError

KeyMode = Literal["test", "live"]
_KEY_RE = re.compile(r"\A(sk|rk)_(test|live)_([A-Za-z0-9]{8,})\Z")


@dataclass(frozen=True)
class KeyInfo:
    """What a well-formed secret or restricted key says about itself."""

    kind: Literal["secret", "restricted"]
    mode: KeyMode

    @property
    def livemode(self) -> bool:
        """True for live keys."""
        return self.mode == "live"


def mask_key(key: str | None) -> str:
    """Show a key as `sk_test_…abcd`: its prefix and last four characters, never more."""
    if not key:
        return "(no key)"
    match = re.match(r"\A((?:sk|rk|pk)_(?:test|live)_)", key)
    prefix = match.group(1) if match else ""
    tail = key[-4:] if len(key) >= len(prefix) + 8 else ""
    return f"{prefix}…{tail}" if prefix else "…" + tail


def parse_key(key: str) -> KeyInfo:
    """Check a key's shape and tell its mode; raise ConfigurationError naming what is wrong."""
    key = key.strip()
    if key.startswith("pk_"):
        raise ConfigurationError(
            f"{mask_key(key)} is a publishable key, which cannot manage products.",
            hint="Use a secret key (sk_…) or a restricted key (rk_…) from the Stripe Dashboard.",
        )
    match = _KEY_RE.match(key)
    if not match:
        raise ConfigurationError(
            f"That does not look like a Stripe secret key ({mask_key(key)}).",
            hint="A key starts with sk_test_, sk_live_, rk_test_ or rk_live_ followed by letters "
            "and digits; copy it again from the Stripe Dashboard.",
        )
    kind: Literal["secret", "restricted"] = "secret" if match.group(1) == "sk" else "restricted"
    mode: KeyMode = "test" if match.group(2) == "test" else "live"
    return KeyInfo(kind=kind, mode=mode)


def check_key_mode(key: str, expected: KeyMode) -> KeyInfo:
    """Parse a key and refuse it when it belongs to the other mode (a swapped test/live key)."""
    info = parse_key(key)
    if info.mode != expected:
        raise KeyModeMismatchError(
            f"{mask_key(key)} is a {info.mode}-mode key, but {expected} mode needs a "
            f"{expected} key.",
            hint=f"Use a key starting with sk_{expected}_ or rk_{expected}_.",
        )
    return info
