"""The optional product fields a catalog owns (README "Optional product fields"): an owned one is
compared, written, kept when edited in Stripe, pulled and adopted; one the catalog does not own is
never sent, whatever Stripe holds — checked on the requests the sandbox saw."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from tests.core.catalog.shop import LAMP, TEST_KEY, make_shop, open_ws
from tests.raw_sql import query_value, run_sql

URL = "https://shop.example.com/lamp"
IMAGES = ["https://shop.example.com/lamp.png"]
OPTIONAL = ("url", "images", "tax_code", "unit_label", "tax_behavior")


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(port=0) as server:
        yield server


def _client(sandbox: SandboxServer) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})


def _with_columns(db: str, *columns: str) -> None:
    make_shop(db, [LAMP])
    run_sql(db, *(f"ALTER TABLE products ADD COLUMN {c} TEXT" for c in columns))


def _sent(sandbox: SandboxServer) -> set[str]:
    """Every parameter name the tool sent in a write."""
    return {name for w in sandbox.writes() for name in w.params}


def test_a_field_the_catalog_does_not_hold_is_never_sent(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    make_shop(sqlite_url, [LAMP])
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        _client(sandbox).v1.products.update(
            "lamp", params={"url": URL, "tax_code": "txcd_99999999", "unit_label": "lamp"}
        )
        run_sql(sqlite_url, "UPDATE products SET name = 'Brass Lamp'")
        sandbox.clear_log()
        ws.sync()
        assert [w.params.get("name") for w in sandbox.writes()] == ["Brass Lamp"]
        assert not _sent(sandbox) & set(OPTIONAL)
        (row,) = ws.status(["lamp"])
        assert (row.state, row.differences) == ("in_sync", [])
        # Shown read-only in the detail pane ("Not managed by this catalog").
        assert row.stripe_only_fields == {
            "url": URL,
            "unit_label": "lamp",
            "tax_code": "txcd_99999999",
        }
    stored = _client(sandbox).v1.products.retrieve("lamp")
    assert (stored.url, stored.tax_code, stored.unit_label) == (URL, "txcd_99999999", "lamp")


def test_a_column_the_setting_leaves_out_is_not_owned(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    _with_columns(sqlite_url, "url", "images")
    run_sql(sqlite_url, f"UPDATE products SET url = '{URL}', images = '{json.dumps(IMAGES)}'")
    save_settings(Settings(owned_fields=["images"]))
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        assert "images" in _sent(sandbox) and "url" not in _sent(sandbox)
        _client(sandbox).v1.products.update("lamp", params={"url": "https://hand.example.com"})
        sandbox.clear_log()
        ws.sync()
        assert sandbox.writes() == []
    assert _client(sandbox).v1.products.retrieve("lamp").url == "https://hand.example.com"


def test_an_owned_field_is_written_kept_when_edited_in_stripe_then_pulled(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    _with_columns(sqlite_url, "url", "images", "tax_behavior")
    run_sql(
        sqlite_url,
        f"UPDATE products SET url = '{URL}', images = '{IMAGES[0]}', tax_behavior = 'exclusive'",
    )
    with open_ws(sqlite_url, sandbox) as ws:
        (made,) = ws.sync()
        create = sandbox.writes()[0].params
        assert (create["url"], create["images"]) == (URL, IMAGES)
        assert create["default_price_data"]["tax_behavior"] == "exclusive"
        (row,) = ws.status(["lamp"])
        assert row.state == "in_sync"
        assert row.last_written is not None
        assert (row.last_written["url"], row.last_written["price.tax_behavior"]) == (
            URL,
            "exclusive",
        )

        _client(sandbox).v1.products.update("lamp", params={"url": "https://hand.example.com"})
        (row,) = ws.status(["lamp"])
        diffs = {d.field: (d.local, d.stripe, d.changed) for d in row.differences}
        assert diffs == {"url": (URL, "https://hand.example.com", "stripe")}
        sandbox.clear_log()
        (kept,) = ws.sync()
        assert (kept.kept_stripe_edits, sandbox.writes()) == (["url"], [])

        (pulled,) = ws.pull(["lamp"])
        assert [(p.field, p.before, p.after) for p in pulled.pulled] == [
            ("url", URL, "https://hand.example.com")
        ]
        assert query_value(sqlite_url, "SELECT url FROM products") == "https://hand.example.com"
        (row,) = ws.status(["lamp"])
        assert (row.state, row.differences) == ("in_sync", [])

        # Cleared in the catalog: cleared in Stripe (the catalog owns it).
        run_sql(sqlite_url, "UPDATE products SET url = NULL, images = NULL")
        sandbox.clear_log()
        ws.sync()
        assert [w.params for w in sandbox.writes()] == [{"url": "", "images": ""}]
    assert made.action == "created"


def test_an_adoption_records_owned_fields_as_stripe_has_them(
    sqlite_url: str, sandbox: SandboxServer
) -> None:
    _with_columns(sqlite_url, "url")
    run_sql(sqlite_url, f"UPDATE products SET url = '{URL}'")
    hand: dict[str, Any] = {"name": LAMP["name"], "url": URL, "unit_label": "lamp"}
    product = _client(sandbox).v1.products.create(params=hand)  # type: ignore[arg-type]
    _client(sandbox).v1.prices.create(
        params={"product": product.id, "currency": "usd", "unit_amount": LAMP["base_price_cents"]}
    )
    with open_ws(sqlite_url, sandbox) as ws:
        ws.adopt()
        (row,) = ws.status(["lamp"])
        assert row.last_written is not None
        assert row.last_written["url"] == URL
        assert "unit_label" not in row.last_written  # not the catalog's: not recorded
        assert "url" not in {d.field for d in row.differences}
