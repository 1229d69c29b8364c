"""kill -9 in the middle of syncs, several times, then a full sync: no duplicate, a complete journal,
nothing left to do. And a catalog that cannot be written mid-run stops cleanly and is settled.

The write-ahead journal (core.catalog.intents) is what makes the journal complete: each Stripe
write is recorded as intended before it is sent, and the next run settles what a killed run left.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.sandbox import SandboxServer
from core.workspace import Workspace
from core.workspace.writes import CatalogWriteError
from tests.raw_sql import run_sql

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "resources" / "sample_catalog.json"
KEY = "sk_test_killMidSync0001"


def _sync_process(db: str, sandbox: SandboxServer) -> subprocess.Popen[str]:
    env = dict(
        os.environ,
        STRIPE_SECRET_KEY=KEY,
        STRIPE_API_BASE=sandbox.url,
        STRIPE_SYNC_RATE_LIMIT="40",  # slow enough for a kill to land between writes
    )
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "sync", "--all", "--mode", "test", "--db", db, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_during_a_sync(db: str, sandbox: SandboxServer, rng: random.Random) -> None:
    proc = _sync_process(db, sandbox)
    time.sleep(rng.uniform(0.3, 1.6))  # the interpreter starts, reads, then writes
    proc.kill()
    proc.communicate(timeout=60)


def _journal(db: str) -> list[dict[str, object]]:
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT operation, stripe_object_id, error FROM ssa_journal")
            )
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_kills_at_random_points_then_a_full_sync(sqlite_url: str) -> None:
    db = sqlite_url
    store = CatalogStore.open(db)
    try:
        import_file(store, SAMPLE)
    finally:
        store.close()
    rng = random.Random(20261202)
    with SandboxServer(port=0) as sandbox:
        for _ in range(3):  # first sync, killed three times
            _kill_during_a_sync(db, sandbox, rng)
        # A full price change: every price a new one, the old ones archived.
        run_sql(db, "UPDATE products SET base_price_cents = base_price_cents + 100")
        for _ in range(3):
            _kill_during_a_sync(db, sandbox, rng)
        final = _sync_process(db, sandbox)
        out, err = final.communicate(timeout=180)
        assert final.returncode == 0, err
        assert json.loads(out)["summary"]["failed"] == 0

        gateway = StripeGateway.create(KEY, api_base=sandbox.url, rate_limit=0)
        remote = fetch_remote(gateway)
        # No duplicate product, and one active price per sellable unit.
        tagged = remote.tagged_local_ids()
        assert tagged and all(len(ids) == 1 for ids in tagged.values()), tagged
        for product in remote.products.values():
            units = [p.metadata.get("variant_id", "") for p in product.prices if p.active]
            assert len(units) == len(set(units)), (product.id, units)
        # The journal is complete: every product and price the tool made has its row (a
        # product's first price is made by its create_product request, journaled with it).
        journal = _journal(db)
        made = {str(r["stripe_object_id"]) for r in journal if r["error"] is None}
        for product in remote.products.values():
            assert product.id in made, f"product {product.id} has no journal row"
            created_with_it = {p.id for p in product.prices if p.created == product.created}
            for price in product.prices:
                assert price.id in made or price.id in created_with_it, (
                    f"price {price.id} of {product.id} has no journal row"
                )
        # Nothing left to do, and nothing left unsettled.
        with Workspace.open(db_url=db, mode="test", api_key=KEY, api_base=sandbox.url) as ws:
            assert all(not p.operations for p in ws.plan())
            assert ws.catalog.intents.pending(ws.account().id, "test") == []


def test_a_catalog_that_cannot_be_written_stops_the_run_and_is_settled_later(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CatalogStore.open(sqlite_url)
    try:
        import_file(store, SAMPLE)
    finally:
        store.close()
    with SandboxServer(port=0) as sandbox:
        ws = Workspace.open(db_url=sqlite_url, mode="test", api_key=KEY, api_base=sandbox.url)
        try:

            def disk_full(*_args: object, **_kw: object) -> None:
                raise OperationalError("INSERT", {}, Exception("database or disk is full"))

            monkeypatch.setattr(ws.catalog, "write_back", disk_full)
            with pytest.raises(CatalogWriteError) as caught:
                ws.sync(["material-8x8-v1"])
            message = str(caught.value)
            assert "material-8x8-v1 was written to Stripe but could not be recorded" in message
            assert "database or disk is full" in message
            assert "What reached Stripe: create product" in message
            assert "settles these writes against Stripe" in message
            # The product with its price, then the price's lookup key: both reached Stripe.
            assert len(ws.catalog.intents.pending(ws.account().id, "test")) == 2
        finally:
            ws.close()
        monkeypatch.undo()
        with Workspace.open(
            db_url=sqlite_url, mode="test", api_key=KEY, api_base=sandbox.url
        ) as ws:
            sandbox.clear_log()
            (result,) = ws.sync(["material-8x8-v1"])
            assert [s.reached_stripe for s in ws.last_settled] == [True, True]
            assert ws.last_settled[0].stripe_object_id == "material-8x8-v1"
            assert sandbox.writes() == []  # settled by reading: no second create
            assert result.action == "skipped"
            operations = [(e.operation, e.stripe_object_id) for e in ws.journal("material-8x8-v1")]
            assert ("create_product", "material-8x8-v1") in operations


def test_a_catalog_that_cannot_record_an_intent_writes_nothing_to_stripe(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CatalogStore.open(sqlite_url)
    try:
        import_file(store, SAMPLE)
    finally:
        store.close()
    with (
        SandboxServer(port=0) as sandbox,
        Workspace.open(db_url=sqlite_url, mode="test", api_key=KEY, api_base=sandbox.url) as ws,
    ):

        def read_only(**_kw: object) -> int:
            raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

        monkeypatch.setattr(ws.catalog.intents, "add", read_only)
        sandbox.clear_log()
        with pytest.raises(CatalogWriteError, match="Stopped before writing material-8x8-v1"):
            ws.sync(["material-8x8-v1"])
        assert sandbox.writes() == []
