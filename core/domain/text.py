"""Characters that must not hide in the catalog's text, and text made safe to show on a terminal.

The refused characters ("control characters" here) are those that change how text is shown
rather than being shown:

- C0 controls U+0000–U+001F and DEL U+007F (ESC starts terminal escape sequences, BEL rings, CR
  returns to the start of the line, …);
- C1 controls U+0080–U+009F (U+009B is a one-character CSI on some terminals);
- the bidirectional formatting characters U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
  which reorder what is shown ("Trojan Source": an RLO makes `lamp‮txt.exe` read otherwise).

The one set of rules for a catalog's text: ids and names (one line) refuse all of them; a
description may hold tab and line breaks (LF, or CR+LF as web forms send them), nothing else.
Import (core.catalog) and the check before a sync (core.reconcile) both ask `field_text_problem`.
"""

from __future__ import annotations

import re

# Names of the C0 controls U+0000–U+001F (Unicode's abbreviations; TAB is shown by its usual
# name), then of the C1 controls U+0080–U+009F.
# fmt: off
_C0 = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
)
_C1 = (
    "PAD", "HOP", "BPH", "NBH", "IND", "NEL", "SSA", "ESA", "HTS", "HTJ", "VTS", "PLD", "PLU", "RI",
    "SS2", "SS3", "DCS", "PU1", "PU2", "STS", "CCH", "MW", "SPA", "EPA", "SOS", "SGCI", "SCI",
    "CSI", "ST", "OSC", "PM", "APC",
)
# fmt: on
_BIDI = {
    0x061C: "ALM",
    0x200E: "LRM",
    0x200F: "RLM",
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Catalog text fields and their rule: one line (ids, names, labels), or multi-line (descriptions).
ONE_LINE_FIELDS = frozenset(
    {
        "id",
        "product_id",
        "name",
        "variant_type",
        "variant_value",
        "stripe_product_id",
        "stripe_price_id",
    }
)
MULTILINE_FIELDS = frozenset({"description"})
# What json.dumps leaves raw inside strings (it always escapes C0 there; outside strings JSON text
# holds only ASCII structure and whitespace, which must stay as it is).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MULTILINE_ALLOWED = frozenset("\t\n")


def character_name(char: str) -> str:
    """`U+001B (ESC)`: a refused character as the operator reads it (code point and name)."""
    code = ord(char)
    if code < 0x20:
        name = _C0[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = _C1[code - 0x80]
    else:
        name = _BIDI.get(code, "")
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def control_characters(text: str, *, allow: str = "") -> list[str]:
    """The refused characters in `text` (each once, in order of first appearance) by name, e.g.
    `["U+001B (ESC)", "U+202E (RLO)"]`; characters in `allow` are not reported."""
    found: dict[str, None] = {}
    for match in CONTROL_CHARACTERS.finditer(text):
        char = match.group(0)
        if char not in allow:
            found.setdefault(char)
    return [character_name(c) for c in found]


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why `text` may not be stored (without the field name), or None when it may.

    One line: no control character at all. Multi-line: tab, LF and CR+LF are allowed, nothing else.
    """
    if multiline:
        found = control_characters(text.replace("\r\n", "\n"), allow="".join(_MULTILINE_ALLOWED))
        if found:
            return (
                "must not contain control characters other than tab and line breaks; found "
                + ", ".join(found)
            )
        return None
    found = control_characters(text)
    if found:
        return "must not contain control characters; found " + ", ".join(found)
    return None


def field_text_problem(field: str, value: object) -> str | None:
    """The catalog's rule for a text field's value (see the module docstring), or None when it
    holds or the field has no such rule (non-text values are other checks' business)."""
    if not isinstance(value, str):
        return None
    if field in ONE_LINE_FIELDS:
        return text_problem(value)
    if field in MULTILINE_FIELDS:
        return text_problem(value, multiline=True)
    return None


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character (C0 including tab and newline, DEL, C1, bidi) shown as
    a visible escape: ESC → `\\x1b`, RLO → `\\u202e`. Everything else is kept as it is, so the
    result is unchanged by a second call."""
    return CONTROL_CHARACTERS.sub(_escaped, text)


def _json_escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def json_safe(json_text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the control characters it left
    raw (DEL, C1, bidi) written as `\\uXXXX` escapes: the same JSON value, safe on a terminal.

    Only valid for JSON text: those characters can only occur inside its strings, where the
    escape means the same character."""
    return _RAW_IN_JSON.sub(_json_escaped, json_text)
