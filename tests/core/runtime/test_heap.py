"""`let_go`: big containers emptied in place a piece at a time, their items freed as they go."""

from __future__ import annotations

import sys
import threading
import weakref

from core.runtime.heap import let_go


class Item:
    """Something that can be watched being freed."""


def test_lists_dicts_and_sets_are_emptied_and_what_only_they_held_is_freed() -> None:
    items = [Item() for _ in range(3)]
    watched = [weakref.ref(i) for i in items]
    kept = Item()
    as_list = [*items, kept]
    as_dict = {i: item for i, item in enumerate(items)}
    as_set = set(items)
    del items
    let_go(as_list, as_dict, as_set)
    assert as_list == [] and as_dict == {} and as_set == set()
    assert all(ref() is None for ref in watched)
    assert isinstance(kept, Item)  # held elsewhere: left alive


def test_other_objects_are_left_as_they_are() -> None:
    text, pair = "abc", (1, 2)
    let_go(text, pair, None)
    assert text == "abc" and pair == (1, 2)


def test_another_thread_runs_while_a_big_list_is_let_go() -> None:
    """The point of it: freeing goes through the interpreter's loop, which hands the GIL over
    (`del` or `clear()` of the list frees everything inside one C call: no one sees it half
    empty)."""
    size = 300_000
    big = [[i] for i in range(size)]
    seen: set[int] = set()
    started = threading.Event()

    def other() -> None:
        started.set()
        while big:
            seen.add(len(big))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand over at every chance
    try:
        thread = threading.Thread(target=other)
        thread.start()
        started.wait()
        let_go(big)
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert big == []
    assert any(0 < n < size for n in seen)  # it ran while the list was half let go
