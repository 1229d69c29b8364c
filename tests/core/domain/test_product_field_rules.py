"""The row rules for the optional product fields and the lookup key: import, edit and sync refuse
the same values, each by its column, in plain words (core.domain.product_fields)."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain.row_rules import RowProblem, check_product_row

ROW: dict[str, Any] = {"id": "lamp", "name": "Lamp", "base_price_cents": 4500, "sell_status": "available"}  # fmt: skip


def checked(**columns: Any) -> tuple[dict[str, Any], list[RowProblem]]:
    problems: list[RowProblem] = []
    values = check_product_row({**ROW, **columns}, problems, currency="usd")
    return values, problems


def test_good_values_come_back_in_one_form() -> None:
    values, problems = checked(
        images="https://a.example.com/1.png\n\nhttps://a.example.com/2.png\n",
        marketing_features='["Dimmable", {"name": "Warm"}]',
        package_dimensions='{"height": 2, "length": 10.5, "weight": 16, "width": 8}',
        shippable=1,
        tax_behavior=" Inclusive ",
        url="",
        lookup_key="lamp-classic",
    )
    assert problems == []
    assert values["images"] == ("https://a.example.com/1.png", "https://a.example.com/2.png")
    assert values["marketing_features"] == ("Dimmable", "Warm")
    assert values["package_dimensions"] == {"height": 2, "length": 10.5, "weight": 16, "width": 8}
    assert (values["shippable"], values["tax_behavior"], values["url"]) == (True, "inclusive", None)
    assert values["lookup_key"] == "lamp-classic"


def test_only_the_columns_the_row_has_or_the_catalog_owns_are_checked() -> None:
    values, problems = checked()
    assert "url" not in values and problems == []
    problems = []
    values = check_product_row({**ROW, "url": "nope", "images": "x"}, problems, fields={"images"})
    assert "url" not in values
    assert [p.field for p in problems] == ["images"]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("url", "www.example.com", "full web address such as https://"),
        ("url", "https://example.com/a\tb", "control characters"),
        ("images", '["https://a.example.com/1.png", 5]', "image 2 must be text"),
        ("images", "[not json", "not a readable JSON list"),
        ("statement_descriptor", "Lamp's", "must not contain '"),
        ("unit_label", "lamps per box", "at most 12"),
        ("tax_code", "TXCD_99999999", "txcd_ and eight digits"),
        ("shippable", "sometimes", "true or false"),
        ("package_dimensions", "2x10x8", "not readable JSON"),
        ("package_dimensions", '{"height": -1, "length": 1, "weight": 1, "width": 1}', "height must be a number above 0"),
        ("marketing_features", '[""]', "feature 1 must be a name"),
        ("tax_behavior", "vat", "unspecified, inclusive or exclusive"),
        ("lookup_key", "k" * 201, "at most 200"),
        ("lookup_key", " lamp", "must not start or end with a space"),
    ],
)  # fmt: skip
def test_a_bad_value_is_a_problem_of_its_column(column: str, value: str, words: str) -> None:
    _values, problems = checked(**{column: value})
    assert [p.field for p in problems] == [column]
    assert words in problems[0].message
