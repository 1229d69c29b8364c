"""The catalog without Stripe: every product as the catalog holds it, its Stripe side unknown.

The catalog is local, so it can always be listed, even when Stripe cannot be read: no key for the
mode, a locked keyring, a key Stripe refuses, Stripe unreachable. `catalog_only_rows` reads it the
way `core.workspace.Workspace.open` would (the same database, the same settings) and builds one row
per product in state "unknown": no differences, no plan, nothing about Stripe, and a note saying
why Stripe's side is unknown. Nothing is sent over the network.
"""

from __future__ import annotations

from core.catalog.store import CatalogStore
from core.reconcile.build_rows import local_side, variant_rows
from core.reconcile.rows import ProductRow
from core.settings import load_settings

UNKNOWN_NOTE = "Stripe was not read, so what it holds for this product is unknown"


def catalog_only_rows(db_url: str | None, *, why: str | None = None) -> list[ProductRow]:
    """One row per catalog product (ordered by id), its Stripe side unknown (see the module
    docstring). `db_url`: as for `Workspace.open` (None: the setting, else the default catalog).
    `why`: why Stripe was not read, in plain words, added to each row's note.

    Raises CatalogError when the catalog itself cannot be opened or read, ConfigurationError when
    the settings file cannot be read.
    """
    settings = load_settings()
    note = f"{UNKNOWN_NOTE}: {why.rstrip('.')}" if why else UNKNOWN_NOTE
    catalog = CatalogStore.open(db_url or settings.db_url, create=False)
    try:
        records = catalog.list_records()
    finally:
        catalog.close()
    rows = []
    for record in records:
        local = local_side(record, settings.currency)
        rows.append(
            ProductRow(
                state="unknown",
                stripe_status="unknown",
                note=note,
                variants=variant_rows(record, None, str(local["currency"]), {}),
                **local,
            )
        )
    return rows
