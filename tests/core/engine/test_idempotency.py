"""Idempotency keys: the same write gets the same key; a repeat from another state does not."""

from __future__ import annotations

from typing import Any

from core.engine.idempotency import derive_key


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
