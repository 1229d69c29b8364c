"""How the window copes with a big catalog: fill, sort, filter, and GUI-thread stalls during a sync.

Run by hand (offscreen unless a display is set):  .venv/bin/python benchmarks/gui_bench.py
Targets: fill and show 10,000 products < 1 s; sort / filter < 200 ms; longest GUI stall during a
1,000-product sandbox sync < 100 ms. Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_tmp = tempfile.mkdtemp(prefix="gui-bench-")
for _var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_tmp, _var.lower())  # never touch the operator's own files

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from core.engine.types import FieldDiff  # noqa: E402
from core.reconcile.rows import ProductRow  # noqa: E402
from gui.models.product_filter import ProductFilterProxy  # noqa: E402
from gui.models.product_table import Column, ProductTableModel  # noqa: E402

STATES = ["in_sync"] * 6 + ["differs", "differs", "missing", "not_ready", "archived", "failed"]


def fake_rows(n: int) -> list[ProductRow]:
    """n products with a realistic mix of states, prices and differences."""
    rng = random.Random(7)
    rows = []
    for i in range(n):
        state = rng.choice(STATES)
        local = rng.randrange(100, 100_000)
        stripe = local + 500 if state == "differs" else (None if state == "missing" else local)
        diffs = [FieldDiff(field="price", local=str(local), stripe=str(stripe))]
        rows.append(
            ProductRow(
                product_id=f"prod-{i:05d}",
                name=f"Product {rng.randrange(1_000_000)} {rng.choice(['mug', 'panel', 'cable'])}",
                state=state,  # type: ignore[arg-type]
                local_price_cents=local,
                stripe_price_cents=stripe,
                sell_status="available",
                stripe_status="missing" if state == "missing" else "active",
                differences=diffs if state == "differs" else [],
                error="refused" if state == "failed" else None,
                last_synced_at=datetime.fromtimestamp(1_700_000_000 + i * 60, UTC),
            )
        )
    return rows


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds fn takes."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench_table(app: QApplication, n: int) -> list[tuple[str, float, float]]:
    rows = fake_rows(n)
    model = ProductTableModel()
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.verticalHeader().hide()
    view.resize(1300, 800)

    def fill_and_show() -> None:
        model.set_rows(rows)
        view.show()
        view.repaint()
        app.processEvents()

    results = [(f"fill + show {n:,} products", timed(fill_and_show), 1000.0)]
    worst_sort = 0.0
    for column in Column:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            worst_sort = max(worst_sort, timed(lambda c=column, o=order: proxy.sort(c, o)))
    results.append(("sort, slowest column/order", worst_sort, 200.0))
    results.append(("filter: text '12'", timed(lambda: proxy.set_text("12")), 200.0))
    results.append(("filter: + state differs", timed(lambda: proxy.set_state("differs")), 200.0))
    results.append(
        ("filter: clear both", timed(lambda: (proxy.set_text(""), proxy.set_state("all"))), 200.0)
    )
    view.close()
    return results


def make_catalog(n: int) -> str:
    from core.catalog.importer import import_file
    from core.catalog.store import CatalogStore

    path = Path(_tmp) / "bench.json"
    products = [
        {
            "id": f"bench-{i:04d}",
            "name": f"Bench product {i}",
            "base_price_cents": 1000 + i,
            "sell_status": "available",
            "dev_status": 5,
            "is_live": True,
        }
        for i in range(n)
    ]
    path.write_text(json.dumps({"products": products}))
    url = f"sqlite:///{Path(_tmp) / 'bench.db'}"
    store = CatalogStore.open(url)
    try:
        import_file(store, path)
    finally:
        store.close()
    return url


def external_sandbox() -> tuple[str, subprocess.Popen[bytes]]:
    """Start the sandbox in its own process (as real Stripe is: not sharing our GIL)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "sandbox", "--port", str(port), "--rate-limit", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return url, proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the external sandbox did not start")


class GcLog:
    """Every garbage collection while active: (start, end, generation, thread name)."""

    def __init__(self) -> None:
        self.events: list[tuple[float, float, int, str]] = []
        self._started: dict[int, float] = {}

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        ident = threading.get_ident()
        if phase == "start":
            self._started[ident] = now
        elif ident in self._started:
            name = threading.current_thread().name
            self.events.append((self._started.pop(ident), now, info["generation"], name))

    def __enter__(self) -> GcLog:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def explain(
        self, gaps: list[tuple[float, float]], where: str, start: float, end: float
    ) -> None:
        """Print the GUI thread's longest gaps and the collections (any thread) inside them."""
        by_gen = [[e[1] - e[0] for e in self.events if e[2] == g] for g in range(3)]
        print(f"\n[{where}] collections during the run (count, total ms, longest ms):")
        for gen, times in enumerate(by_gen):
            if times:
                print(f"  gen{gen}: {len(times)}, {sum(times) * 1e3:.0f}, {max(times) * 1e3:.1f}")
        print(f"[{where}] GUI-thread gaps over 30 ms: {len(gaps)}; the longest:")
        for g0, g1 in sorted(gaps, key=lambda g: g[0] - g[1])[:8]:
            inside = [e for e in self.events if e[1] > g0 and e[0] < g1]
            gc_ms = sum(min(e[1], g1) - max(e[0], g0) for e in inside) * 1e3
            what = ", ".join(f"gen{e[2]} {(e[1] - e[0]) * 1e3:.0f} ms ({e[3]})" for e in inside)
            print(
                f"  {(g1 - g0) * 1e3:6.1f} ms at {g0 - start:5.2f}-{g1 - start:5.2f} s "
                f"(run over at {end - start:.2f} s), in gc {gc_ms:5.1f} ms  {what[:120]}"
            )


