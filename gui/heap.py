"""Keeping Python's runtime (the cyclic garbage collector, the GIL) from freezing the window.

A collection runs on whichever thread happens to allocate when a threshold is crossed, and holds the
GIL for its whole pass: the GUI thread cannot run a single Python slot (nor the table model's
`data()`) meanwhile. A full (generation-2) collection walks every tracked object not frozen; with
tens of thousands of rows, Qt and the Stripe SDK loaded that took 60-1,000 ms on the worker thread
in the middle of a read or a sync (benchmarks/gui_bench.py --explain). The worker runs whole-catalog
reads in `core.runtime.heap.collections_paused` (core's reads use it too) and runs with
`young_collections_only`.

The GIL: painting the table calls into Python once per cell (`ProductTableModel.multiData`), and
each call takes the GIL back from whichever thread holds it. A busy worker (a read, a plan, the
in-process sandbox) kept it up to CPython's switch interval, 5 ms, each time: a 40-row repaint
took 87 ms instead of 11 beside a busy thread. `share_the_gil` shortens the interval for the app.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# Generation-2 threshold during a run: the run's own allocations never trigger a full collection
# (young collections, which walk only the newest objects, go on as usual).
_RUN_FULL_THRESHOLD = 1_000_000

# How long a thread may keep the GIL while another waits for it (CPython's default is 5 ms).
# Measured with a busy worker: 5 ms -> a repaint of 87-104 ms; 1 ms -> 49; 0.5 ms -> 38;
# 0.1 ms -> 21. 0.5 ms keeps the worker's own overhead small (a switch costs microseconds).
GUI_SWITCH_INTERVAL = 0.0005


def share_the_gil() -> None:
    """Let the GUI thread get the GIL within half a millisecond of asking (call once, at start)."""
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)


def settle_heap() -> None:
    """Keep what is alive now (modules, the workspace, the rows just shown) out of later GC passes.

    Frozen objects are still freed by reference counting when the table lets go of them (rows hold
    no cycles); only cyclic garbage that happens to be alive right now is kept.
    """
    gc.freeze()


@contextmanager
def young_collections_only() -> Iterator[None]:
    """Run a block (a sync or archive run) with young collections only.

    A 1,000-product run allocates a few objects per request that outlive a young collection
    (results, the journal's records); every few hundred requests that triggered a full collection,
    each a GIL-holding stall of the window. Young collections still free the run's short-lived
    cycles (responses, exceptions); what reaches the old generation waits for the freeze that
    follows the rows read after the run (a bounded amount per run, where a stall is not bounded).
    """
    first, second, third = gc.get_threshold()
    gc.set_threshold(first, second, max(third, _RUN_FULL_THRESHOLD))
    try:
        yield
    finally:
        gc.set_threshold(first, second, third)
