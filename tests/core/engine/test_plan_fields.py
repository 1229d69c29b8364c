"""The optional product fields and a price's tax behavior in the planner: compared and written only
where the input owns them, refused before any request when Stripe would refuse them, and accepted
by the sandbox as planned (real SDK; docs/stripe-facts.md §6)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from core.domain.models import ProductSyncInput
from core.engine.apply import apply_plan
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.engine.plan import plan_product
from core.engine.sync import sync_products_to_stripe
from core.engine.types import RemoteCatalog
from core.sandbox import SandboxServer

LAMP: dict[str, Any] = {"id": "lamp", "name": "Desk Lamp", "price_usd": 4500, "sell_status": "available"}  # fmt: skip
DIMS = {"height": 2, "length": 10, "weight": 16.5, "width": 8}


def lamp(**fields: Any) -> ProductSyncInput:
    return ProductSyncInput.model_validate({**LAMP, **fields})


def plan(gateway: StripeGateway, product: ProductSyncInput, **kw: Any) -> Any:
    return plan_product(product, [], fetch_remote(gateway), **kw)


def test_a_new_product_is_created_with_the_fields_it_gives(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    product = lamp(
        url="https://shop.example.com/lamp",
        images="https://shop.example.com/lamp.png\nhttps://shop.example.com/lamp-2.png",
        marketing_features='["Dimmable", "Warm light"]',
        package_dimensions=DIMS,
        tax_code="txcd_99999999",
        unit_label=None,
    )
    [create, _key] = plan_product(product, [], RemoteCatalog()).operations
    assert {k: create.params[k] for k in ("url", "images", "marketing_features")} == {
        "url": "https://shop.example.com/lamp",
        "images": ["https://shop.example.com/lamp.png", "https://shop.example.com/lamp-2.png"],
        "marketing_features": [{"name": "Dimmable"}, {"name": "Warm light"}],
    }
    assert "unit_label" not in create.params  # no value: nothing to send on create
    result = apply_plan(plan_product(product, [], RemoteCatalog()), gateway)
    assert result.error is None
    stored = fetch_remote(gateway).products["lamp"]
    assert stored.fields["package_dimensions"] == {k: float(v) for k, v in DIMS.items()}
    assert plan(gateway, product).operations == []  # as Stripe has it: nothing to write


def test_only_owned_fields_are_compared_and_an_owned_empty_one_is_cleared(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    apply_plan(plan_product(lamp(), [], RemoteCatalog()), gateway)
    gateway.update_product(
        "lamp",
        {"url": "https://hand.example.com", "unit_label": "lamp", "tax_code": "txcd_99999999"},
        idempotency_key="hand",
    )
    # Not set (the library's caller gave none) or unmanaged: never compared, never sent.
    assert plan(gateway, lamp()).operations == []
    assert (
        plan(gateway, lamp(url=None, tax_code=None), unmanaged={"url", "tax_code"}).operations == []
    )
    owned = plan(gateway, lamp(url=None, unit_label="per lamp"))
    [update] = owned.operations
    assert update.params == {"url": "", "unit_label": "per lamp"}
    assert update.summary == "update clear the web address; unit label “lamp” → “per lamp”"
    assert {d.field: (d.local, d.stripe) for d in owned.differences} == {
        "url": (None, "https://hand.example.com"),
        "unit_label": ("per lamp", "lamp"),
    }
    sandbox.clear_log()
    assert apply_plan(owned, gateway).error is None
    [sent] = sandbox.writes()
    assert "tax_code" not in sent.params
    stored = fetch_remote(gateway).products["lamp"].fields
    assert stored == {"unit_label": "per lamp", "tax_code": "txcd_99999999"}


def test_a_statement_descriptor_is_never_cleared_since_stripe_cannot(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    apply_plan(plan_product(lamp(statement_descriptor="DESK LAMP"), [], RemoteCatalog()), gateway)
    assert plan(gateway, lamp(statement_descriptor=None)).operations == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("url", "shop.example.com/lamp", "full web address"),
        ("images", ["https://a.example.com/1.png"] * 9, "at most 8 images"),
        ("images", "https://a.example.com/1.png\nnot a url", "image 2 must be a full web address"),
        ("statement_descriptor", "LAMP \"DELUXE\"", "must not contain"),
        ("statement_descriptor", "CAFÉ LAMP", "no accents"),
        ("statement_descriptor", "12345", "at least one letter"),
        ("statement_descriptor", "A" * 23, "at most 22"),
        ("unit_label", "per lamp pack", "at most 12"),
        ("tax_code", "txcd_123", "txcd_ and eight digits"),
        ("package_dimensions", {**DIMS, "height": 0}, "height must be a number above 0"),
        ("package_dimensions", {**DIMS, "weight": 1.234}, "at most two decimals"),
        ("package_dimensions", {"height": 1, "length": 1, "weight": 1}, "misses width"),
        ("marketing_features", ["x" * 81], "at most 80"),
        ("marketing_features", [str(i) for i in range(16)], "at most 15"),
        ("tax_behavior", "included", "unspecified, inclusive or exclusive"),
        ("shippable", "maybe", "true or false"),
    ],
)  # fmt: skip
def test_a_value_stripe_would_refuse_fails_before_any_request(
    field: str, value: Any, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        lamp(**{field: value})
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert words in error["msg"]


def test_tax_behavior_is_set_in_place_once_then_a_change_is_a_new_price(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [made] = sync_products_to_stripe([LAMP], gateway=gateway)
    inclusive = plan(gateway, lamp(tax_behavior="inclusive"))
    [op] = inclusive.operations
    assert (op.kind, op.target_id, op.params) == (
        "update_price",
        made.stripe_price_id,
        {"tax_behavior": "inclusive"},
    )
    assert apply_plan(inclusive, gateway).error is None
    exclusive = plan(gateway, lamp(tax_behavior="exclusive"))
    assert [o.kind for o in exclusive.operations] == [
        "create_price",
        "set_default_price",
        "archive_price",
    ]
    assert "never changes a price's tax behavior once it is inclusive" in (
        exclusive.operations[0].summary
    )
    result = apply_plan(exclusive, gateway)
    assert result.error is None and result.stripe_price_id != made.stripe_price_id
    stored = fetch_remote(gateway).products["lamp"]
    price = stored.default_price_object()
    assert price is not None and (price.tax_behavior, price.lookup_key) == ("exclusive", "lamp")
    assert plan(gateway, lamp(tax_behavior="exclusive")).operations == []
    # Back to inclusive: the archived inclusive price comes back instead of a third one.
    back = plan(gateway, lamp(tax_behavior="inclusive"))
    assert back.operations[0].target_id == made.stripe_price_id
    assert apply_plan(back, gateway).error is None