def bench_sync_stall(
    app: QApplication, n: int, external: bool, explain: bool = False
) -> list[tuple[str, float, float]]:
    """Longest gap between 5 ms timer ticks while the window plans and syncs n products."""
    from core.workspace import Workspace
    from gui.app import make_key_reader, make_opener
    from gui.main_window import MainWindow
    from gui.session import Session
    from gui.settings_store import SettingsStore

    url = make_catalog(n)
    proc = None
    where = "in-process sandbox"
    opener = make_opener(url)
    if external:
        api_base, proc = external_sandbox()
        where = "sandbox in its own process"

        def opener(mode, key):  # type: ignore[no-untyped-def]
            return Workspace.open(
                db_url=url,
                mode="test",
                api_key="sk_test_benchmark0000",
                api_base=api_base,
                rate_limit=1000,
            )

    session = Session(opener, make_key_reader(None))
    window = MainWindow(session, SettingsStore())
    window.show()
    clock = QElapsedTimer()
    stalls = {"max": 0.0, "last": 0.0}
    gaps: list[tuple[float, float]] = []  # (start, end) perf_counter seconds of gaps > 30 ms
    last_tick = [0.0]

    def tick() -> None:
        now = clock.elapsed()
        stalls["max"] = max(stalls["max"], now - stalls["last"])
        stalls["last"] = now
        when = time.perf_counter()
        if when - last_tick[0] > 0.030:
            gaps.append((last_tick[0], when))
        last_tick[0] = when

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    state = {"phase": "open"}

    def wait_for(predicate: Callable[[], bool], seconds: float) -> None:
        end = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > end:
                raise SystemExit(f"timed out in phase {state['phase']}: {window.status.text()}")
            app.processEvents()
            time.sleep(0.001)

    window.start()
    wait_for(lambda: window.model.rowCount() >= n and not session.busy, 120)
    # The operator's flow: Sync all changes…, the plan dialog, Apply. Stalls are measured from
    # Apply until the run is over and the table refreshed.
    state["phase"] = "plan"
    asked = time.perf_counter()
    window.actions.sync_all.trigger()
    wait_for(lambda: window.plan_dialog is not None, 300)
    dialog_shown = time.perf_counter() - asked
    dialog = window.plan_dialog
    assert dialog is not None
    finished: list[float] = []
    session.run_finished.connect(lambda _o: finished.append(time.perf_counter()))
    collections = GcLog()
    clock.start()
    timer.start()
    start = last_tick[0] = time.perf_counter()
    state["phase"] = "sync"
    with collections:
        dialog.apply.click()
        clicked = time.perf_counter() - start
        wait_for(lambda: bool(finished) and not session.busy, 900)
        app.processEvents()
    timer.stop()
    if explain:
        print(f"\n[{where}] the Apply click itself took {clicked * 1e3:.1f} ms on the GUI thread")
        collections.explain(gaps, where, start, finished[0])
    took = finished[0] - start
    window.close()  # closes once the worker has closed the workspace
    wait_for(lambda: not window.isVisible(), 60)
    if proc is not None:
        proc.terminate()
        proc.wait(10)
    in_sync = sum(1 for r in window.model.rows() if r.state == "in_sync")
    return [
        (f"plan {n:,} products, show the dialog (s, {where})", dialog_shown, float("nan")),
        (f"sync {n:,} products (s, {in_sync} in sync after)", took, float("nan")),
        (f"longest GUI-thread stall during it ({where})", stalls["max"], 100.0),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--sync", type=int, default=1_000, help="products to sync (0: skip)")
    parser.add_argument(
        "--sandbox",
        choices=["in-process", "external", "both"],
        default="both",
        help="where the sandbox runs during the sync benchmark",
    )
    parser.add_argument(
        "--explain", action="store_true", help="list the longest GUI gaps and the GCs inside them"
    )
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    results = bench_table(app, args.rows)
    if args.sync and args.sandbox in ("external", "both"):
        results += bench_sync_stall(app, args.sync, external=True, explain=args.explain)
    if args.sync and args.sandbox in ("in-process", "both"):
        results += bench_sync_stall(app, args.sync, external=False, explain=args.explain)
    width = max(len(name) for name, _, _ in results)
    print(f"{'measure'.ljust(width)}  {'value':>10}  {'target':>8}  ok")
    ok = True
    for name, value, target in results:
        unit_target = "-" if target != target else f"{target:.0f} ms"
        passed = target != target or value < target
        ok &= passed
        shown = f"{value:.1f} s" if target != target else f"{value:.1f} ms"
        print(f"{name.ljust(width)}  {shown:>10}  {unit_target:>8}  {'yes' if passed else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
