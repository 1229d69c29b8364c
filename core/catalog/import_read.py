"""Read and check an import file: JSON `{"products": [...], "variants": [...]}` or a CSV of products.

Nothing here touches the database: a file is read, every row is checked against the row models and
the shop's own columns (converted to each column's type), and the rows come back ready to write.
The first problem raises ImportFileError naming the file, the row (and id) and the field.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError

from core.catalog.cells import CellError, to_column
from core.catalog.csv_safety import unescape_cell
from core.catalog.errors import ImportFileError
from core.catalog.validate import ProductIn, VariantIn, plain_errors
from core.domain.text import control_characters

# Columns the tool manages itself: accepted in a file (an export re-imports) but not written.
MANAGED = ("updated_at", "last_synced_at")


@dataclass(frozen=True)
class Row:
    """One checked row: its number in its section (1-based) and the values to write."""

    number: int
    section: str  # "products" or "variants"
    values: dict[str, Any]  # only the fields the file gave, as the columns' Python types


@dataclass(frozen=True)
class ParsedFile:
    """A checked file's rows."""

    name: str
    products: list[Row]
    variants: list[Row]


def read_file(path: str | Path, products: sa.Table, variants: sa.Table) -> ParsedFile:
    """Read and check a .json or .csv catalog file against the shop's tables."""
    path = Path(path)
    name = path.name
    raw_products, raw_variants = _read(path, name)
    product_rows = _validate(name, "products", raw_products, ProductIn, products)
    variant_rows = _validate(name, "variants", raw_variants, VariantIn, variants)
    _check_duplicates(name, product_rows)
    _check_duplicates(name, variant_rows)
    return ParsedFile(name, product_rows, variant_rows)


def _read(path: Path, name: str) -> tuple[list[Any], list[Any]]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ImportFileError(name, "unknown file type; use a .json or .csv file")
    try:
        # The text exactly as stored, without newline translation: a CR inside a quoted CSV cell
        # is data (the csv module finds the line ends itself).
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as err:
        raise ImportFileError(name, "no such file") from err
    except IsADirectoryError as err:
        raise ImportFileError(name, "is a folder, not a file") from err
    except PermissionError as err:
        raise ImportFileError(name, "cannot be read: permission denied") from err
    except UnicodeDecodeError as err:
        raise ImportFileError(
            name, f"is not UTF-8 text (byte {err.start + 1}); save it as UTF-8"
        ) from err
    except OSError as err:
        raise ImportFileError(name, f"cannot be read ({err.strerror or err})") from err
    if suffix == ".csv":
        return _read_csv(text, name), []
    return _read_json(text, name)


def _read_json(text: str, name: str) -> tuple[list[Any], list[Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ImportFileError(
            name, f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
        ) from err
    except RecursionError:
        raise ImportFileError(name, "its JSON is nested too deeply to be a catalog") from None
    if not isinstance(data, dict):
        raise ImportFileError(name, 'must be a JSON object with a "products" list')
    unknown = sorted(set(data) - {"products", "variants"})
    if unknown:
        raise ImportFileError(
            name, f'unknown key {unknown[0]!r} (expected "products" and "variants")'
        )
    products = data.get("products")
    variants = data.get("variants", [])
    if not isinstance(products, list):
        raise ImportFileError(name, 'must have a "products" list')
    if not isinstance(variants, list):
        raise ImportFileError(name, '"variants" must be a list')
    return products, variants


def _read_csv(text: str, name: str) -> list[Any]:
    """The rows as dicts of text, each cell as export wrote it before (core.catalog.csv_safety).

    Read with the csv module's own line handling (newline=""), so a quoted cell keeps its CR,
    LF, U+2028 … exactly instead of being cut into lines first.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ImportFileError(name, "is empty (expected a header row with column names)")
    header = [unescape_cell(h).strip() for h in reader.fieldnames]
    if len(header) == 1 and ";" in header[0]:
        raise ImportFileError(
            name, "the file uses ';' as separator; save it as comma-separated CSV"
        )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise ImportFileError(name, f"the header names the column {dup!r} twice")
    reader.fieldnames = header
    rows: list[Any] = []
    for number, raw in enumerate(reader, start=1):
        if None in raw:
            raise ImportFileError(
                name,
                f"has {len(header) + len(raw[None])} values but the header has {len(header)}",
                row=number,
                record_id=_shown_id(unescape_cell(raw.get("id") or "")),
            )
        if any(v is None for v in raw.values()):
            raise ImportFileError(
                name,
                f"has fewer values than the header's {len(header)} columns",
                row=number,
                record_id=_shown_id(unescape_cell(raw.get("id") or "")),
            )
        rows.append({key: unescape_cell(value) for key, value in raw.items()})
    return rows


def _shown_id(value: Any) -> str | None:
    """A row's id for an error message: None when it is not usable text, or when it holds control
    characters (never repeated in a message; the error then names the field id instead)."""
    if not isinstance(value, str) or not value:
        return None
    return None if control_characters(value) else value


def _nul_field(raw: dict[str, Any]) -> str | None:
    """The first field whose text (anywhere inside it) holds a NUL character, if any."""
    for key, value in raw.items():
        stack: list[Any] = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and "\x00" in item:
                return str(key)
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _validate(
    name: str, section: str, rows: list[Any], model: type[BaseModel], target: sa.Table
) -> list[Row]:
    label = section if section == "variants" else None
    out: list[Row] = []
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            raise ImportFileError(name, "must be an object", row=number, section=label)
        rid = _shown_id(raw.get("id"))
        bad = _nul_field(raw)
        if bad is not None:
            raise ImportFileError(
                name,
                "must not contain NUL characters (\\0)",
                row=number,
                record_id=rid,
                field=bad,
                section=label,
            )
        # Columns the shop's own table has beyond the canonical ones are passed through,
        # converted to the column's type.
        extra = {
            k: v
            for k, v in raw.items()
            if k not in model.model_fields and k not in MANAGED and k in target.c
        }
        given = {k: v for k, v in raw.items() if k not in extra and k not in MANAGED}
        try:
            parsed = model.model_validate(given)
        except ValidationError as err:
            fld, message = plain_errors(err)[0]
            raise ImportFileError(
                name, message, row=number, record_id=rid, field=fld, section=label
            ) from err
        values = {k: getattr(parsed, k) for k in parsed.model_fields_set}
        if "base_price" in given:
            values["base_price_cents"] = parsed.base_price_cents  # type: ignore[attr-defined]
        for key, value in extra.items():
            try:
                values[key] = to_column(target.c[key], None if value == "" else value)
            except CellError as err:
                raise ImportFileError(
                    name, str(err), row=number, record_id=rid, field=key, section=label
                ) from None
        out.append(Row(number=number, section=section, values=values))
    return out


def _check_duplicates(name: str, rows: Iterable[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        rid = row.values["id"]
        if rid in seen:
            raise ImportFileError(
                name,
                f"duplicate id (also in row {seen[rid]})",
                row=row.number,
                record_id=rid,
                field="id",
                section="variants" if row.section == "variants" else None,
            )
        seen[rid] = row.number
