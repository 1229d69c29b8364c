"""List endpoints: newest first, limit, cursors, filters, expand (facts §5, §4.12)."""

from __future__ import annotations

import pytest
import stripe


@pytest.fixture
def twelve(stripe_client: stripe.StripeClient) -> list[str]:
    """Twelve products created in order p00..p11 (so newest first is p11..p00)."""
    return [
        stripe_client.v1.products.create(params={"id": f"p{i:02d}", "name": f"Product {i}"}).id
        for i in range(12)
    ]


def test_newest_first_default_limit_and_has_more(
    stripe_client: stripe.StripeClient, twelve: list[str]
) -> None:
    """facts §5.1: default limit 10, newest first, `has_more`, list shape."""
    page = stripe_client.v1.products.list()
    assert page.object == "list" and page.url == "/v1/products"
    assert [p.id for p in page.data] == twelve[::-1][:10]
    assert page.has_more is True


def test_cursors_walk_forward_and_back(
    stripe_client: stripe.StripeClient, twelve: list[str]
) -> None:
    """facts §5.1: `starting_after` continues older; `ending_before` goes back newer."""
    first = stripe_client.v1.products.list(params={"limit": 5})
    second = stripe_client.v1.products.list(
        params={"limit": 5, "starting_after": first.data[-1].id}
    )
    assert [p.id for p in second.data] == ["p06", "p05", "p04", "p03", "p02"]
    assert second.has_more is True
    last = stripe_client.v1.products.list(params={"limit": 5, "starting_after": "p02"})
    assert [p.id for p in last.data] == ["p01", "p00"] and last.has_more is False
    back = stripe_client.v1.products.list(params={"limit": 3, "ending_before": "p06"})
    assert [p.id for p in back.data] == ["p09", "p08", "p07"]
    assert back.has_more is True


def test_auto_paging_reads_everything_once(
    stripe_client: stripe.StripeClient, twelve: list[str]
) -> None:
    """facts §5.3: `auto_paging_iter()` follows `starting_after` until `has_more` is false."""
    seen = [p.id for p in stripe_client.v1.products.list(params={"limit": 5}).auto_paging_iter()]
    assert seen == twelve[::-1]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (0, "This value must be greater than or equal to 1."),
        (101, "This value must be less than or equal to 100."),
        ("ten", "Invalid integer: ten"),
    ],
)
def test_limit_bounds(stripe_client: stripe.StripeClient, limit: object, message: str) -> None:
    """facts §5.1: `limit` is 1–100."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("get", "/v1/products", limit=limit)
    assert caught.value.http_status == 400
    assert caught.value.param == "limit"
    assert caught.value.user_message == message


def test_limit_100_is_allowed(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §5.1: the maximum page is 100."""
    assert len(stripe_client.v1.products.list(params={"limit": 100}).data) == 12


def test_both_cursors_are_exclusive(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §5.1: `starting_after` and `ending_before` are mutually exclusive."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.list(params={"starting_after": "p05", "ending_before": "p01"})
    assert caught.value.code == "parameters_exclusive"


def test_unknown_cursor(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §5.1: a cursor must name an existing object → resource_missing on the cursor."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.list(params={"starting_after": "ghost"})
    assert caught.value.code == "resource_missing"
    assert caught.value.param == "starting_after"


def test_active_filter(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §2.6, §5.2: archived products stay listable through the `active` filter."""
    stripe_client.v1.products.update("p03", params={"active": False})
    archived = stripe_client.v1.products.list(params={"active": False}).data
    assert [p.id for p in archived] == ["p03"]
    active = stripe_client.v1.products.list(params={"active": True, "limit": 100}).data
    assert "p03" not in [p.id for p in active] and len(active) == 11


def test_ids_filter(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §5.2: `ids` returns just those (newest first); not combinable with cursors."""
    found = stripe_client.v1.products.list(params={"ids": ["p01", "p07", "missing"]}).data
    assert [p.id for p in found] == ["p07", "p01"]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.list(params={"ids": ["p01"], "starting_after": "p05"})
    assert caught.value.user_message == (
        "You may only specify one of these parameters: ids, starting_after."
    )


def test_created_filter(stripe_client: stripe.StripeClient, twelve: list[str]) -> None:
    """facts §5.2: `created` accepts gt/gte/lt/lte."""
    created = stripe_client.v1.products.retrieve("p00").created
    assert (
        len(stripe_client.v1.products.list(params={"created": {"gte": created}, "limit": 100}).data)
        == 12
    )
    assert stripe_client.v1.products.list(params={"created": {"lt": created}}).data == []


def test_expand_default_price_in_list(stripe_client: stripe.StripeClient) -> None:
    """facts §4.12: `expand[]=data.default_price` on products.list returns price objects."""
    stripe_client.v1.products.create(
        params={"name": "P", "default_price_data": {"currency": "usd", "unit_amount": 700}}
    )
    plain = stripe_client.v1.products.list().data[0]
    assert isinstance(plain.default_price, str)
    expanded = stripe_client.v1.products.list(params={"expand": ["data.default_price"]}).data[0]
    assert isinstance(expanded.default_price, stripe.Price)
    assert expanded.default_price.unit_amount == 700
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.list(params={"expand": ["default_price"]})
    assert caught.value.user_message == "This property cannot be expanded (default_price)."


def test_unknown_list_parameter(stripe_client: stripe.StripeClient) -> None:
    """facts §3.3: no metadata filter on lists → unknown parameter."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("get", "/v1/products", metadata={"k": "v"})
    assert caught.value.code == "parameter_unknown"
    assert caught.value.user_message == "Received unknown parameter: metadata"


def test_created_is_strictly_ordered_within_one_second(stripe_client: stripe.StripeClient) -> None:
    """Issue: objects made in the same second still list strictly newest first."""
    ids = [stripe_client.v1.products.create(params={"name": f"n{i}"}).id for i in range(30)]
    listed = [p.id for p in stripe_client.v1.products.list(params={"limit": 100}).data]
    assert listed == ids[::-1]
