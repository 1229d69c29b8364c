"""Catalog files: import a JSON or CSV catalog, export the catalog (no Stripe needed for either)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.catalog import export as catalog_export
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.settings import load_settings


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, in words (`describe`) and as JSON-ready data (`record`)."""

    description: str
    record: dict[str, Any]
    created_tables: bool
    where: str


def import_catalog(db_url: str | None, file: str | Path) -> ImportOutcome:
    """Import `file` into the catalog, all or nothing (ImportFileError names every bad row).

    An import may start a catalog: into an empty database, or the default file on a fresh machine
    (then without the sample products: only the file's).
    """
    settings = load_settings()
    store = CatalogStore.open(db_url or settings.db_url, create=True, fill_sample=False)
    try:
        report = import_file(store, file, currency=settings.currency)
        created, where = store.created_tables, store.display_url
    finally:
        store.close()
    record = {
        "file": report.file,
        "created_tables": created,
        "products": vars(report.products),
        "variants": vars(report.variants),
        "ignored_columns": report.ignored_columns,
        "ignored_stripe_columns": report.ignored_stripe_columns,
    }
    return ImportOutcome(report.describe(), record, bool(created), where)


def export_catalog(db_url: str | None, file: str | Path) -> int:
    """Write the catalog to `file` (.json with variants, .csv products); returns products written."""
    store = CatalogStore.open(db_url or load_settings().db_url, create=False)
    try:
        return catalog_export.export_catalog(store, file)
    finally:
        store.close()
