"""The catalog store: the shop's `products`/`variants` tables plus the tool's `ssa_` tables.

`CatalogStore.open(url)` opens any SQLAlchemy URL (SQLite file by default, PostgreSQL through
psycopg 3). Existing shop tables are reflected and used as they are; absent ones are created from
the canonical definition. Every write is one short transaction per product.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from core import paths
from core.catalog import amounts, schema
from core.catalog.adoption import insert_products
from core.catalog.db import (
    create_engine,
    display_url,
    mask_url,
    parse_url,
    read_transaction,
    write_transaction,
)
from core.catalog.edits import RecordEdit, write_edit
from core.catalog.errors import CatalogError
from core.catalog.holds import HOLD, RELEASE, Hold, delete_hold, load_holds, save_hold
from core.catalog.intents import IntentLog
from core.catalog.intents import clear as clear_intents
from core.catalog.journal import JournalEntry, JournalRecord, add_records, last_errors, read_entries
from core.catalog.links import PRICE, PRODUCT, VARIANT_PRICE, LinkMap, load_links, save_link
from core.catalog.locks import product_lock
from core.catalog.opening import Fill, prepare, refuse_missing_sqlite_file, sample_filler
from core.catalog.per_account import of_account
from core.catalog.records import CatalogRecord, WriteBack, column_values
from core.catalog.snapshots import Snapshot, load_snapshots, save_snapshot

_CHUNK = 500


class CatalogStore:
    """The catalog database, opened and checked; see the module docstring."""

    def __init__(self, engine: Engine, display_url: str, tables: dict[str, sa.Table]) -> None:
        self.engine = engine
        self.display_url = display_url
        self.products = tables[schema.PRODUCTS]
        self.variants = tables[schema.VARIANTS]
        self.links_table = tables[schema.LINKS]
        self.snapshots_table = tables[schema.SNAPSHOTS]
        self.journal_table = tables[schema.JOURNAL]
        self.holds_table = tables[schema.HOLDS]
        self.intents = IntentLog(engine, tables[schema.INTENTS])
        self.amounts_table = tables[schema.CURRENCY_AMOUNTS]
        self.created_tables = False  # whether open() created the shop's tables

    # ----------------------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        sample: Path | None = None,
        create: bool = True,
        fill_sample: bool = True,
    ) -> CatalogStore:
        """Open (and if needed upgrade) the catalog at `url`.

        Without a URL the default SQLite file in the user data folder is used; when it has no
        catalog yet, the shop's tables are created and (with `fill_sample`) filled from `sample`
        (the bundled sample catalog when None), all in one transaction: if filling fails nothing
        is left half-made and the next run tries again.

        With a URL, the shop's tables are created only when `create` is true (an import into an
        empty database); otherwise a database without a `products` table — a mistyped --db — is
        refused and left as it was (a SQLite file that does not exist is not created).
        """
        default = url is None
        if url is None:
            url = paths.default_catalog_url()
        parsed = parse_url(url)
        display = display_url(parsed)
        if not default and not create:
            refuse_missing_sqlite_file(parsed, display)
        engine = create_engine(parsed)
        fill: Fill | None = None
        if default and fill_sample:
            fill = sample_filler(sample)
        try:
            tables, created = prepare(engine, display, create=default or create, fill=fill)
        except CatalogError:
            engine.dispose()
            raise
        except SQLAlchemyError as err:
            engine.dispose()
            raise CatalogError(
                f"Cannot open the catalog {display}: {mask_url(_first_line(err))}.",
                hint="Check the --db URL, that the server is running and the user may connect.",
            ) from err
        except BaseException:
            engine.dispose()
            raise
        store = cls(engine, display, tables)
        store.created_tables = created
        return store

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def has_column(self, table: str, column: str) -> bool:
        """Whether the shop's table has this column (missing optional columns are tolerated)."""
        target = self.products if table == schema.PRODUCTS else self.variants
        return column in target.c

    # ----------------------------------------------------------------------------- catalog
    def list_records(self, ids: Sequence[str] | None = None) -> list[CatalogRecord]:
        """Products (all, or those ids that exist) with their variants, ordered by id."""
        with read_transaction(self.engine) as conn:
            words: dict[str, str] = {}
            if ids is None:
                found = conn.execute(_ordered(self.products))
                products = [column_values(r._mapping, words) for r in found]
            else:
                products = []
                for chunk in _chunks(list(dict.fromkeys(ids))):
                    query = _ordered(self.products).where(self.products.c.id.in_(chunk))
                    products.extend(column_values(r._mapping, words) for r in conn.execute(query))
                products.sort(key=lambda p: str(p["id"]))
            wanted = {str(p["id"]) for p in products}
            by_product: dict[str, list[dict[str, Any]]] = {}
            if ids is None:
                rows: Iterable[Any] = conn.execute(_ordered(self.variants))
                for r in rows:
                    variant = column_values(r._mapping, words)
                    by_product.setdefault(str(variant["product_id"]), []).append(variant)
            else:
                for chunk in _chunks(sorted(wanted)):
                    query = _ordered(self.variants).where(self.variants.c.product_id.in_(chunk))
                    for r in conn.execute(query):
                        variant = column_values(r._mapping, words)
                        by_product.setdefault(str(variant["product_id"]), []).append(variant)
            extra = amounts.load(conn, self.amounts_table, None if ids is None else sorted(wanted))
        return [
            CatalogRecord(
                product=p,
                variants=tuple(by_product.get(str(p["id"]), ())),
                currency_amounts=extra.get(str(p["id"]), {}),
            )
            for p in products
        ]

    def get_record(self, product_id: str) -> CatalogRecord | None:
        """One product with its variants, or None."""
        found = self.list_records([product_id])
        return found[0] if found else None

    # ----------------------------------------------------------------------------- tool tables
    def links(self, account_id: str, mode: str) -> LinkMap:
        """The local → Stripe links of one account and mode."""
        with read_transaction(self.engine) as conn:
            return load_links(conn, self.links_table, account_id, mode)

    def snapshots(self, account_id: str, mode: str) -> dict[str, Snapshot]:
        """The last-synced snapshots of one account and mode, by product id."""
        with read_transaction(self.engine) as conn:
            return load_snapshots(conn, self.snapshots_table, account_id, mode)

    def journal(
        self,
        product_id: str | None = None,
        limit: int = 50,
        *,
        account_id: str | None = None,
        mode: str | None = None,
    ) -> list[JournalEntry]:
        """The newest journal entries, newest first."""
        with read_transaction(self.engine) as conn:
            return read_entries(
                conn,
                self.journal_table,
                product_id=product_id,
                account_id=account_id,
                mode=mode,
                limit=limit,
            )

    def last_errors(self, account_id: str, mode: str) -> dict[str, str | None]:
        """Product id → the error of its newest journal entry in this account and mode."""
        with read_transaction(self.engine) as conn:
            return last_errors(conn, self.journal_table, account_id, mode)

    def holds(self, account_id: str, mode: str) -> dict[str, Hold]:
        """The operator's archive holds of one account and mode, by product id."""
        with read_transaction(self.engine) as conn:
            return load_holds(conn, self.holds_table, account_id, mode)

    def add_holds(
        self, account_id: str, mode: str, product_ids: Sequence[str], reason: str
    ) -> None:
        """Hold these products archived in this account and mode, journaled; one transaction."""
        at = datetime.now(UTC)
        with write_transaction(self.engine) as conn:
            for pid in product_ids:
                save_hold(
                    conn,
                    self.holds_table,
                    account_id=account_id,
                    mode=mode,
                    product_id=pid,
                    reason=reason,
                    at=at,
                )
            add_records(
                conn,
                self.journal_table,
                [
                    JournalRecord(
                        at=at,
                        mode=mode,
                        account_id=account_id,
                        product_id=pid,
                        operation=HOLD,
                        summary=f"{reason}: kept archived in {mode} until synced explicitly",
                    )
                    for pid in product_ids
                ],
            )

    def journal_mark(self) -> int:
        """The newest journal row's sequence number (0 when empty): see `written_since`."""
        with read_transaction(self.engine) as conn:
            value = conn.execute(sa.select(sa.func.max(self.journal_table.c.seq))).scalar()
            return int(value or 0)

    def written_since(self, product_id: str, account_id: str, mode: str, mark: int) -> bool:
        """Whether anyone journaled a write of this product (account, mode) after `mark`."""
        t = self.journal_table
        with read_transaction(self.engine) as conn:
            query = (
                sa.select(t.c.seq)
                .where(
                    t.c.product_id == product_id,
                    t.c.account_id == account_id,
                    t.c.mode == mode,
                    t.c.seq > mark,
                )
                .limit(1)
            )
            return conn.execute(query).first() is not None

    def product_lock(self, product_id: str) -> AbstractContextManager[None]:
        """The cross-process lock held while one product is written to Stripe and recorded."""
        return product_lock(self.engine, product_id)

    def write_edit(self, edit: RecordEdit) -> None:
        """One product's catalog edit, checked against the row as read and journaled, in one
        transaction (`core.catalog.edits`); EditConflictError when someone changed it since."""
        with write_transaction(self.engine) as conn:
            write_edit(conn, self, edit)

    def write_back(self, wb: WriteBack) -> None:
        """Record one product's sync: links, catalog columns, snapshot, journal — one transaction."""
        with write_transaction(self.engine) as conn:
            self._write_back(conn, wb)

    def record_adoption(
        self, write_backs: Sequence[WriteBack], new_products: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Record an adoption in one transaction: new catalog rows (products Stripe had that the
        catalog lacked), then each product's links, last-written values and journal row."""
        with write_transaction(self.engine) as conn:
            insert_products(conn, self.products, new_products)
            for wb in write_backs:
                self._write_back(conn, wb)

    def forget(self, account_id: str, mode: str, reason: str) -> None:
        """Forget one account and mode's links, last-written values, holds and intents (the
        catalog itself is kept), journaled — for a sandbox started afresh."""
        tables = (self.links_table, self.snapshots_table, self.holds_table, self.intents.table)
        with write_transaction(self.engine) as conn:
            for table in tables:
                conn.execute(sa.delete(table).where(of_account(table, account_id, mode)))
            record = JournalRecord(
                at=datetime.now(UTC),
                mode=mode,
                account_id=account_id,
                product_id="*",
                operation="forget_account",
                summary=reason,
            )
            add_records(conn, self.journal_table, [record])

    def _write_back(self, conn: Connection, wb: WriteBack) -> None:
        if wb.release_hold:
            released = delete_hold(
                conn,
                self.holds_table,
                account_id=wb.account_id,
                mode=wb.mode,
                product_id=wb.product_id,
            )
            if released:
                add_records(
                    conn,
                    self.journal_table,
                    [
                        JournalRecord(
                            at=wb.at,
                            mode=wb.mode,
                            account_id=wb.account_id,
                            product_id=wb.product_id,
                            operation=RELEASE,
                            summary="the operator's archive hold released: synced explicitly",
                        )
                    ],
                )
        self._write_links(conn, wb)
        if wb.own_catalog_columns and wb.snapshot is not None:
            self._write_catalog_columns(conn, wb)
        if wb.snapshot is not None:
            save_snapshot(
                conn,
                self.snapshots_table,
                account_id=wb.account_id,
                mode=wb.mode,
                product_id=wb.product_id,
                fields=wb.snapshot,
                at=wb.at,
            )
        add_records(conn, self.journal_table, wb.journal)
        clear_intents(conn, self.intents.table, (r.intent or 0 for r in wb.journal))

    def _write_links(self, conn: Connection, wb: WriteBack) -> None:
        common = {"account_id": wb.account_id, "mode": wb.mode, "product_id": wb.product_id}
        pairs: list[tuple[str, str, str | None]] = [
            (PRODUCT, wb.product_id, wb.stripe_product_id),
            (PRICE, wb.product_id, wb.stripe_price_id),
        ]
        pairs += [(VARIANT_PRICE, vid, pid) for vid, pid in sorted(wb.variant_prices.items())]
        for kind, local_id, stripe_id in pairs:
            if stripe_id:
                save_link(
                    conn,
                    self.links_table,
                    kind=kind,
                    local_id=local_id,
                    stripe_id=stripe_id,
                    at=wb.at,
                    **common,
                )

    def _write_catalog_columns(self, conn: Connection, wb: WriteBack) -> None:
        values: dict[str, Any] = {}
        for column, value in (
            ("stripe_product_id", wb.stripe_product_id),
            ("stripe_price_id", wb.stripe_price_id),
            ("last_synced_at", wb.at),
        ):
            if column in self.products.c and value is not None:
                values[column] = value
        if values:
            conn.execute(
                sa.update(self.products).where(self.products.c.id == wb.product_id).values(**values)
            )
        for variant_id, price_id in wb.variant_prices.items():
            vvalues: dict[str, Any] = {}
            if "stripe_price_id" in self.variants.c:
                vvalues["stripe_price_id"] = price_id
            if "stripe_product_id" in self.variants.c and wb.stripe_product_id:
                vvalues["stripe_product_id"] = wb.stripe_product_id
            if vvalues:
                conn.execute(
                    sa.update(self.variants)
                    .where(self.variants.c.id == variant_id)
                    .values(**vvalues)
                )


def _ordered(table: sa.Table) -> sa.Select[Any]:
    return sa.select(table).order_by(table.c.id)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _first_line(err: Exception) -> str:
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__
