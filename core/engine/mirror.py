"""A persisted mirror of one Stripe account's products and prices in one mode, kept by events.

The mirror is a SQLite file (`core.paths.mirror_file`): one row per product and per price (the
engine's `RemoteProduct` / `RemotePrice` as JSON), the cursor (the newest event applied, with its
time), when everything was last read in full and when the mirror was last brought up to date, and
per product the newest change made elsewhere than this tool (for "changed in Stripe at 14:02, not
by this tool"). A change is the tool's when the caller finds its request id in the journal
(`Ours`), or when its idempotency key is of the tool's own recipe (`ssa1-…`, never journaled): the
latter also covers a write another process of the tool made whose journal row is not written yet.

`core.engine.refresh.refresh_remote` reads the events since the cursor and applies them here,
page by page: each page in one transaction that also moves the cursor, and only when the cursor is
still where that refresh found it (another process — the window, a `watch` — may refresh the same
file; the loser reloads and goes on from the winner's cursor, so an older event is never applied
over a newer state). Products and prices are also kept in memory, as a `RemoteCatalog` updated
with `add`; a copy is handed out, so a caller's catalog never changes under it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.engine.convert import remote_price, remote_product
from core.engine.events import AppliedEvent, FieldChange, StripeEvent, changed_fields
from core.engine.idempotency import KEY_PREFIX
from core.engine.types import RemoteCatalog, RemotePrice, RemoteProduct
from core.runtime.heap import let_go

FORMAT = "1"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS products (id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS prices (id TEXT PRIMARY KEY, product TEXT NOT NULL, "
    "body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS changes (product TEXT PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT)",
)

# Request ids → those this tool made (found in the journal); the workspace provides it.
Ours = Callable[[Collection[str]], Collection[str]]


@dataclass(frozen=True)
class MirrorState:
    """Where the mirror stands. `filled`: everything was read once; `cursor`: the newest event
    applied (None: there was none); `events_readable`: the key could list events last time."""

    filled: bool = False
    cursor: str | None = None
    cursor_created: int = 0
    full_read_at: float = 0.0
    refreshed_at: float = 0.0
    events_readable: bool = True
    generation: int = 0


class StripeMirror:
    """One account+mode's mirror file; see the module docstring. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        for statement in _SCHEMA:
            self._conn.execute(statement)
        if self._state_values().get("format", FORMAT) != FORMAT:
            self._clear_all()
        self._generation = -1  # what the memory holds (-1: nothing loaded yet)
        self._catalog = RemoteCatalog()
        # Product id → its prices by id, only where `_catalog`'s product does not say (a product
        # changed by events, or prices whose product the mirror lacks): see `_unit`.
        self._prices: dict[str, dict[str, RemotePrice]] = {}

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()

    # -- reading --------------------------------------------------------------------------------

    def _state_values(self) -> dict[str, str]:
        rows = self._conn.execute("SELECT key, value FROM state").fetchall()
        return {str(k): str(v) for k, v in rows if v is not None}

    def state(self) -> MirrorState:
        """The mirror's state as the file has it now."""
        with self._lock:
            values = self._state_values()
        return MirrorState(
            filled=values.get("filled") == "1",
            cursor=values.get("cursor") or None,
            cursor_created=int(values.get("cursor_created") or 0),
            full_read_at=float(values.get("full_read_at") or 0),
            refreshed_at=float(values.get("refreshed_at") or 0),
            events_readable=values.get("events_readable", "1") == "1",
            generation=int(values.get("generation") or 0),
        )

    def catalog(self, read_calls: int = 0) -> RemoteCatalog:
        """The products (each with its prices) as the mirror holds them: a copy."""
        with self._lock:
            self._load()
            return RemoteCatalog(products=dict(self._catalog.products), read_calls=read_calls)

    def external_changes(self) -> dict[str, AppliedEvent]:
        """Stripe product id → the newest change to it (or its prices) not made by this tool."""
        with self._lock:
            rows = self._conn.execute("SELECT product, body FROM changes").fetchall()
        return {str(product): _change_from_json(json.loads(body)) for product, body in rows}

    def _load(self) -> None:
        """Bring the memory up to the file (another process may have refreshed it)."""
        generation = int(self._state_values().get("generation") or 0)
        if generation == self._generation:
            return
        # Prices first, so each product is made once, with its prices (no copy of every product).
        self._prices = {}
        for (body,) in self._conn.execute("SELECT body FROM prices"):
            price = RemotePrice.model_validate_json(body)
            self._prices.setdefault(price.product, {})[price.id] = price
        products: dict[str, RemoteProduct] = {}
        for pid, body in self._conn.execute("SELECT id, body FROM products"):
            data = json.loads(body)
            data["prices"] = tuple(self._prices.pop(str(pid), {}).values())
            products[str(pid)] = RemoteProduct.model_validate(data)
        old, self._catalog = self._catalog, RemoteCatalog(products=products)
        let_go(old.products)  # `_prices` now holds what no product holds
        self._generation = generation

    # -- writing --------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            self._generation = -1  # the memory may hold part of what was rolled back
            raise
        conn.execute("COMMIT")

    def _set(self, conn: sqlite3.Connection, **values: object) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
            [(k, None if v is None else str(v)) for k, v in values.items()],
        )

    def _bump(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM state WHERE key = 'generation'").fetchone()
        self._generation = int(row[0] if row and row[0] else 0) + 1
        self._set(conn, generation=self._generation)

    def _clear_all(self) -> None:
        with self._transaction() as conn:
            for table in ("products", "prices", "changes", "state"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            self._set(conn, format=FORMAT)

    def replace(
        self,
        remote: RemoteCatalog,
        *,
        cursor: StripeEvent | None,
        events_readable: bool,
        at: float,
    ) -> None:
        """Replace everything with a full read; `cursor`: the newest event listed before it."""
        with self._lock, self._transaction() as conn:
            conn.execute("DELETE FROM products")
            conn.execute("DELETE FROM prices")
            # Generators: one row's JSON at a time, not every product's at once.
            conn.executemany(
                "INSERT INTO products (id, body) VALUES (?, ?)",
                ((p.id, p.model_dump_json(exclude={"prices"})) for p in remote.products.values()),
            )
            conn.executemany(
                "INSERT INTO prices (id, product, body) VALUES (?, ?, ?)",
                (
                    (price.id, price.product, price.model_dump_json())
                    for p in remote.products.values()
                    for price in p.prices
                ),
            )
            self._set(
                conn,
                format=FORMAT,
                filled=1,
                cursor=cursor.id if cursor else None,
                cursor_created=cursor.created if cursor else 0,
                full_read_at=at,
                refreshed_at=at,
                events_readable=1 if events_readable else 0,
            )
            self._bump(conn)
            self._prices = {}  # each product holds its prices
            old, self._catalog = self._catalog, RemoteCatalog(products=dict(remote.products))
            let_go(old.products)

    def touch(self, at: float, *, expected: str | None) -> bool:
        """Note that the mirror is up to date at `at` (no new event); False when another process
        moved the cursor meanwhile."""
        with self._lock, self._transaction() as conn:
            if _cursor(conn) != expected:
                return False
            self._set(conn, refreshed_at=at)
            return True

    def apply(
        self,
        events: Sequence[StripeEvent],
        *,
        expected: str | None,
        ours: Ours,
        at: float,
    ) -> list[AppliedEvent] | None:
        """Apply `events` (oldest first) and move the cursor to the last, in one transaction.

        None (nothing applied) when the cursor is no longer `expected`: another process applied
        events meanwhile; the caller goes on from the new cursor.
        """
        if not events:
            return [] if self.touch(at, expected=expected) else None
        request_ids = {e.request_id for e in events if e.request_id}
        mine = set(ours(request_ids)) if request_ids else set()
        with self._lock, self._transaction() as conn:
            if _cursor(conn) != expected:
                return None
            self._load()
            applied = [self._apply_one(conn, event, mine) for event in events]
            last = events[-1]
            self._set(conn, cursor=last.id, cursor_created=last.created, refreshed_at=at)
            self._bump(conn)
        return applied

    def _apply_one(
        self, conn: sqlite3.Connection, event: StripeEvent, mine: set[str]
    ) -> AppliedEvent:
        pid = event.product_id
        if event.kind == "product":
            if event.change == "deleted":
                conn.execute("DELETE FROM products WHERE id = ?", (pid,))
                self._unit(pid)  # its prices stay known (as the file keeps them)
                products = dict(self._catalog.products)
                products.pop(pid, None)
                self._catalog = RemoteCatalog(products=products)  # no `remove`: index afresh
            else:
                product = remote_product(event.object)
                conn.execute(
                    "INSERT OR REPLACE INTO products (id, body) VALUES (?, ?)",
                    (pid, product.model_dump_json(exclude={"prices"})),
                )
                self._put(product)
        else:
            price = remote_price(event.object)
            unit = self._unit(price.product)
            old = unit.get(price.id)
            if price.currency_options is None and old is not None and _options_kept(event):
                # Events show a price without its currency_options (they are only shown when
                # expanded): an update that did not touch them keeps what the mirror knew.
                price = price.model_copy(update={"currency_options": old.currency_options})
            if event.change == "deleted":
                conn.execute("DELETE FROM prices WHERE id = ?", (price.id,))
                unit.pop(price.id, None)
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO prices (id, product, body) VALUES (?, ?, ?)",
                    (price.id, price.product, price.model_dump_json()),
                )
                unit[price.id] = price
            known = self._catalog.products.get(price.product)
            if known is not None:
                self._put(known)
        owner = self._catalog.products.get(pid)
        local_id = (
            owner.local_id
            if owner is not None
            else event.object.get("metadata", {}).get("local_id")
        )
        by_tool = (event.request_id is not None and event.request_id in mine) or _tool_key(
            event.idempotency_key
        )
        done = AppliedEvent(event, by_tool, local_id, changed_fields(event))
        if not by_tool:
            conn.execute(
                "INSERT OR REPLACE INTO changes (product, body) VALUES (?, ?)",
                (pid, json.dumps(_change_to_json(done))),
            )
        return done

    def unknown_options(self, price_ids: Collection[str]) -> list[str]:
        """Of `price_ids`, the prices whose amounts in other currencies the mirror does not know
        (made or changed by an event, which does not show them)."""
        with self._lock:  # the catalog's price index: no walk over every price per refresh
            found = [(i, self._catalog.find_price(i)) for i in price_ids]
        return [i for i, price in found if price is not None and price.currency_options is None]

    def put_prices(self, prices: Sequence[RemotePrice]) -> None:
        """Store prices read on their own (with their currency_options), in one transaction."""
        with self._lock, self._transaction() as conn:
            for price in prices:
                conn.execute(
                    "INSERT OR REPLACE INTO prices (id, product, body) VALUES (?, ?, ?)",
                    (price.id, price.product, price.model_dump_json()),
                )
                self._unit(price.product)[price.id] = price
                known = self._catalog.products.get(price.product)
                if known is not None:
                    self._put(known)
            self._bump(conn)

    def _unit(self, product_id: str) -> dict[str, RemotePrice]:
        """The prices the mirror holds for one product, by id, to change: made from the product's
        own on first need (a dict per product kept for every product took 0.2 KB each)."""
        unit = self._prices.get(product_id)
        if unit is None:
            known = self._catalog.products.get(product_id)
            unit = {price.id: price for price in known.prices} if known is not None else {}
            self._prices[product_id] = unit
        return unit

    def _put(self, product: RemoteProduct) -> None:
        prices = tuple(self._unit(product.id).values())
        self._catalog.add(product.model_copy(update={"prices": prices}))


def _options_kept(event: StripeEvent) -> bool:
    """Whether a price event leaves the price's currency_options as they were: an update whose
    previous_attributes name other fields only (one changing them names none, stripe-facts §5.5)."""
    previous = event.previous or {}
    return event.change == "updated" and bool(previous) and "currency_options" not in previous


def _tool_key(key: str | None) -> bool:
    """Whether an idempotency key is of the tool's own recipe (core.engine.idempotency): such a
    write was made by this tool, even before (or without) its journal row."""
    return bool(key) and str(key).startswith(f"{KEY_PREFIX}-")


def _cursor(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM state WHERE key = 'cursor'").fetchone()
    return str(row[0]) if row and row[0] else None


def _change_to_json(done: AppliedEvent) -> dict[str, Any]:
    event = done.event
    return {
        "event": event.id,
        "type": event.type,
        "created": event.created,
        "object": {"id": event.object_id, "product": event.product_id},
        "request_id": event.request_id,
        "local_id": done.local_id,
        "fields": {name: [c.old, c.new] for name, c in done.fields.items()},
    }


def _change_from_json(data: dict[str, Any]) -> AppliedEvent:
    event = StripeEvent(
        id=data["event"],
        type=data["type"],
        created=int(data["created"]),
        object=dict(data["object"]),
        request_id=data.get("request_id"),
    )
    fields = {name: FieldChange(old, new) for name, (old, new) in data["fields"].items()}
    return AppliedEvent(event, False, data.get("local_id"), fields)
