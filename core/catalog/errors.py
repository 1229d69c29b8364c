"""Errors of the catalog: a database the tool cannot use, a schema it does not know, a bad file."""

from __future__ import annotations

from core.errors import ConfigurationError


class CatalogError(ConfigurationError):
    """The catalog database cannot be opened or used as it is."""


class SchemaVersionError(CatalogError):
    """The tool's tables were written by a newer release than this one."""


class ImportFileError(CatalogError):
    """A malformed import file or row; nothing was imported.

    `str()` names the file, the row (1-based, with the product id when known) and the field.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        record_id: str | None = None,
        field: str | None = None,
        section: str | None = None,
    ) -> None:
        where = [file]
        if row is not None:
            label = f"{section} row {row}" if section else f"row {row}"
            if record_id:
                label += f" (id {record_id})"
            where.append(label)
        if field:
            where.append(f"field {field}")
        text = f"{': '.join(where)}: {message}"
        if not text.endswith((".", "!", "?")):
            text += "."  # the hint follows as its own sentence
        super().__init__(text, hint="Nothing was imported; fix the file and import it again.")
        self.file = file
        self.row = row
        self.record_id = record_id
        self.field = field
        self.section = section
        self.detail = message
