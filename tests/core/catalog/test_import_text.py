"""Import refuses control characters in ids, names and descriptions, naming file, row and field.

The rule is core.domain.text's, the same one the check before a sync applies: ids and names hold
none of C0, DEL, C1 or the bidi controls; a description may hold tab and line breaks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog import CatalogStore, ImportFileError
from core.catalog.importer import import_file

P = {"id": "lamp", "name": "Desk Lamp", "sell_status": "available"}


@pytest.fixture
def store(db_url: str) -> Iterator[CatalogStore]:
    store = CatalogStore.open(db_url)
    yield store
    store.close()


def _json(
    tmp_path: Path, name: str, products: list[object], variants: list[object] | None = None
) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"products": products, "variants": variants or []}))
    return path


REFUSED: list[tuple[str, dict[str, object], str]] = [
    (
        "esc-name.json",
        dict(P, name="Lamp\x1b[31m"),
        "row 1 (id lamp): field name: must not contain control characters; found U+001B (ESC)",
    ),
    (
        "bel-rlo-name.json",
        dict(P, name="Lamp\x07\u202eexe.txt"),
        "row 1 (id lamp): field name: must not contain control characters; found U+0007 (BEL), "
        "U+202E (RLO)",
    ),
    (
        "c1-name.json",
        dict(P, name="Lamp\x9b31m"),
        "row 1 (id lamp): field name: must not contain control characters; found U+009B (CSI)",
    ),
    (
        "tab-name.json",
        dict(P, name="\t=1+1"),
        "row 1 (id lamp): field name: must not contain control characters; found U+0009 (TAB)",
    ),
    (
        # The id is not repeated in the message: it is the field at fault.
        "rlo-id.json",
        dict(P, id="lamp\u202e"),
        "row 1: field id: must not contain control characters; found U+202E (RLO)",
    ),
    (
        "lrm-id.json",
        dict(P, id="lamp\u200e"),
        "row 1: field id: must not contain control characters; found U+200E (LRM)",
    ),
    (
        "cr-description.json",
        dict(P, description="\r=1+1"),
        "row 1 (id lamp): field description: must not contain control characters other than tab "
        "and line breaks; found U+000D (CR)",
    ),
    (
        "esc-description.json",
        dict(P, description="fine\n\x1b]0;title\x07"),
        "row 1 (id lamp): field description: must not contain control characters other than tab "
        "and line breaks; found U+001B (ESC), U+0007 (BEL)",
    ),
]


@pytest.mark.parametrize(("name", "product", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_control_characters_are_refused_naming_the_field(
    store: CatalogStore, tmp_path: Path, name: str, product: dict[str, object], message: str
) -> None:
    with pytest.raises(ImportFileError) as err:
        import_file(store, _json(tmp_path, name, [P | {"id": "ok"}, product]))
    assert err.value.message == f"{name}: {message.replace('row 1', 'row 2')}."
    assert err.value.field == message.split("field ")[1].split(":")[0]
    assert store.list_records() == []


def test_a_variants_label_and_ids_follow_the_same_rule(store: CatalogStore, tmp_path: Path) -> None:
    variant = {"id": "v1", "product_id": "lamp", "variant_value": "Red\x07"}
    with pytest.raises(ImportFileError) as err:
        import_file(store, _json(tmp_path, "v.json", [P], [variant]))
    assert err.value.message == (
        "v.json: variants row 1 (id v1): field variant_value: must not contain control "
        "characters; found U+0007 (BEL)."
    )
    variant = {"id": "v1", "product_id": "lamp\x1b", "variant_type": "colour"}
    with pytest.raises(ImportFileError, match=r"field product_id: .* found U\+001B \(ESC\)\."):
        import_file(store, _json(tmp_path, "v.json", [P], [variant]))


def test_a_csv_cell_is_checked_as_the_file_holds_it(store: CatalogStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('id,name,sell_status\nlamp,"Lamp\r",available\n', newline="")
    with pytest.raises(ImportFileError) as err:
        import_file(store, path)
    assert err.value.message == (
        "bad.csv: row 1 (id lamp): field name: must not contain control characters; found "
        "U+000D (CR)."
    )
    path.write_text("id,name,sell_status\n\x1b[2Jlamp,Lamp,available\n")
    with pytest.raises(ImportFileError) as err:
        import_file(store, path)
    assert "\x1b" not in str(err.value)
    assert err.value.message.startswith("bad.csv: row 1: field id: must not contain control")


def test_descriptions_keep_tabs_and_line_breaks(store: CatalogStore, tmp_path: Path) -> None:
    text = "Line one\n\tindented\r\nWindows line\n"
    import_file(store, _json(tmp_path, "ok.json", [dict(P, description=text)]))
    (record,) = store.list_records()
    assert record.product["description"] == text
