"""Products: create, retrieve, update, delete (facts §2, §3)."""

from __future__ import annotations

import re

import pytest
import stripe

from core.sandbox import SandboxServer


def _error(caught: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, str]:
    body = caught.value.json_body
    assert body is not None
    error: dict[str, str] = body["error"]
    return error


def test_create_with_generated_id(stripe_client: stripe.StripeClient) -> None:
    """facts §2.1, §2.8: name required; a generated id is `prod_` + 14 characters; shape fields."""
    product = stripe_client.v1.products.create(
        params={"name": "Linen shirt", "description": "Blue", "metadata": {"local_id": "42"}}
    )
    assert re.fullmatch(r"prod_[A-Za-z0-9]{14}", product.id)
    assert product.object == "product"
    assert product.active is True
    assert product.name == "Linen shirt" and product.description == "Blue"
    assert product.metadata.to_dict() == {"local_id": "42"}
    assert product.default_price is None
    assert product.livemode is False
    assert product.created == product.updated and product.created > 1_700_000_000
    assert stripe_client.v1.products.retrieve(product.id).to_dict() == product.to_dict()


def test_create_without_name_is_refused(stripe_client: stripe.StripeClient) -> None:
    """facts §2.1: `name` is required → 400 parameter_missing."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"description": "no name"})
    assert caught.value.http_status == 400
    assert caught.value.code == "parameter_missing"
    assert caught.value.param == "name"
    assert caught.value.user_message == "Missing required param: name."


def test_custom_id_and_duplicate(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §2.3, §2.5: a caller-chosen id is kept; reusing it → 400 resource_already_exists."""
    product = stripe_client.v1.products.create(params={"id": "tee-Blue_01", "name": "Tee"})
    assert product.id == "tee-Blue_01"
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"id": "tee-Blue_01", "name": "Twin"})
    assert caught.value.http_status == 400
    assert caught.value.code == "resource_already_exists"
    assert caught.value.param == "id"
    assert caught.value.user_message == "Product already exists."
    assert stripe_client.v1.products.retrieve("tee-Blue_01").name == "Tee"
    assert len(sandbox.writes()) == 1


@pytest.mark.parametrize("bad_id", ["has space", "slash/id", "ümlaut", "dot.id"])
def test_custom_id_charset(stripe_client: stripe.StripeClient, bad_id: str) -> None:
    """facts §2.4: only letters, digits, `_` and `-`; the error quotes Stripe's regex."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"id": bad_id, "name": "X"})
    assert caught.value.http_status == 400
    assert caught.value.param == "id"
    assert "/\\A[a-zA-Z0-9_\\-]+\\z/" in (caught.value.user_message or "")
    assert stripe_client.v1.products.list().data == []


def test_default_price_data_creates_the_default_price(stripe_client: stripe.StripeClient) -> None:
    """facts §2.7: `default_price_data` creates a price and makes it the default."""
    product = stripe_client.v1.products.create(
        params={
            "name": "Mug",
            "default_price_data": {"currency": "EUR", "unit_amount": 1500, "metadata": {"v": "1"}},
            "expand": ["default_price"],
        }
    )
    price = product.default_price
    assert isinstance(price, stripe.Price)
    assert price.product == product.id
    assert price.unit_amount == 1500 and price.currency == "eur"
    assert price.metadata.to_dict() == {"v": "1"}
    assert stripe_client.v1.products.retrieve(product.id).default_price == price.id


def test_default_price_data_is_checked_before_anything_is_written(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §2.7: a bad `default_price_data` refuses the whole create; nothing half-written."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(
            params={"name": "Mug", "default_price_data": {"currency": "usd", "nickname": "x"}}
        )
    assert caught.value.code == "parameter_unknown"
    assert caught.value.user_message == "Received unknown parameter: default_price_data[nickname]"
    assert stripe_client.v1.products.list().data == []
    assert stripe_client.v1.prices.list().data == []
    assert sandbox.writes() == []


def test_unknown_parameter_is_named(stripe_client: stripe.StripeClient) -> None:
    """Issue / facts §8.3: unknown parameters → 400 parameter_unknown naming the parameter."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "X", "colour": "red"})
    error = _error(caught)
    assert caught.value.http_status == 400
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "parameter_unknown"
    assert error["param"] == "colour"
    assert error["message"] == "Received unknown parameter: colour"


def test_update_merges_metadata_and_empty_value_unsets(stripe_client: stripe.StripeClient) -> None:
    """facts §3.2: update merges metadata; `metadata[k]=""` unsets k; `metadata=""` clears all."""
    stripe_client.v1.products.create(
        params={"id": "p1", "name": "P", "metadata": {"a": "1", "b": "2", "by_hand": "keep"}}
    )
    updated = stripe_client.v1.products.update(
        "p1", params={"metadata": {"a": "10", "b": "", "c": "3"}}
    )
    assert updated.metadata.to_dict() == {"a": "10", "by_hand": "keep", "c": "3"}
    cleared = stripe_client.v1.products.update("p1", params={"metadata": ""})
    assert cleared.metadata.to_dict() == {}


def test_update_fields_and_unset_description(stripe_client: stripe.StripeClient) -> None:
    """facts §2.2: `''` clears description/url; `active=false` archives; `updated` moves on."""
    stripe_client.v1.products.create(
        params={"id": "p1", "name": "P", "description": "d", "url": "https://shop.example/p1"}
    )
    updated = stripe_client.v1.products.update(
        "p1", params={"name": "P2", "description": "", "url": "", "active": False}
    )
    assert updated.name == "P2"
    assert updated.description is None and updated.url is None
    assert updated.active is False
    assert updated.updated >= updated.created


