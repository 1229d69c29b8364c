"""Prices in other currencies in the catalog: imported from JSON (`currency_amounts`) and CSV
(`price_<currency>` columns), checked, journaled, and exported back unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from core.catalog.errors import ImportFileError
from core.catalog.export import export_catalog
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore

LAMP = {"id": "lamp", "name": "Desk Lamp", "base_price_cents": 4500, "sell_status": "available"}
PANEL = {"id": "panel", "name": "Panel", "base_price_cents": 49900, "sell_status": "available"}


def _json(tmp_path: Path, products: list[dict[str, Any]], variants: Any = ()) -> Path:
    path = tmp_path / "shop.json"
    path.write_text(json.dumps({"products": products, "variants": list(variants)}))
    return path


def _import(store: CatalogStore, path: Path) -> str:
    return import_file(store, path, currency="usd").describe()


def test_json_amounts_of_products_and_variants_round_trip(db_url: str, tmp_path: Path) -> None:
    variant = {"id": "black", "product_id": "panel", "currency_amounts": {"eur": 45900}}
    path = _json(
        tmp_path,
        [{**LAMP, "currency_amounts": {"EUR": 4100, "jpy": 6900}}, PANEL],
        [variant],
    )
    store = CatalogStore.open(db_url)
    try:
        _import(store, path)
        records = {r.id: r for r in store.list_records()}
        assert records["lamp"].currency_amounts == {"": {"eur": 4100, "jpy": 6900}}
        assert records["panel"].currency_amounts == {"black": {"eur": 45900}}
        out = tmp_path / "out.json"
        export_catalog(store, out)
        data = json.loads(out.read_text())
        assert data["products"][0]["currency_amounts"] == {"eur": 4100, "jpy": 6900}
        assert "currency_amounts" not in data["products"][1]
        assert data["variants"][0]["currency_amounts"] == {"eur": 45900}
        # Importing the export changes nothing.
        assert "0 inserted, 0 updated, 2 unchanged" in _import(store, out)
    finally:
        store.close()


def test_csv_has_a_column_per_currency_and_a_blank_cell_removes_one(
    db_url: str, tmp_path: Path
) -> None:
    store = CatalogStore.open(db_url)
    try:
        _import(store, _json(tmp_path, [{**LAMP, "currency_amounts": {"eur": 4100}}, PANEL]))
        out = tmp_path / "out.csv"
        export_catalog(store, out)
        rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
        assert [(r["id"], r["price_eur"]) for r in rows] == [("lamp", "4100"), ("panel", "")]
        assert "0 updated" in _import(store, out)
        edited = tmp_path / "edited.csv"
        edited.write_text(
            "id,name,base_price_cents,sell_status,price_eur,price_jpy\n"
            "lamp,Desk Lamp,4500,available,,6900\n"
            "panel,Panel,49900,available,45900,\n"
        )
        assert "2 updated" in _import(store, edited)
        records = {r.id: r for r in store.list_records()}
        assert records["lamp"].currency_amounts == {"": {"jpy": 6900}}
        assert records["panel"].currency_amounts == {"": {"eur": 45900}}
    finally:
        store.close()


def test_a_changed_amount_is_journaled_with_the_import(db_url: str, tmp_path: Path) -> None:
    store = CatalogStore.open(db_url)
    try:
        _import(store, _json(tmp_path, [{**LAMP, "currency_amounts": {"eur": 4100}}]))
        _import(store, _json(tmp_path, [{**LAMP, "currency_amounts": {"eur": 4300}}]))
        entry = store.journal("lamp")[0]
        assert entry.operation == "import"
        assert "currency_amounts" in entry.summary
        assert entry.before == {"currency_amounts": {"eur": 4100}}
        assert entry.after is not None and entry.after["currency_amounts"] == {"eur": 4300}
    finally:
        store.close()


@pytest.mark.parametrize(
    ("amounts", "field", "words"),
    [
        ({"xyz": 100}, "currency_amounts.xyz", "Invalid currency: xyz"),
        ({"usd": 100}, "currency_amounts.usd", "catalog's own currency"),
        ({"eur": -1}, "currency_amounts.eur", "must be a whole number from 0 to 99,999,999"),
        ({"eur": 100_000_000}, "currency_amounts.eur", "99,999,999"),
        ({"eur": 12.5}, "currency_amounts.eur", "whole number"),
        ({"eur": True}, "currency_amounts.eur", "whole number"),
    ],
)
def test_bad_amounts_are_refused_naming_row_and_field(
    sqlite_url: str, tmp_path: Path, amounts: dict[str, Any], field: str, words: str
) -> None:
    store = CatalogStore.open(sqlite_url)
    try:
        with pytest.raises(ImportFileError) as err:
            _import(store, _json(tmp_path, [{**LAMP, "currency_amounts": amounts}]))
        text = str(err.value)
        assert "row 1 (id lamp)" in text and f"field {field}" in text and words in text
        assert store.list_records() == []
    finally:
        store.close()


def test_a_csv_price_column_with_a_bad_currency_or_amount_is_refused(
    sqlite_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "id,name,base_price_cents,sell_status,price_eur,price_qqq\n"
        "lamp,Desk Lamp,4500,available,12.50,100\n"
    )
    store = CatalogStore.open(sqlite_url)
    try:
        with pytest.raises(ImportFileError) as err:
            _import(store, path)
        text = str(err.value)
        assert "field price_eur" in text and "got '12.50'" in text
        assert "field price_qqq" in text and "Invalid currency: qqq" in text
    finally:
        store.close()


def test_a_variant_takes_the_products_amount_only_when_it_costs_the_same() -> None:
    from core.catalog.records import CatalogRecord
    from core.reconcile.convert import Invalid, ReadyProduct, to_sync_input

    product = {**PANEL, "has_variants": True}
    same = {"id": "black", "product_id": "panel", "price_modifier": 0}
    dearer = {"id": "silver", "product_id": "panel", "price_modifier": 5000}
    ready = to_sync_input(CatalogRecord(product, (same,), {"": {"eur": 45900}}), currency="usd")
    assert isinstance(ready, ReadyProduct)
    assert ready.variants[0].currency_amounts == {"eur": 45900}
    missing = to_sync_input(
        CatalogRecord(product, (same, dearer), {"": {"eur": 45900}}), currency="usd"
    )
    assert isinstance(missing, Invalid)
    assert "variants[silver].currency_amounts.eur" in missing.error
    assert "give the variant's own EUR amount" in missing.error
    given = to_sync_input(
        CatalogRecord(product, (same, dearer), {"": {"eur": 45900}, "silver": {"eur": 50500}}),
        currency="usd",
    )
    assert isinstance(given, ReadyProduct)
    assert [v.currency_amounts for v in given.variants] == [{"eur": 45900}, {"eur": 50500}]
