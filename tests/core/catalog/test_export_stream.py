"""Export streams the catalog (memory stays flat) and writes all or nothing."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog import CatalogError
from core.catalog.export import export_catalog
from core.catalog.importer import import_file
from core.catalog.store import CatalogStore


def _catalog(url: str, tmp_path: Path, count: int) -> CatalogStore:
    products = [
        {
            "id": f"p{i:05d}",
            "name": f"Product {i} " + "x" * 200,
            "base_price_cents": i,
            "sell_status": "available",
            "description": "d" * 500,
        }
        for i in range(count)
    ]
    source = tmp_path / "source.json"
    source.write_text(json.dumps({"products": products}))
    store = CatalogStore.open(url)
    import_file(store, source)
    return store


def _peak_kib(store: CatalogStore, path: Path) -> float:
    tracemalloc.start()
    try:
        export_catalog(store, path)
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_export_memory_does_not_grow_with_the_catalog(
    sqlite_url: str, tmp_path: Path, suffix: str
) -> None:
    store = _catalog(sqlite_url, tmp_path, 4_000)
    try:
        path = tmp_path / f"big{suffix}"
        peak = _peak_kib(store, path)
        assert path.stat().st_size > 2_500_000  # ~ 4,000 rows of ~700 bytes
        # A whole-document export held the ~2.8 MB text and every row at once.
        assert peak < 1_500, f"peak {peak:.0f} KiB while exporting"
    finally:
        store.close()


def test_json_export_imports_back_unchanged(sqlite_url: str, tmp_path: Path) -> None:
    store = _catalog(sqlite_url, tmp_path, 30)
    try:
        out = tmp_path / "out.json"
        assert export_catalog(store, out) == 30
        report = import_file(store, out)
        assert (report.products.unchanged, report.products.updated) == (30, 0)
    finally:
        store.close()


def test_a_failed_export_leaves_the_old_file_as_it_was(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.catalog import export

    store = _catalog(sqlite_url, tmp_path, 3)
    try:
        out = tmp_path / "out.json"
        out.write_text("the old export")

        def disk_full_after_one_row(*_args: object) -> Iterator[dict[str, object]]:
            yield {"id": "p00000", "name": "Product 0"}
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(export, "_rows", disk_full_after_one_row)
        with pytest.raises(CatalogError, match="No space left on device"):
            export_catalog(store, out)
        assert out.read_text() == "the old export"
        assert not list(tmp_path.glob(".out.json.partial"))
    finally:
        store.close()
