"""Pull: a hand edit made in Stripe (through the SDK, as the Dashboard makes it) is kept by a plain
sync and taken into the catalog by `pull`, after which Stripe and the catalog agree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stripe

from core.catalog import CatalogError
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.errors import ConfigurationError
from core.sandbox import SandboxServer
from core.workspace import PullResult, Workspace
from tests.core.catalog.shop import LAMP, TEST_KEY, open_ws
from tests.raw_sql import query_value, run_sql

TEE = {"id": "tee", "name": "Tee", "base_price_cents": 2000, "sell_status": "available"}
TEE_VARIANTS = [
    {"id": "tee-l", "product_id": "tee", "variant_type": "size", "variant_value": "L"},
    {
        "id": "tee-s",
        "product_id": "tee",
        "variant_type": "size",
        "variant_value": "S",
        "price_modifier": -200,
    },
]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _shop(db_url: str, tmp_path: Path, products: list[dict[str, Any]] | None = None) -> None:
    path = tmp_path / "shop.json"
    products = [LAMP, {**TEE, "has_variants": True}] if products is None else products
    variants = TEE_VARIANTS if any(p["id"] == "tee" for p in products) else []
    path.write_text(json.dumps({"products": products, "variants": variants}))
    store = CatalogStore.open(db_url)
    try:
        import_file(store, path)
    finally:
        store.close()


def _stripe(sandbox: SandboxServer) -> stripe.StripeClient:
    """The Dashboard, as far as these tests go: the plain SDK on the sandbox."""
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})


def _new_default_price(sandbox: SandboxServer, product: str, **params: Any) -> str:
    """Make a new price the product's default and archive the old one (as the Dashboard does)."""
    client = _stripe(sandbox)
    old = client.v1.products.retrieve(product).default_price
    price = client.v1.prices.create(params={"product": product, **params})
    client.v1.products.update(product, params={"default_price": price.id})
    client.v1.prices.update(str(old), params={"active": False})
    return str(price.id)


def _replace_variant_price(sandbox: SandboxServer, variant: str, amount: int) -> str:
    client = _stripe(sandbox)
    (old,) = [
        p
        for p in client.v1.prices.list(params={"product": "tee", "active": True}).data
        if p.to_dict()["metadata"].get("variant_id") == variant
    ]
    price = client.v1.prices.create(
        params={
            "product": "tee",
            "currency": "usd",
            "unit_amount": amount,
            "nickname": old.nickname,
            "metadata": {"variant_id": variant},
        }
    )
    client.v1.prices.update(old.id, params={"active": False})
    return str(price.id)


def _differences(ws: Workspace, pid: str) -> dict[str, tuple[Any, Any, Any]]:
    (row,) = [r for r in ws.status([pid])]
    return {d.field: (d.local, d.stripe, d.changed) for d in row.differences}


def _prices_made(sandbox: SandboxServer) -> int:
    return sum(1 for w in sandbox.writes() if w.path == "/v1/prices")


