"""Read and check an import file: JSON `{"products": [...], "variants": [...]}` or a CSV of products.

Nothing here touches the database: a file is read, every row is checked against the row models and
the shop's own columns (converted to each column's type), and the rows come back ready to write.
Every problem is collected and raised as one ImportFileError naming the file and, for each, the row
(and id) and the field (core.catalog.validate.ImportProblems).

Memory stays in proportion: a file larger than MAX_FILE_BYTES is refused before it is read, and a
value longer than MAX_FIELD_CHARS (a CSV cell, a JSON string) is refused naming its row and field.
"""

from __future__ import annotations

import csv
import io
import json
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError

from core.catalog.cells import CellError, to_column
from core.catalog.csv_safety import unescape_cell
from core.catalog.errors import ImportFileError
from core.catalog.import_amounts import GivenAmounts, take
from core.catalog.validate import ImportProblems, ProductIn, VariantIn, plain_errors
from core.domain.row_rules import clip, shown
from core.domain.text import control_characters

# Columns the tool manages itself: accepted in a file (an export re-imports) but not written.
MANAGED = ("updated_at", "last_synced_at")
# Bounds that keep an import's memory in proportion: the file is refused unread when larger,
# and no one value (a CSV cell, a JSON string) may be longer. The longest column the tool knows
# (a description) holds 40,000 characters.
MAX_FILE_BYTES = 50_000_000
MAX_FIELD_CHARS = 100_000
# A row as read, with its number in its section (1-based, as messages name it).
Numbered = tuple[int, Any]


@dataclass(frozen=True)
class Row:
    """One checked row: its number in its section (1-based) and the values to write."""

    number: int
    section: str  # "products" or "variants"
    values: dict[str, Any]  # only the fields the file gave, as the columns' Python types
    amounts: GivenAmounts | None = None  # its prices in other currencies, when the file gives any


@dataclass(frozen=True)
class ParsedFile:
    """A checked file's rows."""

    name: str
    products: list[Row]
    variants: list[Row]


def read_file(
    path: str | Path, products: sa.Table, variants: sa.Table, *, currency: str | None = None
) -> ParsedFile:
    """Read and check a .json or .csv catalog file against the shop's tables; every bad row is
    reported at once (one ImportFileError naming the first `MAX_REPORTED`). `currency`: the
    catalog's, which a row's amounts in other currencies may not repeat."""
    path = Path(path)
    name = path.name
    raw_products, raw_variants, problems = _read(path, name)
    product_rows = _validate("products", raw_products, ProductIn, products, problems, currency)
    variant_rows = _validate("variants", raw_variants, VariantIn, variants, problems, currency)
    _check_duplicates(product_rows, problems)
    _check_duplicates(variant_rows, problems)
    problems.raise_any()
    return ParsedFile(name, product_rows, variant_rows)


