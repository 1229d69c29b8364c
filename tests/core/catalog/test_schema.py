"""The store opens empty databases, the shop's own tables, and older/newer tool schemas."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.catalog import CatalogError, CatalogStore, SchemaVersionError
from core.catalog.migrate import CURRENT_VERSION
from core.catalog.sample import sample_catalog_path
from core.paths import default_catalog_path
from core.reconcile.convert import NotReady, ReadyProduct, to_sync_input
from tests.raw_sql import query_value, run_sql


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _version(url: str) -> int:
    return int(query_value(url, "SELECT version FROM ssa_schema_version"))


def test_empty_database_gets_shop_and_tool_tables(db_url: str) -> None:
    store = CatalogStore.open(db_url)
    store.close()
    assert {
        "products",
        "variants",
        "ssa_links",
        "ssa_snapshots",
        "ssa_journal",
        "ssa_intents",
        "ssa_currency_amounts",
        "ssa_schema_version",
    } <= _tables(db_url)
    assert _version(db_url) == CURRENT_VERSION
    # Opening again is harmless.
    CatalogStore.open(db_url).close()
    assert _version(db_url) == CURRENT_VERSION


def test_shop_table_with_extra_and_missing_optional_columns_is_used_as_is(db_url: str) -> None:
    run_sql(
        db_url,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL, weight_grams INTEGER, "
        "currency TEXT)",
        "INSERT INTO products VALUES ('lamp', 'Desk Lamp', 4500, 'available', 800, 'eur')",
    )
    store = CatalogStore.open(db_url)
    try:
        assert not store.has_column("products", "dev_status")
        assert store.has_column("products", "weight_grams")
        (record,) = store.list_records()
        assert record.product["weight_grams"] == 800
        converted = to_sync_input(record, currency="usd")
        assert isinstance(converted, ReadyProduct)
        assert converted.product.currency == "eur"  # the shop's own column wins over the setting
        assert converted.product.price_cents == 4500
    finally:
        store.close()


def test_shop_table_without_a_required_column_is_refused(db_url: str) -> None:
    run_sql(db_url, "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT)")
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(db_url)
    assert "The table 'products'" in str(err.value)
    assert "lacks the column(s) base_price_cents, sell_status" in str(err.value)


def test_older_schema_version_is_upgraded_keeping_its_rows(db_url: str) -> None:
    # The layout release 1 wrote: no snapshots table, no journal.error column.
    run_sql(
        db_url,
        "CREATE TABLE ssa_schema_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
        "INSERT INTO ssa_schema_version VALUES (1, 1)",
        "CREATE TABLE ssa_links (account_id TEXT, mode TEXT, kind TEXT, local_id TEXT, "
        "product_id TEXT NOT NULL, stripe_id TEXT NOT NULL, updated_at TIMESTAMP NOT NULL, "
        "PRIMARY KEY (account_id, mode, kind, local_id))",
        "CREATE TABLE ssa_journal (seq INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL, "
        "mode TEXT NOT NULL, account_id TEXT NOT NULL, product_id TEXT NOT NULL, "
        "operation TEXT NOT NULL, summary TEXT NOT NULL, stripe_object_id TEXT, "
        "request_id TEXT, before JSON, after JSON)",
        "INSERT INTO ssa_journal (seq, at, mode, account_id, product_id, operation, summary,"
        " request_id) VALUES (1, '2026-01-02 03:04:05', 'live', 'acct_1', 'lamp', "
        "'create_product', 'created lamp', 'req_old')",
    )
    store = CatalogStore.open(db_url)
    try:
        assert _version(db_url) == CURRENT_VERSION
        assert "ssa_snapshots" in _tables(db_url)
        (entry,) = store.journal()
        assert (entry.product_id, entry.request_id, entry.error) == ("lamp", "req_old", None)
        assert store.snapshots("acct_1", "live") == {}
    finally:
        store.close()


def test_newer_schema_version_is_refused_with_a_clear_error(db_url: str) -> None:
    CatalogStore.open(db_url).close()
    run_sql(db_url, f"UPDATE ssa_schema_version SET version = {CURRENT_VERSION + 1}")
    with pytest.raises(SchemaVersionError) as err:
        CatalogStore.open(db_url)
    assert str(err.value).endswith(
        f"was written by a newer stripe-sync-admin (schema version {CURRENT_VERSION + 1}; this "
        f"release knows up to {CURRENT_VERSION}). Upgrade stripe-sync-admin; nothing was changed."
    )
    assert _version(db_url) == CURRENT_VERSION + 1


def test_bad_url_is_a_configuration_error() -> None:
    with pytest.raises(CatalogError, match="is not a database URL"):
        CatalogStore.open("not a url")


def test_default_catalog_is_created_from_the_sample_on_first_run() -> None:
    store = CatalogStore.open()
    try:
        records = {r.id: r for r in store.list_records()}
    finally:
        store.close()
    assert 10 <= len(records) <= 14
    founder = records["founder-edition"]
    assert sorted(v["variant_value"] for v in founder.variants) == ["BLACK", "SILVER", "WHITE"]
    reasons = {
        r.id: c.reason for r in records.values() if isinstance(c := to_sync_input(r), NotReady)
    }
    assert reasons == {
        "diffuser-acrylic": "no price yet",
        "mounting-frame-kit": "dev status 3 (needs 5)",
    }
    statuses = {r.product["sell_status"] for r in records.values()}
    assert {"pre-sale", "internal", "available"} <= statuses
    assert sample_catalog_path().is_file()


def test_conversion_prices_variants_from_base_plus_modifier(sqlite_url: str) -> None:
    from core.catalog.importer import import_file

    store = CatalogStore.open(sqlite_url)
    try:
        import_file(store, sample_catalog_path())
        record = store.get_record("founder-edition")
        assert record is not None
        converted = to_sync_input(record, currency="usd")
        assert isinstance(converted, ReadyProduct)
        prices = {v.variant_value: v.price_cents for v in converted.variants}
        assert prices == {"BLACK": 49900, "WHITE": 49900, "SILVER": 54900}
    finally:
        store.close()


def _convert_only_row(url: str, insert: str) -> ReadyProduct | NotReady:
    """Open the catalog, add one product row by SQL (`insert`), and convert that row."""
    store = CatalogStore.open(url)
    try:
        run_sql(url, insert)
        (record,) = store.list_records()
        return to_sync_input(record)
    finally:
        store.close()


def test_version_2_gets_the_holds_table_keeping_its_rows(db_url: str) -> None:
    CatalogStore.open(db_url).close()
    run_sql(
        db_url,
        "DROP TABLE ssa_holds",
        "DROP TABLE ssa_intents",
        "DROP TABLE ssa_currency_amounts",
        "UPDATE ssa_schema_version SET version = 2",
        "INSERT INTO ssa_journal (at, mode, account_id, product_id, operation, summary) VALUES "
        "('2026-01-02 03:04:05', 'live', 'acct_1', 'lamp', 'create_product', 'created lamp')",
    )
    store = CatalogStore.open(db_url)
    try:
        assert _version(db_url) == CURRENT_VERSION == 6
        assert {"ssa_holds", "ssa_intents", "ssa_currency_amounts"} <= set(_tables(db_url))
        assert store.holds("acct_1", "live") == {}
        store.add_holds("acct_1", "live", ["lamp"], "archived by the operator")
        assert list(store.holds("acct_1", "live")) == ["lamp"]
        assert store.holds("acct_1", "test") == {}
        assert [e.operation for e in store.journal()] == ["archive_hold", "create_product"]
    finally:
        store.close()


def test_a_database_without_a_products_table_is_refused_and_left_alone(db_url: str) -> None:
    run_sql(db_url, "CREATE TABLE unrelated (x INTEGER)")
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(db_url, create=False)
    assert str(err.value).startswith("No products table in ")
    assert "Import a catalog first with `stripe-sync-admin import FILE --db " in str(err.value)
    assert _tables(db_url) == {"unrelated"}  # no shop tables, no tool tables
    # An import may start a catalog there; after that a plain open works.
    store = CatalogStore.open(db_url, create=True)
    assert store.created_tables
    store.close()
    store = CatalogStore.open(db_url, create=False)
    assert not store.created_tables
    store.close()


def test_a_mistyped_sqlite_path_creates_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "shpo.db"
    with pytest.raises(CatalogError, match="No products table in sqlite:///"):
        CatalogStore.open(f"sqlite:///{missing}", create=False)
    assert not missing.exists()


def test_tool_tables_are_added_beside_an_existing_shop_table(db_url: str) -> None:
    run_sql(
        db_url,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL)",
    )
    CatalogStore.open(db_url, create=False).close()
    assert {"ssa_links", "ssa_holds", "variants"} <= _tables(db_url)


def test_first_run_fills_the_sample_in_the_same_transaction_and_retries_after_a_failure(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"products": [{"id": "x"}]}')
    with pytest.raises(
        CatalogError, match="broken.json: 2 problems: row 1 .id x.: field name: is required"
    ):
        CatalogStore.open(sample=broken)
    url = f"sqlite:///{default_catalog_path()}"
    assert "products" not in _tables(url)  # nothing half-made
    store = CatalogStore.open()  # the next run tries again, with the real sample
    try:
        assert len(store.list_records()) == 12
    finally:
        store.close()
    store = CatalogStore.open()  # and only once
    store.close()


def test_an_import_on_a_fresh_machine_starts_the_default_catalog_without_the_sample() -> None:
    store = CatalogStore.open(fill_sample=False)
    try:
        assert store.created_tables
        assert store.list_records() == []
    finally:
        store.close()
    store = CatalogStore.open()  # the shop's tables exist: no sample products later either
    try:
        assert store.list_records() == []
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("ssa:S3cretPW@127.0.0.1/db", "'ssa:***@127.0.0.1/db' is not a database URL."),
        (
            "postgresql+psycopg://u:S3cretPW@h:notaport/db",
            "'postgresql+psycopg://u:***@h:notaport/db' is not a database URL.",
        ),
        (
            "postgresql+psycopg://u:S3cretPW@[::1/db",
            "'postgresql+psycopg://u:***@[::1/db' is not a database URL.",
        ),
    ],
)
def test_a_malformed_url_is_a_configuration_error_without_its_password(
    url: str, shown: str
) -> None:
    with pytest.raises(CatalogError) as err:
        CatalogStore.open(url)
    assert str(err.value).startswith(shown)
    assert "S3cretPW" not in str(err.value)
    assert err.value.__suppress_context__  # no traceback quoting the URL either


def test_postgresql_connections_time_out() -> None:
    from core.catalog.db import CONNECT_TIMEOUT_S, create_engine

    seen: dict[str, object] = {}
    engine = create_engine("postgresql+psycopg://u:pw@127.0.0.1:9/db")

    @sa.event.listens_for(engine, "do_connect")
    def capture(
        _dialect: object, _record: object, _args: object, params: dict[str, object]
    ) -> None:
        seen.update(params)
        raise RuntimeError("captured")

    with pytest.raises(RuntimeError, match="captured"):
        engine.connect()
    engine.dispose()
    assert seen["connect_timeout"] == CONNECT_TIMEOUT_S == 10


def test_the_sample_catalog_is_found_beside_core_as_a_wheel_installs_it(tmp_path: Path) -> None:
    # The wheel installs `resources/` into site-packages beside `core` (pyproject.toml).
    site = tmp_path / "site-packages"
    (site / "resources").mkdir(parents=True)
    (site / "resources" / "sample_catalog.json").write_text("{}")
    assert sample_catalog_path(site) == site / "resources" / "sample_catalog.json"
    with pytest.raises(CatalogError, match="The sample catalog is missing from this installation"):
        sample_catalog_path(tmp_path)
    packaged = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())
    assert "resources" in packaged["tool"]["setuptools"]["packages"]["find"]["include"]
    assert "*.json" in packaged["tool"]["setuptools"]["package-data"]["*"]


def test_version_4_gets_the_currency_amounts_table(db_url: str) -> None:
    CatalogStore.open(db_url).close()
    run_sql(
        db_url,
        "DROP TABLE ssa_currency_amounts",
        "UPDATE ssa_schema_version SET version = 4",
        "INSERT INTO products (id, name, base_price_cents, sell_status) "
        "VALUES ('lamp', 'Desk Lamp', 4500, 'available')",
    )
    store = CatalogStore.open(db_url)
    try:
        assert _version(db_url) == CURRENT_VERSION
        assert "ssa_currency_amounts" in _tables(db_url)
        run_sql(db_url, "INSERT INTO ssa_currency_amounts VALUES ('lamp', '', 'eur', 4100)")
        (record,) = store.list_records()
        assert record.currency_amounts == {"": {"eur": 4100}}
    finally:
        store.close()


def test_version_5_gets_the_intents_owner_keeping_its_rows(db_url: str) -> None:
    CatalogStore.open(db_url).close()
    run_sql(
        db_url,
        "DROP TABLE ssa_intents",
        "CREATE TABLE ssa_intents (seq INTEGER PRIMARY KEY, at TIMESTAMP NOT NULL, mode TEXT NOT "
        "NULL, account_id TEXT NOT NULL, product_id TEXT NOT NULL, operation TEXT NOT NULL, "
        "summary TEXT NOT NULL, variant_id TEXT, target_id TEXT, params TEXT)",
        "INSERT INTO ssa_intents (seq, at, mode, account_id, product_id, operation, summary) "
        "VALUES (1, '2026-12-01 10:00:00', 'test', 'acct_1', 'lamp', 'create_product', 'c')",
        "UPDATE ssa_schema_version SET version = 5",
    )
    store = CatalogStore.open(db_url)
    try:
        assert _version(db_url) == CURRENT_VERSION == 6
        (intent,) = store.intents.pending("acct_1", "test")
        assert (intent.product_id, intent.owner) == ("lamp", None)
    finally:
        store.close()
