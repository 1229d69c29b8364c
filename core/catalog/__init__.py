"""The shop's catalog: its database (SQLite or PostgreSQL), import/export and the tool's tables."""

from core.catalog.errors import CatalogError, ImportFileError, SchemaVersionError
from core.catalog.records import CatalogRecord, WriteBack
from core.catalog.store import CatalogStore

__all__ = [
    "CatalogError",
    "CatalogRecord",
    "CatalogStore",
    "ImportFileError",
    "SchemaVersionError",
    "WriteBack",
]
