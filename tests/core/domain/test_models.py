"""The input models accept the seed's examples as written and name every bad field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from core import ProductSyncInput, VariantSyncInput
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS


def bad_fields(err: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in err.errors()}


def test_seed_simple_product_is_accepted_exactly() -> None:
    product = ProductSyncInput.model_validate(SIMPLE)
    assert product.id == "material-8x8-v1"
    assert product.price_cents == 12000
    assert product.currency == "usd"
    assert product.sell_status == "available"
    assert product.wants_active


def test_seed_variants_are_accepted_exactly() -> None:
    ProductSyncInput.model_validate(WITH_VARIANTS)
    black, white = (VariantSyncInput.model_validate(v) for v in VARIANTS)
    assert (black.variant_type, black.variant_value, black.price_cents) == ("color", "BLACK", 12000)
    assert white.inventory_count == 300
    assert white.label() == "color WHITE"


@pytest.mark.parametrize(
    "status", ["available", "for-sale", "pre-order", "pre-sale", "sold-out", "internal"]
)
def test_every_sell_status_is_accepted(status: str) -> None:
    product = ProductSyncInput.model_validate({**SIMPLE, "sell_status": status})
    assert product.wants_active is (status != "internal")


def test_is_live_false_means_archived() -> None:
    assert not ProductSyncInput.model_validate({**SIMPLE, "is_live": False}).wants_active


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "  "}, "id"),
        ({"name": ""}, "name"),
        ({"price_usd": -1}, "price_usd"),
        ({"price_usd": "twelve"}, "price_usd"),
        ({"price_usd": 100_000_000}, "price_usd"),
        ({"sell_status": "on-sale"}, "sell_status"),
        ({"currency": "dollars"}, "currency"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_product_field_is_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        ProductSyncInput.model_validate({**SIMPLE, **change})
    assert bad_fields(info.value) == {field}


def test_several_bad_fields_are_all_named() -> None:
    data = {**SIMPLE, "name": "", "price_usd": -5, "sell_status": "gone"}
    with pytest.raises(ValidationError) as info:
        ProductSyncInput.model_validate(data)
    assert bad_fields(info.value) == {"name", "price_usd", "sell_status"}


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(ValidationError) as info:
        ProductSyncInput.model_validate({"id": "x"})
    assert bad_fields(info.value) == {"name", "price_usd", "sell_status"}


def test_bad_variant_fields_are_named() -> None:
    with pytest.raises(ValidationError) as info:
        VariantSyncInput.model_validate({"id": "", "color": "BLACK", "inventory_count": -2})
    assert bad_fields(info.value) == {"id", "inventory_count"}


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"dev_status": 5}, None),
        ({"dev_status": 4}, "dev status 4 (needs 5 to sell)"),
        ({"dev_status": 0, "is_live": True}, None),
        ({"dev_status": 4, "is_live": False}, "not live"),
        ({"is_live": False}, "not live"),
        ({"sell_status": "internal", "is_live": True}, "sell status internal"),
    ],
)
def test_not_for_sale_reason_follows_dev_status_live_and_sell_status(
    extra: dict[str, Any], reason: str | None
) -> None:
    product = ProductSyncInput.model_validate({**SIMPLE, **extra})
    assert product.not_for_sale_reason == reason
    assert product.wants_active is (reason is None)
