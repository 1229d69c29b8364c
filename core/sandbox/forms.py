"""Decode Stripe's form encoding (`metadata[k]=v`, `expand[0]=x`) and check parameter values.

The SDK sends POST bodies as application/x-www-form-urlencoded and GET/DELETE parameters as a query
string, with nested keys. Values arrive as strings: booleans as "true"/"false", integers as digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from core.sandbox.errors import StripeApiError, invalid, unknown_parameter

Params = dict[str, Any]
_INTEGER_RE = re.compile(r"\A-?[0-9]+\Z")


def _split_key(key: str) -> list[str]:
    """`a[b][0]` → ["a", "b", "0"]; `a[]` → ["a", ""]. Stray text after a bracket joins the segment."""
    head, sep, rest = key.partition("[")
    parts = [head]
    if not sep:
        return parts
    rest = "[" + rest
    while rest:
        if rest.startswith("["):
            close = rest.find("]")
            if close < 0:
                parts.append(rest[1:])
                break
            parts.append(rest[1:close])
            rest = rest[close + 1 :]
        else:
            # e.g. metadata[a[b]] leaves "]": keep it in the key so the metadata check refuses it.
            nxt = rest.find("[")
            chunk, rest = (rest, "") if nxt < 0 else (rest[:nxt], rest[nxt:])
            parts[-1] += chunk
    return parts


def decode(query: str) -> Params:
    """Decode a form body or query string into nested dicts; `x[]` entries become lists."""
    result: Params = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        parts = _split_key(key)
        node: Any = result
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if isinstance(node, list):
                if last:
                    node.append(value)
                else:
                    node.append({})
                    node = node[-1]
                continue
            if not isinstance(node, dict):
                raise invalid(f"Invalid request: conflicting values for {key}.", param=parts[0])
            if last:
                if isinstance(node.get(part), (dict, list)):
                    raise invalid(f"Invalid request: conflicting values for {key}.", param=parts[0])
                node[part] = value
            else:
                child = node.get(part)
                if child is None:
                    child = [] if parts[depth + 1] == "" else {}
                    node[part] = child
                elif isinstance(child, str):
                    raise invalid(f"Invalid request: conflicting values for {key}.", param=parts[0])
                node = child
    return {key: _lists(key, value) for key, value in result.items()}


def _lists(key: str, value: Any) -> Any:
    """Turn `{"0": a, "1": b}` into `[a, b]` (SDK arrays), leaving metadata hashes alone."""
    if isinstance(value, list):
        return [_lists("", item) for item in value]
    if not isinstance(value, dict):
        return value
    if key != "metadata" and value and all(_INTEGER_RE.match(k) for k in value):
        return [_lists("", value[k]) for k in sorted(value, key=int)]
    return {k: _lists(k, v) for k, v in value.items()}


def check_known(params: Mapping[str, Any], allowed: Iterable[str], prefix: str = "") -> None:
    """Refuse the first parameter Stripe would not recognise, naming it in full (`a[b]`)."""
    allowed_set = set(allowed)
    for name in params:
        if name not in allowed_set:
            raise unknown_parameter(f"{prefix}[{name}]" if prefix else name)


def as_bool(value: Any, param: str) -> bool:
    """ "true"/"false" → bool; anything else is refused like Stripe does."""
    if value in ("true", "false"):
        return bool(value == "true")
    raise invalid(f"Invalid boolean: {_show(value)}", param=param)


def as_int(value: Any, param: str) -> int:
    """A decimal integer string → int, else "Invalid integer: abc"."""
    if isinstance(value, str) and _INTEGER_RE.match(value):
        return int(value)
    raise invalid(f"Invalid integer: {_show(value)}", param=param, code="parameter_invalid_integer")


def as_str(value: Any, param: str, *, max_length: int | None = None) -> str:
    """A plain string parameter, optionally bounded in length."""
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {_show(value)}", param=param)
    if max_length is not None and len(value) > max_length:
        raise invalid(
            f"Invalid string: {value[:40]}...; must be at most {max_length} characters",
            param=param,
        )
    return value


def as_list(value: Any, param: str) -> list[Any]:
    """An array parameter (`x[0]=a&x[1]=b` or `x[]=a`) → list, in index order."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and all(_INTEGER_RE.match(k) for k in value):
        return [value[k] for k in sorted(value, key=int)]
    if value == "":
        return []
    raise invalid(f"Invalid array: {param} must be an array.", param=param)


def as_hash(value: Any, param: str) -> dict[str, Any]:
    """A hash parameter (`x[a]=1`) → dict."""
    if isinstance(value, dict):
        return value
    raise invalid("Invalid hash", param=param)


def as_enum(value: Any, param: str, choices: Iterable[str]) -> str:
    """One of a fixed set of strings; Stripe names the allowed values when refusing."""
    options = list(choices)
    if isinstance(value, str) and value in options:
        return value
    raise invalid(
        f"Invalid {param}: must be one of {', '.join(options)}",
        param=param,
    )


def as_expand(params: Mapping[str, Any], allowed: Iterable[str]) -> set[str]:
    """The `expand[]` list, refusing paths this object does not expand (facts §4.12)."""
    if "expand" not in params:
        return set()
    paths = as_list(params["expand"], "expand")
    allowed_set = set(allowed)
    for path in paths:
        if not isinstance(path, str) or path not in allowed_set:
            raise StripeApiError(
                400,
                f"This property cannot be expanded ({_show(path)}).",
                param="expand",
                validation=True,
            )
    return {str(p) for p in paths}


def _show(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
