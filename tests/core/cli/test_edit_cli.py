"""`stripe-sync-admin set`, `history` and `revert`: checked edits (exit 2 and nothing saved on any
invalid value), a concurrent writer, the JSON history, and what the next sync makes of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from core.catalog.store import CatalogStore
from core.cli import main
from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, make_shop
from tests.core.engine import stripe_view as view
from tests.raw_sql import query_value, run_sql

TEST_KEY = "sk_test_cliEdit12345678"


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    monkeypatch.setattr("getpass.getuser", lambda: "maker-bob")
    yield server
    server.stop()


@pytest.fixture
def db(db_url: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]) -> str:
    """A catalog with the lamp ($45.00), synced to the sandbox in test mode."""
    make_shop(db_url, [LAMP])
    assert main(["sync", "--all", "--mode", "test", "--db", db_url]) == 0
    capsys.readouterr()
    return db_url


def _run(db: str, *args: str) -> int:
    return main([*args, "--mode", "test", "--db", db])


def _json(capsys: pytest.CaptureFixture[str]) -> Any:
    return json.loads(capsys.readouterr().out)


def _lamp(db: str) -> tuple[object, object]:
    return (
        query_value(db, "SELECT name FROM products WHERE id = 'lamp'"),
        query_value(db, "SELECT base_price_cents FROM products WHERE id = 'lamp'"),
    )


def test_set_saves_checked_values_and_the_plan_shows_them(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.clear_log()
    assert _run(db, "set", "lamp", "name=Brass Lamp", "base_price=12,50") == 0
    text = capsys.readouterr().out
    assert text.startswith("lamp: saved name 'Desk Lamp' → 'Brass Lamp', base_price_cents ")
    assert "$45.00 → $12.50" in text and "Nothing was written to Stripe" in text
    assert _lamp(db) == ("Brass Lamp", 1250)
    assert sandbox.writes() == []
    assert _run(db, "set", "lamp", "description=Warm light", "--json") == 0
    assert _json(capsys) == {
        "id": "lamp",
        "changed": [
            {"field": "description", "before": None, "after": "Warm light", "variant_id": None}
        ],
    }
    assert _run(db, "status", "lamp", "--json") == 0
    (row,) = _json(capsys)
    changed = {d["field"]: d["changed"] for d in row["differences"] if d["changed"]}
    assert changed == {"name": "catalog", "description": "catalog", "price": "catalog"}


@pytest.mark.parametrize(
    ("assignment", "words"),
    [
        ("base_price=12.505", "base_price: '12.505' has more decimals than USD allows"),
        ("base_price=€12", "base_price: '€12' is not an amount in USD"),
        ("base_price=-1", "base_price: '-1' is negative"),
        ("base_price_cents=abc", "base_price_cents: must be a whole number of cents, got 'abc'"),
        ("name=", "name: must not be empty"),
        ("sell_status=gone", "sell_status: must be one of"),
        ("dev_status=7", "dev_status: must be a whole number from 0 to 5, got 7"),
        ("is_live=perhaps", "is_live: must be true or false, got 'perhaps'"),
        ("colour=red", "colour: no such field for a product (add --variant for more); the fields"),
    ],
)
def test_set_with_an_invalid_value_exits_2_and_saves_nothing(
    db: str, capsys: pytest.CaptureFixture[str], assignment: str, words: str
) -> None:
    assert _run(db, "set", "lamp", "name=Other", assignment) == 2
    err = capsys.readouterr().err
    assert "Nothing was saved for product 'lamp'" in err and words in err
    assert _lamp(db) == ("Desk Lamp", 4500)
    assert _run(db, "history", "lamp", "--json") == 0
    assert "edit" not in {e["kind"] for e in _json(capsys)}


def test_set_usage_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(db, "set", "lamp", "name") == 2
    assert "'name' is not FIELD=VALUE" in capsys.readouterr().err
    assert _run(db, "set", "nope", "name=X") == 2
    assert "No product 'nope' in the catalog" in capsys.readouterr().err
    assert _run(db, "set", "lamp", "price=3", "--variant", "v9") == 2
    assert "Product 'lamp' has no variant 'v9'" in capsys.readouterr().err
    assert _run(db, "revert", "lamp", "--to", "9999") == 2
    assert "Product 'lamp' has no history entry 9999" in capsys.readouterr().err


def test_set_on_a_variant_takes_its_final_price(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_sql(
        db,
        "UPDATE products SET has_variants = :yes WHERE id = 'lamp'",
        "INSERT INTO variants (id, product_id, variant_type, variant_value, price_modifier) "
        "VALUES ('lamp-big', 'lamp', 'size', 'big', 0)",
        params={"yes": True},
    )
    assert _run(db, "set", "lamp", "--variant", "lamp-big", "price=$50", "--json") == 0
    assert _json(capsys)["changed"] == [
        {"field": "price_modifier", "before": 0, "after": 500, "variant_id": "lamp-big"}
    ]
    assert _run(db, "set", "lamp", "--variant", "lamp-big", "price=$1,000,000") == 2
    assert "price_modifier" in capsys.readouterr().err
    assert query_value(db, "SELECT price_modifier FROM variants WHERE id = 'lamp-big'") == 500


def test_set_refuses_a_row_another_writer_changed_meanwhile(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = CatalogStore.write_edit

    def concurrent(store: CatalogStore, edit: Any) -> None:
        run_sql(db, "UPDATE products SET name = 'Shop Lamp' WHERE id = 'lamp'")
        original(store, edit)

    monkeypatch.setattr(CatalogStore, "write_edit", concurrent)
    assert _run(db, "set", "lamp", "name=My Lamp") == 2
    err = capsys.readouterr().err
    assert "changed in the catalog by someone else" in err
    assert "'Desk Lamp' when loaded, 'Shop Lamp' now" in err and "nothing was saved" in err
    assert _lamp(db) == ("Shop Lamp", 4500)


def test_history_json_names_each_kind_and_revert_takes_an_entry_back(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(db, "set", "lamp", "name=Brass Lamp") == 0
    assert _run(db, "sync", "lamp") == 0
    view.raw_client(sandbox).v1.products.update("lamp", params={"description": "By hand"})
    assert _run(db, "pull", "lamp") == 0
    capsys.readouterr()
    assert _run(db, "history", "lamp", "--json") == 0
    entries = _json(capsys)
    assert [e["kind"] for e in entries] == [
        "pull",
        "stripe_write",
        "edit",
        "stripe_write",
        "stripe_write",
        "import",
    ]
    pull, rename, edit, key, create, imported = entries
    assert (key["operation"], key["after"]["lookup_key"]) == ("update_price", "lamp")
    assert (edit["field"], edit["before"], edit["after"], edit["user"]) == (
        "name",
        "Desk Lamp",
        "Brass Lamp",
        "maker-bob",
    )
    assert (pull["field"], pull["after"], pull["mode"]) == ("description", "By hand", "test")
    assert (rename["operation"], rename["mode"], rename["after"]) == (
        "update_product",
        "test",
        "Brass Lamp",
    )
    assert create["field"] == "price" and create["stripe_price_id"].startswith("price_")
    assert imported["before"] is None and edit["mode"] is None

    sandbox.clear_log()
    assert _run(db, "revert", "lamp", "--to", str(edit["id"])) == 0
    assert capsys.readouterr().out.startswith(
        f"lamp: reverted to entry {edit['id']} name 'Brass Lamp' → 'Desk Lamp'."
    )
    assert sandbox.writes() == []
    assert _run(db, "status", "lamp", "--json") == 0
    (row,) = _json(capsys)
    assert {d["field"]: d["changed"] for d in row["differences"] if d["changed"]} == {
        "name": "catalog"
    }
    assert _run(db, "history", "lamp") == 0
    text = capsys.readouterr().out
    assert "revert by maker-bob: reverted to entry" in text.splitlines()[0]
    assert "Prices:" in text and "$45.00 from" in text


def test_a_to_b_to_a_through_set_makes_one_price_and_the_default_comes_back(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    original = view.product(sandbox, "lamp")["default_price"]
    sandbox.clear_log()
    assert _run(db, "set", "lamp", "base_price=50") == 0
    assert _run(db, "sync", "lamp") == 0
    assert _run(db, "set", "lamp", "base_price=45.00") == 0
    assert _run(db, "sync", "lamp") == 0
    assert view.product(sandbox, "lamp")["default_price"] == original
    assert len([w for w in sandbox.writes() if w.path == "/v1/prices"]) == 1
    capsys.readouterr()
    assert _run(db, "history", "lamp", "--prices", "--json") == 0
    periods = _json(capsys)
    assert [(p["amount"], p["stripe_price_id"] == original, p["until"]) for p in periods][-1] == (
        4500,
        True,
        None,
    )
    assert [p["amount"] for p in periods] == [4500, 5000, 4500]
