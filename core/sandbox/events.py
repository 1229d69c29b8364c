"""`/v1/events`: what each product and price change leaves behind, listed and retrieved
(docs/stripe-facts.md §4).

A write endpoint changes objects through their `Collection`, which notes each object's state before
the request first touched it (`ModeData.journal`); `publish`, called at the end of every write,
turns the notes into `<kind>.created` / `.updated` / `.deleted` events in the order the objects
were first touched. Events are kept 30 days by the sandbox's clock, then dropped (§4.9).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from core.sandbox import listing
from core.sandbox.call import Call, random_id
from core.sandbox.errors import invalid
from core.sandbox.forms import as_bool, as_expand, as_list, as_str, check_known
from core.sandbox.store import Obj
from core.sandbox.timefilter import created_filter
from core.sandbox.versions import API_VERSION

LIST_PARAMS = {
    "created", "delivery_success", "ending_before", "expand", "limit", "starting_after", "type",
    "types",
}  # fmt: skip
MAX_TYPES = 20
# The object names events use per collection, and the fields a plain retrieve leaves out (they are
# `includable`: prices.PRICES.hidden; an event shows the object unexpanded, §4.2).
_NAMES = {"products": "product", "prices": "price"}
_HIDDEN = {"products": (), "prices": ("currency_options", "tiers")}
_MISSING = object()

EVENTS = listing.Resource(
    kind="event",
    plural="events",
    collection=lambda data: data.events,
    linked=lambda data: data.events,
    expandable="",  # nothing in an event expands
    search_fields={},
)


def _shown(kind: str, obj: Obj) -> Obj:
    # A copy: an event keeps the object as it was, whatever happens to the object later.
    return {k: copy.deepcopy(v) for k, v in obj.items() if k not in _HIDDEN[kind]}


def previous_attributes(old: Obj, new: Obj) -> Obj:
    """The fields whose value changed, with their old values (§4.3).

    A hash present on both sides (e.g. `metadata`) shows only its changed keys, and a key that was
    not there before shows as null; anything else (a list, a scalar, a hash that was null) shows
    its whole old value.
    """
    changed: Obj = {}
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            changed[key] = previous_attributes(before, after)
        else:
            changed[key] = None if before is _MISSING else before
    return changed


def _event(call: Call, type_: str, data: Obj) -> None:
    seq, created = call.store.next_created()
    event: Obj = {
        "id": random_id("evt_", 24),
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
        "data": data,
        "livemode": call.livemode,
        "pending_webhooks": 0,
        "request": {"id": call.request_id, "idempotency_key": call.idempotency_key},
        "type": type_,
    }
    call.data.events.insert(event, seq, call.now, 0.0)


def publish(call: Call) -> None:
    """Turn the changes the call made into events, then forget them (safe to call twice)."""
    data = call.data
    notes = list(data.journal.items())
    data.journal.clear()
    for (kind, object_id), before in notes:
        name = _NAMES[kind]
        after = data.collection(kind).get(object_id)
        if before is None and after is not None:
            _event(call, f"{name}.created", {"object": _shown(kind, after)})
        elif before is not None and after is None:
            gone = _shown(kind, before)
            if "updated" in gone:  # a deleted product shows archived, as of its deletion (§4.6)
                gone.update(active=False, updated=max(int(call.now), gone["updated"]))
            _event(call, f"{name}.deleted", {"object": gone})
        elif before is not None and after is not None:
            old, new = _shown(kind, before), _shown(kind, after)
            changed = previous_attributes(old, new)
            # A change to a field events do not show (a price's currency_options) is still a
            # change: price.updated, its previous_attributes empty [UNVERIFIED] (stripe-facts §5.5).
            hidden = any(before.get(k) != after.get(k) for k in _HIDDEN[kind])
            if changed or hidden:
                _event(call, f"{name}.updated", {"object": new, "previous_attributes": changed})
    data.events.prune(call.now)


def _type_filter(params: dict[str, Any]) -> Callable[[str], bool]:
    """`type` (one name, `*` matching anything) or `types[]` (up to 20 exact names), not both."""
    listing.exclusive(params, "type", "types")
    if "type" in params:
        pattern = as_str(params["type"], "type", max_length=5000)
        regex = re.compile(r"\A" + ".*".join(re.escape(p) for p in pattern.split("*")) + r"\Z")
        return lambda type_: regex.match(type_) is not None
    if "types" in params:
        wanted = {as_str(t, "types") for t in as_list(params["types"], "types")}
        if len(wanted) > MAX_TYPES:
            raise invalid(f"You may pass at most {MAX_TYPES} types.", param="types")
        return lambda type_: type_ in wanted
    return lambda _type: True


def list_events(call: Call) -> Obj:
    """GET /v1/events: the last 30 days, newest first, filtered by type and `created` (§4.7)."""
    params = call.params
    check_known(params, LIST_PARAMS)
    as_expand(params, [])
    type_ok = _type_filter(params)
    created_ok = created_filter(params)
    delivered = (
        as_bool(params["delivery_success"], "delivery_success")
        if "delivery_success" in params
        else None
    )
    call.data.events.prune(call.now)

    def matches(event: Obj) -> bool:
        # No webhook endpoints: every event counts as delivered (pending_webhooks is 0), §4.8.
        return (
            type_ok(event["type"])
            and created_ok(event["created"])
            and (delivered is None or delivered == (event["pending_webhooks"] == 0))
        )

    return listing.list_page(call, EVENTS, expand=set(), matches=matches)


def retrieve(call: Call) -> Obj:
    """GET /v1/events/{id}: 404 once it is older than 30 days (§4.9)."""
    check_known(call.params, {"expand"})
    as_expand(call.params, [])
    call.data.events.prune(call.now)
    return dict(listing.get_object(call, EVENTS))
