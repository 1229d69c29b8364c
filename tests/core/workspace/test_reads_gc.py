"""A read pauses the cyclic collector; what it made must not be left for one young collection to
walk when collection resumes (that walk held the GIL for 50-80 ms at 30,000 products, and the
window waited on it)."""

from __future__ import annotations

import gc

from core.runtime.heap import collections_paused


def test_what_a_paused_read_made_is_not_left_young() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with collections_paused():
        assert not gc.isenabled()
        made = [[i] for i in range(50_000)]  # tracked containers, as rows and records are
    assert gc.isenabled()
    assert gc.get_count()[0] < 1_000  # not 50,000 objects waiting for the next collection
    assert gc.get_freeze_count() >= frozen + len(made)
    assert made[-1] == [49_999]  # still alive and usable (freed by reference counting later)


def test_a_read_inside_one_already_paused_leaves_the_collector_off() -> None:
    gc.disable()
    try:
        with collections_paused():
            pass
        assert not gc.isenabled()  # the outer pause decides when to resume
    finally:
        gc.enable()
