"""The sandbox's data: products and prices per mode, kept in creation order, with search snapshots.

One `threading.RLock` (`Store.lock`) guards everything; the request handler holds it for the whole
of a request, so each request sees and leaves a consistent store. Lookups by id are dict lookups;
lists walk a sorted sequence of creation numbers, so a page costs O(log n + page size).

With a state file (`persist.StateDB`, SQLite) every collection notes which objects a request
changed, and `Store.save()` writes just those rows: a write costs the same whatever the sandbox
already holds. Lookup keys and the per-product price index are rebuilt from the prices on load.

Products and prices note the state each object had before a request first touched it
(`ModeData.journal`); `events.publish` turns those notes into events, kept in `ModeData.events` for
30 days. Time comes from `Store.clock`, which tests can move.
"""

from __future__ import annotations

import bisect
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.sandbox.clock import Clock
from core.sandbox.idempotency import IdempotencyStore
from core.sandbox.persist import KINDS, StateDB, is_sqlite, migrate_json

Obj = dict[str, Any]
_Entry = tuple[float, float, Obj | None]
# (kind, id) → the object before the current request first changed it; None for a new object.
Journal = dict[tuple[str, str], Obj | None]
EVENT_RETENTION_SECONDS = 30 * 24 * 3600  # events are listed and retrievable 30 days (§4.9)


def _indexed(entry: _Entry, now: float, lag: float) -> bool:
    """A write is searchable once the lag it was made under, or the current lag, has passed."""
    written_at, indexed_at, _ = entry
    return min(indexed_at, written_at + lag) <= now


class Collection:
    """One kind of object (products or prices) in one mode.

    With a `journal`, every change notes the object's state before the request's first change.
    """

    def __init__(self, kind: str = "", journal: Journal | None = None) -> None:
        self.kind = kind
        self.journal = journal
        self.objects: dict[str, Obj] = {}
        self.seq_of: dict[str, int] = {}
        self._seqs: list[int] = []
        self._id_at: dict[int, str] = {}
        # Search sees each object's newest indexed state: (written at, indexed at, copy or None).
        self.history: dict[str, list[_Entry]] = {}
        self._history_seq: dict[str, int] = {}
        # Ids written since the state file last saw them (inserted, changed or deleted).
        self.dirty: set[str] = set()

    def __len__(self) -> int:
        return len(self.objects)

    def get(self, object_id: str) -> Obj | None:
        """The object with this id, or None."""
        return self.objects.get(object_id)

    def insert(self, obj: Obj, seq: int, now: float, lag: float) -> None:
        """Add a new object; `seq` orders it after every older one."""
        object_id = obj["id"]
        self._note(object_id)
        self.objects[object_id] = obj
        self.seq_of[object_id] = seq
        bisect.insort(self._seqs, seq)
        self._id_at[seq] = object_id
        self.history.pop(object_id, None)
        self._history_seq[object_id] = seq
        self.record_write(object_id, now, lag)

    def _note(self, object_id: str) -> None:
        if self.journal is not None:
            self.journal.setdefault((self.kind, object_id), self.objects.get(object_id))

    def replace(self, obj: Obj) -> None:
        """Put a changed copy of a stored object in its place (call `record_write` after)."""
        self._note(obj["id"])
        self.objects[obj["id"]] = obj

    def record_write(self, object_id: str, now: float, lag: float) -> None:
        """Note a write for search (the new state becomes searchable `lag` seconds from now) and
        for the state file."""
        self.dirty.add(object_id)
        obj = self.objects.get(object_id)
        entries = self.history.setdefault(object_id, [])
        entries.append((now, now + lag, dict(obj) if obj is not None else None))
        visible = [i for i, entry in enumerate(entries) if _indexed(entry, now, lag)]
        if visible and visible[-1] > 0:
            del entries[: visible[-1]]

    def load(self, obj: Obj, seq: int) -> None:
        """Add an object read back from the state file (in creation order: `seq` is the newest)."""
        object_id = obj["id"]
        self.objects[object_id] = obj
        self.seq_of[object_id] = seq
        self._seqs.append(seq)
        self._id_at[seq] = object_id
        self._history_seq[object_id] = seq
        # Loaded objects are replaced, never changed in place, so search may share them.
        self.history[object_id] = [(0.0, 0.0, obj)]

    def delete(self, object_id: str, now: float, lag: float) -> None:
        """Remove an object (search may still return it during the lag, facts §6.7)."""
        self._note(object_id)
        self.objects.pop(object_id)
        seq = self.seq_of.pop(object_id)
        index = bisect.bisect_left(self._seqs, seq)
        del self._seqs[index]
        del self._id_at[seq]
        self.record_write(object_id, now, lag)

    def newest_first(self, before_seq: int | None = None) -> Iterator[Obj]:
        """Objects from newest to oldest, starting just below `before_seq` when given."""
        end = len(self._seqs) if before_seq is None else bisect.bisect_left(self._seqs, before_seq)
        for index in range(end - 1, -1, -1):
            yield self.objects[self._id_at[self._seqs[index]]]

    def oldest_first(self, after_seq: int) -> Iterator[Obj]:
        """Objects from oldest to newest, starting just above `after_seq`."""
        start = bisect.bisect_right(self._seqs, after_seq)
        for index in range(start, len(self._seqs)):
            yield self.objects[self._id_at[self._seqs[index]]]

    def searchable(self, now: float, lag: float) -> list[Obj]:
        """What search sees now: each object's newest indexed state, newest object first."""
        found: list[tuple[int, Obj]] = []
        gone: list[str] = []
        for object_id, entries in self.history.items():
            snapshot: Obj | None = None
            seen = False
            for entry in entries:
                if _indexed(entry, now, lag):
                    snapshot, seen = entry[2], True
            if not seen:
                continue
            if snapshot is None:
                if object_id not in self.objects and _indexed(entries[-1], now, lag):
                    gone.append(object_id)
                continue
            found.append((self._history_seq[object_id], snapshot))
        for object_id in gone:
            self.history.pop(object_id, None)
            self._history_seq.pop(object_id, None)
        found.sort(key=lambda pair: pair[0], reverse=True)
        return [obj for _, obj in found]


