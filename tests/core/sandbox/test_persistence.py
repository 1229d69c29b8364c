"""The state file (scale issue): written row by row, idempotency answers kept 24 hours, the old JSON
format converted, safe under concurrent writes."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import stripe

from core.sandbox import SandboxServer
from core.sandbox.call import Call
from core.sandbox.idempotency import fingerprint
from core.sandbox.products import create as create_product
from core.sandbox.store import Store
from tests.core.sandbox.conftest import LIVE_KEY, make_client


def _replayed(obj: stripe.StripeObject) -> bool:
    return obj.last_response is not None and (
        obj.last_response.headers.get("Idempotent-Replayed") == "true"
    )


def _age_answers(state: Path, hours: float) -> None:
    """Make every saved answer in the file `hours` old (the sandbox is stopped)."""
    with sqlite3.connect(state) as conn:
        conn.execute("UPDATE idempotency SET saved_at = ?", (time.time() - hours * 3600,))
    conn.close()


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    once: stripe.RequestOptions = {"idempotency_key": "make-lamp"}
    with SandboxServer(state_file=state) as first:
        test, live = make_client(first), make_client(first, LIVE_KEY)
        lamp = test.v1.products.create(
            params={"id": "lamp", "name": "Lamp", "metadata": {"sku": "L1"}}, options=once
        )
        price = test.v1.prices.create(
            params={"product": "lamp", "currency": "usd", "unit_amount": 1500, "lookup_key": "std"}
        )
        test.v1.products.update("lamp", params={"default_price": price.id, "name": "Lamp v2"})
        test.v1.products.create(params={"id": "gone", "name": "Gone"})
        test.v1.products.delete("gone")
        live.v1.products.create(params={"id": "live-only", "name": "Live"})
    with SandboxServer(state_file=state) as second:
        test, live = make_client(second), make_client(second, LIVE_KEY)
        assert [p.id for p in test.v1.products.list().data] == ["lamp"]
        kept = test.v1.products.retrieve("lamp")
        assert (kept.name, kept.default_price, kept.metadata["sku"]) == ("Lamp v2", price.id, "L1")
        assert [p.id for p in test.v1.prices.list(params={"lookup_keys": ["std"]}).data] == [
            price.id
        ]
        assert [p.id for p in live.v1.products.list().data] == ["live-only"]
        again = test.v1.products.create(
            params={"id": "lamp", "name": "Lamp", "metadata": {"sku": "L1"}}, options=once
        )
        assert again.id == lamp.id and _replayed(again)
        assert again.name == "Lamp"  # the first answer, replayed as it was given


def test_a_stopped_server_started_again_keeps_writing_to_its_file(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    server = SandboxServer(state_file=state)
    with server:
        make_client(server).v1.products.create(params={"id": "one", "name": "One"})
    with server:
        make_client(server).v1.products.create(params={"id": "two", "name": "Two"})
    with SandboxServer(state_file=state) as again:
        assert [p.id for p in make_client(again).v1.products.list().data] == ["two", "one"]


@pytest.mark.parametrize(("hours", "replayed"), [(23.0, True), (25.0, False)])
def test_answers_are_replayed_for_24_hours_then_pruned(
    tmp_path: Path, hours: float, replayed: bool
) -> None:
    state = tmp_path / "state.sqlite3"
    once: stripe.RequestOptions = {"idempotency_key": "make-panel"}
    with SandboxServer(state_file=state) as first:
        made = make_client(first).v1.products.create(params={"name": "Panel"}, options=once)
    _age_answers(state, hours)
    with SandboxServer(state_file=state) as second:
        # Pruned (or not) when the file was opened, before any request asked for the key.
        in_file = sqlite3.connect(state)
        count = in_file.execute("SELECT COUNT(*) FROM idempotency").fetchone()[0]
        in_file.close()
        assert count == (1 if replayed else 0)
        again = make_client(second).v1.products.create(params={"name": "Panel"}, options=once)
        assert (again.id == made.id) is replayed
        assert _replayed(again) is replayed
        assert len(make_client(second).v1.products.list().data) == (1 if replayed else 2)


def test_an_old_json_state_file_is_converted_once(tmp_path: Path) -> None:
    """The format before the scale issue: one JSON document rewritten whole on every write."""
    state = tmp_path / "sandbox-state.json"
    product = {
        "id": "old", "object": "product", "active": True, "created": 1735689600,
        "default_price": "price_old", "description": None, "images": [], "livemode": False,
        "marketing_features": [], "metadata": {}, "name": "Old", "package_dimensions": None,
        "shippable": None, "statement_descriptor": None, "tax_code": None, "tax_details": None,
        "type": "service", "unit_label": None, "updated": 1735689600, "url": None,
    }  # fmt: skip
    price = {
        "id": "price_old", "object": "price", "active": True, "billing_scheme": "per_unit",
        "created": 1735689600, "currency": "usd",
        "currency_options": {"usd": {"custom_unit_amount": None, "tax_behavior": "unspecified",
                                     "unit_amount": 700, "unit_amount_decimal": "700"}},
        "custom_unit_amount": None, "livemode": False, "lookup_key": "old-std", "metadata": {},
        "nickname": None, "product": "old", "recurring": None, "tax_behavior": "unspecified",
        "tiers": None, "tiers_mode": None, "transform_quantity": None, "type": "one_time",
        "unit_amount": 700, "unit_amount_decimal": "700",
    }  # fmt: skip
    print_ = fingerprint("POST", "/v1/products", {"name": "Replayed"})
    answer = {**product, "id": "replayed", "name": "Replayed", "default_price": None}
    state.write_text(
        json.dumps(
            {
                "version": 1,
                "seq": 2,
                "last_created": 1735689600,
                "idempotency": [[False, "old-key", print_, 200, answer, "req_old", time.time()]],
                "modes": {"test": {"products": [[1, product]], "prices": [[2, price]]}},
            }
        )
    )
    with SandboxServer(state_file=state) as server:
        client = make_client(server)
        assert client.v1.products.retrieve("old").default_price == "price_old"
        found = client.v1.prices.list(params={"lookup_keys": ["old-std"]}).data
        assert [p.id for p in found] == ["price_old"]
        replay = client.v1.products.create(
            params={"name": "Replayed"}, options={"idempotency_key": "old-key"}
        )
        assert replay.id == "replayed" and _replayed(replay)
        newer = client.v1.products.create(params={"name": "Newer"})
        assert [p.id for p in client.v1.products.list().data] == [newer.id, "old"]
    assert state.read_bytes().startswith(b"SQLite format 3\x00")
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox-state.json"]
    with SandboxServer(state_file=state) as again:
        ids = [p.id for p in make_client(again).v1.products.list().data]
        assert ids == [newer.id, "old"]


def test_a_write_touches_only_its_own_rows(tmp_path: Path) -> None:
    """The issue: the whole file was rewritten on every write, so writes slowed as data grew."""
    state = tmp_path / "state.sqlite3"
    store = Store(state)
    with store.lock:
        for i in range(300):
            create_product(Call(store, False, {"id": f"p{i}", "name": f"Product {i}"}))
        store.save()
    store.close()
    size = state.stat().st_size
    with SandboxServer(state_file=state) as server:
        before = server.store.rows_written
        make_client(server).v1.products.update(
            "p7", params={"name": "Renamed"}, options={"idempotency_key": "rename-p7"}
        )
        # One product row, its product.updated event, one idempotency answer, two counters: not
        # the 300 other products (nor their 300 product.created events).
        assert server.store.rows_written - before == 5
    assert state.stat().st_size - size < 64 * 1024
    reopened = Store(state)
    assert reopened.mode(False).products.objects["p7"]["name"] == "Renamed"
    assert len(reopened.mode(False).products) == 300
    reopened.close()


def test_concurrent_writes_from_many_threads_are_all_kept(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    failures: list[BaseException] = []

    def writer(server: SandboxServer, n: int) -> None:
        client = make_client(server)
        try:
            for i in range(15):
                options: stripe.RequestOptions = {"idempotency_key": f"t{n}-{i}"}
                client.v1.prices.create(
                    params={
                        "currency": "usd",
                        "unit_amount": 100 + i,
                        "product_data": {"name": f"T{n} #{i}"},
                        "lookup_key": f"t{n}-{i}",
                    },
                    options=options,
                )
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    with SandboxServer(state_file=state) as server:
        threads = [threading.Thread(target=writer, args=(server, n)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    with SandboxServer(state_file=state) as again:
        client = make_client(again)
        products = list(client.v1.products.list(params={"limit": 100}).auto_paging_iter())
        assert len(products) == 90
        created = [p.created for p in products]
        assert created == sorted(created, reverse=True)
        keys = client.v1.prices.list(params={"lookup_keys": ["t0-0", "t5-14"]}).data
        assert sorted(p.lookup_key for p in keys) == ["t0-0", "t5-14"]
        replay = client.v1.prices.create(
            params={
                "currency": "usd",
                "unit_amount": 100,
                "product_data": {"name": "T3 #0"},
                "lookup_key": "t3-0",
            },
            options={"idempotency_key": "t3-0"},
        )
        assert _replayed(replay)


def test_persist_to_writes_everything_held_so_far(tmp_path: Path) -> None:
    """How a benchmark saves a sandbox filled without a file (one transaction at the end)."""
    with SandboxServer() as server:
        client = make_client(server)
        client.v1.products.create(params={"name": "Kept"}, options={"idempotency_key": "kept-once"})
        server.store.persist_to(tmp_path / "saved.sqlite3")
    with SandboxServer(state_file=tmp_path / "saved.sqlite3") as again:
        again_client = make_client(again)
        assert [p.name for p in again_client.v1.products.list().data] == ["Kept"]
        replay = again_client.v1.products.create(
            params={"name": "Kept"}, options={"idempotency_key": "kept-once"}
        )
        assert _replayed(replay)