def test_update_refuses_create_only_fields(stripe_client: stripe.StripeClient) -> None:
    """facts §2.2: no `id`, `type` or `default_price_data` on update."""
    stripe_client.v1.products.create(params={"id": "p1", "name": "P"})
    for name, value in (
        ("id", "p2"),
        ("type", "good"),
        ("default_price_data", {"currency": "usd"}),
    ):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            stripe_client.v1.products.update("p1", params={name: value})
        assert caught.value.code == "parameter_unknown"
        assert caught.value.param == name


def test_update_name_cannot_be_emptied(stripe_client: stripe.StripeClient) -> None:
    """facts §2.2: only the listed fields can be cleared with ''; `name` cannot."""
    stripe_client.v1.products.create(params={"id": "p1", "name": "P"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.update("p1", params={"name": ""})
    assert caught.value.code == "parameter_invalid_empty"
    assert caught.value.param == "name"


def test_missing_product_is_404(stripe_client: stripe.StripeClient) -> None:
    """facts §8.2, §8.3: an unknown id → 404 resource_missing "No such product: 'x'"."""
    for call in (
        lambda: stripe_client.v1.products.retrieve("nope"),
        lambda: stripe_client.v1.products.update("nope", params={"name": "x"}),
        lambda: stripe_client.v1.products.delete("nope"),
    ):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            call()
        assert caught.value.http_status == 404
        assert caught.value.code == "resource_missing"
        assert caught.value.user_message == "No such product: 'nope'"


def test_set_and_clear_default_price(stripe_client: stripe.StripeClient) -> None:
    """facts §4.6: `default_price` takes a price of this product; `''` clears it."""
    stripe_client.v1.products.create(params={"id": "p1", "name": "P"})
    stripe_client.v1.products.create(params={"id": "p2", "name": "Q"})
    price = stripe_client.v1.prices.create(
        params={"product": "p1", "currency": "usd", "unit_amount": 100}
    )
    assert (
        stripe_client.v1.products.update("p1", params={"default_price": price.id}).default_price
        == price.id
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.update("p2", params={"default_price": price.id})
    assert caught.value.param == "default_price"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.products.update("p1", params={"default_price": "price_nope"})
    assert missing.value.code == "resource_missing"
    assert (
        stripe_client.v1.products.update("p1", params={"default_price": ""}).default_price is None
    )


def test_delete_refused_while_product_has_prices(stripe_client: stripe.StripeClient) -> None:
    """facts §2.9: delete only without prices; else 400 with Stripe's message."""
    stripe_client.v1.products.create(params={"id": "bare", "name": "Bare"})
    deleted = stripe_client.v1.products.delete("bare")
    assert deleted.deleted is True and deleted.id == "bare"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.products.retrieve("bare")
    stripe_client.v1.products.create(
        params={
            "id": "priced",
            "name": "P",
            "default_price_data": {"currency": "usd", "unit_amount": 5},
        }
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.delete("priced")
    assert caught.value.http_status == 400
    assert caught.value.user_message == (
        "This product cannot be deleted because it has one or more user-created prices."
    )
    assert stripe_client.v1.products.retrieve("priced").id == "priced"


def test_archiving_a_product_keeps_its_prices_active(stripe_client: stripe.StripeClient) -> None:
    """facts §2.6: archiving a product does not deactivate its prices."""
    product = stripe_client.v1.products.create(
        params={"name": "P", "default_price_data": {"currency": "usd", "unit_amount": 5}}
    )
    stripe_client.v1.products.update(product.id, params={"active": False})
    price_id = str(product.default_price)
    assert stripe_client.v1.prices.retrieve(price_id).active is True


@pytest.mark.parametrize(
    ("metadata", "param"),
    [
        ({f"k{i}": "v" for i in range(51)}, "metadata"),
        ({"k" * 41: "v"}, "metadata"),
        ({"k": "v" * 501}, "metadata[k]"),
        ({"a[b": "v"}, None),
    ],
)
def test_metadata_limits(
    stripe_client: stripe.StripeClient, metadata: dict[str, str], param: str | None
) -> None:
    """facts §3.1: ≤50 keys, key ≤40 chars, value ≤500 chars, no `[`/`]` in keys → 400."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "P", "metadata": metadata})
    assert caught.value.http_status == 400
    assert _error(caught)["type"] == "invalid_request_error"
    if param is not None:
        assert caught.value.param == param
    assert stripe_client.v1.products.list().data == []


def test_metadata_at_the_limits_is_accepted(stripe_client: stripe.StripeClient) -> None:
    """facts §3.1: exactly 50 keys, 40-char keys and 500-char values are fine."""
    metadata = {f"{i:02d}" + "k" * 38: "v" * 500 for i in range(50)}
    product = stripe_client.v1.products.create(params={"name": "P", "metadata": metadata})
    assert product.metadata.to_dict() == metadata


def test_invalid_boolean(stripe_client: stripe.StripeClient, sandbox: SandboxServer) -> None:
    """Booleans arrive as "true"/"false"; anything else → 400 "Invalid boolean: x"."""
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.raw_request("post", "/v1/products", name="P", active="yes")
    assert caught.value.user_message == "Invalid boolean: yes"
    assert caught.value.param == "active"
