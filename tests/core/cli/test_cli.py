"""The command line end to end against the sandbox: output shapes, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox import SandboxServer
from tests.fake_keys import fake_key
from tests.raw_sql import query_value, run_sql

TEST_KEY = "sk_test_cliTests12345678"
LIVE_KEY = fake_key("sk", "live", "cliSecret87654321")


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    yield server
    server.stop()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


def _catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(
        json.dumps(
            {
                "products": [
                    {
                        "id": "lamp",
                        "name": "Desk Lamp",
                        "base_price": 4500,
                        "sell_status": "available",
                    },
                    {
                        "id": "kit",
                        "name": "Kit",
                        "base_price_cents": None,
                        "sell_status": "pre-order",
                    },
                ]
            }
        )
    )
    return path


def test_newcomer_plan_then_sync_all_in_sandbox_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert "cable-jst-1m: Create in Stripe with price $6.50\n" in out
    assert (
        "founder-edition: Create in Stripe with 3 prices: $499.00 for color BLACK, $549.00 for "
        "color SILVER, $499.00 for color WHITE\n"
    ) in out
    assert "diffuser-acrylic: not ready (no price yet); will be skipped" in out
    # Each new price's lookup key is one more write unless a nickname write carries it.
    assert out.strip().endswith("9 products would change: 20 changes in Stripe; nothing written.")

    assert main(["sync", "--all"]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("Created 9, updated 0, archived 0, skipped 3, failed 0.")

    assert main(["plan"]) == 0
    assert capsys.readouterr().out.strip().endswith("Nothing to do: Stripe matches the catalog.")


def test_json_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--json", "material-8x8-v1"]) == 0
    plan = json.loads(capsys.readouterr().out)
    op, key = plan["operations"]
    assert (op["product_id"], op["op"]) == ("material-8x8-v1", "create_product")
    assert "create product" in op["summary"]
    assert key["summary"] == "give the price its lookup key material-8x8-v1"

    assert main(["sync", "--json", "material-8x8-v1", "diffuser-acrylic"]) == 0
    sync = json.loads(capsys.readouterr().out)
    assert sync["summary"] == {"created": 1, "updated": 0, "archived": 0, "skipped": 1, "failed": 0}
    first = sync["results"][0]
    assert first["product_id"] == "material-8x8-v1"
    assert first["action"] == "created"
    assert first["stripe_product_id"] == "material-8x8-v1"
    assert first["stripe_price_id"].startswith("price_")
    assert first["error"] is None and first["variant_prices"] == []

    assert main(["status", "--json", "material-8x8-v1", "founder-edition"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status[0] == {
        "id": "founder-edition",
        "state": "missing",
        "differences": status[0]["differences"],
        "for_sale": True,
        "for_sale_reason": "For sale: sell status pre-order, dev status 5 of 5, live; 41 of 300 "
        "sold.",
        "sell_status": "pre-order",
        "is_live": True,
        "dev_status": 5,
        "sold_quantity": 41,
        "max_quantity": 300,
        "category": "controllers",
    }
    assert {
        "field": "name",
        "local": "Founder Edition Controller",
        "stripe": None,
        "last_written": None,
        "changed": None,  # never synced nor adopted
    } in status[0]["differences"]
    (price,) = [d for d in status[0]["differences"] if d["field"].endswith(".price")][:1]
    assert isinstance(price["local"], int) and price["currency"] == "usd"
    assert price["local_text"].startswith("$")
    assert {k: status[1][k] for k in ("id", "state", "differences", "for_sale")} == {
        "id": "material-8x8-v1",
        "state": "in_sync",
        "differences": [],
        "for_sale": True,
    }


def test_import_export_round_trip(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _catalog_file(tmp_path)
    assert main(["import", str(source), "--db", db]) == 0
    assert "products 2 inserted" in capsys.readouterr().out
    exported = tmp_path / "out.json"
    assert main(["export", str(exported), "--db", db]) == 0
    assert main(["import", str(exported), "--db", db, "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    report = json.loads("\n".join(lines[1:]))
    assert report["products"] == {"inserted": 0, "updated": 0, "unchanged": 2}
    csv_out = tmp_path / "out.csv"
    assert main(["export", str(csv_out), "--db", db]) == 0
    header = csv_out.read_text().splitlines()[0]
    assert header.startswith("id,name,description,category,dev_status,base_price_cents")


def test_malformed_import_exits_2_with_one_line_and_imports_nothing(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,sell_status\nlamp,Lamp,available\nkit,Kit,gone\n")
    assert main(["import", str(bad), "--db", db]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "bad.csv: row 2 (id kit): field sell_status: must be one of 'available', 'for-sale', "
        "'pre-order', 'pre-sale', 'sold-out' or 'internal', got 'gone'. Nothing was imported; "
        "fix the file and import it again.\n"
    )
    assert query_value(db, "SELECT count(*) FROM products") == 0


def test_diff_export_and_failed_product_exit_code(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_sql(
        db,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL, currency TEXT)",
        "INSERT INTO products VALUES ('lamp', 'Lamp', 100, 'available', NULL), "
        "('ok', 'Ok', 250, 'available', NULL)",
    )
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    # Lamp (synced first) fails: Stripe saves a 500 under its create key, then under the next.
    sandbox.fail_during_execution_next(2, status=500)
    assert main(["sync", "--all", "--mode", "test", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "failed   lamp: Stripe failed (HTTP 500)" in out
    assert out.strip().endswith("Created 1, updated 0, archived 0, skipped 0, failed 1.")
    diff = tmp_path / "diff.csv"
    assert main(["export", str(diff), "--diff", "--mode", "test", "--db", db]) == 0
    with diff.open(newline="") as fh:
        rows = list(csv.reader(fh))
    header = ["id", "state", "field", "local", "stripe", "last_written", "changed", "note"]
    assert rows[0] == header
    assert rows[1][:7] == ["lamp", "failed", "name", "Lamp", "", "", ""]
    assert rows[1][7].startswith("Stripe failed (HTTP 500)")
    assert ["ok", "in_sync", "", "", "", "", "", ""] in rows


def test_live_mode_needs_yes_without_a_terminal_and_never_prints_the_key(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(_catalog_file(tmp_path)), "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    assert main(["sync", "--all", "--mode", "live", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err == (
        "Using the live key from STRIPE_SECRET_KEY (sk_live_…4321).\n"
        "stripe-sync-admin sync: live mode: about to make 2 changes in Stripe for 1 product, 2 never "
        "tried in test mode; add --yes (no terminal to ask for confirmation)\n"
    )
    assert sandbox.writes() == []
    assert main(["sync", "--all", "--mode", "live", "--db", db, "--yes"]) == 0
    assert "Created 1," in capsys.readouterr().out
    assert all(w.livemode for w in sandbox.writes())
    # A live key in test mode is refused, masked.
    assert main(["status", "--mode", "test", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err == (
        "sk_live_…4321 is a live-mode key, but test mode needs a test key. Use a key starting "
        "with sk_test_ or rk_test_.\n"
    )
    assert LIVE_KEY not in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sync"]) == 2
    assert capsys.readouterr().err == (
        "stripe-sync-admin sync: give product ids, or --all to sync every product\n"
    )
    assert main(["status", "--mode", "staging"]) == 2
    assert "invalid choice: 'staging'" in capsys.readouterr().err
    assert main(["status", "no-such-product"]) == 2
    assert capsys.readouterr().err.startswith("No product 'no-such-product' in the catalog")
    assert main(["status", "--db", "nonsense://x"]) == 2
    assert "No database driver for 'nonsense'" in capsys.readouterr().err


def test_no_arguments_opens_the_window_or_says_why_not(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "gui.app", None)  # as if PySide6 failed to import
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("The window cannot start: ")
    assert err.endswith("Install PySide6, or use a subcommand (--help).\n")


def test_real_subprocess_plan_in_sandbox_mode(tmp_path: Path) -> None:
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "core.cli", "plan", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert {op["product_id"] for op in plan["operations"]} >= {"founder-edition", "psu-5v-20a"}
    assert {r["id"] for r in plan["not_ready"]} == {"diffuser-acrylic", "mounting-frame-kit"}
    assert proc.stderr == ""


def test_live_sync_reports_every_product_and_reads_stripe_twice_not_three_times(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(_catalog_file(tmp_path)), "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    sandbox.clear_log()
    assert main(["sync", "--all", "--mode", "live", "--db", db, "--yes", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(r["product_id"], r["action"]) for r in report["results"]] == [
        ("kit", "skipped"),
        ("lamp", "created"),
    ]
    assert report["summary"]["skipped"] == 1 and report["summary"]["created"] == 1
    # One bulk read for the plan shown and confirmed; the sync re-checks it from the events since.
    product_lists = [
        r for r in sandbox.request_log if (r.method, r.path) == ("GET", "/v1/products")
    ]
    assert len(product_lists) == 1
    assert any(r.path == "/v1/events" for r in sandbox.request_log)
    # Nothing to write: still one result per product asked for.
    assert main(["sync", "kit", "lamp", "--mode", "live", "--db", db, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [(r["product_id"], r["action"]) for r in again["results"]] == [
        ("kit", "skipped"),
        ("lamp", "skipped"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["status", "--db", "postgresql+psycopg://u:S3cretPW@h:notaport/db"],
            "'postgresql+psycopg://u:***@h:notaport/db' is not a database URL.",
        ),
        (
            ["status", "--db", "postgresql+psycopg://u:S3cretPW@[::1/db"],
            "'postgresql+psycopg://u:***@[::1/db' is not a database URL.",
        ),
        (["status", "--db", "ssa:S3cretPW@127.0.0.1/db"], "'ssa:***@127.0.0.1/db' is not"),
        (["export", "/nonexistent/x.json"], "Cannot write /nonexistent/x.json: No such file"),
    ],
)
def test_bad_configuration_is_one_clear_line_exit_2_without_the_password(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Unexpected error" not in err and "S3cretPW" not in err


def test_bad_import_files_exit_2(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["import", str(deep), "--db", db]) == 2
    assert capsys.readouterr().err.startswith("deep.json: its JSON is nested too deeply")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert main(["import", str(folder), "--db", db]) == 2
    assert capsys.readouterr().err.startswith("folder.csv: is a folder, not a file.")


def test_a_mistyped_db_creates_nothing_and_an_import_says_it_started_a_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "shpo.db"
    assert main(["status", "--db", f"sqlite:///{typo}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"No products table in sqlite:///{typo}. Import a catalog first with")
    assert not typo.exists()
    assert main(["import", str(_catalog_file(tmp_path)), "--db", f"sqlite:///{typo}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Created the catalog tables (products, variants) in sqlite:///{typo}.")


def test_import_on_a_fresh_machine_imports_only_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(_catalog_file(tmp_path))]) == 0
    assert "products 2 inserted" in capsys.readouterr().out
    export = tmp_path / "all.json"
    assert main(["export", str(export)]) == 0
    ids = [p["id"] for p in json.loads(export.read_text())["products"]]
    assert ids == ["kit", "lamp"]  # no sample products


def test_an_invalid_row_is_failed_in_status_and_plan_exit_1(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run_sql(
        db,
        "CREATE TABLE products (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "base_price_cents INTEGER, sell_status TEXT NOT NULL)",
        "INSERT INTO products VALUES ('lamp', 'Lamp', 'abc', 'available')",
    )
    assert main(["status", "--db", db]) == 1
    out = capsys.readouterr().out
    assert "lamp        failed" in out
    assert (
        "can't sync: the catalog row has invalid values: base_price_cents: must be a whole "
        "number of cents ≥ 0" in out
    )
    assert "Fix it with `set` or in the shop's database" in out
    assert main(["plan", "--db", db]) == 1
    assert "lamp: invalid catalog row (base_price_cents: " in capsys.readouterr().out
    assert main(["sync", "--all", "--db", db]) == 1
    assert "failed   lamp: base_price_cents: must be" in capsys.readouterr().out


def test_archive_help_says_the_catalog_is_not_changed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["archive", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Archive products in Stripe for this account and mode only. The shop's catalog is not changed"
        in out
    )
    assert "internal" not in out


def test_a_second_process_in_sandbox_mode_uses_the_sandbox_the_first_one_serves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The window serves the built-in sandbox; the command line, run meanwhile, talks to it."""
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from core.workspace import Workspace; ws = Workspace.open(); "
            "ws.sync(['material-8x8-v1']); print('open', flush=True); sys.stdin.readline(); "
            "ws.close()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=Path(__file__).resolve().parents[3],
    ) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "open"
            assert main(["status", "--json", "material-8x8-v1"]) == 0
            (row,) = json.loads(capsys.readouterr().out)
            assert row["state"] == "in_sync"  # what the other process wrote, in its sandbox
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=60)
    assert main(["status"]) == 0  # and alone again once the other one closed


def test_plan_json_spells_out_what_the_plan_creates_first(
    sandbox: SandboxServer,
    db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    assert main(["import", str(_catalog_file(tmp_path)), "--db", db]) == 0
    assert main(["sync", "--all", "--mode", "test", "--db", db]) == 0
    run_sql(db, "UPDATE products SET base_price_cents = base_price_cents + 100")
    capsys.readouterr()
    assert main(["plan", "--json", "--mode", "test", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "@price" not in text and "@product" not in text
    ops = json.loads(text)["operations"]
    defaults = [o for o in ops if o["op"] == "set_default_price"]
    assert defaults and all(
        o["params"]["default_price"]["created_by_this_plan"] == "price" for o in defaults
    )
