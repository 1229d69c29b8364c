"""Editing the catalog through the workspace: checked saves, conflicts with another writer, the
journal (with the OS user), a product's history and price timeline, and revert — none of which
writes to Stripe."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.sandbox import SandboxServer
from core.workspace import EditConflict, InvalidEditError
from tests.core.catalog.shop import LAMP, make_shop, open_ws
from tests.core.engine import stripe_view as view
from tests.raw_sql import query_value, run_sql

TEE = {
    "id": "tee",
    "name": "Tee",
    "base_price_cents": 2000,
    "sell_status": "available",
    "has_variants": True,
}


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "maker-alice")


def _lamp(db_url: str, column: str) -> object:
    return query_value(db_url, f"SELECT {column} FROM products WHERE id = 'lamp'")


def test_an_edit_is_saved_journaled_with_the_user_and_writes_nothing_to_stripe(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        sandbox.clear_log()
        result = ws.edit("lamp", {"name": "Brass Lamp", "base_price": "$50"})
        assert [(c.field, c.before, c.after) for c in result.changed] == [
            ("name", "Desk Lamp", "Brass Lamp"),
            ("base_price_cents", 4500, 5000),
        ]
        assert (_lamp(db_url, "name"), _lamp(db_url, "base_price_cents")) == ("Brass Lamp", 5000)
        assert sandbox.writes() == []
        edits = [h for h in ws.history("lamp") if h.kind == "edit"]
        assert {(h.field, h.before, h.after, h.user) for h in edits} == {
            ("name", "Desk Lamp", "Brass Lamp", "maker-alice"),
            ("base_price_cents", 4500, 5000, "maker-alice"),
        }
        (row,) = ws.status(["lamp"])
        changed = {d.field: d.changed for d in row.differences if d.changed}
        assert changed == {"name": "catalog", "price": "catalog"}


def test_invalid_values_save_nothing_and_say_which_field(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        for changes, field in [
            ({"base_price": "12.505"}, "base_price"),
            ({"name": "   "}, "name"),
            ({"sell_status": "gone"}, "sell_status"),
            ({"dev_status": "9"}, "dev_status"),
            ({"is_live": "maybe"}, "is_live"),
            ({"colour": "red"}, "colour"),
            ({"name": "Fine", "base_price_cents": "-1"}, "base_price_cents"),
        ]:
            with pytest.raises(InvalidEditError) as err:
                ws.edit("lamp", changes)
            assert [p.field for p in err.value.problems] == [field]
        assert (_lamp(db_url, "name"), _lamp(db_url, "base_price_cents")) == ("Desk Lamp", 4500)
        assert [h.kind for h in ws.history("lamp")] == ["import"]


def test_a_row_changed_by_another_writer_since_it_was_loaded_is_not_overwritten(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        loaded = ws.editable("lamp").product
        run_sql(db_url, "UPDATE products SET name = 'Shop Lamp' WHERE id = 'lamp'")
        with pytest.raises(EditConflict) as err:
            ws.edit("lamp", {"name": "My Lamp"}, expect=loaded)
        conflict = err.value
        assert (conflict.loaded["name"], conflict.current["name"]) == ("Desk Lamp", "Shop Lamp")
        assert conflict.wanted == {"name": "My Lamp"}
        assert "nothing was saved" in str(conflict)
        assert _lamp(db_url, "name") == "Shop Lamp"
        assert [h.kind for h in ws.history("lamp")] == ["import"]


def test_history_lists_every_kind_newest_first_with_the_price_timeline(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP, TEE])
    run_sql(
        db_url,
        "INSERT INTO variants (id, product_id, variant_type, variant_value, price_modifier) "
        "VALUES ('tee-l', 'tee', 'size', 'L', 500)",
    )
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        first = view.product(sandbox, "lamp")["default_price"]
        ws.edit("lamp", {"base_price": "50.00"})
        ws.sync()
        second = view.product(sandbox, "lamp")["default_price"]
        view.raw_client(sandbox).v1.products.update("lamp", params={"name": "Hand Lamp"})
        (pulled,) = ws.pull(["lamp"], fields=["name"])
        assert [p.field for p in pulled.pulled] == ["name"]
        ws.edit("tee", {"price": "27"}, variant_id="tee-l")
        ws.sync()

        entries = ws.history("lamp")
        assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
        assert [(e.kind, e.operation) for e in entries][:2] == [
            ("pull", "pull"),
            ("stripe_write", "archive_price"),
        ]
        kinds = [e.kind for e in entries]
        assert kinds[-1] == "import" and {"edit", "pull", "stripe_write"} <= set(kinds)
        creates = [e for e in entries if e.operation == "create_price"]
        assert [(c.after, c.stripe_price_id, c.mode) for c in creates] == [(5000, second, "test")]

        periods = ws.price_history("lamp")
        assert [(p.amount, p.stripe_price_id, p.until is None) for p in periods] == [
            (4500, first, False),
            (5000, second, True),
        ]
        assert periods[0].until == periods[1].since
        tee = [(p.variant_id, p.amount) for p in ws.price_history("tee")]
        assert tee == [("tee-l", 2500), ("tee-l", 2700)]
        record = entries[0].record()
        assert {"id", "at", "kind", "field", "before", "after", "stripe_price_id", "mode"} <= set(
            record
        )


def test_revert_of_an_edit_restores_every_field_and_the_next_plan_shows_it(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        ws.edit("lamp", {"name": "Brass Lamp"})
        ws.sync()
        (name_edit,) = [h for h in ws.history("lamp") if h.kind == "edit"]
        sandbox.clear_log()
        result = ws.revert("lamp", name_edit.id)
        assert [(c.field, c.after) for c in result.changed] == [("name", "Desk Lamp")]
        assert sandbox.writes() == []
        newest = ws.history("lamp")[0]
        assert (newest.kind, newest.field, newest.after, newest.user) == (
            "revert",
            "name",
            "Desk Lamp",
            "maker-alice",
        )
        (row,) = ws.status(["lamp"])
        assert {d.field: d.changed for d in row.differences if d.changed} == {"name": "catalog"}
        ws.sync()
        assert view.product(sandbox, "lamp")["name"] == "Desk Lamp"


def test_revert_of_an_import_takes_back_all_its_columns(
    db_url: str, sandbox: SandboxServer, tmp_path: Path
) -> None:
    make_shop(db_url, [LAMP])
    path = tmp_path / "update.json"
    changed = LAMP | {"name": "Imported Lamp", "base_price_cents": 4900}
    path.write_text(json.dumps({"products": [changed]}))
    store = CatalogStore.open(db_url)
    try:
        import_file(store, path)
    finally:
        store.close()
    with open_ws(db_url, sandbox) as ws:
        newest = ws.history("lamp")[0]
        assert (newest.kind, newest.field, newest.user) == (
            "import",
            "base_price_cents, name",
            "maker-alice",
        )
        assert newest.before == {"base_price_cents": 4500, "name": "Desk Lamp"}
        ws.revert("lamp", newest.id)
        assert (_lamp(db_url, "name"), _lamp(db_url, "base_price_cents")) == ("Desk Lamp", 4500)
        added = ws.history("lamp")[-1]
        with pytest.raises(Exception, match="no earlier value to go back to"):
            ws.revert("lamp", added.id)


def test_revert_to_a_stripe_price_write_restores_the_amount_it_sent(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        ws.edit("lamp", {"base_price": "50"})
        ws.sync()
        ws.edit("lamp", {"base_price": "60"})
        (create,) = [h for h in ws.history("lamp") if h.operation == "create_price"]
        ws.revert("lamp", create.id)
        assert _lamp(db_url, "base_price_cents") == 5000
        (archive,) = [h for h in ws.history("lamp") if h.operation == "archive_price"]
        with pytest.raises(Exception, match="nothing the catalog holds"):
            ws.revert("lamp", archive.id)


def test_a_dry_run_checks_everything_and_saves_nothing(db_url: str, sandbox: SandboxServer) -> None:
    make_shop(db_url, [LAMP])
    with open_ws(db_url, sandbox) as ws:
        loaded = ws.editable("lamp").product
        result = ws.edit("lamp", {"base_price": "12,50"}, expect=loaded, dry_run=True)
        assert [(c.field, c.before, c.after) for c in result.changed] == [
            ("base_price_cents", 4500, 1250)
        ]
        with pytest.raises(InvalidEditError) as err:
            ws.edit("lamp", {"name": "  "}, dry_run=True)
        assert [p.field for p in err.value.problems] == ["name"]
        run_sql(db_url, "UPDATE products SET name = 'Shop Lamp' WHERE id = 'lamp'")
        with pytest.raises(EditConflict) as conflict:
            ws.edit("lamp", {"name": "My Lamp"}, expect=loaded, dry_run=True)
        assert conflict.value.current["name"] == "Shop Lamp"
        assert (_lamp(db_url, "name"), _lamp(db_url, "base_price_cents")) == ("Shop Lamp", 4500)
        assert [h.kind for h in ws.history("lamp")] == ["import"]