class EventLog(Collection):
    """A mode's events, oldest first: never searched, never changed, dropped after 30 days."""

    def record_write(self, object_id: str, now: float, lag: float) -> None:
        """Only the state file needs to hear about an event (search never sees events)."""
        self.dirty.add(object_id)
        if object_id not in self.objects:
            self._history_seq.pop(object_id, None)

    def load(self, obj: Obj, seq: int) -> None:
        """Add an event read back from the state file."""
        super().load(obj, seq)
        del self.history[obj["id"]]

    def prune(self, now: float) -> None:
        """Drop the events older than Stripe's 30 days (`created` never goes backwards)."""
        expired: list[str] = []
        for event in self.oldest_first(0):
            if event["created"] >= now - EVENT_RETENTION_SECONDS:
                break
            expired.append(event["id"])
        for event_id in expired:
            self.delete(event_id, now, 0.0)


class ModeData:
    """Everything one mode (test or live) holds."""

    def __init__(self) -> None:
        self.journal: Journal = {}
        self.products = Collection("products", self.journal)
        self.prices = Collection("prices", self.journal)
        self.events = EventLog("events")
        self.lookup_keys: dict[str, str] = {}
        self.prices_by_product: dict[str, set[str]] = {}

    def add_price(self, price: Obj, seq: int, now: float, lag: float) -> None:
        """Insert a price and index its product and lookup key."""
        self.prices.insert(price, seq, now, lag)
        self.prices_by_product.setdefault(price["product"], set()).add(price["id"])
        if price.get("lookup_key"):
            self.lookup_keys[price["lookup_key"]] = price["id"]

    def load_price(self, price: Obj, seq: int) -> None:
        """Add a price read back from the state file and index it."""
        self.prices.load(price, seq)
        self.prices_by_product.setdefault(price["product"], set()).add(price["id"])
        if price.get("lookup_key"):
            self.lookup_keys[price["lookup_key"]] = price["id"]

    def collection(self, kind: str) -> Collection:
        """`products`, `prices` or `events`."""
        return {"products": self.products, "prices": self.prices, "events": self.events}[kind]


