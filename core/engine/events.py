"""Stripe's events for products and prices: listed through the gateway, read oldest first.

A refresh of the mirror (`core.engine.mirror`) reads the events newer than its cursor with
`ending_before` pages of 100 (each page holds the events just newer than the cursor, newest first,
and `has_more` says newer ones follow), filtered with `types[]` to the product and price events
(docs/stripe-facts.md §4.1, §4.7). k events cost ceil(k/100) requests, one when there are none.

An event's `request` names the API request that made it (`id`, `idempotency_key`); a change no API
request made has a null id (§4.4). `previous_attributes` holds the old values of exactly the fields
that changed (§4.3): `changed_fields` turns them into field → (old, new).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from core.engine.errors import StripeRequestError
from core.engine.gateway import PAGE_SIZE, StripeGateway

# Exact names: `types[]` takes no wildcard (stripe-facts §4.7). `price.deleted` exists although the
# API cannot delete a price (§4.1): listed so that one made another way is not missed.
EVENT_TYPES = (
    "product.created",
    "product.updated",
    "product.deleted",
    "price.created",
    "price.updated",
    "price.deleted",
)

ObjectKind = Literal["product", "price"]
ChangeKind = Literal["created", "updated", "deleted"]


class CursorExpiredError(Exception):
    """Stripe no longer keeps the event the mirror last applied (older than 30 days, §4.9)."""


@dataclass(frozen=True)
class StripeEvent:
    """One product or price event, as the mirror needs it."""

    id: str
    type: str
    created: int
    object: dict[str, Any]
    previous: dict[str, Any] | None = None
    request_id: str | None = None
    idempotency_key: str | None = None

    @property
    def kind(self) -> ObjectKind:
        """What changed: a product or a price."""
        return "price" if self.type.startswith("price.") else "product"

    @property
    def change(self) -> ChangeKind:
        """How it changed."""
        tail = self.type.rsplit(".", 1)[-1]
        if tail == "created":
            return "created"
        return "deleted" if tail == "deleted" else "updated"

    @property
    def object_id(self) -> str:
        """The id of the product or price."""
        return str(self.object["id"])

    @property
    def product_id(self) -> str:
        """The Stripe product concerned (a price's product)."""
        if self.kind == "product":
            return self.object_id
        product = self.object.get("product")
        if isinstance(product, dict):
            product = product.get("id")
        return str(product or "")


def parse_event(data: dict[str, Any]) -> StripeEvent:
    """An event as Stripe lists it (plain JSON) → StripeEvent."""
    body = data.get("data") or {}
    request = data.get("request") or {}
    if not isinstance(request, dict):  # very old API versions sent the request id alone
        request = {"id": request}
    return StripeEvent(
        id=str(data["id"]),
        type=str(data["type"]),
        created=int(data.get("created") or 0),
        object=dict(body.get("object") or {}),
        previous=body.get("previous_attributes"),
        request_id=request.get("id"),
        idempotency_key=request.get("idempotency_key"),
    )


@dataclass(frozen=True)
class FieldChange:
    """One field an event changed: its value before and after (JSON values)."""

    old: Any
    new: Any


@dataclass(frozen=True)
class AppliedEvent:
    """An event the mirror applied, attributed: made by this tool (its request id is in the
    journal) or elsewhere. `fields`: what an update changed (empty for a create or delete)."""

    event: StripeEvent
    by_tool: bool
    local_id: str | None
    fields: dict[str, FieldChange] = field(default_factory=dict)


def changed_fields(event: StripeEvent) -> dict[str, FieldChange]:
    """field → (old, new) for an update; a hash's keys appear one by one ("metadata.colour").

    The product's `updated` timestamp moves with every change and says nothing: left out.
    """
    out: dict[str, FieldChange] = {}
    for key, old in (event.previous or {}).items():
        if key == "updated":
            continue
        new = event.object.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            for sub, sub_old in old.items():
                out[f"{key}.{sub}"] = FieldChange(sub_old, new.get(sub))
        else:
            out[key] = FieldChange(old, new)
    return out


def newest_event(gateway: StripeGateway) -> StripeEvent | None:
    """The newest product or price event Stripe keeps (one request), or None."""
    page = gateway.list_events(EVENT_TYPES, limit=1)
    data = page.get("data") or []
    return parse_event(data[0]) if data else None


def events_since(gateway: StripeGateway, cursor: str | None) -> Iterator[list[StripeEvent]]:
    """The product and price events newer than `cursor`, page by page, oldest first.

    Without a cursor (no such event existed when the mirror was filled) every event Stripe keeps
    is newer: they are listed newest first and handed over as one batch, oldest first. A cursor
    Stripe no longer keeps raises CursorExpiredError.
    """
    if cursor is None:
        batch: list[StripeEvent] = []
        after: str | None = None
        while True:
            page = gateway.list_events(EVENT_TYPES, starting_after=after)
            data = page.get("data") or []
            batch.extend(parse_event(item) for item in data)
            if not page.get("has_more") or not data:
                break
            after = str(data[-1]["id"])
        yield batch[::-1]
        return
    before = cursor
    while True:
        try:
            page = gateway.list_events(EVENT_TYPES, ending_before=before, limit=PAGE_SIZE)
        except StripeRequestError as err:
            # Stripe no longer knows the cursor: 400 resource_missing on `ending_before` (404
            # for a retrieve), stripe-facts §4.9.
            if err.code == "resource_missing" or err.http_status == 404:
                raise CursorExpiredError(str(err)) from None
            raise
        data = page.get("data") or []
        yield [parse_event(item) for item in reversed(data)]
        if not page.get("has_more") or not data:
            return
        before = str(data[0]["id"])
