"""Import: good JSON and CSV files upsert idempotently; a bad file names file, row and field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.catalog import CatalogStore, ImportFileError
from core.catalog.export import export_catalog
from core.catalog.importer import import_file
from core.catalog.sample import sample_catalog_path
from tests.raw_sql import run_sql

GOOD_JSON = {
    "products": [
        {
            "id": "lamp",
            "name": "Desk Lamp",
            "base_price": 4500,
            "sell_status": "available",
            "dev_status": 5,
            "is_live": True,
        },
        {
            "id": "shade",
            "name": "Lamp Shade",
            "base_price_cents": 1500,
            "sell_status": "for-sale",
            "has_variants": True,
        },
    ],
    "variants": [
        {
            "id": "shade-red",
            "product_id": "shade",
            "variant_type": "color",
            "variant_value": "RED",
            "price_modifier": 200,
            "metadata": {"pantone": "186 C"},
        }
    ],
}


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    store = CatalogStore.open(db_url)
    yield store
    store.close()


def _write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_json_import_inserts_then_is_idempotent(store: CatalogStore, tmp_path: Path) -> None:
    path = _write(tmp_path, "catalog.json", GOOD_JSON)
    first = import_file(store, path)
    assert (first.products.inserted, first.products.updated, first.products.unchanged) == (2, 0, 0)
    assert (first.variants.inserted, first.variants.updated, first.variants.unchanged) == (1, 0, 0)
    records = {r.id: r for r in store.list_records()}
    assert records["lamp"].product["base_price_cents"] == 4500
    assert records["lamp"].product["is_live"] is True
    (red,) = records["shade"].variants
    assert red["price_modifier"] == 200
    assert red["metadata"] == {"pantone": "186 C"}
    stamp = records["lamp"].product["updated_at"]

    second = import_file(store, path)
    assert (second.products.inserted, second.products.updated, second.products.unchanged) == (
        0,
        0,
        2,
    )
    assert (second.variants.unchanged, second.variants.updated) == (1, 0)
    assert store.get_record("lamp").product["updated_at"] == stamp  # type: ignore[union-attr]
    assert second.describe() == (
        "Imported catalog.json: products 0 inserted, 0 updated, 2 unchanged; "
        "variants 0 inserted, 0 updated, 1 unchanged."
    )


def test_changed_row_is_updated_and_untouched_columns_kept(
    store: CatalogStore, tmp_path: Path
) -> None:
    import_file(store, _write(tmp_path, "a.json", GOOD_JSON))
    changed = {"products": [{"id": "lamp", "name": "Desk Lamp XL", "sell_status": "available"}]}
    report = import_file(store, _write(tmp_path, "b.json", changed))
    assert (report.products.updated, report.products.inserted) == (1, 0)
    lamp = store.get_record("lamp")
    assert lamp is not None
    assert lamp.product["name"] == "Desk Lamp XL"
    assert lamp.product["base_price_cents"] == 4500  # not in the file: left alone


def test_csv_import_of_products(store: CatalogStore, tmp_path: Path) -> None:
    csv_text = (
        "id,name,base_price_cents,sell_status,dev_status,is_live,description\n"
        "lamp,Desk Lamp,4500,available,5,true,A lamp\n"
        "kit,Solder Kit,,pre-order,4,false,\n"
    )
    path = _write(tmp_path, "products.csv", csv_text)
    report = import_file(store, path)
    assert report.products.inserted == 2
    records = {r.id: r.product for r in store.list_records()}
    assert records["kit"]["base_price_cents"] is None  # blank cell = no price yet
    assert records["kit"]["description"] is None
    assert records["kit"]["is_live"] is False
    assert records["lamp"]["dev_status"] == 5
    assert import_file(store, path).products.unchanged == 2


def test_sample_catalog_imports(store: CatalogStore) -> None:
    report = import_file(store, sample_catalog_path())
    assert report.products.inserted == 12
    assert report.variants.inserted == 3


P = '{"id": "lamp", "name": "Desk Lamp", "base_price_cents": 4500, "sell_status": "available"}'

BAD_FILES: list[tuple[str, str, str]] = [
    ("empty.json", "", "empty.json: not valid JSON: Expecting value (line 1, column 1)"),
    (
        "broken.json",
        '{"products": [' + P,
        "broken.json: not valid JSON: Expecting ',' delimiter (line 1, column 104)",
    ),
    ("list.json", "[" + P + "]", 'list.json: must be a JSON object with a "products" list'),
    ("noproducts.json", '{"variants": []}', 'noproducts.json: must have a "products" list'),
    (
        "typo.json",
        '{"prodcts": []}',
        'typo.json: unknown key \'prodcts\' (expected "products" and "variants")',
    ),
    ("notobj.json", '{"products": [42]}', "notobj.json: row 1: must be an object"),
    (
        "noname.json",
        '{"products": [{"id": "lamp", "base_price_cents": 1, "sell_status": "available"}]}',
        "noname.json: row 1 (id lamp): field name: is required",
    ),
    (
        "noid.json",
        '{"products": [' + P + ', {"name": "X", "sell_status": "available"}]}',
        "noid.json: row 2: field id: is required",
    ),
    (
        "price.json",
        '{"products": [{"id": "lamp", "name": "L", "base_price_cents": "12.50", '
        '"sell_status": "available"}]}',
        "price.json: row 1 (id lamp): field base_price_cents: must be a whole number, got '12.50'",
    ),
    (
        "negative.json",
        '{"products": [{"id": "lamp", "name": "L", "base_price": -5, "sell_status": "available"}]}',
        "negative.json: row 1 (id lamp): field base_price_cents: must be at least 0, got -5",
    ),
    (
        "status.json",
        '{"products": [{"id": "lamp", "name": "L", "base_price": 5, "sell_status": "on-sale"}]}',
        "status.json: row 1 (id lamp): field sell_status: must be one of 'available', "
        "'for-sale', 'pre-order', 'pre-sale', 'sold-out' or 'internal', got 'on-sale'",
    ),
    (
        "dev.json",
        '{"products": [{"id": "lamp", "name": "L", "dev_status": 7, "sell_status": "available"}]}',
        "dev.json: row 1 (id lamp): field dev_status: must be at most 5, got 7",
    ),
    (
        "live.json",
        '{"products": [{"id": "lamp", "name": "L", "is_live": "maybe", '
        '"sell_status": "available"}]}',
        "live.json: row 1 (id lamp): field is_live: must be true or false, got 'maybe'",
    ),
    (
        "unknown.json",
        '{"products": [{"id": "lamp", "name": "L", "colour": "red", "sell_status": "available"}]}',
        "unknown.json: row 1 (id lamp): field colour: is not a known column",
    ),
    (
        "both.json",
        '{"products": [{"id": "lamp", "name": "L", "base_price": 5, "base_price_cents": 6, '
        '"sell_status": "available"}]}',
        "both.json: row 1 (id lamp): field (row): give base_price or base_price_cents, not both",
    ),
    (
        "dup.json",
        '{"products": [' + P + ", " + P + "]}",
        "dup.json: row 2 (id lamp): field id: duplicate id (also in row 1)",
    ),
    (
        "currency.json",
        '{"products": [{"id": "lamp", "name": "L", "currency": "dollars", '
        '"sell_status": "available"}]}',
        "currency.json: row 1 (id lamp): field currency: must be a three-letter ISO code such as "
        "usd or eur",
    ),
    (
        "orphan.json",
        '{"products": [' + P + '], "variants": [{"id": "v1", "product_id": "nope"}]}',
        "orphan.json: variants row 1 (id v1): field product_id: no product 'nope' in the file or "
        "the catalog",
    ),
    (
        "varmeta.json",
        '{"products": [' + P + '], "variants": [{"id": "v1", "product_id": "lamp", '
        '"metadata": "red"}]}',
        "varmeta.json: variants row 1 (id v1): field metadata: must be an object, got 'red'",
    ),
    (
        "varnopid.json",
        '{"products": [' + P + '], "variants": [{"id": "v1"}]}',
        "varnopid.json: variants row 1 (id v1): field product_id: is required",
    ),
    (
        "wide.csv",
        "id,name,sell_status\nlamp,Lamp,available\nkit,Kit,available,extra\n",
        "wide.csv: row 2 (id kit): has 4 values but the header has 3",
    ),
    (
        "short.csv",
        "id,name,sell_status\nlamp,Lamp\n",
        "short.csv: row 1 (id lamp): has fewer values than the header's 3 columns",
    ),
    ("empty.csv", "", "empty.csv: is empty (expected a header row with column names)"),
    (
        "price.csv",
        "id,name,base_price_cents,sell_status\nlamp,Lamp,4500,available\nkit,Kit,abc,available\n",
        "price.csv: row 2 (id kit): field base_price_cents: must be a whole number, got 'abc'",
    ),
    ("catalog.xlsx", "whatever", "catalog.xlsx: unknown file type; use a .json or .csv file"),
    (
        "true.json",
        '{"products": [{"id": "lamp", "name": "L", "base_price_cents": true, '
        '"sell_status": "available"}]}',
        "true.json: row 1 (id lamp): field base_price_cents: must be a whole number, got True",
    ),
    (
        "truemax.json",
        '{"products": [{"id": "lamp", "name": "L", "max_quantity": false, '
        '"sell_status": "available"}]}',
        "truemax.json: row 1 (id lamp): field max_quantity: must be a whole number, got False",
    ),
    (
        "huge.json",
        '{"products": [{"id": "lamp", "name": "L", "sold_quantity": 2147483648, '
        '"sell_status": "available"}]}',
        "huge.json: row 1 (id lamp): field sold_quantity: must be at most 2147483647, got "
        "2147483648",
    ),
    (
        "semicolon.csv",
        "id;name;sell_status\nlamp;Lamp;available\n",
        "semicolon.csv: the file uses ';' as separator; save it as comma-separated CSV",
    ),
    (
        "nul.json",
        '{"products": [{"id": "lamp", "name": "La\\u0000mp", "sell_status": "available"}]}',
        "nul.json: row 1 (id lamp): field name: must not contain NUL characters (\\0)",
    ),
    (
        "nul.csv",
        "id,name,sell_status\nlamp,Lamp,available\nkit,K\x00it,available\n",
        "nul.csv: row 2 (id kit): field name: must not contain NUL characters (\\0)",
    ),
    (
        "deep.json",
        '{"products": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "deep.json: its JSON is nested too deeply to be a catalog",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_names_file_row_and_field_and_imports_nothing(
    store: CatalogStore, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(ImportFileError) as err:
        import_file(store, path)
    # The message is its own sentence, then the hint: "…got 'on-sale'. Nothing was imported; …"
    assert err.value.message == message + "."
    assert str(err.value) == message + ". Nothing was imported; fix the file and import it again."
    assert store.list_records() == []


def test_bad_row_after_good_rows_rolls_back_everything(store: CatalogStore, tmp_path: Path) -> None:
    import_file(store, _write(tmp_path, "first.json", GOOD_JSON))
    bad = {
        "products": [
            {"id": "lamp", "name": "Renamed", "sell_status": "available"},
            {"id": "new", "name": "New", "sell_status": "available"},
        ],
        "variants": [{"id": "v9", "product_id": "missing"}],
    }
    with pytest.raises(ImportFileError, match="no product 'missing'"):
        import_file(store, _write(tmp_path, "bad.json", bad))
    names = {r.id: r.product["name"] for r in store.list_records()}
    assert names == {"lamp": "Desk Lamp", "shade": "Lamp Shade"}


def test_missing_file_is_named(store: CatalogStore, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as err:
        import_file(store, tmp_path / "nowhere.json")
    assert err.value.message == "nowhere.json: no such file."


def test_unreadable_files_are_named(store: CatalogStore, tmp_path: Path) -> None:
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(ImportFileError, match=r"^folder.json: is a folder, not a file\."):
        import_file(store, folder)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name,sell_status\nlamp,Lámpara,available\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"^latin.csv: is not UTF-8 text \(byte 27\)"):
        import_file(store, latin)


def test_stripe_ids_in_a_file_are_ignored_unless_they_match(
    store: CatalogStore, tmp_path: Path, db_url: str
) -> None:
    first = import_file(store, _write(tmp_path, "first.json", GOOD_JSON))
    assert not first.ignored_stripe_columns
    # The tool wrote the live ids after a live sync.
    run_sql(
        db_url,
        "UPDATE products SET stripe_product_id = 'lamp', stripe_price_id = 'price_LIVE' "
        "WHERE id = 'lamp'",
    )
    test_export = {
        "products": [
            dict(GOOD_JSON["products"][0], stripe_product_id="lamp", stripe_price_id="price_TEST"),
            {"id": "new", "name": "New", "sell_status": "available", "stripe_price_id": "price_X"},
        ]
    }
    report = import_file(store, _write(tmp_path, "test-export.json", test_export))
    assert report.ignored_stripe_columns
    assert report.describe().endswith(
        "stripe_* columns in the file were ignored: the tool writes them itself."
    )
    assert (report.products.inserted, report.products.unchanged) == (1, 1)
    records = {r.id: r.product for r in store.list_records()}
    assert records["lamp"]["stripe_price_id"] == "price_LIVE"
    assert records["new"]["stripe_price_id"] is None
    same = {"products": [dict(GOOD_JSON["products"][0], stripe_price_id="price_LIVE")]}
    again = import_file(store, _write(tmp_path, "same.json", same))
    assert not again.ignored_stripe_columns
    assert again.products.unchanged == 1


SHOP_TABLE = {
    "sqlite": "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "base_price_cents INTEGER, sell_status TEXT NOT NULL, is_live BOOLEAN, "
    "updated_at TIMESTAMP, weight_kg NUMERIC(8, 2), launched DATE, restock_at TIMESTAMP, "
    "gift BOOLEAN, batch SMALLINT)",
    "postgresql": "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "base_price_cents INTEGER, sell_status TEXT NOT NULL, is_live BOOLEAN, "
    "updated_at TIMESTAMPTZ, weight_kg NUMERIC(8, 2), launched DATE, "
    "restock_at TIMESTAMPTZ, gift BOOLEAN, batch SMALLINT)",
}


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_export_import_import_of_a_real_shop_table_changes_nothing(
    db_url: str, tmp_path: Path, kind: str
) -> None:
    dialect = sa.make_url(db_url).get_backend_name()
    run_sql(
        db_url,
        SHOP_TABLE[dialect],
        "INSERT INTO products VALUES ('lamp', 'Lamp', 4500, 'available', true, "
        "'2026-01-02 03:04:05', 1.50, '2026-01-31', '2026-02-01 10:00:00', false, 7)",
    )
    store = CatalogStore.open(db_url)
    try:
        stamp = store.get_record("lamp").product["updated_at"]  # type: ignore[union-attr]
        exported = tmp_path / f"out.{kind}"
        assert export_catalog(store, exported) == 1
        if kind == "json":
            product = json.loads(exported.read_text())["products"][0]
            assert (product["weight_kg"], product["launched"]) == ("1.50", "2026-01-31")
        for _ in range(2):
            report = import_file(store, exported)
            assert (report.products.updated, report.products.unchanged) == (0, 1)
        assert store.get_record("lamp").product["updated_at"] == stamp  # type: ignore[union-attr]
        changed = exported.read_text().replace("1.50", "2.25")
        report = import_file(store, _write(tmp_path, f"changed.{kind}", changed))
        assert report.products.updated == 1
        assert store.get_record("lamp").product["weight_kg"] == Decimal("2.25")  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_shop_column_value_of_the_wrong_type_names_the_field(db_url: str, tmp_path: Path) -> None:
    dialect = sa.make_url(db_url).get_backend_name()
    run_sql(db_url, SHOP_TABLE[dialect])
    store = CatalogStore.open(db_url)
    try:
        bad = "id,name,sell_status,batch,launched\nlamp,Lamp,available,40000,2026-01-31\n"
        with pytest.raises(ImportFileError) as err:
            import_file(store, _write(tmp_path, "bad.csv", bad))
        assert err.value.message == (
            "bad.csv: row 1 (id lamp): field batch: must be between -32768 and 32767, got 40000."
        )
        bad = "id,name,sell_status,launched\nlamp,Lamp,available,31/01/2026\n"
        with pytest.raises(ImportFileError) as err:
            import_file(store, _write(tmp_path, "date.csv", bad))
        assert err.value.message == (
            "date.csv: row 1 (id lamp): field launched: must be a date such as 2026-01-31, got "
            "'31/01/2026'."
        )
    finally:
        store.close()
