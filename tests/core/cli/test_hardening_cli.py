"""Hostile and careless input as a maker meets it on the command line: files a sync would refuse,
huge files and values, a locked catalog file, keys from the keyring, an unsafe API address, an
unreachable Stripe, and a live sync's preview."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from core.catalog import db as catalog_db
from core.cli import main
from core.engine.throttle import RetryPolicy
from core.sandbox import SandboxServer
from tests.fake_keys import fake_key
from tests.keyring_fakes import LockedKeyring, MemoryKeyring
from tests.raw_sql import query_value

TEST_KEY = "sk_test_hardeningKey1111"
OTHER_TEST_KEY = "sk_test_environmentKey2222"
LIVE_KEY = fake_key("sk", "live", "hardeningLive3333")
LAMP = {"id": "lamp", "name": "Desk Lamp", "base_price_cents": 4500, "sell_status": "available"}
NOTHING_IMPORTED = " Nothing was imported; fix the file and import it again.\n"


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    yield server
    server.stop()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


def _json(tmp_path: Path, data: dict[str, Any], name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def _import(path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["import", str(path), "--db", db])
    return code, capsys.readouterr().err


def _count(db: str, table: str = "products") -> int:
    try:
        return int(query_value(db, f"SELECT count(*) FROM {table}"))
    except Exception:  # noqa: BLE001 - no table: nothing was imported either
        return 0


# -- 3. a row a sync would refuse is refused at import -------------------------------------------


def test_a_variant_whose_final_price_is_out_of_range_is_refused_at_import(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {
        "products": [
            {"id": "cheap", "name": "Cheap", "base_price_cents": 100, "sell_status": "available"},
            {"id": "dear", "name": "Dear", "base_price_cents": 1000, "sell_status": "available"},
        ],
        "variants": [
            {"id": "cheap-red", "product_id": "cheap", "price_modifier": -500},
            {"id": "dear-gold", "product_id": "dear", "price_modifier": 99_999_999},
        ],
    }
    code, err = _import(_json(tmp_path, data), db, capsys)
    assert code == 2
    assert err == (
        "catalog.json: 2 problems: variants row 1 (id cheap-red): field price_modifier: the "
        "price would be -400 cents (100 - 500); it must be between 0 and 99,999,999; variants "
        "row 2 (id dear-gold): field price_modifier: the price would be 100,000,999 cents "
        "(1,000 + 99,999,999); it must be between 0 and 99,999,999." + NOTHING_IMPORTED
    )
    assert _count(db) == 0
    assert _count(db, "variants") == 0


def test_a_new_base_price_is_checked_against_the_variants_already_in_the_catalog(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = {
        "products": [LAMP],
        "variants": [{"id": "lamp-s", "product_id": "lamp", "price_modifier": -4000}],
    }
    assert _import(_json(tmp_path, first), db, capsys) == (0, "")
    cheaper = {"products": [dict(LAMP, base_price_cents=1000)]}
    code, err = _import(_json(tmp_path, cheaper, "cheaper.json"), db, capsys)
    assert code == 2
    assert err == (
        "cheaper.json: row 1 (id lamp): field variants[lamp-s].price_modifier: the price would "
        "be -3,000 cents (1,000 - 4,000); it must be between 0 and 99,999,999." + NOTHING_IMPORTED
    )
    assert query_value(db, "SELECT base_price_cents FROM products") == 4500


def test_a_name_of_only_non_breaking_spaces_is_refused_at_import_as_a_sync_would(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _import(
        _json(tmp_path, {"products": [dict(LAMP, name="\u00a0\u3000")]}), db, capsys
    )
    assert (code, err) == (
        2,
        "catalog.json: row 1 (id lamp): field name: must not be empty." + NOTHING_IMPORTED,
    )


def test_every_bad_row_is_reported_up_to_fifty_then_counted(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["id,name,base_price_cents,sell_status", "good,Good,100,available"]
    lines += [f"p{n:02d},Thing,100,gone" for n in range(60)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    code, err = _import(path, db, capsys)
    assert code == 2
    assert err.startswith(
        "many.csv: 60 problems: row 2 (id p00): field sell_status: must be one of"
    )
    assert "row 51 (id p49): field sell_status" in err
    assert "(id p50)" not in err
    assert err.endswith("got 'gone'; and 10 more." + NOTHING_IMPORTED)
    assert _count(db) == 0


# -- 7. size guards --------------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(200_000_000)  # sparse: 200 MB on paper, nothing to read if it were read
    code, err = _import(path, db, capsys)
    assert (code, err) == (
        2,
        "huge.csv: is 200.0 MB; an import file may be at most 50.0 MB; split the catalog into "
        "smaller files and import each." + NOTHING_IMPORTED,
    )


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_a_huge_value_is_refused_naming_its_row_and_field(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = tmp_path / f"long.{suffix}"
    big = "x" * 150_000
    if suffix == "csv":
        path.write_text(
            f"id,name,description,sell_status\nlamp,Lamp,ok,available\nkit,Kit,{big},available\n"
        )
    else:
        kit = {"id": "kit", "name": "Kit", "description": big, "sell_status": "available"}
        path.write_text(json.dumps({"products": [LAMP, kit]}))
    code, err = _import(path, db, capsys)
    assert (code, err) == (
        2,
        f"long.{suffix}: row 2 (id kit): field description: is 150,000 characters long; a value "
        "may be at most 100,000 characters." + NOTHING_IMPORTED,
    )


def test_the_csv_field_limit_is_put_back_after_an_import(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "ok.csv"
    path.write_text("id,name,sell_status\nlamp,Lamp,available\n")
    assert _import(path, db, capsys) == (0, "")
    assert csv.field_size_limit() == before


# -- 8. messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "row", "line"),
    [
        ('id,name,sell_status\nlamp,"Desk Lamp,available\nkit,Kit,available\n', 1, 2),
        ('id,name,sell_status\nlamp,Lamp,available\n\nkit,"Kit,available', 2, 4),
        ('id,name,sell_status\nlamp,Lamp,"available\nkit,Kit,available\n', 1, 2),
    ],
)
def test_an_unclosed_quote_is_named_with_its_row(
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    content: str,
    row: int,
    line: int,
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(content)
    code, err = _import(path, db, capsys)
    assert code == 2
    assert err == (
        f'quote.csv: row {row}: a quote (") opened in this row (line {line} of the file) is never '
        "closed, so the rest of the file would be read as one value; close the quote, or write "
        'a quote inside a value as two ("").' + NOTHING_IMPORTED
    )


def test_an_unclosed_quote_in_a_big_file_is_named_not_called_a_long_value(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"p{n},Thing {n},available\n" for n in range(20_000))
    path = tmp_path / "quote.csv"
    path.write_text(f'id,name,sell_status\nlamp,"Lamp,available\n{rows}')
    code, err = _import(path, db, capsys)
    assert code == 2
    assert err.startswith('quote.csv: row 1: a quote (") opened in this row (line 2 of the file)')


def test_quotes_that_pair_up_still_import(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "fine.csv"
    path.write_text(
        'id,name,description,sell_status\nlamp,"Lamp, ""big""","two\nlines",available\n'
    )
    assert _import(path, db, capsys) == (0, "")
    assert query_value(db, "SELECT name FROM products") == 'Lamp, "big"'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "id,name,sell_status\nlamp,,available\n",
            "field name: is empty; every product needs a name",
        ),
        (
            "id,name,sell_status\nlamp,   ,available\n",
            "field name: is empty; every product needs a name",
        ),
        (
            "id,name,sell_status\nlamp,Lamp,\n",
            "field sell_status: is empty; it must be one of 'available', 'for-sale', 'pre-order', "
            "'pre-sale', 'sold-out' or 'internal'",
        ),
    ],
)
def test_a_blank_cell_is_called_empty(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(content)
    assert _import(path, db, capsys) == (
        2,
        f"blank.csv: row 1 (id lamp): {message}." + NOTHING_IMPORTED,
    )


def test_a_long_value_is_cut_in_messages(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    long_id = "a" * 10_000
    data = {"products": [dict(LAMP, id=long_id, sell_status="b" * 5_000)]}
    code, err = _import(_json(tmp_path, data), db, capsys)
    assert code == 2
    assert long_id[:61] not in err
    assert f"(id {'a' * 60}… (10,000 characters))" in err
    assert f"got '{'b' * 60}'… (5,000 characters)" in err
    assert len(err) < 800


def test_a_catalog_file_another_program_holds_is_named(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setattr(catalog_db, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(tmp_path / "shop.db", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        code, err = _import(_json(tmp_path, {"products": [dict(LAMP, name="New")]}), db, capsys)
    finally:
        holder.close()
    assert code == 2
    assert err == (
        f"Another program is using the catalog file {tmp_path / 'shop.db'} and kept it locked "
        "for 0.2 s. Close the other program (another Stripe Sync Admin window or command, or a "
        "database tool such as DB Browser for SQLite), or wait for it to finish, then try again.\n"
    )
    assert "--db URL" not in err
    assert query_value(db, "SELECT name FROM products") == "Desk Lamp"


def test_a_read_only_command_that_cannot_reach_stripe_says_nothing_was_written(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt: 60.0)  # give up at once
    for command in (["status"], ["plan"], ["export", str(tmp_path / "d.csv"), "--diff"]):
        assert main([*command, "--mode", "test", "--db", db]) == 1
        err = capsys.readouterr().err
        assert "could not be reached" in err
        assert err.endswith(
            "Nothing was written to Stripe by this; check the internet connection (and "
            "STRIPE_API_BASE, if set) and try again.\n"
        )
        assert "duplicated" not in err


def test_a_live_sync_preview_does_not_say_nothing_written(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    assert main(["sync", "--all", "--mode", "live", "--db", db, "--yes"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "1 product will change: 2 changes in Stripe." in out
    assert not any("nothing written" in line for line in out)
    assert out[-1] == "Created 1, updated 0, archived 0, skipped 0, failed 0."
    assert main(["plan", "--mode", "live", "--db", db]) == 0  # the plan itself is unchanged
    assert capsys.readouterr().out.strip().endswith("Nothing to do: Stripe matches the catalog.")


# -- 6. keys from the OS keyring; a live key only over https ----------------------------------------


def _use_keyring(monkeypatch: pytest.MonkeyPatch, backend: MemoryKeyring) -> None:
    """The keyring the window saves keys in (`keyring.get_keyring()`), here in memory."""
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)


def test_the_command_line_uses_the_key_the_window_saved(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    backend = MemoryKeyring()
    backend.set_password("stripe-sync-admin", "stripe:test", TEST_KEY)
    _use_keyring(monkeypatch, backend)
    assert main(["sync", "--all", "--mode", "test", "--db", db]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "Using the test key saved in tests.keyring_fakes.MemoryKeyring (sk_test_…1111).\n"
    )
    assert TEST_KEY not in captured.err + captured.out
    assert [w.path for w in sandbox.writes()][:1] == ["/v1/products"]
    # No live key saved: live mode says so and where to save one.
    assert main(["status", "--mode", "live", "--db", db]) == 2
    assert capsys.readouterr().err == (
        "No Stripe key for live mode: none is saved in tests.keyring_fakes.MemoryKeyring. Save "
        "one with Keys… in the window, or set STRIPE_SECRET_KEY to your sk_live_… key.\n"
    )


def test_stripe_secret_key_wins_over_the_keyring(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    backend = MemoryKeyring()
    backend.set_password("stripe-sync-admin", "stripe:test", TEST_KEY)
    _use_keyring(monkeypatch, backend)
    monkeypatch.setenv("STRIPE_SECRET_KEY", OTHER_TEST_KEY)
    assert main(["status", "--mode", "test", "--db", db]) == 0
    assert capsys.readouterr().err == (
        "Using the test key from STRIPE_SECRET_KEY (sk_test_…2222).\n"
    )


def test_a_locked_keyring_is_a_clear_message_and_exit_2(
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    _use_keyring(monkeypatch, LockedKeyring())
    assert main(["status", "--mode", "test", "--db", db]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "The test key cannot be read: tests.keyring_fakes.LockedKeyring is locked. Unlock it "
        "(for example open 'Passwords and Keys', or log in to the desktop), then run the command "
        "again; or set STRIPE_SECRET_KEY to your sk_test_… key.\n"
    )
    assert sandbox.writes() == []


def test_without_any_keyring_the_message_does_not_send_you_to_the_window(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    import keyring.backends.fail

    _use_keyring(monkeypatch, keyring.backends.fail.Keyring())  # type: ignore[arg-type]
    assert main(["status", "--mode", "test", "--db", db]) == 2
    assert capsys.readouterr().err == (
        "No Stripe key for test mode (no secure keyring works on this computer, so none can be "
        "saved there). Set STRIPE_SECRET_KEY to your sk_test_… key.\n"
    )


@pytest.mark.parametrize(
    "base",
    [
        "http://example.com",
        "http://127.0.0.1.example.com:12111",
        "http://localhost@example.com",
        "http://[::ffff:10.0.0.1]:80",
        "ftp://example.com",
        "example.com",
        "http://",
    ],
)
def test_a_live_key_is_never_sent_over_plain_http_to_another_computer(
    base: str,
    tmp_path: Path,
    db: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", base)
    assert main(["status", "--mode", "live", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Using the live key from STRIPE_SECRET_KEY (sk_live_…3333).\nSTRIPE_API_BASE is "
    )
    assert "the live key" in err and "clear text" in err
    assert err.endswith(
        "Use an https:// address (plain http only to this computer: localhost, 127.0.0.1 or "
        "::1), or unset STRIPE_API_BASE to talk to Stripe itself.\n"
    )
    assert "localhost@" not in err or base != "http://localhost@example.com"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_a_live_key_may_use_plain_http_to_this_computer(
    host: str,
    tmp_path: Path,
    db: str,
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", sandbox.url.replace("127.0.0.1", host))
    assert main(["status", "--mode", "live", "--db", db]) == 0
    assert "lamp" in capsys.readouterr().out


def test_a_test_key_may_use_any_address(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _import(_json(tmp_path, {"products": [LAMP]}), db, capsys) == (0, "")
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt: 60.0)
    assert main(["status", "--mode", "test", "--db", db]) == 1  # allowed, just unreachable
    assert "clear text" not in capsys.readouterr().err
