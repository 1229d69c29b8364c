"""Benchmark: `status` and `plan` on a 10,000-product SQLite catalog against the sandbox at 100/s.

Builds a catalog (10 % of products with two colour variants), syncs it into an in-process sandbox
with the rate limit off, changes 5 % of the names, then serves the saved sandbox in its own process
(as Stripe would be) at live mode's 100 requests/s. Each op then runs in a fresh interpreter that
only opens the workspace and calls `Workspace.status()` or `Workspace.plan()` through a live-mode
key: its wall time is measured without any tracing, its memory is that process's peak RSS (the
seeding sync ran elsewhere). The baseline, one read per product, is run when it would take under
a minute, else computed.

Target: wall time within 1.5x of the floor the rate limit sets (calls / 100 per second), and peak
memory under 300 MB. Run by hand: `.venv/bin/python benchmarks/catalog_bench.py [N]`
(`--workdir DIR` keeps the seeded catalog for the next run; `--profile FILE` cProfiles a status).

`--case memory` measures the memory `status` and `plan` take per product: each in a fresh process
at 100, 1,000, 10,000 and 30,000 products (`--sizes`), peak RSS above the 100-product baseline
divided by the extra products (target: <= 6 KB per product; 30,000 products under 300 MB). Each
size has its own data folder: its Stripe mirror is emptied, then `status` reads Stripe in full
(cold), and `status-warm` and `plan` after it find the mirror filled (they read only the events).
`--tracemalloc` also prints where the memory alive after one cold `status` comes from (by file, by
line, by traceback) and the traced peak.

`--case missing` measures instead `status` of N products not yet in Stripe against an account
holding R other products (`--foreign R`, default N), next to the same N against an empty account:
finding each product's Stripe side must not grow with R (target: within 1.2x). Each is run cold
(the mirror emptied: R products read once, ~R/100 more list calls) and then warm (the status after
it, reading only the events: 2 requests either way), so the O(1) lookup (CPU, warm) shows apart
from reading R products once (cold wall). The R products, each with a price and its own
`metadata.local_id`, are written straight into the sandbox's state file.

Side by side with the old code (both cases): run it with `--json old.json` (e.g. `git archive HEAD
| tar -x -C /tmp/base`, then `PYTHONPATH=/tmp/base .venv/bin/python benchmarks/catalog_bench.py
--case memory --workdir W --json old.json`), then this code with `--compare old.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Made up; assembled so that no tracked file holds a string shaped like a live key.
LIVE_KEY = "_".join(("sk", "live", "benchmark00000001"))
RATE = 100.0
HEADROOM = 0.9  # the gateway's share of the limit (core.engine.throttle)


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
        # Saved once here, in one transaction, rather than row by row during the sync.
        sandbox.store.persist_to(state)
    finally:
        sandbox.stop()


def serve(state: Path, rate: float = RATE) -> tuple[subprocess.Popen[str], str]:
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
            str(rate),
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


def naive_plans(ws: Any) -> list[Any]:
    """The baseline: read each product on its own (a retrieve and a price list), then plan it."""
    from core.engine.fetch import plan_one
    from core.reconcile.convert import NotReady, to_sync_input

    account = ws.account()
    links = ws.catalog.links(account.id, ws.mode)
    plans = []
    for record in ws.catalog.list_records(None):
        ready = to_sync_input(record, currency=ws.settings.currency)
        if isinstance(ready, NotReady):
            continue
        linked = links.linked_product(record.id)
        plans.append(plan_one(ws.gateway, ready.product, ready.variants, linked_id=linked))
    return plans


def child(op: str, url: str, api_base: str, profile: str | None) -> int:
    """Run one op in this fresh process: its wall time (no tracing), calls and peak RSS as JSON."""
    from core.workspace import Workspace

    with Workspace.open(db_url=url, mode="live", api_key=LIVE_KEY, api_base=api_base) as ws:
        ws.account()
        fn: Callable[[], Any] = {
            "status": ws.status,
            "plan": ws.plan,
            "tracemalloc": lambda: tracemalloc_top(ws) or [],
        }.get(op, lambda: naive_plans(ws))
        before = ws.gateway.stats.total
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        calls = ws.gateway.stats.total - before
    rss_mb = peak_rss_mb()
    report = {"op": op, "rows": len(result), "calls": calls, "wall": wall, "rss": rss_mb}
    print(json.dumps({**report, "cpu": cpu}))
    return 0


def peak_rss_mb() -> float:
    """This process's peak RSS in MB. Linux's `ru_maxrss` keeps, across the exec that started this
    child, the peak of the parent it was spawned from (vfork): after a seeding sync in the same run
    it reported the parent's 378 MB for every op. `VmHWM` is this process's own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(op: str, url: str, api_base: str, profile: str | None = None) -> dict[str, Any]:
    """One op in a fresh interpreter (its memory is its own, not the seeding sync's)."""
    cmd = [sys.executable, __file__, "--child", op, "--url", url, "--api-base", api_base]
    if profile:
        cmd += ["--profile", profile]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    if op == "tracemalloc":
        sys.stderr.write(out.stderr)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def prepare(workdir: Path, n: int) -> tuple[str, Path]:
    """The catalog (5 % renamed since the sync) and the sandbox state; reused when `workdir` has them."""
    url = f"sqlite:///{workdir / 'bench.db'}"
    state = workdir / "sandbox-state.json"
    ready = workdir / f"ready-{n}"
    if ready.exists():
        print(f"reusing the catalog and sandbox state in {workdir}", file=sys.stderr)
        return url, state
    for stale in (workdir / "bench.db", state):
        stale.unlink(missing_ok=True)
    t0 = time.perf_counter()
    build_catalog(url, n)
    print(f"catalog of {n} products built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
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
    ready.touch()
    return url, state


def naive_estimate(n: int) -> tuple[int, float]:
    """Calls and wall time of the baseline, computed: 2 reads per product at the gateway's 90/s."""
    calls = 2 * n + 1  # + the account read
    rate = RATE * HEADROOM
    return calls, max(0.0, (calls - rate) / rate)  # the first second's worth goes out at once


def seed_foreign(state: Path, r: int) -> None:
    """A live-mode sandbox state holding `r` products the catalog does not have, a price each."""
    from core.sandbox.call import Call
    from core.sandbox.products import create
    from core.sandbox.store import Store

    store = Store(None)
    with store.lock:
        for i in range(r):
            params = {
                "id": f"other-{i:05d}",
                "name": f"Someone else's product {i}",
                "metadata": {"local_id": f"other-{i:05d}"},
                "default_price_data": {"currency": "usd", "unit_amount": str(700 + i)},
            }
            create(Call(store, True, params))
        store.persist_to(state)
        store.close()


def _fresh_data(data: Path) -> None:
    """Point the children at `data` for the user data folder and drop its Stripe mirror there, so
    the next `status` reads Stripe in full (cold) and the one after it only the events (warm)."""
    os.environ["XDG_DATA_HOME"] = str(data)
    for leftover in data.rglob("mirror/*.sqlite3*"):
        leftover.unlink()


def cold_warm(ops: list[str], url: str, api_base: str, data: Path) -> dict[str, dict[str, Any]]:
    """Each op in a fresh process, in order, against a mirror emptied first: `status` first reads
    everything (cold), `status-warm`/`plan` after it find the mirror filled (only events read)."""
    _fresh_data(data)
    return {op: run_child(op.removesuffix("-warm"), url, api_base) for op in ops}


def missing_case(
    workdir: Path, n: int, r: int, runs: int, old: dict[str, Any] | None
) -> tuple[int, dict[str, Any]]:
    """`status` of n products not yet in Stripe: against r other products, then an empty account;
    each cold (the mirror empty: everything read) and then warm (the mirror filled: the events)."""
    url = f"sqlite:///{workdir / f'missing-{n}.db'}"
    if not (workdir / f"missing-{n}.db").exists():
        build_catalog(url, n)
    empty, foreign = workdir / "empty-account.sqlite3", workdir / f"foreign-{r}.sqlite3"
    empty.unlink(missing_ok=True)
    if not foreign.exists():
        seed_foreign(foreign, r)
    found: dict[str, Any] = {}
    for key, state in (("empty", empty), ("foreign", foreign)):
        proc, api_base = serve(state)
        try:
            done = [
                cold_warm(["status", "status-warm"], url, api_base, workdir / f"data-{key}")
                for _ in range(max(1, runs))
            ]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        found[key] = {
            temp: {
                "rows": done[0][op]["rows"],
                "calls": done[0][op]["calls"],
                "wall": statistics.median(d[op]["wall"] for d in done),
                "cpu": statistics.median(d[op]["cpu"] for d in done),
            }
            for temp, op in (("cold", "status"), ("warm", "status-warm"))
        }
    print(f"\nstatus of {n:,} products not yet in Stripe, the account empty or holding {r:,} other")
    print(f"products; sandbox at {RATE:.0f}/s in its own process, each run a fresh process, median")
    print(f"of {runs}. cold: the mirror empty, everything read; warm: the status after it, which")
    print("reads only the events. calls: during status (a fresh process checks the account once")
    print("before it: +1). CPU = the tool process during status.")
    head = f"{'read':<6}{'account holds':<16}{'rows':>7}{'calls':>7}{'wall s':>8}{'CPU s':>7}"
    print(head + ("  | before: calls  wall s  CPU s" if old else ""))
    for temp in ("cold", "warm"):
        for key, label in (("empty", "nothing"), ("foreign", f"{r:,} others")):
            m = found[key][temp]
            line = f"{temp:<6}{label:<16}{m['rows']:>7}{m['calls']:>7}{m['wall']:>8.2f}{m['cpu']:>7.2f}"
            if old and temp in old.get(key, {}):
                o = old[key][temp]
                line += f"  | {o['calls']:>13}{o['wall']:>8.2f}{o['cpu']:>7.2f}"
            print(line)
    ok = True
    for temp in ("cold", "warm"):
        a, b = found["empty"][temp], found["foreign"][temp]
        wall, cpu = b["wall"] / a["wall"], b["cpu"] / a["cpu"]
        found[temp] = {"wall": wall, "cpu": cpu}
        line = (
            f"{temp} ratio {r:,} others / nothing: wall {wall:.2f}, CPU {cpu:.2f} "
            f"({b['calls'] - a['calls']:+d} calls)"
        )
        if old and temp in old:
            line += f"  | before: wall {old[temp]['wall']:.2f}, CPU {old[temp]['cpu']:.2f}"
        print(line)
        ok &= cpu <= 1.2 if temp == "cold" else wall <= 1.2 and cpu <= 1.2
    # Cold, the R products must be read once (one list call per 100 at the gateway's 90/s): that
    # floor is not the lookup's cost, so the cold target is on CPU; warm reads the same 2 requests.
    print("target: within 1.2x (cold: CPU, the R products' reading aside; warm: wall and CPU):",
          "met" if ok else "NOT met")  # fmt: skip
    return (0 if ok else 1), found


def memory_case(
    workdir: Path, sizes: list[int], top: bool, old: dict[str, Any] | None
) -> tuple[int, dict[str, Any]]:
    """Peak RSS of `status` (cold, then warm) and `plan` per size, KB per product above the first
    size; each size's data folder (its Stripe mirror) on its own."""
    ops = ["status", "status-warm", "plan"]
    rss: dict[str, dict[str, float]] = {}
    for n in sizes:
        sized = workdir / f"memory-{n}"
        sized.mkdir(parents=True, exist_ok=True)
        url, state = prepare(sized, n)
        proc, api_base = serve(state, rate=0.0)
        try:
            done = cold_warm(ops, url, api_base, sized / "data")
            rss[str(n)] = {op: done[op]["rss"] for op in ops}
            if top and n == sizes[-1]:
                _fresh_data(sized / "data")
                run_child("tracemalloc", url, api_base)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    first = sizes[0]
    print("\nmemory of status/plan, each in a fresh process (peak RSS); KB per product above")
    print(f"{first:,} products. status: the mirror empty (everything read); status-warm and plan:")
    print("the mirror filled (only events read).")
    head = f"{'products':>8}  {'op':<12}{'RSS MB':>8}{'KB/product':>11}  met"
    print(head + ("  | before: RSS MB  KB/product  KB ratio" if old else ""))
    ok = True
    for n in sizes:
        for op in ops:
            mb = rss[str(n)][op]
            per = (mb - rss[str(first)][op]) * 1024 / (n - first) if n != first else float("nan")
            met = n == first or (per <= 6.0 and mb < 300)
            ok &= met
            line = f"{n:>8,}  {op:<12}{mb:>8.1f}{per:>11.2f}  {'yes' if met else 'NO ':<3}"
            before = (old or {}).get(str(n), {}).get(op)
            if before is not None and str(first) in (old or {}):
                base = old[str(first)][op]  # type: ignore[index]
                was = (before - base) * 1024 / (n - first) if n != first else float("nan")
                line += f"  | {before:>14.1f}{was:>12.2f}{per / was if n != first else float('nan'):>10.2f}"
            print(line)
    print("target (<= 6 KB per product, < 300 MB):", "met" if ok else "NOT met")
    return (0 if ok else 1), rss


def tracemalloc_top(ws: Any) -> None:
    """Where the memory alive after one `status` (rows kept) comes from: by file, by line, and
    the largest tracebacks (5 frames), with the traced peak during it."""
    import tracemalloc

    tracemalloc.start(5)
    rows = ws.status()
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    print(
        f"{len(rows)} rows; {current / 2**20:.1f} MB traced after status, peak {peak / 2**20:.1f} MB",
        file=sys.stderr,
    )
    for group, count in (("filename", 12), ("lineno", 20)):
        print(f"by {group}:", file=sys.stderr)
        for stat in snapshot.statistics(group)[:count]:
            print(
                f"  {stat.size / 2**20:7.1f} MB {stat.count:8d}  {stat.traceback}", file=sys.stderr
            )
    print("by traceback:", file=sys.stderr)
    for stat in snapshot.statistics("traceback")[:8]:
        print(f"  {stat.size / 2**20:7.1f} MB {stat.count:8d}", file=sys.stderr)
        for line in stat.traceback.format():
            print(f"      {line}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="products (10,000)")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per op (median)")
    parser.add_argument("--workdir", help="keep the seeded catalog and sandbox state here")
    parser.add_argument("--profile", help="cProfile one status run into this file")
    parser.add_argument(
        "--case",
        choices=["status-plan", "missing", "memory"],
        default="status-plan",
        help="missing: status of N products not in Stripe, R other products vs none",
    )
    parser.add_argument("--foreign", type=int, help="R, the other products (--case missing; N)")
    parser.add_argument("--sizes", default="100,1000,10000,30000", help="products (--case memory)")
    parser.add_argument("--tracemalloc", action="store_true", help="where the memory goes")
    parser.add_argument("--json", help="save this run's figures (--case memory/missing)")
    parser.add_argument("--compare", help="a --json file of an older run: shown side by side")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--api-base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the data folder (its Stripe mirror) is the parent's: XDG_* inherited
        return child(args.child, args.url, args.api_base, args.profile)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ssa-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_DATA_HOME"] = str(workdir / "data")
    os.environ["XDG_CONFIG_HOME"] = str(workdir / "config")
    n = args.n
    if args.case in ("memory", "missing"):
        old = json.loads(Path(args.compare).read_text()) if args.compare else None
        if args.case == "memory":
            sizes = [int(x) for x in args.sizes.split(",")]
            code, found = memory_case(workdir, sizes, args.tracemalloc, old)
        else:
            code, found = missing_case(workdir, n, args.foreign or n, args.runs, old)
        if args.json:
            Path(args.json).write_text(json.dumps(found, indent=1))
        return code
    url, state = prepare(workdir, n)
    naive_calls, naive_wall = naive_estimate(n)
    run_naive = naive_wall <= 60
    proc, api_base = serve(state)
    table = []
    try:
        for op in ("status", "plan") + (("naive",) if run_naive else ()):
            runs = [run_child(op, url, api_base) for _ in range(max(1, args.runs))]
            walls = sorted(r["wall"] for r in runs)
            first = runs[0]
            table.append(
                {
                    "op": op,
                    "rows": first["rows"],
                    "calls": first["calls"],
                    "wall": statistics.median(walls),
                    "rss": max(r["rss"] for r in runs),
                }
            )
        if args.profile:
            run_child("status", url, api_base, args.profile)
            print(f"profile of one status run: {args.profile}", file=sys.stderr)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    if run_naive:
        naive = table.pop()
        naive_calls, naive_wall, how = naive["calls"], naive["wall"], "run"
    else:
        how = "computed, not run: at 100/s it would take minutes"
    print(
        f"\n{n} products, sandbox limit {RATE:.0f}/s in its own process; gateway at its live-mode"
    )
    print(
        f"default (90 % of 100/s, 1 s burst). Each op in a fresh process, median of {args.runs}; "
        "wall time untraced, memory = that process's peak RSS."
    )
    print(
        f"{'op':<8}{'rows':>7}{'calls':>7}{'wall s':>9}{'floor s':>9}{'ratio':>7}"
        f"{'RSS MB':>9}  target met"
    )
    ok = True
    for r in table:
        floor = r["calls"] / RATE
        r["ratio"] = r["wall"] / floor
        met = r["ratio"] <= 1.5 and r["rss"] < 300
        ok &= met
        print(
            f"{r['op']:<8}{r['rows']:>7}{r['calls']:>7}{r['wall']:>9.2f}{floor:>9.2f}"
            f"{r['ratio']:>7.2f}{r['rss']:>9.1f}  {'yes' if met else 'NO'}"
        )
    print(f"\nbaseline, one retrieve + one price list per product ({how}):")
    print(
        f"{'op':<8}{'calls':>7}{'wall s':>9}{'ratio':>7}  | {'baseline':>8}{'calls':>7}{'wall s':>9}{'ratio':>7}  speed-up"
    )
    naive_ratio = naive_wall / (naive_calls / RATE)
    for r in table:
        print(
            f"{r['op']:<8}{r['calls']:>7}{r['wall']:>9.2f}{r['ratio']:>7.2f}  | {'':>8}"
            f"{naive_calls:>7}{naive_wall:>9.1f}{naive_ratio:>7.2f}  {naive_wall / r['wall']:>6.0f}x"
        )
    print("target (wall <= 1.5x floor, < 300 MB):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
