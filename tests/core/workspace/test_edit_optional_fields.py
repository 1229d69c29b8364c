"""Editing the optional product fields the catalog owns (README "Optional product fields") through
the workspace, as the window's Edit tab and `set` do: checked by the same rules as import and sync,
stored as a pull stores them, journaled, and sent by the next sync — checked in Stripe through the
real SDK. A field the catalog does not own cannot be edited."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import stripe

from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from core.workspace import InvalidEditError
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop, open_ws
from tests.raw_sql import query_value, run_sql

URL = "https://shop.example.com/lamp"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(port=0) as server:
        yield server


@pytest.fixture
def shop(sqlite_url: str) -> str:
    make_shop(sqlite_url, [LAMP])
    run_sql(
        sqlite_url,
        *(
            f"ALTER TABLE products ADD COLUMN {c}"
            for c in (
                "url TEXT",
                "unit_label TEXT",
                "images TEXT",
                "shippable BOOLEAN",
                "package_dimensions TEXT",
                "tax_code TEXT",
            )
        ),
    )
    return sqlite_url


def _lamp(db: str, column: str) -> object:
    return query_value(db, f"SELECT {column} FROM products WHERE id = 'lamp'")


def test_owned_fields_are_edited_checked_journaled_and_sent_by_the_next_sync(
    shop: str, sandbox: SandboxServer
) -> None:
    save_settings(Settings(owned_fields=["url", "unit_label", "images", "shippable"]))
    with open_ws(shop, sandbox) as ws:
        ws.sync()
        assert ws.editable_fields() == ("url", "images", "unit_label", "shippable")

        with pytest.raises(InvalidEditError) as bad:
            ws.edit("lamp", {"url": "shop.example.com/lamp", "unit_label": "per"}, dry_run=True)
        assert [p.field for p in bad.value.problems] == ["url"]
        assert "full web address" in bad.value.problems[0].message
        with pytest.raises(InvalidEditError) as unowned:
            ws.edit("lamp", {"tax_code": "txcd_99999999"})
        assert "does not own this field" in unowned.value.problems[0].message

        sandbox.clear_log()
        result = ws.edit(
            "lamp",
            {
                "url": f" {URL} ",
                "unit_label": "per lamp",
                "images": "https://shop.example.com/a.png\nhttps://shop.example.com/b.png",
                "shippable": "true",
            },
        )
        assert sandbox.writes() == []  # the catalog only
        assert [c.field for c in result.changed] == ["url", "unit_label", "images", "shippable"]
        assert (_lamp(shop, "url"), _lamp(shop, "unit_label")) == (URL, "per lamp")
        assert json.loads(str(_lamp(shop, "images"))) == [
            "https://shop.example.com/a.png",
            "https://shop.example.com/b.png",
        ]
        assert _lamp(shop, "shippable") == 1
        assert _lamp(shop, "tax_code") is None
        edits = [h for h in ws.history("lamp") if h.kind == "edit"]
        assert "url" in " ".join(e.summary for e in edits)

        (row,) = ws.status(["lamp"])
        assert {d.field: d.changed for d in row.differences} == {
            "url": "catalog",
            "unit_label": "catalog",
            "images": "catalog",
            "shippable": "catalog",
        }
        ws.sync(["lamp"])
        sent = {name for w in sandbox.writes() for name in w.params}
        assert {"url", "unit_label", "images", "shippable"} <= sent
        assert "tax_code" not in sent
        sandbox.clear_log()
        ws.sync(["lamp"])
        assert sandbox.writes() == []

    lamp = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url}).v1.products.retrieve(
        "lamp"
    )
    assert (lamp.url, lamp.unit_label, lamp.shippable) == (URL, "per lamp", True)
    assert list(lamp.images) == ["https://shop.example.com/a.png", "https://shop.example.com/b.png"]


def test_package_dimensions_are_checked_like_an_import_and_blank_clears_a_field(
    shop: str, sandbox: SandboxServer
) -> None:
    with open_ws(shop, sandbox) as ws:
        with pytest.raises(InvalidEditError) as bad:
            ws.edit(
                "lamp",
                {"package_dimensions": '{"height": 0, "length": 1, "weight": 1, "width": 1}'},
            )
        assert "height must be a number above 0" in bad.value.problems[0].message
        ws.edit(
            "lamp",
            {"package_dimensions": '{"height": 2, "length": 10, "weight": 16.5, "width": 8}'},
        )
        assert json.loads(str(_lamp(shop, "package_dimensions"))) == {
            "height": 2.0,
            "length": 10.0,
            "weight": 16.5,
            "width": 8.0,
        }
        ws.edit("lamp", {"url": URL})
        result = ws.edit("lamp", {"url": ""})
        assert [(c.field, c.before, c.after) for c in result.changed] == [("url", URL, None)]
        assert _lamp(shop, "url") is None
