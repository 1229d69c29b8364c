"""Test vs Live side by side: what was last synced to each mode of one account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox import SandboxServer
from tests.fake_keys import fake_key
from tests.raw_sql import run_sql

TEST_KEY = "sk_test_cliModes12345678"
LIVE_KEY = fake_key("sk", "live", "cliModes87654321")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    source = tmp_path / "shop.json"
    source.write_text(
        json.dumps(
            {
                "products": [
                    {
                        "id": "lamp",
                        "name": "Lamp",
                        "base_price_cents": 4500,
                        "sell_status": "available",
                    },
                    {
                        "id": "shade",
                        "name": "Shade",
                        "base_price_cents": 1500,
                        "sell_status": "available",
                    },
                ]
            }
        )
    )
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert main(["import", str(source), "--db", url]) == 0
    yield url
    server.stop()


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mode: str, *args: str
) -> tuple[int, str]:
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY if mode == "live" else TEST_KEY)
    capsys.readouterr()
    code = main([*args, "--mode", mode, "--yes"] if args[0] == "sync" else [*args, "--mode", mode])
    return code, capsys.readouterr().out


def test_compare_modes_shows_what_each_mode_last_had(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(capsys, monkeypatch, "test", "sync", "--all", "--db", db)[0] == 0
    assert _run(capsys, monkeypatch, "live", "sync", "lamp", "--db", db)[0] == 0
    run_sql(db, "UPDATE products SET base_price_cents = 4700 WHERE id = 'lamp'")
    assert _run(capsys, monkeypatch, "test", "sync", "lamp", "--db", db)[0] == 0
    code, out = _run(capsys, monkeypatch, "live", "compare-modes", "--db", db)
    assert code == 0
    assert "lamp: test and live differ in price" in out
    assert "  price: test $47.00 · live $45.00" in out
    assert "shade: tried in test mode, not in live mode yet" in out
    code, out = _run(capsys, monkeypatch, "test", "compare-modes", "--json", "shade", "--db", db)
    (item,) = json.loads(out)
    assert item["test_synced_at"] and item["live_synced_at"] is None
    code, _ = _run(capsys, monkeypatch, "sandbox", "compare-modes", "--db", db)
    assert code == 2
