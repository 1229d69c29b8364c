"""Two operators syncing one database at once (two processes, one sandbox): no twins, no lost write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.catalog.importer import import_file
from core.catalog.sample import sample_catalog_path
from core.catalog.store import CatalogStore
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.sandbox import SandboxServer
from core.workspace import Workspace

KEY = "sk_test_concurrency0001"
ROOT = Path(__file__).resolve().parents[3]


def _extra_products(tmp_path: Path) -> Path:
    products = [
        {
            "id": f"tile-{n:02d}",
            "name": f"Tile {n}",
            "base_price_cents": 1000 + n,
            "sell_status": "available",
            "dev_status": 5,
            "has_variants": n % 3 == 0,
        }
        for n in range(20)
    ]
    variants = [
        {
            "id": f"tile-{n:02d}-{colour.lower()}",
            "product_id": f"tile-{n:02d}",
            "variant_type": "color",
            "variant_value": colour,
            "price_modifier": 100 * i,
        }
        for n in range(0, 20, 3)
        for i, colour in enumerate(("BLACK", "WHITE"))
    ]
    path = tmp_path / "tiles.json"
    path.write_text(json.dumps({"products": products, "variants": variants}))
    return path


def test_two_processes_sync_the_same_catalog_at_once(db_url: str, tmp_path: Path) -> None:
    store = CatalogStore.open(db_url)
    try:
        import_file(store, sample_catalog_path())
        import_file(store, _extra_products(tmp_path))
        local_ids = [r.id for r in store.list_records()]
    finally:
        store.close()
    with SandboxServer(port=0) as sandbox:
        env = dict(os.environ, STRIPE_SECRET_KEY=KEY, STRIPE_API_BASE=sandbox.url)
        command = [sys.executable, "-m", "core.cli", "sync", "--all", "--mode", "test"]
        procs = [
            subprocess.Popen(
                [*command, "--db", db_url, "--json"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=180) for p in procs]
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err
            report = json.loads(out)
            errors = [(r["product_id"], r["error"]) for r in report["results"] if r["error"]]
            assert report["summary"]["failed"] == 0, errors

        # Stripe: exactly one product per local product, one active price per sellable unit.
        gateway = StripeGateway.create(KEY, api_base=sandbox.url, rate_limit=0)
        remote = fetch_remote(gateway)
        tagged = remote.tagged_local_ids()
        assert all(len(ids) == 1 for ids in tagged.values()), tagged
        for product in remote.products.values():
            keys = [p.metadata.get("variant_id", "") for p in product.prices if p.active]
            assert len(keys) == len(set(keys)), (product.id, keys)

        # Locally: every link recorded once and pointing at that one product; journal complete.
        with Workspace.open(db_url=db_url, mode="test", api_key=KEY, api_base=sandbox.url) as ws:
            account = ws.account()
            links = ws.catalog.links(account.id, "test")
            synced = set(tagged)
            assert synced == {i for i in local_ids if links.products.get(i)}
            assert all(links.products[i] == tagged[i][0] for i in synced)
            journal = ws.catalog.journal(limit=10_000)
            applied = [w for w in sandbox.writes() if w.applied and not w.replayed]
            assert [e.summary for e in journal if e.error] == []  # nothing failed or unsettled
            # Every write that changed Stripe is journaled by the process that made it.
            assert len(journal) >= len(applied)
            assert {r.state for r in ws.status()} <= {"in_sync", "not_ready", "archived"}
