"""Changing one product's catalog row (and its variants' rows) in one checked, journaled transaction.

Persistence only: what to change comes from the caller (a pull of Stripe's values, an edit in the
window). Before anything is written the row is read again and compared with the values the caller
read (`expected_*`): when another writer changed it meanwhile the edit is refused as a whole
(`EditConflictError`), so an edit is never made on top of values nobody looked at. In the same
transaction each changed field becomes a journal row (with before and after), and a pull also
records, for one Stripe account and mode, the value taken as the last written one (the snapshot)
and the Stripe price now linked to a unit.

An operator's edit (`EDIT`) or revert (`REVERT`) is the same kind of change, made for no Stripe
account or mode (`catalog_edit`): its journal rows carry the catalog's account and mode
(`core.catalog.journal.CATALOG`) and the operating-system user who made it. A row's `before` and
`after` hold the columns it changed: a product's by name, a variant's with its `variant_id`
(`changed_columns` reads them back, for a revert).
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.catalog.errors import CatalogError
from core.catalog.journal import CATALOG, CATALOG_ACCOUNT, OS_USER, JournalRecord, add_records
from core.catalog.links import PRICE, PRODUCT, VARIANT_PRICE, save_link
from core.catalog.per_account import of_account
from core.catalog.snapshots import as_utc, save_snapshot

PULL = "pull"  # the journal operation of a value taken from Stripe into the catalog
EDIT = "edit"  # an operator changed the catalog (the window, or `set`)
REVERT = "revert"  # an operator took the catalog back to the values before a journal entry
IMPORT = "import"  # a catalog file changed the product (core.catalog.importer)
VARIANT_KEY = "variant_id"  # in a journal row's before/after: the variant whose columns these are


class EditConflictError(CatalogError):
    """The row changed in the catalog between reading it and writing the edit; nothing written."""


class EditTables(Protocol):
    """The tables an edit writes (a `CatalogStore` has them)."""

    products: sa.Table
    variants: sa.Table
    links_table: sa.Table
    snapshots_table: sa.Table
    journal_table: sa.Table


@dataclass(frozen=True)
class FieldChange:
    """One changed field as the journal keeps it: plain words, and the columns before and after
    (JSON-safe; a variant's columns carry its `variant_id`)."""

    summary: str
    before: dict[str, Any]
    after: dict[str, Any]
    stripe_object_id: str | None = None


@dataclass(frozen=True)
class RecordEdit:
    """One product's edit: the columns to write, the values they were read with, the journal rows,
    and (a pull) the last written values and price links of one Stripe account and mode.

    `price_links`: unit ("" = the product's own price, else the variant id) → Stripe price id.
    `own_catalog_columns`: the shop's own stripe_* columns belong to this account and mode, so a
    linked price is written there too.
    """

    product_id: str
    account_id: str
    mode: str
    operation: str
    product: Mapping[str, Any] = field(default_factory=dict)
    variants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    expected_product: Mapping[str, Any] = field(default_factory=dict)
    expected_variants: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    changes: tuple[FieldChange, ...] = ()
    snapshot: Mapping[str, str] = field(default_factory=dict)
    stripe_product_id: str | None = None
    price_links: Mapping[str, str] = field(default_factory=dict)
    own_catalog_columns: bool = False
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def write_edit(conn: Connection, tables: EditTables, edit: RecordEdit) -> None:
    """Check the row is still as read, then write the edit, its journal, snapshot and links.

    Runs inside the caller's write transaction: on EditConflictError (or any error) nothing of
    it is kept.
    """
    _check_unchanged(conn, tables, edit)
    products, variants = tables.products, tables.variants
    values = dict(edit.product)
    if edit.own_catalog_columns and "" in edit.price_links and "stripe_price_id" in products.c:
        values["stripe_price_id"] = edit.price_links[""]
    if values and "updated_at" in products.c:
        values["updated_at"] = edit.at
    if values:
        conn.execute(sa.update(products).where(products.c.id == edit.product_id).values(**values))
    for variant_id, columns in edit.variants.items():
        vvalues = dict(columns)
        own = edit.own_catalog_columns and "stripe_price_id" in variants.c
        if own and variant_id in edit.price_links:
            vvalues["stripe_price_id"] = edit.price_links[variant_id]
        if vvalues:
            conn.execute(sa.update(variants).where(variants.c.id == variant_id).values(**vvalues))
    _write_links(conn, tables, edit)
    if edit.snapshot:
        _merge_snapshot(conn, tables, edit)
    add_records(
        conn,
        tables.journal_table,
        [
            JournalRecord(
                at=edit.at,
                mode=edit.mode,
                account_id=edit.account_id,
                product_id=edit.product_id,
                operation=edit.operation,
                summary=change.summary,
                stripe_object_id=change.stripe_object_id,
                before=change.before,
                after=change.after,
            )
            for change in edit.changes
        ],
    )


def _check_unchanged(conn: Connection, tables: EditTables, edit: RecordEdit) -> None:
    products, variants = tables.products, tables.variants
    columns = [products.c[name] for name in edit.expected_product]
    query = sa.select(products.c.id, *columns).where(products.c.id == edit.product_id)
    row = conn.execute(query.with_for_update()).first()
    if row is None:
        raise _conflict(edit.product_id, "it was deleted")
    for name, expected in edit.expected_product.items():
        if row._mapping[name] != expected:
            raise _conflict(edit.product_id, f"its {name} changed")
    for variant_id, wanted in edit.expected_variants.items():
        vcolumns = [variants.c[name] for name in wanted]
        vquery = sa.select(variants.c.id, *vcolumns).where(
            variants.c.id == variant_id, variants.c.product_id == edit.product_id
        )
        vrow = conn.execute(vquery.with_for_update()).first()
        if vrow is None:
            raise _conflict(edit.product_id, f"its variant {variant_id!r} was deleted")
        for name, expected in wanted.items():
            if vrow._mapping[name] != expected:
                raise _conflict(
                    edit.product_id, f"the {name} of its variant {variant_id!r} changed"
                )


def _conflict(product_id: str, what: str) -> EditConflictError:
    return EditConflictError(
        f"Product {product_id!r} was changed in the catalog by someone else while this change "
        f"was being prepared ({what}); nothing was written.",
        hint="Refresh to see the catalog as it is now, then try again.",
    )


def _write_links(conn: Connection, tables: EditTables, edit: RecordEdit) -> None:
    common = {"account_id": edit.account_id, "mode": edit.mode, "product_id": edit.product_id}
    pairs: list[tuple[str, str, str]] = []
    if edit.stripe_product_id and edit.price_links:
        pairs.append((PRODUCT, edit.product_id, edit.stripe_product_id))
    for unit, price_id in sorted(edit.price_links.items()):
        pairs.append(
            (PRICE, edit.product_id, price_id) if unit == "" else (VARIANT_PRICE, unit, price_id)
        )
    for kind, local_id, stripe_id in pairs:
        save_link(
            conn,
            tables.links_table,
            kind=kind,
            local_id=local_id,
            stripe_id=stripe_id,
            at=edit.at,
            **common,
        )


def _merge_snapshot(conn: Connection, tables: EditTables, edit: RecordEdit) -> None:
    """The pulled fields' last written values, the others as they were (read in this
    transaction, so a sync recorded meanwhile is not undone)."""
    table = tables.snapshots_table
    query = sa.select(table.c.fields, table.c.synced_at).where(
        of_account(table, edit.account_id, edit.mode), table.c.product_id == edit.product_id
    )
    row = conn.execute(query).first()
    old: dict[str, Any] = dict(row[0] or {}) if row is not None else {}
    fields = {str(k): str(v) for k, v in old.items()}
    fields.update(edit.snapshot)
    # The snapshot's time says when the product was last synced; a pull is not a sync.
    synced_at = as_utc(row[1]) if row is not None else None
    save_snapshot(
        conn,
        table,
        account_id=edit.account_id,
        mode=edit.mode,
        product_id=edit.product_id,
        fields=fields,
        at=synced_at or edit.at,
    )


def as_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as plain JSON-safe data for the journal (dates and decimals as text)."""
    return {
        k: v if v is None or isinstance(v, (str, int, float, bool)) else str(v)
        for k, v in values.items()
    }


def os_user() -> str:
    """The operating-system user running the tool ("unknown" when the system cannot say)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def catalog_edit(
    product_id: str,
    operation: str,
    *,
    product: Mapping[str, Any],
    variants: Mapping[str, Mapping[str, Any]],
    expected_product: Mapping[str, Any],
    expected_variants: Mapping[str, Mapping[str, Any]],
    changes: tuple[FieldChange, ...],
    user: str,
) -> RecordEdit:
    """An operator's edit or revert of one product: for no Stripe account or mode, each journal
    row naming `user` in its `after`."""
    return RecordEdit(
        product_id=product_id,
        account_id=CATALOG_ACCOUNT,
        mode=CATALOG,
        operation=operation,
        product=product,
        variants=variants,
        expected_product=expected_product,
        expected_variants=expected_variants,
        changes=tuple(
            FieldChange(c.summary, c.before, {**c.after, OS_USER: user}, c.stripe_object_id)
            for c in changes
        ),
    )


def changed_columns(
    values: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """A journal row's `before` or `after` as (product columns, variant id → columns).

    Reads the three shapes the journal holds: `{column: value}` (a product's), `{"variant_id":
    id, column: value}` (one variant's, from an edit or a pull) and `{..., "variants": {id:
    {column: value}}}` (an import's). The user key is left out.
    """
    product: dict[str, Any] = {}
    variants: dict[str, dict[str, Any]] = {}
    if not values:
        return product, variants
    own = {k: v for k, v in values.items() if k not in (OS_USER, "variants")}
    if VARIANT_KEY in own:
        vid = str(own.pop(VARIANT_KEY))
        variants[vid] = own
    else:
        product = own
    nested = values.get("variants")
    if isinstance(nested, Mapping):
        for vid, columns in nested.items():
            if isinstance(columns, Mapping):
                variants.setdefault(str(vid), {}).update(columns)
    return product, variants
