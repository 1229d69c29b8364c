"""Benchmark: a sync against a fresh sandbox vs one that has lived (10,000 products, a day of keys).

The scale issue: the sandbox rewrote its whole JSON state file after every write, idempotency
answers included, so a sync slowed down as the sandbox filled up. For each sync size (a third of
the products with three colour variants; 100 products = ~200 writes, 500 = ~1,000 writes) this runs
the engine's first sync against (a) a sandbox with an empty state file and (b) one whose state file
holds `--seed` products with a price each and `--answers` idempotency answers, each sandbox in its
own process with its own file. It reports the sync's wall time, the CPU the sandbox process spent
during it, the time the sandbox took to start (load its file) and the state file's size, and the
ratio b/a (target: wall time b/a ≤ 1.5). The sync reads the whole account first (one list call per
100 objects), so (b) also reads its 20,000 objects: the table splits the wall time into that read
(until the first write) and the writes, whose cost is what the state file decides.
`--seed-mode live` puts the held data in the other mode, so both syncs read the same and the
ratio isolates the state file.

`--legacy` also runs the old behaviour (the whole JSON document rewritten after each write, kept
here as `LegacyJsonStore`) as the "before" rows, for sizes up to `--legacy-max` (it takes minutes).

    .venv/bin/python benchmarks/sandbox_bench.py                       # 100 and 500 products
    .venv/bin/python benchmarks/sandbox_bench.py --legacy --sizes 100
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.sandbox.call import Call, random_id  # noqa: E402 - after the path set-up
from core.sandbox.idempotency import Saved, fingerprint  # noqa: E402
from core.sandbox.products import create as create_product  # noqa: E402
from core.sandbox.products import update as update_product  # noqa: E402
from core.sandbox.store import Store  # noqa: E402

KEY = "sk_test_benchmark12345678"
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# -- the old behaviour, as the baseline ---------------------------------------------------------


class LegacyJsonStore(Store):
    """The sandbox's store before the scale issue: one JSON document rewritten after each write."""

    def __init__(self, path: Path) -> None:
        super().__init__(None)
        self.legacy_path = path
        if path.exists():
            self._load_legacy(json.loads(path.read_text(encoding="utf-8")))

    def save(self) -> None:
        """Clear the change marks, then write everything, as the old `Store.save` did."""
        with self.lock:
            super().save()
            write_legacy_json(self, self.legacy_path)

    def _load_legacy(self, state: dict[str, Any]) -> None:
        self._seq = int(state["seq"])
        self._last_created = int(state["last_created"])
        for live, key, print_, status, body, rid, at in state["idempotency"]:
            saved = Saved(bytes.fromhex(print_), status, body, rid, at)
            self.idempotency._saved[(bool(live), key)] = saved
        for name, livemode in (("test", False), ("live", True)):
            data = self.mode(livemode)
            for seq, obj in sorted(state["modes"][name]["products"], key=lambda p: p[0]):
                data.products.load(obj, seq)
            for seq, obj in sorted(state["modes"][name]["prices"], key=lambda p: p[0]):
                data.load_price(obj, seq)


def write_legacy_json(store: Store, path: Path) -> None:
    """The old state file: everything, answers with their bodies, via a temp file + os.replace."""
    state = {
        "version": 1,
        "seq": store._seq,
        "last_created": store._last_created,
        "idempotency": [
            [live, key, print_.hex(), status, body, rid, at]
            for live, key, print_, status, body, rid, at in store.idempotency.rows()
        ],
        "modes": {
            name: {
                kind: [[coll.seq_of[oid], obj] for oid, obj in coll.objects.items()]
                for kind, coll in (("products", data.products), ("prices", data.prices))
            }
            for name, data in (("test", store.mode(False)), ("live", store.mode(True)))
        },
    }
    fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    os.replace(tmp, path)


# -- seeding a sandbox that has lived -----------------------------------------------------------


