"""Search: query language, lag, pages (facts §6)."""

from __future__ import annotations

import pytest
import stripe

from core.sandbox import SandboxServer


@pytest.fixture
def catalog(stripe_client: stripe.StripeClient) -> None:
    """Three products with names, metadata and one archived."""
    stripe_client.v1.products.create(
        params={
            "id": "shirt",
            "name": "Blue linen shirt",
            "metadata": {"local_id": "1", "kind": "top"},
        }
    )
    stripe_client.v1.products.create(
        params={"id": "mug", "name": "Coffee mug", "metadata": {"local_id": "2"}}
    )
    stripe_client.v1.products.create(
        params={"id": "old", "name": "Old shirt", "active": False, "metadata": {"kind": "top"}}
    )


def _search(client: stripe.StripeClient, query: str) -> list[str]:
    return [p.id for p in client.v1.products.search(params={"query": query}).data]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("metadata['local_id']:'1'", ["shirt"]),
        ('metadata["local_id"]:"2"', ["mug"]),
        ("active:'true'", ["mug", "shirt"]),
        ("active:'false'", ["old"]),
        ("name~'shir'", ["old", "shirt"]),
        ("name:'linen shirt'", ["shirt"]),
        ("name:'BLUE LINEN'", ["shirt"]),
        ("name:'shirt linen'", []),
        ("metadata['kind']:'top' active:'true'", ["shirt"]),
        ("metadata['kind']:'top' AND active:'true'", ["shirt"]),
        ("metadata['local_id']:'1' OR metadata['local_id']:'2'", ["mug", "shirt"]),
        ("-metadata['kind']:'top'", ["mug"]),
        ("metadata['kind']:null", ["mug"]),
        ("-metadata['kind']:null", ["old", "shirt"]),
    ],
)
def test_query_language(
    stripe_client: stripe.StripeClient, catalog: None, query: str, expected: list[str]
) -> None:
    """facts §6.1–§6.3: exact (case-insensitive, words in order), ~, -, AND/OR, null, metadata."""
    assert _search(stripe_client, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "name:shirt",  # string values must be quoted
        "metadata['kind']:'top' AND active:'true' OR name:'x'",  # AND/OR mixed
        "name~'sh'",  # substring needs 3 characters
        "colour:'red'",  # not a search field
        "name:'unterminated",
        "",
    ],
)
def test_bad_queries_are_400(stripe_client: stripe.StripeClient, catalog: None, query: str) -> None:
    """facts §6.2: a query Stripe cannot parse → 400 invalid_request_error on `query`."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.search(params={"query": query})
    assert caught.value.http_status == 400
    assert caught.value.param == "query"
    assert caught.value.json_body is not None
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"


def test_search_lags_behind_writes(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §6.4, §6.7, §11.1: a fresh object is missing from search until the lag has passed."""
    sandbox.set_search_lag(3600)
    stripe_client.v1.products.create(
        params={"id": "fresh", "name": "Fresh", "metadata": {"x": "1"}}
    )
    assert stripe_client.v1.products.retrieve("fresh").id == "fresh"
    assert _search(stripe_client, "metadata['x']:'1'") == []
    sandbox.set_search_lag(0)
    assert _search(stripe_client, "metadata['x']:'1'") == ["fresh"]


def test_search_shows_the_old_state_during_the_lag(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §6.7: search serves stale data; a deleted product is still returned for a while."""
    stripe_client.v1.products.create(params={"id": "p", "name": "P", "metadata": {"v": "old"}})
    sandbox.set_search_lag(3600)
    stripe_client.v1.products.update("p", params={"metadata": {"v": "new"}})
    assert _search(stripe_client, "metadata['v']:'old'") == ["p"]
    assert _search(stripe_client, "metadata['v']:'new'") == []
    stripe_client.v1.products.delete("p")
    assert _search(stripe_client, "metadata['v']:'old'") == ["p"]
    sandbox.set_search_lag(0)
    assert _search(stripe_client, "metadata['v']:'old'") == []
    assert _search(stripe_client, "metadata['v']:'new'") == []


def test_search_pages(stripe_client: stripe.StripeClient) -> None:
    """facts §6.6: `limit`, `next_page`, `page`; `auto_paging_iter()` reads all."""
    for i in range(7):
        stripe_client.v1.products.create(
            params={"id": f"s{i}", "name": "Sock", "metadata": {"g": "x"}}
        )
    first = stripe_client.v1.products.search(params={"query": "metadata['g']:'x'", "limit": 3})
    assert first.object == "search_result" and first.url == "/v1/products/search"
    assert first.has_more is True and first.next_page
    second = stripe_client.v1.products.search(
        params={"query": "metadata['g']:'x'", "limit": 3, "page": first.next_page}
    )
    assert [p.id for p in second.data] == ["s3", "s2", "s1"]
    everything = stripe_client.v1.products.search(
        params={"query": "metadata['g']:'x'", "limit": 3}
    ).auto_paging_iter()
    assert [p.id for p in everything] == [f"s{i}" for i in range(6, -1, -1)]


def test_price_search(stripe_client: stripe.StripeClient) -> None:
    """facts §6.1: prices search by product, currency, lookup_key, active, metadata."""
    stripe_client.v1.products.create(params={"id": "p", "name": "P"})
    usd = stripe_client.v1.prices.create(
        params={"product": "p", "currency": "usd", "unit_amount": 1, "lookup_key": "std"}
    )
    stripe_client.v1.prices.create(
        params={
            "product": "p",
            "currency": "eur",
            "unit_amount": 1,
            "metadata": {"variant_id": "v"},
        }
    )
    found = stripe_client.v1.prices.search(params={"query": "product:'p' currency:'usd'"}).data
    assert [p.id for p in found] == [usd.id]
    assert [
        p.id for p in stripe_client.v1.prices.search(params={"query": "lookup_key:'std'"}).data
    ] == [usd.id]
    assert (
        len(stripe_client.v1.prices.search(params={"query": "metadata['variant_id']:'v'"}).data)
        == 1
    )
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.prices.search(params={"query": "name:'P'"})