def test_hand_edits_are_kept_by_a_sync_then_pulled_and_then_nothing_differs(
    db_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _shop(db_url, tmp_path)
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        client = _stripe(sandbox)
        client.v1.products.update("lamp", params={"name": "Brass Lamp", "description": "Brass."})
        new_price = _new_default_price(sandbox, "lamp", currency="usd", unit_amount=5200)
        variant_price = _replace_variant_price(sandbox, "tee-s", 2100)

        assert _differences(ws, "lamp") == {
            "name": ("Desk Lamp", "Brass Lamp", "stripe"),
            "description": (None, "Brass.", "stripe"),
            "price": ("$45.00", "$52.00", "stripe"),
            "default_price": ("$45.00", "$52.00", None),
        }
        assert _differences(ws, "tee") == {"variant:tee-s.price": ("$18.00", "$21.00", "stripe")}

        sandbox.clear_log()
        kept = {r.product_id: r.kept_stripe_edits for r in ws.sync()}
        assert kept == {"lamp": ["name", "description", "price"], "tee": ["variant:tee-s.price"]}
        # Nothing overwritten: the variant's new price (tagged for it) only gets its lookup key.
        assert [(w.path, w.params) for w in sandbox.writes()] == [
            (
                f"/v1/prices/{variant_price}",
                {"lookup_key": "tee:tee-s", "transfer_lookup_key": "true"},
            )
        ]
        assert query_value(db_url, "SELECT name FROM products WHERE id = 'lamp'") == "Desk Lamp"

        sandbox.clear_log()
        results = ws.pull(["lamp", "tee"])
        assert sandbox.writes() == []
        assert [r.record() for r in results] == [
            {
                "id": "lamp",
                "pulled": [
                    {"field": "name", "before": "Desk Lamp", "after": "Brass Lamp"},
                    {"field": "description", "before": None, "after": "Brass."},
                    {
                        "field": "price",
                        "before": 4500,
                        "after": 5200,
                        "currency": "usd",
                        "before_text": "$45.00",
                        "after_text": "$52.00",
                    },
                ],
                "refused": [],
            },
            {
                "id": "tee",
                "pulled": [
                    {
                        "field": "variant:tee-s.price",
                        "before": 1800,
                        "after": 2100,
                        "currency": "usd",
                        "before_text": "$18.00",
                        "after_text": "$21.00",
                    }
                ],
                "refused": [],
            },
        ]
        assert query_value(db_url, "SELECT name FROM products WHERE id = 'lamp'") == "Brass Lamp"
        assert query_value(db_url, "SELECT description FROM products WHERE id = 'lamp'") == "Brass."
        assert (
            query_value(db_url, "SELECT base_price_cents FROM products WHERE id = 'lamp'") == 5200
        )
        assert query_value(db_url, "SELECT price_modifier FROM variants WHERE id = 'tee-s'") == 100
        assert query_value(db_url, "SELECT base_price_cents FROM products WHERE id = 'tee'") == 2000

        rows = {r.product_id: r for r in ws.status()}
        assert {
            pid: (r.state, [(d.field, d.local, d.stripe) for d in r.differences])
            for pid, r in rows.items()
        } == {
            # The price made by hand is linked now; the next sync gives it its lookup key.
            "lamp": ("differs", [("lookup_key", "lamp", None)]),
            "tee": ("in_sync", []),
        }
        assert rows["lamp"].stripe_price_id == new_price
        assert {v.variant_id: v.stripe_price_id for v in rows["tee"].variants}["tee-s"] == (
            variant_price
        )
        sandbox.clear_log()
        assert {r.product_id: r.writes for r in ws.sync()} == {"lamp": 1, "tee": 0}
        assert [w.params["lookup_key"] for w in sandbox.writes()] == ["lamp"]
        sandbox.clear_log()
        assert {r.action for r in ws.sync()} == {"skipped"}
        assert sandbox.writes() == []
        assert ws.pull(["lamp", "tee"]) == [PullResult(id="lamp"), PullResult(id="tee")]


def test_each_change_is_journaled_with_before_and_after(
    sqlite_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _shop(sqlite_url, tmp_path)
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        _stripe(sandbox).v1.products.update("lamp", params={"name": "Brass Lamp"})
        price = _new_default_price(sandbox, "lamp", currency="usd", unit_amount=5200)
        ws.pull(["lamp"])
        entries = [e for e in ws.journal("lamp") if e.operation == "pull"]
    assert [(e.summary, e.before, e.after, e.stripe_object_id) for e in entries] == [
        (
            f"pulled price $45.00 → $52.00 from Stripe (price {price})",
            {"base_price_cents": 4500},
            {"base_price_cents": 5200},
            price,
        ),
        ("pulled name “Desk Lamp” → “Brass Lamp” from Stripe", {"name": "Desk Lamp"},
         {"name": "Brass Lamp"}, "lamp"),
    ]  # fmt: skip
    assert {(e.mode, e.error) for e in entries} == {("test", None)}


def test_field_limits_the_pull_to_those_fields(
    sqlite_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _shop(sqlite_url, tmp_path)
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        _stripe(sandbox).v1.products.update("lamp", params={"name": "Brass", "description": "B"})
        (result,) = ws.pull(["lamp"], fields=["description"])
        assert [p.field for p in result.pulled] == ["description"]
        assert _differences(ws, "lamp") == {"name": ("Desk Lamp", "Brass", "stripe")}
        with pytest.raises(ConfigurationError, match="no field 'colour' to take"):
            ws.pull(["lamp"], fields=["colour"])


def test_archived_in_stripe_becomes_internal_and_for_sale_again_available(
    db_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _shop(db_url, tmp_path, [LAMP])
    client = _stripe(sandbox)
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        client.v1.products.update("lamp", params={"active": False})
        assert _differences(ws, "lamp") == {"active": ("active", "archived", "stripe")}
        sandbox.clear_log()
        (kept,) = ws.sync()
        assert (kept.kept_stripe_edits, sandbox.writes()) == (["active"], [])

        (result,) = ws.pull(["lamp"])
        assert [p.record() for p in result.pulled] == [
            {"field": "active", "before": "available", "after": "internal"}
        ]
        assert query_value(db_url, "SELECT sell_status FROM products WHERE id = 'lamp'") == (
            "internal"
        )
        # The archive is the catalog's now; only the tool's own sell status tag follows it.
        assert _differences(ws, "lamp") == {
            "metadata.sell_status": ("internal", "available", "catalog")
        }
        sandbox.clear_log()
        ws.sync()
        assert [(w.path, w.params) for w in sandbox.writes()] == [
            ("/v1/products/lamp", {"metadata": {"sell_status": "internal"}})
        ]

        client.v1.products.update("lamp", params={"active": True})
        assert _differences(ws, "lamp") == {"active": ("archived", "active", "stripe")}
        (result,) = ws.pull(["lamp"])
        assert [p.record() for p in result.pulled] == [
            {"field": "active", "before": "internal", "after": "available"}
        ]
        assert _differences(ws, "lamp") == {
            "metadata.sell_status": ("available", "internal", "catalog")
        }


def test_what_the_catalog_cannot_hold_is_refused_and_the_rest_taken(
    db_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    shade = {"id": "shade", "name": "Shade", "base_price_cents": 1500, "sell_status": "for-sale"}
    _shop(db_url, tmp_path, [LAMP, shade, {**TEE, "has_variants": True}])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        client = _stripe(sandbox)
        client.v1.products.update("lamp", params={"name": "L" * 300, "description": "Bright"})
        _new_default_price(
            sandbox, "lamp", currency="usd", unit_amount=900, recurring={"interval": "month"}
        )
        _new_default_price(sandbox, "shade", currency="eur", unit_amount=1400)
        sandbox.clear_log()
        results = {r.id: r for r in ws.pull(["lamp", "shade"])}
        assert sandbox.writes() == []
    assert [p.field for p in results["lamp"].pulled] == ["description"]
    assert [r.record() for r in results["lamp"].refused] == [
        {
            "field": "name",
            "reason": "the catalog cannot hold Stripe's value: name: must be at most 250 "
            "characters long",
        },
        {"field": "price", "reason": "a subscription price (every month)"},
    ]
    assert results["shade"].pulled == []
    assert [r.record() for r in results["shade"].refused] == [
        {"field": "price", "reason": "a price in EUR; the catalog sells this product in USD"}
    ]
    assert query_value(db_url, "SELECT name FROM products WHERE id = 'lamp'") == "Desk Lamp"
    assert query_value(db_url, "SELECT base_price_cents FROM products WHERE id = 'lamp'") == 4500
    assert query_value(db_url, "SELECT base_price_cents FROM products WHERE id = 'shade'") == 1500
    assert query_value(db_url, "SELECT description FROM products WHERE id = 'lamp'") == "Bright"


def test_a_row_changed_meanwhile_is_left_as_it_is(
    db_url: str, sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _shop(db_url, tmp_path, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        _stripe(sandbox).v1.products.update("lamp", params={"name": "Brass Lamp"})
        write_edit = ws.catalog.write_edit

        def another_operator_first(edit: Any) -> None:
            run_sql(db_url, "UPDATE products SET base_price_cents = 4700 WHERE id = 'lamp'")
            write_edit(edit)

        monkeypatch.setattr(ws.catalog, "write_edit", another_operator_first)
        (result,) = ws.pull(["lamp"])
        monkeypatch.undo()
        assert result.pulled == []
        (refused,) = result.refused
        assert refused.field == "product"
        assert refused.reason.startswith(
            "Product 'lamp' was changed in the catalog by someone else while this change was "
            "being prepared (its base_price_cents changed); nothing was written."
        )
        assert query_value(db_url, "SELECT name FROM products WHERE id = 'lamp'") == "Desk Lamp"
        assert [e for e in ws.journal("lamp") if e.operation == "pull"] == []
        assert _differences(ws, "lamp")["name"] == ("Desk Lamp", "Brass Lamp", "stripe")


def test_unknown_ids_and_products_not_in_stripe(
    sqlite_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    shade = {"id": "shade", "name": "Shade", "base_price_cents": 1500, "sell_status": "for-sale"}
    _shop(sqlite_url, tmp_path, [LAMP])
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        _stripe(sandbox).v1.products.update("lamp", params={"name": "Brass Lamp"})
        with pytest.raises(CatalogError, match="No product 'nope' in the catalog"):
            ws.pull(["lamp", "nope"])
        assert query_value(sqlite_url, "SELECT name FROM products WHERE id = 'lamp'") == (
            "Desk Lamp"
        )
    _shop(sqlite_url, tmp_path, [LAMP, shade])
    with open_ws(sqlite_url, sandbox) as ws:
        (result,) = ws.pull(["shade"])
    assert result.record() == {
        "id": "shade",
        "pulled": [],
        "refused": [{"field": "product", "reason": "not in Stripe in this mode: nothing to pull"}],
    }


def test_a_new_default_price_is_linked_so_the_next_sync_makes_no_price(
    sqlite_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _shop(sqlite_url, tmp_path, [LAMP])
    client = _stripe(sandbox)
    with open_ws(sqlite_url, sandbox) as ws:
        ws.sync()
        old = str(client.v1.products.retrieve("lamp").default_price)
        price = client.v1.prices.create(
            params={"product": "lamp", "currency": "usd", "unit_amount": 4900}
        )
        client.v1.products.update("lamp", params={"default_price": price.id})  # old one active
        (result,) = ws.pull(["lamp"])
        assert [(p.field, p.before, p.after) for p in result.pulled] == [("price", 4500, 4900)]
        sandbox.clear_log()
        ws.sync()
        # The linked price takes the lookup key over from the tool's old price, still active
        # beside it, which is archived; none is made.
        assert [(w.path, w.params) for w in sandbox.writes()] == [
            (f"/v1/prices/{price.id}", {"lookup_key": "lamp", "transfer_lookup_key": "true"}),
            (f"/v1/prices/{old}", {"active": "false"}),
        ]
        (row,) = ws.status(["lamp"])
        assert (row.state, row.stripe_price_id, row.differences) == ("in_sync", price.id, [])