def seed(path: Path, products: int, answers: int, legacy: bool, livemode: bool = False) -> float:
    """Fill a state file through the sandbox's own endpoint code (no HTTP): `products` products
    with a price each, and `answers` idempotency answers (a create each, then metadata updates)."""
    started = time.perf_counter()
    store = Store(None)
    with store.lock:
        ids = []
        for i in range(products):
            params = {
                "id": f"seed-{i:05d}",
                "name": f"Earlier product {i}",
                "description": f"Made on an earlier day, number {i}",
                "metadata": {"local_id": f"old-{i:05d}"},
                "default_price_data": {"currency": "usd", "unit_amount": str(500 + i)},
            }
            body = create_product(Call(store, livemode, params))
            ids.append(body["id"])
            if i < answers:
                print_ = fingerprint("POST", "/v1/products", params)
                rid = random_id("req_")
                store.idempotency.save(livemode, f"create-{i}", print_, 200, body, rid)
        for j in range(max(0, answers - products)):
            product_id = ids[j % len(ids)]
            params = {"metadata": {"touched": str(j)}}
            call = Call(store, livemode, params, object_id=product_id)
            body = update_product(call)
            print_ = fingerprint("POST", f"/v1/products/{product_id}", params)
            rid = random_id("req_")
            store.idempotency.save(livemode, f"update-{j}", print_, 200, body, rid)
        if legacy:
            store.save()
            write_legacy_json(store, path)
        else:
            store.persist_to(path)
            store.close()
    return time.perf_counter() - started


# -- the sandbox in its own process -------------------------------------------------------------


def serve(state: Path, legacy: bool, rate_limit: float) -> int:
    """Child process: serve a sandbox on the given state file until SIGTERM."""
    from core.sandbox import SandboxServer

    started = time.perf_counter()
    if legacy:
        server = SandboxServer(port=0, rate_limit=rate_limit)
        server.store = LegacyJsonStore(state)
        server.idempotency = server.store.idempotency
    else:
        server = SandboxServer(port=0, rate_limit=rate_limit, state_file=state)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"serving {server.url} loaded in {time.perf_counter() - started:.3f}", flush=True)
    while not stop.wait(0.2):
        pass
    server.stop()
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


@dataclass
class Run:
    """One sync against one sandbox."""

    writes: int
    wall: float
    read: float  # until the first write: the bulk read of the account
    cpu: float
    start: float
    size_mb: float


