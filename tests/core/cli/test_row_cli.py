"""Adding, duplicating, and adding/removing variants from the command line: catalog only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox import SandboxServer

TEST_KEY = "sk_test_cliRows12345678"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    source = tmp_path / "shop.json"
    source.write_text(
        json.dumps(
            {
                "products": [
                    {
                        "id": "mug",
                        "name": "Mug",
                        "base_price_cents": 1500,
                        "sell_status": "available",
                        "has_variants": True,
                    },
                ],
                "variants": [
                    {
                        "id": "mug-red",
                        "product_id": "mug",
                        "variant_type": "color",
                        "variant_value": "RED",
                        "price_modifier": 0,
                    },
                ],
            }
        )
    )
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert main(["import", str(source), "--db", url]) == 0
    yield url
    server.stop()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "--mode", "test"])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_a_product_then_plan_creates_it(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "add", "bowl", "name=Bowl", "base_price=12,50", "--db", db)
    assert code == 0 and "Added bowl “Bowl”. Nothing was written to Stripe" in out
    code, out, _ = _run(capsys, "plan", "--json", "bowl", "--db", db)
    op, key = json.loads(out)["operations"]
    assert key["params"] == {"lookup_key": "bowl", "transfer_lookup_key": True}
    assert (
        op["op"] == "create_product" and op["params"]["default_price_data"]["unit_amount"] == 1250
    )
    code, out, _ = _run(capsys, "history", "--json", "bowl", "--db", db)
    assert [e["kind"] for e in json.loads(out)] == ["edit"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["bowl", "base_price=12.50"], "name"),  # no name
        (["bowl", "name=Bowl", "base_price=abc"], "base_price"),
        (["bowl", "name=\x1b[2JBowl", "base_price=5"], "control characters"),
        (["mug", "name=Mug again", "base_price=5"], "already has a product 'mug'"),
        (["bad id!", "name=X", "base_price=5"], "letters, digits"),
    ],
)
def test_a_refused_product_is_not_added(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, _, err = _run(capsys, "add", *args, "--db", db)
    assert code == 2 and words in err
    code, out, _ = _run(capsys, "status", "--json", "--db", db)
    assert [row["id"] for row in json.loads(out)] == ["mug"]


def test_duplicate_and_variants(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "duplicate", "mug", "cup", "--name", "Cup", "--db", db)
    assert code == 0 and "Copied mug to cup with 1 variant" in out
    code, out, _ = _run(
        capsys,
        "add-variant",
        "cup",
        "cup-blue",
        "variant_type=color",
        "variant_value=BLUE",
        "price=17.00",
        "--db",
        db,
    )
    assert code == 0
    assert _run(capsys, "sync", "cup", "--db", db)[0] == 0
    code, out, _ = _run(capsys, "remove-variant", "cup", "cup-red", "--db", db)
    assert code == 0 and "the next sync archives its price" in out
    code, out, _ = _run(capsys, "plan", "--json", "cup", "--db", db)
    ops = json.loads(out)["operations"]
    assert [o["op"] for o in ops] == ["archive_price"]
    code, _, err = _run(capsys, "remove-variant", "cup", "cup-red", "--db", db)
    assert code == 2 and "no such variant" in err
