"""Events in the sandbox (events issue §1): what each product and price change leaves behind, read
through the real SDK's `v1.events` (docs/stripe-facts.md §4, cited as "stripe-facts §4.N")."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from core.sandbox.versions import API_VERSION
from tests.core.sandbox.conftest import LIVE_KEY, make_client

DAY = 24 * 3600
Event = dict[str, Any]


def _events(client: stripe.StripeClient, **params: Any) -> list[Event]:
    """Every listed event (up to 100), newest first, as plain dicts."""
    page = client.v1.events.list(params={"limit": 100, **params})  # type: ignore[arg-type]
    return [event.to_dict() for event in page.data]


def _types(client: stripe.StripeClient, **params: Any) -> list[str]:
    return [event["type"] for event in _events(client, **params)]


def _changed(event: Event) -> dict[str, Any]:
    """`previous_attributes` without a product's `updated` (present only when a second passed)."""
    changed = dict(event["data"]["previous_attributes"])
    changed.pop("updated", None)
    return changed


def test_a_created_product_makes_a_product_created_event(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.1, §4.2, §4.4."""
    product = stripe_client.v1.products.create(
        params={"id": "lamp", "name": "Lamp", "metadata": {"sku": "L1"}},
        options={"idempotency_key": "make-lamp"},
    )
    [event] = _events(stripe_client)
    assert event["id"].startswith("evt_")
    assert (event["object"], event["type"], event["livemode"]) == (
        "event",
        "product.created",
        False,
    )
    assert (event["api_version"], event["pending_webhooks"]) == (API_VERSION, 0)
    assert event["created"] == product.created
    assert event["data"] == {"object": stripe_client.v1.products.retrieve("lamp").to_dict()}
    assert product.last_response is not None
    assert event["request"] == {
        "id": product.last_response.request_id,
        "idempotency_key": "make-lamp",
    }


def test_an_update_names_only_the_changed_fields_and_metadata_keys(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.3: changed fields with their old values; metadata shows only its changed
    keys, a new key as null; `updated` moves when time passed."""
    created = stripe_client.v1.products.create(
        params={
            "id": "lamp",
            "name": "Lamp",
            "images": ["https://example.invalid/a.png"],
            "metadata": {"sku": "L1", "colour": "red", "kept": "yes"},
        }
    )
    sandbox.advance_clock(60)
    updated = stripe_client.v1.products.update(
        "lamp", params={"name": "Desk lamp", "metadata": {"sku": "L2", "colour": "", "size": "M"}}
    )
    [event, _] = _events(stripe_client)
    assert event["type"] == "product.updated"
    assert event["data"]["object"] == updated.to_dict()
    assert event["data"]["previous_attributes"] == {
        "name": "Lamp",
        "metadata": {"sku": "L1", "colour": "red", "size": None},
        "updated": created.updated,
    }
    assert updated.updated >= created.updated + 60


def test_a_list_field_shows_whole_and_a_null_hash_shows_null(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.3: a list appears whole, a hash that was null appears as null."""
    stripe_client.v1.products.create(
        params={"id": "lamp", "name": "Lamp", "images": ["https://example.invalid/a.png"]}
    )
    stripe_client.v1.products.update(
        "lamp",
        params={
            "images": ["https://example.invalid/a.png", "https://example.invalid/b.png"],
            "package_dimensions": {"height": "1", "length": "2", "weight": "3", "width": "4"},
        },
    )
    [event, _] = _events(stripe_client)
    assert _changed(event) == {
        "images": ["https://example.invalid/a.png"],
        "package_dimensions": None,
    }


def test_archive_unarchive_and_default_price_are_product_updated(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.1, §4.3."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    price = stripe_client.v1.prices.create(
        params={"product": "lamp", "currency": "usd", "unit_amount": 1500}
    )
    stripe_client.v1.products.update("lamp", params={"default_price": price.id})
    stripe_client.v1.products.update("lamp", params={"active": False})
    stripe_client.v1.products.update("lamp", params={"active": True})
    events = _events(stripe_client)
    assert [e["type"] for e in events] == [
        "product.updated",
        "product.updated",
        "product.updated",
        "price.created",
        "product.created",
    ]
    assert [_changed(e) for e in events[:3]] == [
        {"active": False},
        {"active": True},
        {"default_price": None},
    ]
    assert events[0]["data"]["object"]["active"] is True


def test_archiving_a_price_is_price_updated_and_shows_it_unexpanded(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.1, §4.2: `data.object` is unexpanded whatever the request expanded; no
    `currency_options` (an includable field)."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    price = stripe_client.v1.prices.create(
        params={"product": "lamp", "currency": "usd", "unit_amount": 1500}
    )
    stripe_client.v1.prices.update(
        price.id, params={"active": False, "expand": ["product", "currency_options"]}
    )
    [event, *_] = _events(stripe_client)
    assert event["type"] == "price.updated"
    assert event["data"]["previous_attributes"] == {"active": True}
    assert event["data"]["object"] == stripe_client.v1.prices.retrieve(price.id).to_dict()
    assert event["data"]["object"]["product"] == "lamp"
    assert "currency_options" not in event["data"]["object"]


def test_deleting_a_product_makes_product_deleted_with_the_whole_product(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.6, §4.4 (a DELETE sends no idempotency key)."""
    product = stripe_client.v1.products.create(
        params={"id": "lamp", "name": "Lamp", "metadata": {"sku": "L1"}}
    ).to_dict()
    sandbox.advance_clock(60)
    deleted = stripe_client.v1.products.delete("lamp")
    [event, _] = _events(stripe_client)
    assert event["type"] == "product.deleted"
    assert event["data"] == {"object": {**product, "active": False, "updated": event["created"]}}
    assert deleted.last_response is not None
    assert event["request"] == {"id": deleted.last_response.request_id, "idempotency_key": None}


def test_default_price_data_makes_product_created_then_price_created(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.5: the product already names its default price; no product.updated."""
    product = stripe_client.v1.products.create(
        params={
            "id": "lamp",
            "name": "Lamp",
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 1500,
                "currency_options": {"eur": {"unit_amount": 1400}},
            },
        }
    )
    price_event, product_event = _events(stripe_client)
    assert (product_event["type"], price_event["type"]) == ("product.created", "price.created")
    assert product_event["data"]["object"]["default_price"] == product.default_price
    assert product_event["data"]["object"] == stripe_client.v1.products.retrieve("lamp").to_dict()
    price = stripe_client.v1.prices.retrieve(str(product.default_price))
    assert price_event["data"]["object"] == price.to_dict()
    assert "currency_options" not in price_event["data"]["object"]
    assert product_event["request"] == price_event["request"]


def test_product_data_and_a_taken_over_lookup_key_make_their_events_in_order(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.5."""
    first = stripe_client.v1.prices.create(
        params={
            "product_data": {"name": "Lamp"},
            "currency": "usd",
            "unit_amount": 1500,
            "lookup_key": "std",
        }
    )
    assert _types(stripe_client) == ["price.created", "product.created"]
    second = stripe_client.v1.prices.create(
        params={
            "product": str(first.product),
            "currency": "usd",
            "unit_amount": 1600,
            "lookup_key": "std",
            "transfer_lookup_key": True,
        }
    )
    created, lost = _events(stripe_client)[:2]
    assert (created["type"], created["data"]["object"]["id"]) == ("price.created", second.id)
    assert (lost["type"], lost["data"]["object"]["id"]) == ("price.updated", first.id)
    assert lost["data"]["previous_attributes"] == {"lookup_key": "std"}


def test_a_replayed_or_refused_request_makes_no_event(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §4.4: a replay answers from the saved response; a refusal changes nothing."""
    once: stripe.RequestOptions = {"idempotency_key": "make-lamp"}
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"}, options=once)
    again = stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"}, options=once)
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.update("lamp", params={"name": ""})
    assert _types(stripe_client) == ["product.created"]


def test_an_update_that_changes_nothing_makes_no_event(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.3 [UNVERIFIED]: nothing changed, nothing to report."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    stripe_client.v1.products.update("lamp", params={"name": "Lamp"})
    assert _types(stripe_client) == ["product.created"]


def _make_products(client: stripe.StripeClient, count: int) -> list[str]:
    ids = [f"p{i:02d}" for i in range(count)]
    for product_id in ids:
        client.v1.products.create(params={"id": product_id, "name": product_id})
    return ids


def test_the_list_is_newest_first_and_pages_both_ways(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §4.7: limit (default 10), has_more, starting_after, ending_before."""
    ids = _make_products(stripe_client, 25)
    newest_first = ids[::-1]
    first = stripe_client.v1.events.list()
    assert [e.data.object["id"] for e in first.data] == newest_first[:10]
    assert first.has_more is True
    second = stripe_client.v1.events.list(params={"starting_after": first.data[-1].id})
    assert [e.data.object["id"] for e in second.data] == newest_first[10:20]
    back = stripe_client.v1.events.list(params={"ending_before": second.data[0].id, "limit": 3})
    assert [e.data.object["id"] for e in back.data] == newest_first[7:10]
    assert back.has_more is True
    last = stripe_client.v1.events.list(params={"starting_after": second.data[-1].id})
    assert (len(last.data), last.has_more) == (5, False)
    every = stripe_client.v1.events.list(params={"limit": 7}).auto_paging_iter()
    assert [e.data.object["id"] for e in every] == newest_first


@pytest.mark.parametrize("limit", [0, 101])
def test_limit_is_one_to_a_hundred(stripe_client: stripe.StripeClient, limit: int) -> None:
    """stripe-facts §4.7."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.list(params={"limit": limit})
    assert caught.value.param == "limit"


def _product_and_price(client: stripe.StripeClient) -> None:
    client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    price = client.v1.prices.create(
        params={"product": "lamp", "currency": "usd", "unit_amount": 1500}
    )
    client.v1.prices.update(price.id, params={"nickname": "Standard"})
    client.v1.products.update("lamp", params={"name": "Desk lamp"})


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "product.created"}, ["product.created"]),
        ({"type": "product.*"}, ["product.updated", "product.created"]),
        ({"type": "*.updated"}, ["product.updated", "price.updated"]),
        ({"type": "*"}, ["product.updated", "price.updated", "price.created", "product.created"]),
        ({"types": ["price.created", "product.updated"]}, ["product.updated", "price.created"]),
        ({"types": ["product.*"]}, []),
    ],
)
def test_type_and_types_filter(
    stripe_client: stripe.StripeClient, params: dict[str, Any], expected: list[str]
) -> None:
    """stripe-facts §4.7: `type` takes `*` as a wildcard; `types[]` are exact names."""
    _product_and_price(stripe_client)
    assert _types(stripe_client, **params) == expected


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"type": "product.created", "types": ["price.created"]}, "type"),
        ({"types": [f"product.t{i}" for i in range(21)]}, "types"),
        ({"delivery_success": "maybe"}, "delivery_success"),
        ({"object": "product"}, "object"),
    ],
)
def test_refused_list_parameters(
    stripe_client: stripe.StripeClient, params: dict[str, Any], param: str
) -> None:
    """stripe-facts §4.7: `type` and `types` exclude each other; at most 20 types."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.list(params=params)  # type: ignore[arg-type]
    assert caught.value.param == param


def test_twenty_types_are_accepted(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §4.7: the limit is 20, inclusive."""
    _product_and_price(stripe_client)
    types = ["product.created", *(f"product.t{i}" for i in range(19))]
    assert _types(stripe_client, types=types) == ["product.created"]


def test_created_filters(sandbox: SandboxServer, stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §4.7: `created` as an integer or gt/gte/lt/lte."""
    stripe_client.v1.products.create(params={"id": "old", "name": "Old"})
    sandbox.advance_clock(3600)
    stripe_client.v1.products.create(params={"id": "new", "name": "New"})
    new, old = _events(stripe_client)

    def ids(created: Any) -> list[str]:
        return [e["data"]["object"]["id"] for e in _events(stripe_client, created=created)]

    assert ids({"gte": new["created"]}) == ["new"]
    assert ids({"gt": old["created"]}) == ["new"]
    assert ids({"lt": new["created"]}) == ["old"]
    assert ids({"lte": new["created"], "gte": old["created"]}) == ["new", "old"]
    assert ids(old["created"]) == ["old"]


def test_delivery_success_counts_every_event_as_delivered(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.8: no webhook endpoints, nothing pending."""
    _product_and_price(stripe_client)
    assert len(_events(stripe_client, delivery_success=True)) == 4
    assert _events(stripe_client, delivery_success=False) == []


def test_retrieve_one_event_and_404_for_an_unknown_one(
    stripe_client: stripe.StripeClient,
) -> None:
    """stripe-facts §4.7."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    [listed] = _events(stripe_client)
    assert stripe_client.v1.events.retrieve(listed["id"]).to_dict() == listed
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.retrieve("evt_missing")
    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")
    assert caught.value.user_message == "No such event: 'evt_missing'"


def test_events_older_than_30_days_are_gone(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.9: listed and retrievable for 30 days, then neither."""
    stripe_client.v1.products.create(params={"id": "old", "name": "Old"})
    [old] = _events(stripe_client)
    sandbox.advance_clock(29 * DAY)
    assert stripe_client.v1.events.retrieve(old["id"]).id == old["id"]
    stripe_client.v1.products.create(params={"id": "new", "name": "New"})
    sandbox.advance_clock(2 * DAY)
    assert [e["data"]["object"]["id"] for e in _events(stripe_client)] == ["new"]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.events.retrieve(old["id"])
    assert caught.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as cursor:
        stripe_client.v1.events.list(params={"starting_after": old["id"]})
    assert (cursor.value.code, cursor.value.param) == ("resource_missing", "starting_after")
    assert stripe_client.v1.products.retrieve("old").id == "old"  # only its event expired


def test_timestamps_come_from_the_sandbox_clock(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.9: `created`, `updated` and event times follow `advance_clock`."""
    sandbox.advance_clock(400 * DAY)
    expected = time.time() + 400 * DAY
    product = stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    sandbox.advance_clock(DAY)
    updated = stripe_client.v1.products.update("lamp", params={"name": "Desk lamp"})
    assert abs(product.created - expected) < 5
    assert abs(updated.updated - (expected + DAY)) < 5
    assert _events(stripe_client)[0]["created"] == updated.updated
    assert abs(sandbox.clock.now() - (expected + DAY)) < 5


def test_restricted_keys_need_rak_event_read(
    sandbox: SandboxServer,
    stripe_client: stripe.StripeClient,
    client_for: Callable[[str], stripe.StripeClient],
) -> None:
    """stripe-facts §4.10, facts §9.6."""
    stripe_client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
    [event] = _events(stripe_client)
    refused = client_for("rk_test_noevents1234wxyz")
    assert refused.v1.products.retrieve("lamp").id == "lamp"
    for attempt in (refused.v1.events.list, lambda: refused.v1.events.retrieve(event["id"])):
        with pytest.raises(stripe.PermissionError) as caught:
            attempt()
        assert caught.value.user_message == (
            "The provided key 'rk_test_***wxyz' does not have the required permissions for this "
            f"endpoint on account '{sandbox.account_id}'. Having the 'rak_event_read' "
            "permission would allow this request to continue."
        )
    with pytest.raises(stripe.PermissionError):
        client_for("rk_test_noprices5678wxyz").v1.events.list()
    assert _types(client_for("rk_test_readonly1234abcd")) == ["product.created"]
    assert _types(client_for("rk_test_another9999")) == ["product.created"]


def test_test_and_live_mode_keep_their_own_events(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.9 (facts §9.2)."""
    live = make_client(sandbox, LIVE_KEY)
    live.v1.products.create(params={"id": "live-lamp", "name": "Lamp"})
    stripe_client.v1.products.create(params={"id": "test-lamp", "name": "Lamp"})
    [live_event] = _events(live)
    [test_event] = _events(stripe_client)
    assert (live_event["livemode"], live_event["data"]["object"]["id"]) == (True, "live-lamp")
    assert (test_event["livemode"], test_event["data"]["object"]["id"]) == (False, "test-lamp")
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.events.retrieve(live_event["id"])


def test_a_preset_makes_events_no_request_made(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """stripe-facts §4.4: changes no API request made carry a null request id."""
    made = sandbox.apply_preset("handmade")
    events = list(stripe_client.v1.events.list(params={"limit": 100}).auto_paging_iter())
    assert {e.request.id for e in events} == {None}
    assert {e.request.idempotency_key for e in events} == {None}
    created = {e.data.object["id"] for e in events if e.type.endswith(".created")}
    assert created == set(made)
    assert "product.updated" in {e.type for e in events}


def test_events_survive_a_restart_and_expired_ones_leave_the_file(tmp_path: Path) -> None:
    """stripe-facts §4.9: events are kept in the state file, and dropped from it after 30 days."""
    state = tmp_path / "state.sqlite3"
    with SandboxServer(state_file=state) as first:
        client = make_client(first)
        client.v1.products.create(params={"id": "lamp", "name": "Lamp"})
        client.v1.products.update("lamp", params={"name": "Desk lamp"})
        kept = _events(client)
    with SandboxServer(state_file=state) as second:
        assert _events(make_client(second)) == kept
    with sqlite3.connect(state) as conn:
        conn.execute(
            "UPDATE objects SET body = json_set(body, '$.created', ?) WHERE kind = 'events'",
            (int(time.time()) - 31 * DAY,),
        )
    conn.close()
    with SandboxServer(state_file=state) as third:
        assert _events(make_client(third)) == []
    with sqlite3.connect(state) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM objects WHERE kind = 'events'").fetchone()[0]
    conn.close()
    assert rows == 0
