"""`adopt` and `link` on the command line, against the sandbox's hand-made preset."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox import SandboxServer

TEST_KEY = "sk_test_cliAdopt12345678"
SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample_catalog.json"
CABLE_A, CABLE_B = "prod_9HDIufUHxOhwfp", "prod_IJbnUpWtM416Kd"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = SandboxServer(port=0).start()
    server.apply_preset("handmade")
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    assert main(["import", str(SAMPLE), "--db", url]) == 0
    server.clear_log()
    yield url
    assert [w.path for w in server.writes()] == []  # none of these commands writes to Stripe
    server.stop()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "--mode", "test"])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_before_adopting_warns_that_a_sync_would_make_a_second_product(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "status", "--json", "cable-jst-30cm", "--db", db)
    (row,) = json.loads(out)
    assert row["state"] == "missing"
    assert (
        f"Stripe already has a product named like this, not linked to the catalog ({CABLE_A}, {CABLE_B})"
        in row["note"]
    )
    assert "the sync creates another one" in row["note"]


def test_adopt_dry_run_then_adopt_then_link(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "adopt", "--dry-run", "--json", "--db", db)
    assert code == 0
    dry = json.loads(out)
    assert {item["local_id"] for item in dry["linked"]} >= {"material-8x8-v1", "founder-edition"}
    assert {item["stripe_product_id"] for item in dry["ambiguous"]} == {CABLE_A, CABLE_B}
    assert all(
        set(item) == {"local_id", "stripe_product_id", "stripe_name", "by", "prices"}
        for item in dry["linked"]
    )
    assert all(item["stripe_name"] for item in dry["linked"])  # the dialog shows "name (id)"

    code, out, _ = _run(capsys, "adopt", "--db", db)
    assert code == 0
    assert "Linked material-16x16-v1 → prod_ZVCfFm7EpMClOu (by name, 1 price reused)" in out
    assert f"link it by hand with `link LOCAL_ID {CABLE_A}`" in out
    assert out.strip().endswith("nothing was written to Stripe.")

    code, out, _ = _run(capsys, "link", "cable-jst-30cm", CABLE_A, "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["by"] == "hand"
    assert json.loads(out)["stripe_name"]
    code, _, err = _run(capsys, "link", "cable-jst-1m", CABLE_A, "--db", db)
    assert code == 2
    assert "already linked to 'cable-jst-30cm'" in err

    # After adopting, the product is no longer missing and its name matches.
    code, out, _ = _run(capsys, "status", "--json", "cable-jst-30cm", "--db", db)
    (row,) = json.loads(out)
    assert row["state"] != "missing"


def test_sandbox_preset_starts_the_built_in_sandbox_afresh(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sync", "material-8x8-v1"]) == 0  # sandbox mode, the default catalog
    capsys.readouterr()
    assert main(["sandbox-preset", "handmade"]) == 0
    assert "holds the 'handmade' Stripe catalog" in capsys.readouterr().out
    assert main(["status", "--json", "material-8x8-v1"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["state"] == "missing"  # its old sandbox product is gone with the old sandbox
    assert "Stripe already has a product named like this" in row["note"]
    assert main(["adopt", "--json"]) == 0
    linked = {m["local_id"] for m in json.loads(capsys.readouterr().out)["linked"]}
    assert "material-8x8-v1" in linked
