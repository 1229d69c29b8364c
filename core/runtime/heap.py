"""Python's heap without long stalls for other threads: big containers let go a piece at a time
(`let_go`), and whole-catalog reads run without the cyclic collector (`collections_paused`).

CPython frees a container's items inside the one C call that drops the container, holding the GIL
throughout: a list or dict of 30,000 rows, plans or records took 15-60 ms to free, and several of
them going out of scope together (a function's locals at its return) 50-130 ms, in which no other
thread could run a line of Python. The window's GUI thread needs the GIL for every table cell it
paints (gui.heap), so a worker that let a read's results go at once froze the window for that long
(benchmarks/gui_bench.py at 30,000 products). `let_go` empties a container item by item in
ordinary Python, which hands the GIL over between items like any other loop.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def let_go(*containers: Any) -> None:
    """Empty each list, dict or set given (in place), freeing what only it held one item at a
    time. Other objects are left as they are."""
    for container in containers:
        if isinstance(container, list):
            while container:
                container.pop()
        elif isinstance(container, dict):
            while container:
                container.popitem()
        elif isinstance(container, set):
            while container:
                container.pop()


@contextmanager
def collections_paused() -> Iterator[None]:
    """Run a block (a read of the whole catalog) without the cyclic collector; after it, freeze
    what it made and resume collecting, if it was on (an outer pause decides otherwise).

    Building 10,000 rows makes a few hundred thousand long-lived objects; as the heap grows, Python
    walked all of it again every time it grew by a quarter: 0.3-0.5 s of a 10,000-product status
    (benchmarks/catalog_bench.py), each full pass holding the GIL (150-250 ms in which the window
    could not paint). Resuming with all of it still "young" would have the first allocation after
    walk it in one young collection (50-80 ms at 30,000 products): it is frozen instead. Frozen
    objects are freed by reference counting as usual, only never walked again; what a read makes
    is not cyclic garbage, and cyclic garbage alive at that moment is kept for good (the trade).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
