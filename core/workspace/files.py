"""Catalog files: import a JSON or CSV catalog, export the catalog or the differences shown, start
an empty catalog, say where a catalog lives (no Stripe needed for any of these)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import paths
from core.catalog import export as catalog_export
from core.catalog.db import display_url, parse_url
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.errors import ConfigurationError
from core.reconcile.report import diff_records
from core.reconcile.rows import ProductRow
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


def export_differences(rows: Sequence[ProductRow], file: str | Path) -> int:
    """Write the differences of `rows` (as read last; `status --json` records) to a .json or
    .csv file, as `export --diff` does with a fresh read. Returns the rows written."""
    return catalog_export.export_diff(diff_records(rows), file)


def create_catalog(path: str | Path) -> str:
    """Start an empty catalog: a new SQLite file at `path` holding the shop's tables and no
    products (not even the sample's). Returns its database URL. An existing file is refused and
    left as it was (ConfigurationError), so no catalog is ever replaced by an empty one."""
    path = Path(path).expanduser().resolve()
    if path.exists():
        raise ConfigurationError(
            f"{path} already exists; nothing was changed.",
            hint="Open it as a catalog, or choose a new file name for the empty catalog.",
        )
    if not path.parent.is_dir():
        raise ConfigurationError(
            f"The folder {path.parent} does not exist.", hint="Choose a folder that exists."
        )
    url = f"sqlite:///{path}"
    CatalogStore.open(url, create=True, fill_sample=False).close()
    return url


@dataclass(frozen=True)
class CatalogLocation:
    """Where a catalog lives, to show: `shown` never holds a password; `file` is the SQLite file
    (None for a database server, or an in-memory database)."""

    shown: str
    file: Path | None


def catalog_location(db_url: str | None) -> CatalogLocation:
    """Where the catalog at `db_url` lives (None: the settings' db_url, else the default file)."""
    url = db_url or load_settings().db_url
    if url is None:
        default = paths.default_catalog_path()
        return CatalogLocation(str(default), default)
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        file = Path(str(parsed.database)).expanduser().resolve()
        return CatalogLocation(str(file), file)
    return CatalogLocation(display_url(parsed), None)