def _size(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _load(path: Path, name: str) -> bytes:
    """The file's bytes, refused before reading when it is larger than MAX_FILE_BYTES (and never
    more than that read: a device or pipe has no size to check first)."""
    too_big = (
        f"an import file may be at most {_size(MAX_FILE_BYTES)}; split the catalog into smaller "
        "files and import each"
    )
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(info.st_mode):
        raise ImportFileError(name, "is not a regular file (a device or a pipe); save it first")
    if info.st_size > MAX_FILE_BYTES:
        raise ImportFileError(name, f"is {_size(info.st_size)}; {too_big}")
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:  # it grew since it was looked at
        raise ImportFileError(name, f"is larger than {_size(MAX_FILE_BYTES)}; {too_big}")
    return data


def _read(path: Path, name: str) -> tuple[list[Numbered], list[Numbered], ImportProblems]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ImportFileError(name, "unknown file type; use a .json or .csv file")
    try:
        # The text exactly as stored, without newline translation: a CR inside a quoted CSV cell
        # is data (the csv module finds the line ends itself).
        text = _load(path, name).decode("utf-8-sig")
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
    problems = ImportProblems(name)
    if suffix == ".csv":
        return _read_csv(text, name, problems), [], problems
    products, variants = _read_json(text, name)
    return list(enumerate(products, start=1)), list(enumerate(variants, start=1)), problems


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
            name, f'unknown key {shown(unknown[0])} (expected "products" and "variants")'
        )
    products = data.get("products")
    variants = data.get("variants", [])
    if not isinstance(products, list):
        raise ImportFileError(name, 'must have a "products" list')
    if not isinstance(variants, list):
        raise ImportFileError(name, '"variants" must be a list')
    return products, variants


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """csv's field size limit (process-wide) for the block, then back to what it was."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _tail(text: str, line: int) -> str:
    """The text from line `line` (1-based, as csv counts lines) to the end."""
    buffer = io.StringIO(text, newline="")
    for _ in range(line - 1):
        buffer.readline()
    return buffer.read()


def _first_row_strictly(tail: str) -> list[str] | None:
    """The first CSV row of `tail`, read strictly with no size limit; None when a quote opened in
    it is never closed (the csv module otherwise takes the rest of the file as that value)."""
    with _field_limit(max(len(tail) + 1, MAX_FIELD_CHARS)):
        try:
            return next(csv.reader(io.StringIO(tail, newline=""), strict=True), [])
        except csv.Error as err:
            if "unexpected end of data" in str(err):
                return None
            return next(csv.reader(io.StringIO(tail, newline="")), [])


def _broken_row(text: str, line: int, number: int, header: list[str], name: str) -> None:
    """Raise the error for a row the csv module could not read within MAX_FIELD_CHARS: a quote
    never closed, or a value that is too long (naming its column)."""
    row = _first_row_strictly(_tail(text, line))
    if row is None:
        _unclosed_quote(number, line, name)
    cells = dict(zip(header, row or [], strict=False))
    rid = _shown_id(unescape_cell(cells.get("id") or ""))
    for index, value in enumerate(row or []):
        if len(value) > MAX_FIELD_CHARS:
            column = header[index] if index < len(header) else f"column {index + 1}"
            raise ImportFileError(
                name,
                f"is {len(value):,} characters long; a value may be at most "
                f"{MAX_FIELD_CHARS:,} characters",
                row=number,
                record_id=rid,
                field=column,
            )
    raise ImportFileError(name, "cannot be read as CSV", row=number, record_id=rid)


def _unclosed_quote(number: int, line: int, name: str) -> NoReturn:
    raise ImportFileError(
        name,
        f'a quote (") opened in this row (line {line} of the file) is never closed, so the rest '
        "of the file would be read as one value; close the quote, or write a quote inside a "
        'value as two ("")',
        row=number,
    )


def _read_csv(text: str, name: str, problems: ImportProblems) -> list[Numbered]:
    """The rows as dicts of text, each cell as export wrote it before (core.catalog.csv_safety).

    Read with the csv module's own line handling (newline=""), so a quoted cell keeps its CR,
    LF, U+2028 … exactly instead of being cut into lines first. A value longer than
    MAX_FIELD_CHARS stops the read (the csv module holds at most that much of one cell).
    """
    with _field_limit(MAX_FIELD_CHARS):
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            first = next(reader, None)
        except csv.Error:
            raise ImportFileError(
                name, f"its header row holds a value longer than {MAX_FIELD_CHARS:,} characters"
            ) from None
        if not first:
            raise ImportFileError(name, "is empty (expected a header row with column names)")
        header = [unescape_cell(h).strip() for h in first]
        if len(header) == 1 and ";" in header[0]:
            raise ImportFileError(
                name, "the file uses ';' as separator; save it as comma-separated CSV"
            )
        if len(set(header)) != len(header):
            dup = next(h for h in header if header.count(h) > 1)
            raise ImportFileError(name, f"the header names the column {shown(dup)} twice")
        rows: list[Numbered] = []
        number = 0
        last_line = 1  # where the last row read starts (the header's line when none)
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader, None)
            except csv.Error:
                _broken_row(text, line, number + 1, header, name)
            if values is None:
                break
            if not values:
                continue  # a blank line, as csv.DictReader skips it
            number += 1
            last_line = line
            _add_row(values, header, number, rows, problems)
    # An unclosed quote takes the rest of the file as one value; quotes then do not pair up.
    if text.count('"') % 2 and _first_row_strictly(_tail(text, last_line)) is None:
        if number == 0:
            raise ImportFileError(
                name, 'a quote (") in the header row is never closed; close it, or remove it'
            )
        _unclosed_quote(number, last_line, name)
    return rows


def _add_row(
    values: list[str],
    header: list[str],
    number: int,
    rows: list[Numbered],
    problems: ImportProblems,
) -> None:
    """One CSV row as a dict, or a problem when it has more or fewer values than the header."""
    raw = dict(zip(header, values, strict=False))
    if len(values) != len(header):
        rid = _shown_id(unescape_cell(raw.get("id") or ""))
        message = (
            f"has {len(values)} values but the header has {len(header)}"
            if len(values) > len(header)
            else f"has fewer values than the header's {len(header)} columns"
        )
        problems.add(message, row=number, record_id=rid)
        return
    rows.append((number, {key: unescape_cell(value) for key, value in raw.items()}))


def _shown_id(value: Any) -> str | None:
    """A row's id for an error message: None when it is not usable text, or when it holds control
    characters (never repeated in a message; the error then names the field id instead); a long
    one cut (`core.domain.row_rules.clip`)."""
    if not isinstance(value, str) or not value:
        return None
    return None if control_characters(value) else clip(value)


def _bad_text_field(raw: dict[str, Any]) -> tuple[str, str] | None:
    """(field, what is wrong) for the first field whose text (anywhere inside it) holds a NUL
    character or is longer than MAX_FIELD_CHARS, if any."""
    for key, value in raw.items():
        stack: list[Any] = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and "\x00" in item:
                return str(key), "must not contain NUL characters (\\0)"
            if isinstance(item, str) and len(item) > MAX_FIELD_CHARS:
                return str(key), (
                    f"is {len(item):,} characters long; a value may be at most "
                    f"{MAX_FIELD_CHARS:,} characters"
                )
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return None


def _validate(
    section: str,
    rows: list[Numbered],
    model: type[BaseModel],
    target: sa.Table,
    problems: ImportProblems,
    currency: str | None = None,
) -> list[Row]:
    label = section if section == "variants" else None
    out: list[Row] = []
    for number, raw in rows:
        if not isinstance(raw, dict):
            problems.add("must be an object", row=number, section=label)
            continue
        rid = _shown_id(raw.get("id"))
        bad = _bad_text_field(raw)
        if bad is not None:
            problems.add(bad[1], row=number, record_id=rid, field=clip(bad[0]), section=label)
            continue
        own = raw.get("currency") if isinstance(raw.get("currency"), str) else None
        raw, amounts, wrong = take(raw, target.c.keys(), (own or currency or "").strip().lower())
        for p in wrong:
            problems.add(p.message, row=number, record_id=rid, field=clip(p.field), section=label)
        if wrong:
            continue
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
            for fld, message in plain_errors(err):
                problems.add(message, row=number, record_id=rid, field=clip(fld), section=label)
            continue
        values = {k: getattr(parsed, k) for k in parsed.model_fields_set}
        if "base_price" in given:
            values["base_price_cents"] = parsed.base_price_cents  # type: ignore[attr-defined]
        fine = True
        for key, value in extra.items():
            try:
                values[key] = to_column(target.c[key], None if value == "" else value)
            except CellError as err:
                problems.add(str(err), row=number, record_id=rid, field=key, section=label)
                fine = False
        if fine:
            out.append(Row(number=number, section=section, values=values, amounts=amounts))
    return out


def _check_duplicates(rows: Iterable[Row], problems: ImportProblems) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        rid = row.values["id"]
        if rid in seen:
            problems.add(
                f"duplicate id (also in row {seen[rid]})",
                row=row.number,
                record_id=clip(rid),
                field="id",
                section="variants" if row.section == "variants" else None,
            )
        else:
            seen[rid] = row.number
