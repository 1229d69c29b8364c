"""List and search pages: `limit`, `starting_after`/`ending_before`, `page` (facts §5.1, §6.6)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from typing import Any

from core.sandbox.errors import StripeApiError, invalid, resource_missing
from core.sandbox.forms import as_int, as_str
from core.sandbox.store import Collection, Obj

Render = Callable[[Obj], Obj]


def parse_limit(params: dict[str, Any]) -> int:
    """`limit`: 1–100, default 10."""
    if "limit" not in params:
        return 10
    limit = as_int(params["limit"], "limit")
    if limit < 1:
        raise invalid("This value must be greater than or equal to 1.", param="limit")
    if limit > 100:
        raise invalid("This value must be less than or equal to 100.", param="limit")
    return limit


def exclusive(params: dict[str, Any], *names: str) -> None:
    """Refuse a request that sets more than one of `names` (`parameters_exclusive`)."""
    present = [name for name in names if name in params]
    if len(present) > 1:
        raise invalid(
            f"You may only specify one of these parameters: {', '.join(present)}.",
            param=present[0],
            code="parameters_exclusive",
        )


def list_page(
    coll: Collection,
    params: dict[str, Any],
    *,
    url: str,
    kind: str,
    matches: Callable[[Obj], bool],
    render: Render,
    candidates: Iterable[Obj] | None = None,
) -> Obj:
    """One page of a list, newest first, as `{object: "list", data, has_more, url}`.

    `candidates` (already newest first) replaces the full collection walk, e.g. for `ids`.
    """
    limit = parse_limit(params)
    exclusive(params, "starting_after", "ending_before")
    if "ending_before" in params:
        seq = _cursor_seq(coll, params, "ending_before", kind)
        newer: list[Obj] = []
        for obj in coll.oldest_first(seq):
            if matches(obj):
                newer.append(obj)
                if len(newer) > limit:
                    break
        has_more = len(newer) > limit
        page = list(reversed(newer[:limit]))
    else:
        if candidates is not None:
            source: Iterable[Obj] = candidates
        elif "starting_after" in params:
            source = coll.newest_first(_cursor_seq(coll, params, "starting_after", kind))
        else:
            source = coll.newest_first()
        page = []
        has_more = False
        for obj in source:
            if not matches(obj):
                continue
            if len(page) == limit:
                has_more = True
                break
            page.append(obj)
    return {"object": "list", "data": [render(o) for o in page], "has_more": has_more, "url": url}


def _cursor_seq(coll: Collection, params: dict[str, Any], name: str, kind: str) -> int:
    object_id = as_str(params[name], name)
    seq = coll.seq_of.get(object_id)
    if seq is None:
        raise resource_missing(kind, object_id, param=name, status=400)
    return seq


def search_page(found: list[Obj], params: dict[str, Any], *, url: str, render: Render) -> Obj:
    """One page of search results with an opaque `next_page` token (facts §6.6)."""
    limit = parse_limit(params)
    offset = 0
    if params.get("page"):
        offset = _decode_page(params["page"])
    page = found[offset : offset + limit]
    has_more = offset + limit < len(found)
    next_page = _encode_page(offset + limit) if has_more else None
    return {
        "object": "search_result",
        "data": [render(o) for o in page],
        "has_more": has_more,
        "next_page": next_page,
        "url": url,
    }


def _encode_page(offset: int) -> str:
    return base64.urlsafe_b64encode(f"sbx:{offset}".encode()).decode().rstrip("=")


def _decode_page(token: Any) -> int:
    text = as_str(token, "page")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix == "sbx" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise StripeApiError(400, f"Invalid page: {text}", param="page", validation=True)
