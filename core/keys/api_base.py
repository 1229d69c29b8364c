"""Where a key may be sent: a live key only over https, or plain http to this computer.

STRIPE_API_BASE points the tool at another Stripe-compatible server (the sandbox, a proxy). A live
key sent over plain http to another machine would travel in clear text, readable by anyone on the
way, so that address is refused before any request is made. Test keys are not restricted (the
sandbox and local tools speak plain http).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from core.errors import ConfigurationError
from core.keys.shape import KeyMode

API_BASE_VAR = "STRIPE_API_BASE"
_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def is_loopback(host: str) -> bool:
    """Whether `host` names this computer: localhost, 127.0.0.0/8 or ::1 (never a DNS lookup)."""
    host = host.lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_base(base: str | None, mode: KeyMode, *, source: str = API_BASE_VAR) -> None:
    """Refuse an API base a `mode` key may not be sent to (see the module docstring).

    `source`: how the address was given, named in the message (the environment variable).
    Raises ConfigurationError saying why and what to do.
    """
    if base is None or mode != "live":
        return
    # The address as shown: without any user:password@ part, and not endlessly long.
    shown = re.sub(r"//[^/?#]*@", "//", base)
    shown = shown if len(shown) <= 80 else shown[:80] + "…"
    try:
        parts = urlsplit(base)
        host = parts.hostname or ""
    except ValueError:  # e.g. an unclosed [IPv6 address
        parts, host = None, ""
    scheme = parts.scheme.lower() if parts is not None else ""
    if scheme == "https" and host:
        return
    if scheme == "http" and host and is_loopback(host):
        return
    if scheme == "http" and host:
        why = (
            f"it is plain http to another computer ({host}), so the live key would travel in "
            "clear text"
        )
    else:
        why = "it is not an https:// address, so the live key could travel in clear text"
    raise ConfigurationError(
        f"{source} is {shown!r}: {why}.",
        hint=f"Use an https:// address (plain http only to this computer: localhost, "
        f"127.0.0.1 or ::1), or unset {source} to talk to Stripe itself.",
    )
