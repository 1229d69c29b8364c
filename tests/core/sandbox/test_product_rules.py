"""Product fields hand-made catalogs use, list filters, and the `Stripe-Version` header
(docs/stripe-facts.md §2, §3)."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import TEST_KEY, raw_http


def _refused(client: stripe.StripeClient, **params: Any) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.products.create(params={"name": "Panel", **params})  # type: ignore[typeddict-item]
    assert caught.value.http_status == 400
    return caught.value


@pytest.mark.parametrize(
    "descriptor", ["A" * 23, "PANEL <1>", "PANEL \\ 1", 'PANEL "1"', "PANEL'S", "12345", "€€€"]
)
def test_statement_descriptor_rules(stripe_client: stripe.StripeClient, descriptor: str) -> None:
    """stripe-facts §2.1: ≤22 characters, none of < > \\ " ', at least one letter."""
    assert _refused(stripe_client, statement_descriptor=descriptor).param == "statement_descriptor"


def test_statement_descriptor_keeps_ascii(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §2.1: non-ASCII characters are stripped; 22 characters are fine."""
    product = stripe_client.v1.products.create(
        params={"name": "Panel", "statement_descriptor": "Café Panels"}
    )
    assert product.statement_descriptor == "Caf Panels"
    long = stripe_client.v1.products.create(params={"name": "P", "statement_descriptor": "B" * 22})
    assert long.statement_descriptor == "B" * 22


def test_unit_label_length(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §2.2: `unit_label` ≤12 characters."""
    assert stripe_client.v1.products.create(params={"name": "P", "unit_label": "x" * 12}).unit_label
    assert _refused(stripe_client, unit_label="x" * 13).param == "unit_label"


def test_service_only_fields(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §2.3: `unit_label` and `statement_descriptor` need `type=service`."""
    assert _refused(stripe_client, type="good", unit_label="box").param == "unit_label"
    good = stripe_client.v1.products.create(params={"name": "Box", "type": "good"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.update(good.id, params={"statement_descriptor": "BOX CO"})
    assert caught.value.param == "statement_descriptor"


@pytest.mark.parametrize("field", ["description", "statement_descriptor", "unit_label", "url"])
def test_empty_strings_on_create_are_refused(
    stripe_client: stripe.StripeClient, field: str
) -> None:
    """stripe-facts §2.4: an empty string cannot be sent on create."""
    error = _refused(stripe_client, **{field: ""})
    assert (error.code, error.param) == ("parameter_invalid_empty", field)


def test_empty_strings_on_update(stripe_client: stripe.StripeClient) -> None:
    """stripe-facts §2.4: `""` unsets description/unit_label/url; not statement_descriptor."""
    product = stripe_client.v1.products.create(
        params={
            "name": "Panel",
            "description": "d",
            "unit_label": "u",
            "url": "https://example.invalid",
            "statement_descriptor": "PANEL",
        }
    )
    cleared = stripe_client.v1.products.update(
        product.id, params={"description": "", "unit_label": "", "url": ""}
    )
    assert (cleared.description, cleared.unit_label, cleared.url) == (None, None, None)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.update(product.id, params={"statement_descriptor": ""})
    assert caught.value.code == "parameter_invalid_empty"


def test_product_list_filters(stripe_client: stripe.StripeClient) -> None:
    """facts §5.2, stripe-facts §2.5: active, ids, shippable, url, type, created."""
    create = stripe_client.v1.products.create
    a = create(params={"id": "a", "name": "A", "shippable": True, "url": "https://a.invalid"})
    b = create(params={"id": "b", "name": "B", "active": False})
    c = create(params={"id": "c", "name": "C", "type": "good"})

    def ids(params: dict[str, Any]) -> list[str]:
        return [p.id for p in stripe_client.v1.products.list(params=params).data]  # type: ignore[arg-type]

    assert ids({"active": True}) == [c.id, a.id]
    assert ids({"active": False}) == [b.id]
    assert ids({"ids": ["a", "b", "zz"]}) == [b.id, a.id]
    assert ids({"shippable": True}) == [a.id]
    assert ids({"url": "https://a.invalid"}) == [a.id]
    assert ids({"type": "good"}) == [c.id]
    assert ids({"created": {"gte": a.created}}) == [c.id, b.id, a.id]
    assert ids({"created": {"lt": a.created}}) == []
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.list(params={"ids": ["a"], "starting_after": "a"})
    assert caught.value.code == "parameters_exclusive"


@pytest.mark.parametrize(
    "version", ["2019-2-19", "2022-08-02", "2024-12-18", "2026-10-28", "latest"]
)
def test_unknown_api_version_is_refused(sandbox: SandboxServer, version: str) -> None:
    """stripe-facts §3.1: a malformed or unknown `Stripe-Version` → 400 "Invalid Stripe API
    version: X", nothing done."""
    client = stripe.StripeClient(
        TEST_KEY, base_addresses={"api": sandbox.url}, stripe_version=version
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v1.products.create(params={"name": "Panel"})
    assert caught.value.http_status == 400
    assert caught.value.user_message == f"Invalid Stripe API version: {version}"
    assert sandbox.writes() == []


@pytest.mark.parametrize("version", ["2026-10-28.endive", "2024-06-20", "2025-03-31.basil"])
def test_known_api_version_is_echoed(sandbox: SandboxServer, version: str) -> None:
    """stripe-facts §3.2: a version Stripe knows is used and echoed in `Stripe-Version`."""
    client = stripe.StripeClient(
        TEST_KEY, base_addresses={"api": sandbox.url}, stripe_version=version
    )
    product = client.v1.products.create(params={"name": "Panel"})
    assert product.last_response is not None
    assert product.last_response.headers["Stripe-Version"] == version


def test_api_version_is_checked_after_the_key(sandbox: SandboxServer) -> None:
    """stripe-facts §3.4: no key is still 401; no version header means the default version."""
    status, _, _ = raw_http(sandbox, "GET", "/v1/products", headers={"Stripe-Version": "bad"})
    assert status == 401
    status, _, headers = raw_http(
        sandbox, "GET", "/v1/products", headers={"Authorization": f"Bearer {TEST_KEY}"}
    )
    assert (status, headers["Stripe-Version"]) == (200, "2026-10-28.endive")
