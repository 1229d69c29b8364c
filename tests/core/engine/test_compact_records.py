"""What a status holds per product stays small (benchmarks/catalog_bench.py --case memory).

Not timed: the tests check the structure that keeps the memory down. A Stripe product or price as
read carries no per-instance `__dict__` (a pydantic model's dict and set of given names took two
thirds of its ~2.2 KB), its repeated words and ids are one object, and the per-product pydantic
models (plans, rows) share one set of given field names instead of one each (2.2 KB per row).
"""

from __future__ import annotations

from typing import Any

from core.engine.convert import remote_price, remote_product
from core.engine.types import FieldDiff, ProductPlan, RemotePrice, RemoteProduct
from core.reconcile.rows import ProductRow


def _stripe_price(pid: str, product: str) -> dict[str, Any]:
    """A price as Stripe's list shows it (currency_options expanded)."""
    return {
        "id": pid,
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": 1_764_000_000,
        "currency": "usd",
        "currency_options": {"usd": {"unit_amount": 1000, "tax_behavior": "unspecified"}},
        "custom_unit_amount": None,
        "livemode": True,
        "lookup_key": product,
        "metadata": {"local_id": product, "managed_by": "stripe-sync-admin"},
        "nickname": None,
        "product": product,
        "recurring": None,
        "tax_behavior": "unspecified",
        "type": "one_time",
        "unit_amount": 1000,
    }


def _stripe_product(product: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": product,
        "object": "product",
        "active": True,
        "name": f"Lamp {product}",
        "description": None,
        "default_price": f"price_{product}",
        "images": [],
        "metadata": {"local_id": product, "sell_status": "available"},
        "updated": 1_764_000_000,
        **extra,
    }


def _fresh(text: str) -> str:
    """The same text as a new string object (as each JSON page gives it)."""
    return "".join(list(text))


def test_stripe_objects_as_read_have_no_per_instance_dict() -> None:
    price = remote_price(_stripe_price("price_lamp", "lamp"))
    product = remote_product(_stripe_product("lamp"), prices=(price,))

    assert not hasattr(price, "__dict__")
    assert not hasattr(product, "__dict__")
    assert product.default_price_object() == price


def test_words_and_ids_repeated_across_objects_are_kept_once() -> None:
    one = remote_price(_stripe_price(_fresh("price_1"), _fresh("lamp")))
    two = remote_price(_stripe_price(_fresh("price_2"), _fresh("desk")))
    lamp = remote_product(_stripe_product(_fresh("lamp")))

    assert one.currency is two.currency
    assert one.type is two.type and one.billing_scheme is two.billing_scheme
    assert one.metadata["managed_by"] is two.metadata["managed_by"]
    # The product's id, its price's `product`, the tags and the lookup key: one string.
    assert lamp.id is one.product is one.metadata["local_id"] is lamp.metadata["local_id"]
    assert one.lookup_key is one.product
    # No amount in another currency, no optional field: one shared empty mapping, not one each.
    assert one.currency_options == {} and one.currency_options is two.currency_options
    assert lamp.fields == {} and lamp.fields is remote_product(_stripe_product("desk")).fields


def test_the_mirrors_json_gives_back_the_same_objects() -> None:
    price = remote_price(_stripe_price("price_1", "lamp"))
    product = remote_product(
        _stripe_product("lamp", images=["https://example.com/a.png"]), prices=(price,)
    )

    again = RemotePrice.model_validate_json(price.model_dump_json())
    assert again == price
    data = RemoteProduct.model_validate_json(product.model_dump_json(exclude={"prices"}))
    assert data.model_copy(update={"prices": (again,)}) == product
    assert data.fields["images"] == ("https://example.com/a.png",)  # the catalog's form


def test_plans_and_rows_given_the_same_fields_share_one_set_of_their_names() -> None:
    plans = [ProductPlan(product_id=f"p{i}", action="skipped") for i in range(3)]
    rows = [ProductRow(product_id=f"p{i}", name="Lamp", state="in_sync") for i in range(3)]

    assert plans[0].model_fields_set is plans[2].model_fields_set
    assert rows[0].model_fields_set is rows[1].model_fields_set
    assert rows[0].model_fields_set == {"product_id", "name", "state"}


def test_a_copy_with_changes_names_them_and_leaves_the_original_as_it_was() -> None:
    diff = FieldDiff(field="name", local="Lamp", stripe="Old lamp")
    changed = diff.model_copy(update={"changed": "stripe"})

    assert changed.changed == "stripe" and diff.changed is None
    assert changed.model_fields_set == {"field", "local", "stripe", "changed"}
    assert diff.model_fields_set == {"field", "local", "stripe"}
    assert changed.model_dump(exclude_unset=True)["changed"] == "stripe"