class Store:
    """Both modes' data, the creation counter and the optional state file."""

    def __init__(self, state_file: str | os.PathLike[str] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.modes: dict[bool, ModeData] = {False: ModeData(), True: ModeData()}
        self.search_lag = 0.0
        # Saved answers per idempotency key: kept in the state file too, since Stripe keeps them
        # for 24 hours whatever happens to the process (facts §7.2).
        self.idempotency = IdempotencyStore()
        self._seq = 0
        self._last_created = 0
        self.state_file = Path(state_file) if state_file is not None else None
        self._db: StateDB | None = None
        if self.state_file is not None:
            self._open(self.state_file, load=True)

    def mode(self, livemode: bool) -> ModeData:
        """The data of test mode (False) or live mode (True)."""
        return self.modes[livemode]

    def now(self) -> float:
        """The sandbox's current time (`clock`: the wall clock unless a test moved it)."""
        return self.clock.now()

    def next_created(self) -> tuple[int, int]:
        """A new creation number and `created` timestamp; both never go backwards."""
        self._seq += 1
        self._last_created = max(self._last_created, int(self.now()))
        return self._seq, self._last_created

    @property
    def rows_written(self) -> int:
        """Rows the state file has had written since it was opened (0 without one)."""
        return 0 if self._db is None else self._db.rows_written

    def save(self) -> None:
        """Write what changed since the last save to the state file, if one is configured."""
        with self.lock:
            upserts: list[tuple[bool, str, str, int, Obj]] = []
            deletes: list[tuple[bool, str, str]] = []
            for livemode, data in self.modes.items():
                for kind in KINDS:
                    coll = data.collection(kind)
                    for oid in coll.dirty:
                        obj = coll.objects.get(oid)
                        if obj is None:
                            deletes.append((livemode, kind, oid))
                        else:
                            upserts.append((livemode, kind, oid, coll.seq_of[oid], obj))
                    coll.dirty.clear()
            if self._db is None and self.state_file is not None:
                self._open(self.state_file, load=False)  # closed by a stop; serving again
            answers = self.idempotency.take()
            if self._db is None:
                return
            self._db.write(upserts, deletes, (self._seq, self._last_created), answers)
            now = time.time()  # idempotency's 24 hours run on the wall clock
            if self.idempotency.prune_due(now):
                self._db.prune(now)

    def persist_to(self, path: str | os.PathLike[str]) -> None:
        """Keep the state in `path` from now on, starting with everything held now (a file
        already there is replaced)."""
        with self.lock:
            self.close()
            target = Path(path)
            for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)
            self._open(target, load=False)
            for data in self.modes.values():
                for kind in KINDS:
                    data.collection(kind).dirty.update(data.collection(kind).objects)
            self.save()

    def close(self) -> None:
        """Write what is pending and close the state file (`reopen` or the next save opens it
        again)."""
        with self.lock:
            if self._db is None:
                return
            self.save()
            self._db.close()
            self._db = None
            self.idempotency.attach(None)

    def reopen(self) -> None:
        """Open the state file again after `close` (nothing is reloaded: memory is current)."""
        with self.lock:
            if self._db is None and self.state_file is not None:
                self._open(self.state_file, load=False)

    def _open(self, path: Path, load: bool) -> None:
        if path.exists() and not is_sqlite(path):
            migrate_json(path)  # the old whole-file JSON format, read once
        self._db = StateDB(path)
        self.state_file = path
        self.idempotency.attach(self._db)
        if load:
            self._load(self._db)

    def _load(self, db: StateDB) -> None:
        """Read the objects back in chunks (idempotency answers stay in the file until asked)."""
        self._seq, self._last_created = db.counters()
        for livemode, data in self.modes.items():
            for seq, obj in db.objects(livemode, "products"):
                data.products.load(obj, seq)
            for seq, obj in db.objects(livemode, "prices"):
                data.load_price(obj, seq)
            for seq, obj in db.objects(livemode, "events"):
                data.events.load(obj, seq)
            data.events.prune(self.now())