def run_sync(state: Path, legacy: bool, size: int, rate_limit: float) -> Run:
    """Start a sandbox on `state`, run a first sync of `size` products against it, stop it."""
    from benchmarks.sync_bench import make_catalog
    from core import sync_products_to_stripe
    from core.engine.gateway import StripeGateway

    cmd = [sys.executable, __file__, "--serve", str(state), "--rate-limit", str(rate_limit)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd + (["--legacy"] if legacy else []), stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    start = time.perf_counter() - t0
    found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
    if not found:
        proc.kill()
        raise SystemExit(f"the sandbox did not start: {line!r}")
    try:
        limit = rate_limit * 0.9 if rate_limit else 0
        gateway = StripeGateway.create(KEY, api_base=found.group(1), rate_limit=limit)
        cpu_before = cpu_seconds(proc.pid)
        first_write: list[float] = []
        t1 = time.perf_counter()
        results = sync_products_to_stripe(
            make_catalog(size),
            gateway=gateway,
            on_write=lambda _record: first_write or first_write.append(time.perf_counter()),
        )
        wall = time.perf_counter() - t1
        read = (first_write[0] if first_write else t1 + wall) - t1
        cpu = cpu_seconds(proc.pid) - cpu_before
        failed = [r for r in results if r.action == "failed"]
        if failed:
            raise SystemExit(f"{len(failed)} products failed, e.g. {failed[0]}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    return Run(gateway.stats.writes, wall, read, cpu, start, state.stat().st_size / 1e6)


def main() -> int:
    """Parse flags, seed the lived-in state once per format, run the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500", help="products per sync (500 ≈ 1,000 writes)")
    parser.add_argument("--seed", type=int, default=10_000, help="products already held (b)")
    parser.add_argument("--answers", type=int, default=20_000, help="idempotency answers held (b)")
    parser.add_argument(
        "--seed-mode",
        choices=["test", "live"],
        default="test",
        help="mode of the held data (b): test = the sync's own (default), live = the other one",
    )
    parser.add_argument("--rate-limit", type=float, default=0.0, help="sandbox limit/s (0 = off)")
    parser.add_argument("--legacy", action="store_true", help="also run the old whole-file JSON")
    parser.add_argument("--legacy-max", type=int, default=100, help="largest --legacy sync size")
    parser.add_argument("--workdir", help="keep the state files here")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(Path(args.serve), args.legacy, args.rate_limit)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ssa-sandbox-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    formats = [("sqlite", False)] + ([("json (old)", True)] if args.legacy else [])
    rows = []
    for label, legacy in formats:
        lived = workdir / f"lived-{'json' if legacy else 'sqlite'}"
        took = seed(lived, args.seed, args.answers, legacy, args.seed_mode == "live")
        print(
            f"seeded {label}: {args.seed} products, {args.answers} answers, "
            f"{lived.stat().st_size / 1e6:.1f} MB in {took:.1f} s",
            file=sys.stderr,
        )
        for size in sizes:
            if legacy and size > args.legacy_max:
                continue
            fresh_file = workdir / f"fresh-{label[:4]}-{size}"
            fresh_file.unlink(missing_ok=True)
            if legacy:
                write_legacy_json(Store(None), fresh_file)
            lived_file = workdir / f"run-{label[:4]}-{size}"
            shutil.copy(lived, lived_file)
            a = run_sync(fresh_file, legacy, size, args.rate_limit)
            b = run_sync(lived_file, legacy, size, args.rate_limit)
            rows.append((label, size, a, b))
    limit = f"{args.rate_limit:.0f}/s" if args.rate_limit else "off"
    print(
        f"\nfirst sync, sandbox in its own process (rate limit {limit}); (a) fresh state file, "
        f"(b) {args.seed:,} products + {args.answers:,} idempotency answers in {args.seed_mode} "
        "mode; wall = read (until the first write) + writes"
    )
    header = (
        f"{'format':<11}{'products':>9}{'writes':>7} |{'start':>6}{'wall':>7}{'read':>6}{'CPU':>6}"
        f"{'MB':>6} (a) |{'start':>6}{'wall':>7}{'read':>6}{'CPU':>6}{'MB':>6} (b) |"
        f"{'wall':>6}{'writes':>7}{'CPU':>6} b/a"
    )
    print(header + "\n" + "-" * len(header) + "   (seconds; MB after the sync)")
    ok = True
    for label, size, a, b in rows:
        ratio = b.wall / a.wall
        writing = (b.wall - b.read) / max(a.wall - a.read, 1e-3)
        ok &= legacy_row(label) or ratio <= 1.5
        print(
            f"{label:<11}{size:>9}{a.writes:>7} |{a.start:>6.2f}{a.wall:>7.2f}{a.read:>6.2f}"
            f"{a.cpu:>6.2f}{a.size_mb:>6.1f}     |{b.start:>6.2f}{b.wall:>7.2f}{b.read:>6.2f}"
            f"{b.cpu:>6.2f}{b.size_mb:>6.1f}     |{ratio:>6.2f}{writing:>7.2f}"
            f"{b.cpu / max(a.cpu, 0.01):>6.2f}"
        )
    print("target (sqlite: wall b/a <= 1.5):", "met" if ok else "NOT met")
    return 0 if ok else 1


def legacy_row(label: str) -> bool:
    """The old format's rows are the "before": not held to the target."""
    return label != "sqlite"


if __name__ == "__main__":
    raise SystemExit(main())
