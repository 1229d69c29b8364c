"""Letting go of big containers a piece at a time, so freeing them never stalls other threads.

CPython frees a container's items inside the one C call that drops the container, holding the GIL
throughout: a list or dict of 30,000 rows, plans or records took 15-60 ms to free, and several of
them going out of scope together (a function's locals at its return) 50-130 ms, in which no other
thread could run a line of Python. The window's GUI thread needs the GIL for every table cell it
paints (gui.heap), so a worker that let a read's results go at once froze the window for that long
(benchmarks/gui_bench.py at 30,000 products). `let_go` empties a container item by item in
ordinary Python, which hands the GIL over between items like any other loop.
"""

from __future__ import annotations

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
