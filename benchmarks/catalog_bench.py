"""Benchmark: `status` and `plan` on a 10,000-product SQLite catalog against the sandbox at 100/s.

Builds a catalog (10 % of products with two colour variants), syncs it into an in-process sandbox
with the rate limit off, changes 5 % of the names, then turns the sandbox's limit to live mode's
100 requests/s and times `Workspace.status()` and `Workspace.plan()` through a live-mode key.

Target: wall time within 1.5x of the floor the rate limit sets (calls / 100 per second), and peak
memory under 300 MB. Run by hand: `.venv/bin/python benchmarks/catalog_bench.py [N]`.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

LIVE_KEY = "sk_live_benchmark00000001"
RATE = 100.0


def build_catalog(url: str, n: int) -> None:
    """Insert n products (every tenth with BLACK/WHITE variants) straight into the tables."""
    from core.catalog.store import CatalogStore

    store = CatalogStore.open(url)
    products, variants = [], []
    for i in range(n):
        pid = f"bench-{i:05d}"
        has_variants = i % 10 == 0
        products.append(
            {
                "id": pid,
                "name": f"Bench Product {i}",
                "description": f"Benchmark product number {i}",
                "dev_status": 5,
                "base_price_cents": 1000 + i,
                "is_live": True,
                "sell_status": "available",
                "has_variants": has_variants,
            }
        )
        if has_variants:
            for j, colour in enumerate(("BLACK", "WHITE")):
                variants.append(
                    {
                        "id": f"{pid}-{colour.lower()}",
                        "product_id": pid,
                        "variant_type": "color",
                        "variant_value": colour,
                        "price_modifier": 500 * j,
                    }
                )
    with store.engine.begin() as conn:
        conn.execute(sa.insert(store.products), products)
        conn.execute(sa.insert(store.variants), variants)
    store.close()


def measure(name: str, fn: Callable[[], Any], ws: Any) -> dict[str, Any]:
    """Wall time, HTTP calls (the gateway's count, retries included) and peak memory of one call."""
    before = ws.gateway.stats.total
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    calls = ws.gateway.stats.total - before
    floor = calls / RATE
    return {
        "name": name,
        "rows": len(result),
        "calls": calls,
        "wall": wall,
        "floor": floor,
        "ratio": wall / floor if floor else float("nan"),
        "peak_mb": peak / 1e6,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def populate(url: str, state: Path) -> None:
    """Sync the catalog into an in-process sandbox (no limit), then save its state to `state`."""
    from core.sandbox import SandboxServer
    from core.workspace import Workspace

    sandbox = SandboxServer(port=0, rate_limit=0.0).start()
    try:
        t0 = time.perf_counter()
        with Workspace.open(
            db_url=url, mode="live", api_key=LIVE_KEY, api_base=sandbox.url, rate_limit=0
        ) as ws:
            results = ws.sync()
        failed = [r for r in results if r.error]
        print(
            f"synced into the sandbox in {time.perf_counter() - t0:.1f} s "
            f"({len(results)} products, {len(failed)} failed)",
            file=sys.stderr,
        )
        # Saved once here: the sandbox would rewrite its state file after every single write.
        sandbox.store.state_file = state
        sandbox.store.save()
    finally:
        sandbox.stop()


def serve(state: Path) -> tuple[subprocess.Popen[str], str]:
    """The sandbox in its own process (like Stripe, not sharing this process's CPU), at 100/s."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "core.cli",
            "sandbox",
            "--port",
            "0",
            "--rate-limit",
            str(RATE),
            "--search-lag",
            "0",
            "--state",
            str(state),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not match:
        proc.terminate()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return proc, match.group(1)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tmp = Path(tempfile.mkdtemp(prefix="ssa-bench-"))
    os.environ["XDG_DATA_HOME"] = str(tmp / "data")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    from core.workspace import Workspace

    url = f"sqlite:///{tmp / 'bench.db'}"
    t0 = time.perf_counter()
    build_catalog(url, n)
    print(f"catalog of {n} products built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    state = tmp / "sandbox-state.json"
    populate(url, state)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # 5 % renamed, so the plan has work in it
        conn.execute(
            sa.text(
                "UPDATE products SET name = name || ' v2' "
                "WHERE CAST(substr(id, 7) AS INTEGER) % 20 = 1"
            )
        )
    engine.dispose()
    proc, api_base = serve(state)
    rows = []
    try:
        with Workspace.open(db_url=url, mode="live", api_key=LIVE_KEY, api_base=api_base) as ws:
            ws.account()
            rows.append(measure("status", ws.status, ws))
            rows.append(measure("plan", ws.plan, ws))
            changing = sum(1 for p in ws.plan() if p.operations)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    print(
        f"\n{n} products ({changing} with changes), sandbox limit {RATE:.0f}/s in its own process,"
    )
    print("gateway at its live-mode default (90 % of 100/s)")
    print(
        f"{'op':<8}{'rows':>7}{'calls':>7}{'wall s':>9}{'floor s':>9}{'ratio':>7}"
        f"{'peak MB':>9}{'maxrss MB':>11}"
    )
    for r in rows:
        print(
            f"{r['name']:<8}{r['rows']:>7}{r['calls']:>7}{r['wall']:>9.2f}{r['floor']:>9.2f}"
            f"{r['ratio']:>7.2f}{r['peak_mb']:>9.1f}{r['rss_mb']:>11.1f}"
        )
    ok = all(r["ratio"] <= 1.5 and r["rss_mb"] < 300 for r in rows)
    print("target (wall <= 1.5x floor, < 300 MB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
