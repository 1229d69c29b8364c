"""Stripe's search query language for products and prices (facts §6.1–§6.3).

`field:"v"` exact (case-insensitive; on text fields every word of the value in order),
`field~"v"` substring (≥3 characters), `-` negates, clauses joined by spaces (AND), `AND` or `OR`
(never both in one query), `metadata["k"]:"v"` / `metadata['k']:'v'`, and `field:null`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from core.sandbox.errors import invalid

FieldKind = Literal["text", "exact", "bool", "metadata"]
PRODUCT_FIELDS: dict[str, FieldKind] = {
    "active": "bool",
    "description": "text",
    "metadata": "metadata",
    "name": "text",
    "shippable": "bool",
    "url": "exact",
}
PRICE_FIELDS: dict[str, FieldKind] = {
    "active": "bool",
    "currency": "exact",
    "lookup_key": "exact",
    "metadata": "metadata",
    "product": "exact",
    "type": "exact",
}
PARSE_ERROR = (
    'We were unable to parse your search query. Try using the format `metadata["key"]:"value"` '
    'to query for metadata or `key:"value"` to query for attributes.'
)
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE_RE = re.compile(r"[A-Za-z0-9_.+-]+")
_WORD_RE = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Clause:
    """One `[-]field(:|~)value` term."""

    field: str
    key: str | None  # metadata key
    op: Literal[":", "~"]
    value: str | None  # None = the bare word null
    negate: bool


Matcher = Callable[[dict[str, Any]], bool]


def compile_query(query: str, fields: dict[str, FieldKind], resource: str) -> Matcher:
    """Parse a query into a predicate over objects; a bad query → 400 invalid_request_error."""
    clauses, joiner = _Parser(query).parse()
    for clause in clauses:
        _check_clause(clause, fields, resource)

    def matches(obj: dict[str, Any]) -> bool:
        results = (_match(clause, fields[clause.field], obj) for clause in clauses)
        return any(results) if joiner == "OR" else all(results)

    return matches


def _check_clause(clause: Clause, fields: dict[str, FieldKind], resource: str) -> None:
    kind = fields.get(clause.field)
    if kind is None:
        raise invalid(
            f"Field `{clause.field}` is an unsupported search field for resource `{resource}`. "
            f"See http://stripe.com/docs/search#query-fields-for-{resource} for a list of "
            "supported fields.",
            param="query",
        )
    if (kind == "metadata") != (clause.key is not None):
        raise invalid(PARSE_ERROR, param="query")
    if clause.op == "~":
        if kind == "bool" or clause.value is None:
            raise invalid(f"Substring search is not supported for `{clause.field}`.", param="query")
        if len(clause.value) < 3:
            raise invalid(
                "Substring search (`~`) needs a value of at least 3 characters.", param="query"
            )
    if kind == "bool" and clause.value not in ("true", "false"):
        raise invalid(
            f"`{clause.field}` can only be searched with 'true' or 'false'.", param="query"
        )


def _match(clause: Clause, kind: FieldKind, obj: dict[str, Any]) -> bool:
    if kind == "metadata":
        actual = obj.get("metadata", {}).get(clause.key or "")
    else:
        actual = obj.get(clause.field)
    if clause.value is None:
        hit = actual is None
    elif actual is None:
        hit = False
    elif kind == "bool":
        hit = bool(actual) == (clause.value == "true")
    elif clause.op == "~":
        hit = clause.value.lower() in str(actual).lower()
    elif kind == "text":
        hit = _words_in_order(clause.value, str(actual))
    else:
        hit = clause.value.lower() == str(actual).lower()
    return hit != clause.negate


def _words_in_order(wanted: str, text: str) -> bool:
    """Exact match on a text field: all the value's words, consecutively (facts §6.3)."""
    needle = _WORD_RE.findall(wanted.lower())
    hay = _WORD_RE.findall(text.lower())
    if not needle:
        return wanted.lower() == text.lower()
    width = len(needle)
    return any(hay[i : i + width] == needle for i in range(len(hay) - width + 1))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self) -> Exception:
        return invalid(PARSE_ERROR, param="query")

    def parse(self) -> tuple[list[Clause], str]:
        clauses: list[Clause] = []
        joiners: set[str] = set()
        self.skip_space()
        if self.pos >= len(self.text):
            raise self.fail()
        while True:
            clauses.append(self.clause())
            had_space = self.skip_space()
            if self.pos >= len(self.text):
                break
            if not had_space:
                raise self.fail()
            word = _IDENT_RE.match(self.text, self.pos)
            if word and word.group().upper() in ("AND", "OR"):
                after = word.end()
                if after < len(self.text) and self.text[after].isspace():
                    joiners.add(word.group().upper())
                    self.pos = after
                    self.skip_space()
                    continue
            joiners.add("AND")
        if len(joiners) > 1:
            raise invalid("A search query cannot mix AND and OR.", param="query")
        return clauses, joiners.pop() if joiners else "AND"

    def skip_space(self) -> bool:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.pos > start

    def clause(self) -> Clause:
        negate = self.text.startswith("-", self.pos)
        if negate:
            self.pos += 1
        ident = _IDENT_RE.match(self.text, self.pos)
        if not ident:
            raise self.fail()
        field = ident.group()
        self.pos = ident.end()
        key = None
        if self.text.startswith("[", self.pos):
            self.pos += 1
            key = self.quoted()
            if not self.text.startswith("]", self.pos):
                raise self.fail()
            self.pos += 1
        op = self.text[self.pos : self.pos + 1]
        if op not in (":", "~"):
            raise self.fail()
        self.pos += 1
        value: str | None
        if self.text[self.pos : self.pos + 1] in ("'", '"'):
            value = self.quoted()
        else:
            bare = _BARE_RE.match(self.text, self.pos)
            if not bare:
                raise self.fail()
            self.pos = bare.end()
            value = _bare_value(bare.group())
            if value is None and op == "~":
                raise self.fail()
        return Clause(field=field, key=key, op=op, value=value, negate=negate)  # type: ignore[arg-type]

    def quoted(self) -> str:
        quote = self.text[self.pos : self.pos + 1]
        if quote not in ("'", '"'):
            raise self.fail()
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == quote:
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise self.fail()


def _bare_value(word: str) -> str | None:
    """Unquoted values: only null, booleans and numbers; strings must be quoted (facts §6.2)."""
    if word == "null":
        return None
    if word in ("true", "false") or re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", word):
        return word
    raise invalid(PARSE_ERROR, param="query")
