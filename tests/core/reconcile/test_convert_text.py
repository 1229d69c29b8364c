"""The check before a sync refuses control characters as import does (core.domain.text's rule).

The shop's other programs may write anything into its tables: an ESC sequence or a right-to-left
override in a name or id never reaches Stripe; the product fails naming the field and the
characters, without repeating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from core.catalog import CatalogStore
from core.reconcile.convert import Invalid, ReadyProduct, to_sync_input
from tests.raw_sql import run_sql


def _convert(url: str, product: dict[str, Any], variants: Sequence[dict[str, Any]] = ()) -> Any:
    """Create the catalog, add the rows by SQL (as the shop's programs would), convert."""
    CatalogStore.open(url).close()
    base = {"base_price_cents": 1000, "sell_status": "available"}
    for table, row in [("products", base | product), *(("variants", v) for v in variants)]:
        names = ", ".join(row)
        run_sql(
            url,
            f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + c for c in row)})",
            params=row,
        )
    store = CatalogStore.open(url)
    try:
        (record,) = store.list_records()
        return to_sync_input(record)
    finally:
        store.close()


BAD_PRODUCTS = [
    (
        {"id": "p", "name": "Lamp\x1b[2J"},
        "name: must not contain control characters; found U+001B (ESC)",
    ),
    (
        {"id": "p", "name": "Lamp\x07\u202eexe.txt"},
        "name: must not contain control characters; found U+0007 (BEL), U+202E (RLO)",
    ),
    (
        {"id": "p", "name": "Lamp\x85"},
        "name: must not contain control characters; found U+0085 (NEL)",
    ),
    (
        {"id": "p", "name": "\tLamp"},
        "name: must not contain control characters; found U+0009 (TAB)",
    ),
    (
        {"id": "p", "name": "Lamp", "description": "ok\n\tok\r\nnot ok\r"},
        "description: must not contain control characters other than tab and line breaks; found "
        "U+000D (CR)",
    ),
    (
        {"id": "p\u2066", "name": "Lamp\x7f"},
        "id: must not contain control characters; found U+2066 (LRI); "
        "name: must not contain control characters; found U+007F (DEL)",
    ),
]


@pytest.mark.parametrize(("product", "error"), BAD_PRODUCTS)
def test_a_control_character_fails_the_product_naming_the_field(
    db_url: str, product: dict[str, Any], error: str
) -> None:
    result = _convert(db_url, product)
    assert result == Invalid(product["id"], error)


def test_descriptions_keep_tabs_and_line_breaks(db_url: str) -> None:
    result = _convert(db_url, {"id": "p", "name": "Lamp", "description": "a\n\tb\r\nc"})
    assert isinstance(result, ReadyProduct)
    assert result.product.description == "a\n\tb\r\nc"


def test_a_variants_id_and_labels_follow_the_same_rule(sqlite_url: str) -> None:
    variants = [
        {"id": "p-red", "product_id": "p", "variant_type": "color", "variant_value": "RED\x1b"},
        {"id": "p-\x1b[31m", "product_id": "p", "variant_type": "size\u202e", "variant_value": "L"},
    ]
    result = _convert(sqlite_url, {"id": "p", "name": "Lamp"}, variants)
    assert isinstance(result, Invalid)
    assert "\x1b" not in result.error and "\u202e" not in result.error
    assert result.error == (
        "variants[p-\\x1b[31m].id: must not contain control characters; found U+001B (ESC); "
        "variants[p-\\x1b[31m].variant_type: must not contain control characters; found "
        "U+202E (RLO); "
        "variants[p-red].variant_value: must not contain control characters; found U+001B (ESC)"
    )
