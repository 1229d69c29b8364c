"""List and search pages: `limit`, `starting_after`/`ending_before`, `page` (facts §5.1, §6.6)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.sandbox.call import Call
from core.sandbox.errors import StripeApiError, invalid, missing_parameter, resource_missing
from core.sandbox.forms import as_expand, as_int, as_str, check_known
from core.sandbox.search import FieldKind, compile_query
from core.sandbox.store import Collection, ModeData, Obj

Render = Callable[[Obj], Obj]
SEARCH_PARAMS = {"expand", "limit", "page", "query"}


@dataclass(frozen=True)
class Resource:
    """One kind of object (products, prices): where it is kept and how it is shown."""

    kind: str  # "product": the name errors use
    plural: str  # "products": the URL path and the name search errors use
    collection: Callable[[ModeData], Collection]
    expandable: str  # the one field `expand` may name: an id of an object in `linked`
    linked: Callable[[ModeData], Collection]
    search_fields: dict[str, FieldKind]
    hidden: tuple[str, ...] = ()  # fields shown only when `expand` names them

    @property
    def url(self) -> str:
        """The list URL, e.g. `/v1/products`."""
        return f"/v1/{self.plural}"

    def of(self, call: Call) -> Collection:
        """The caller's mode's collection of this kind."""
        return self.collection(call.data)

    def render(self, call: Call, obj: Obj, expand: set[str], prefix: str = "") -> Obj:
        """The object as Stripe returns it; `expandable` expanded when `expand` names it."""
        out = dict(obj)
        for name in self.hidden:
            if prefix + name not in expand:
                out.pop(name, None)
        linked_id = out.get(self.expandable)
        if prefix + self.expandable in expand and linked_id:
            linked = self.linked(call.data).get(linked_id)
            if linked is not None:
                out[self.expandable] = dict(linked)
        return out

    def data_render(self, call: Call, expand: set[str]) -> Render:
        """How a list or search page shows each object (`expand` names `data.<field>`)."""
        return lambda obj: self.render(call, obj, expand, "data.")


def get_object(call: Call, resource: Resource) -> Obj:
    """The object `call.object_id` names, or 404 `resource_missing`."""
    obj = resource.of(call).get(call.object_id)
    if obj is None:
        raise resource_missing(resource.kind, call.object_id)
    return obj


def newest_first(coll: Collection, objs: Iterable[Obj]) -> list[Obj]:
    """Some of `coll`'s objects in list order (newest first), e.g. list candidates."""
    return sorted(objs, key=lambda obj: coll.seq_of[obj["id"]], reverse=True)


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
    call: Call,
    resource: Resource,
    *,
    expand: set[str],
    matches: Callable[[Obj], bool],
    candidates: Iterable[Obj] | None = None,
) -> Obj:
    """One page of a list, newest first, as `{object: "list", data, has_more, url}`.

    `candidates` (already newest first) replaces the full collection walk, e.g. for `ids`.
    """
    params = call.params
    coll = resource.of(call)
    kind = resource.kind
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
    render = resource.data_render(call, expand)
    data = [render(o) for o in page]
    return {"object": "list", "data": data, "has_more": has_more, "url": resource.url}


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


def search(call: Call, resource: Resource) -> Obj:
    """GET `/v1/<plural>/search`: matches for `query` as search sees them (eventually, §6.4)."""
    params = call.params
    check_known(params, SEARCH_PARAMS)
    expand = as_expand(params, ["data." + resource.expandable])
    if "query" not in params:
        raise missing_parameter("query")
    matches = compile_query(
        as_str(params["query"], "query"), resource.search_fields, resource.plural
    )
    found = [o for o in resource.of(call).searchable(call.now, call.lag) if matches(o)]
    return search_page(
        found, params, url=resource.url + "/search", render=resource.data_render(call, expand)
    )
