"""Which function serves which method and path, and which permission it needs (facts §9.6)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from core.sandbox import events, prices, products
from core.sandbox.call import Call

Endpoint = Callable[[Call], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One endpoint: method, path pattern, function, permission resource, kind."""

    method: str
    pattern: re.Pattern[str]
    endpoint: Endpoint | None  # None: answered by the server itself (the account)
    resource: str | None  # "product" / "plan" for rak_ permissions; None = any key
    write: bool
    search: bool = False


def _route(
    method: str, path: str, endpoint: Endpoint | None, resource: str | None, search: bool = False
) -> Route:
    pattern = re.compile("\\A" + path.replace("{id}", "(?P<id>[^/]+)") + "\\Z")
    return Route(method, pattern, endpoint, resource, method != "GET", search)


ROUTES = [
    _route("GET", "/v1/account", None, None),
    _route("GET", "/v1/products/search", products.search, "product", search=True),
    _route("POST", "/v1/products", products.create, "product"),
    _route("GET", "/v1/products", products.list_products, "product"),
    _route("GET", "/v1/products/{id}", products.retrieve, "product"),
    _route("POST", "/v1/products/{id}", products.update, "product"),
    _route("DELETE", "/v1/products/{id}", products.delete, "product"),
    _route("GET", "/v1/prices/search", prices.search, "plan", search=True),
    _route("POST", "/v1/prices", prices.create, "plan"),
    _route("GET", "/v1/prices", prices.list_prices, "plan"),
    _route("GET", "/v1/prices/{id}", prices.retrieve, "plan"),
    _route("POST", "/v1/prices/{id}", prices.update, "plan"),
    _route("GET", "/v1/events", events.list_events, "event"),
    _route("GET", "/v1/events/{id}", events.retrieve, "event"),
]


def match(method: str, path: str) -> tuple[Route, str] | None:
    """The route for this request and the (decoded) object id in its path, or None."""
    for route in ROUTES:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found:
            return route, unquote_plus(found.groupdict().get("id") or "")
    return None
