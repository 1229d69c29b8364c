"""Benchmark: refreshing Stripe's side from events (the mirror) against reading it all, at 1k and 10k.

For each size N the sandbox is filled once (N products, each with its default one-time price) in
an in-process sandbox with the rate limit off, saved, then served in its own process (as Stripe
would be) at live mode's 100 requests/s. Then, for each k in 0, 10 and 500:

- full read: a fresh gateway checks the account and reads everything into a new mirror file (the
  newest event first, then products, active and archived prices) — what every status cost before;
- k changes are made "by hand" through the real SDK (renames; not counted);
- refresh: another fresh gateway (a new process's) checks the account and refreshes the mirror
  from the events since, the mirror reopened from its file.

Requests are counted by the gateway and checked against the bound ceil(k/100) + 2; the refreshed
catalog is compared with a full read. Run by hand: `.venv/bin/python benchmarks/events_bench.py
[N …]` (default: 1000 10000).
"""

from __future__ import annotations

import argparse
import math
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import stripe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Made up; assembled so that no tracked file holds a string shaped like a live key.
LIVE_KEY = "_".join(("sk", "live", "eventsBench000001"))
RATE = 100.0
CHANGES = (0, 10, 500)


def populate(n: int, state: Path) -> None:
    """N products with a default price each, made in an in-process sandbox, saved to `state`."""
    from core.sandbox import SandboxServer

    sandbox = SandboxServer(port=0, rate_limit=0.0).start()
    try:
        client = _client(sandbox.url)
        started = time.perf_counter()

        def make(i: int) -> None:
            pid = f"ev-{i:05d}"
            client.v1.products.create(
                params={
                    "id": pid,
                    "name": f"Events product {i}",
                    "metadata": {"local_id": pid},
                    "default_price_data": {"currency": "usd", "unit_amount": 1000 + i},
                }
            )

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(make, range(n)))
        took = time.perf_counter() - started
        print(f"made {n} products in the sandbox in {took:.1f} s", file=sys.stderr)
        sandbox.store.persist_to(state)
    finally:
        sandbox.stop()


def serve(state: Path) -> tuple[subprocess.Popen[str], str]:
    """The sandbox in its own process, at 100 requests/s."""
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
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not match:
        proc.terminate()
        raise SystemExit(f"sandbox did not start: {line!r}")
    return proc, match.group(1)


def _client(api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(LIVE_KEY, base_addresses={"api": api_base}, max_network_retries=2)


def _gateway(api_base: str) -> Any:
    from core.engine.gateway import StripeGateway

    return StripeGateway.create(LIVE_KEY, api_base=api_base)


def measure(api_base: str, mirror_path: Path, *, full: bool) -> dict[str, Any]:
    """A fresh process's account check and refresh (or full read): requests and wall time."""
    from core.engine.mirror import StripeMirror
    from core.engine.refresh import refresh_remote

    gateway = _gateway(api_base)
    mirror = StripeMirror(mirror_path)
    try:
        started = time.perf_counter()
        gateway.account()
        done = refresh_remote(gateway, mirror, full=full)
        wall = time.perf_counter() - started
    finally:
        mirror.close()
    return {
        "requests": gateway.stats.total,
        "wall": wall,
        "summary": done.summary,
        "catalog": done.catalog,
    }


def same(a: Any, b: Any) -> bool:
    """Whether two remote catalogs hold the same products and prices."""

    def shape(catalog: Any) -> dict[str, Any]:
        return {
            pid: (p.name, p.active, p.default_price, sorted((x.id, x.active) for x in p.prices))
            for pid, p in catalog.products.items()
        }

    return shape(a) == shape(b)


def bench(n: int, workdir: Path) -> list[dict[str, Any]]:
    """Every k for one size N: full read vs refresh after k changes."""
    state = workdir / f"sandbox-{n}.sqlite3"
    populate(n, state)
    proc, api_base = serve(state)
    rows: list[dict[str, Any]] = []
    try:
        # Someone else's hands, throttled and retried like any client (not the tool's keys).
        hand = _gateway(api_base)
        for k in CHANGES:
            mirror_path = workdir / f"mirror-{n}-{k}.sqlite3"
            full = measure(api_base, mirror_path, full=True)
            for i in range(k):
                hand.update_product(
                    f"ev-{i % n:05d}", {"name": f"Hand {k}-{i}"}, idempotency_key=f"hand-{k}-{i}"
                )
            refreshed = measure(api_base, mirror_path, full=False)
            check = measure(api_base, workdir / f"check-{n}-{k}.sqlite3", full=True)
            bound = math.ceil(k / 100) + 2
            rows.append(
                {
                    "n": n,
                    "k": k,
                    "full_requests": full["requests"],
                    "full_wall": full["wall"],
                    "refresh_requests": refreshed["requests"],
                    "refresh_wall": refreshed["wall"],
                    "bound": bound,
                    "within": refreshed["requests"] <= bound,
                    "correct": same(refreshed["catalog"], check["catalog"]),
                    "summary": refreshed["summary"],
                }
            )
            print(_line(rows[-1]), file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait()
    return rows


HEADER = (
    f"{'products':>8} {'changes':>7} │ {'full read':>9} {'time':>7} │ {'refresh':>7} {'time':>7} "
    f"│ {'bound':>5} {'ok':>3} {'same':>4}"
)


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['n']:>8} {row['k']:>7} │ {row['full_requests']:>9} {row['full_wall']:>6.2f}s │ "
        f"{row['refresh_requests']:>7} {row['refresh_wall']:>6.2f}s │ {row['bound']:>5} "
        f"{'yes' if row['within'] else 'NO':>3} {'yes' if row['correct'] else 'NO':>4}"
    )


def main() -> int:
    """Run the benchmark and print the table (requests include each fresh process's account
    check; 'same': the refreshed catalog equals a full read)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            rows += bench(n, Path(folder))
    print(f"Stripe sandbox at {RATE:g} requests/s (live mode; the gateway uses 90 % of it)")
    print(HEADER)
    for row in rows:
        print(_line(row))
    return 0 if all(r["within"] and r["correct"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
