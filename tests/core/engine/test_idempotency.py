"""Idempotency keys: an update from another state gets a new key; a create is keyed by what it makes."""

from __future__ import annotations

from typing import Any

from core.engine.idempotency import derive_key, price_create_key, product_create_key


def key(**change: Any) -> str:
    args: dict[str, Any] = {
        "account": "acct_1",
        "livemode": False,
        "local_id": "material-8x8-v1",
        "kind": "archive_product",
        "target": "material-8x8-v1",
        "params": {"active": False},
        "version": "1700000000",
        **change,
    }
    return derive_key(**args)


def test_same_write_from_same_state_gets_the_same_key() -> None:
    assert key() == key()
    assert len(key()) <= 255


def test_archive_again_after_unarchive_gets_a_new_key() -> None:
    # archive (product updated at t1) → unarchive → archive again (product now updated at t3)
    assert key(version="1700000000") != key(version="1700000300")


def test_each_part_of_the_write_changes_the_key() -> None:
    base = key()
    for change in (
        {"account": "acct_2"},
        {"livemode": True},
        {"local_id": "other"},
        {"kind": "update_product"},
        {"target": "prod_x"},
        {"params": {"active": True}},
    ):
        assert key(**change) != base, change


def price_key(**change: Any) -> str:
    args: dict[str, Any] = {
        "account": "acct_1",
        "livemode": False,
        "local_id": "material-8x8-v1",
        "variant_id": "material-8x8-v1-black",
        "unit_amount": 12000,
        "currency": "usd",
        **change,
    }
    return price_create_key(**args)


def test_a_price_create_key_names_the_price_and_nothing_else() -> None:
    assert price_key() == price_key(currency="USD")
    assert len(price_key(salt="price_" + "x" * 200)) <= 255
    base = price_key()
    for change in (
        {"account": "acct_2"},
        {"livemode": True},
        {"local_id": "other"},
        {"variant_id": None},
        {"variant_id": "material-8x8-v1-white"},
        {"unit_amount": 13000},
        {"currency": "eur"},
        {"salt": "price_stale1"},
    ):
        assert price_key(**change) != base, change
    assert price_key(salt="price_stale1") != price_key(salt="price_stale2")


def test_a_product_create_key_names_the_local_product() -> None:
    base = product_create_key(account="acct_1", livemode=False, local_id="p1")
    assert base == product_create_key(account="acct_1", livemode=False, local_id="p1")
    assert base != product_create_key(account="acct_1", livemode=True, local_id="p1")
    assert base != product_create_key(account="acct_1", livemode=False, local_id="p2")
    assert base != product_create_key(account="acct_1", livemode=False, local_id="p1", salt="s")
