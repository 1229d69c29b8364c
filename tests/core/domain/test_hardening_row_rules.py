"""The one set of row rules: what import and the check before a sync both apply, and how a long
value is shown in their messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.domain.row_rules import (
    RowProblem,
    check_product_row,
    check_variant_row,
    clip,
    shown,
)

LAMP = {"id": "lamp", "name": "Lamp", "base_price_cents": 100, "sell_status": "available"}


def test_long_values_are_cut_with_their_length() -> None:
    assert clip("a" * 60) == "a" * 60
    assert clip("a" * 10_000) == "a" * 60 + "… (10,000 characters)"
    assert shown("b" * 61) == repr("b" * 60) + "… (61 characters)"
    assert shown(None) == "None"
    assert shown(Decimal("12.5")) == "Decimal('12.5')"


def test_a_good_row_and_variant_give_the_values_a_sync_uses() -> None:
    problems: list[RowProblem] = []
    fields = check_product_row(LAMP, problems, currency="usd")
    assert problems == []
    assert fields["price_cents"] == 100 and fields["currency"] == "usd"
    variant = check_variant_row(
        {"id": "lamp-red", "price_modifier": 50, "max_quantity": 5, "sold_quantity": 2},
        fields["price_cents"],
        problems,
    )
    assert problems == []
    assert variant is not None
    assert (variant["price_cents"], variant["inventory_count"]) == (150, 3)


@pytest.mark.parametrize(
    ("base", "modifier", "message"),
    [
        (
            100,
            -500,
            "the price would be -400 cents (100 - 500); it must be between 0 and 99,999,999",
        ),
        (
            1000,
            99_999_999,
            "the price would be 100,000,999 cents (1,000 + 99,999,999); it must be between 0 "
            "and 99,999,999",
        ),
    ],
)
def test_a_variants_final_price_must_be_in_range(base: int, modifier: int, message: str) -> None:
    problems: list[RowProblem] = []
    assert check_variant_row({"id": "v", "price_modifier": modifier}, base, problems) is None
    assert problems == [RowProblem("price_modifier", message)]


@pytest.mark.parametrize("name", [None, "", "   ", "\u00a0", "\u3000"])
def test_a_name_of_nothing_visible_is_empty(name: str | None) -> None:
    problems: list[RowProblem] = []
    check_product_row(dict(LAMP, name=name), problems)
    assert problems == [RowProblem("name", "must not be empty")]


def test_without_a_default_currency_a_row_without_one_is_not_checked_for_it() -> None:
    problems: list[RowProblem] = []
    assert check_product_row(LAMP, problems)["currency"] is None
    check_product_row(dict(LAMP, currency="xyz"), problems)
    assert [p.field for p in problems] == ["currency"]


def test_a_long_bad_value_is_cut_in_the_message() -> None:
    problems: list[RowProblem] = []
    check_product_row(dict(LAMP, sell_status="x" * 10_000), problems)
    (problem,) = problems
    assert problem.field == "sell_status"
    assert problem.message.endswith(f"got {'x' * 60!r}… (10,000 characters)")
