"""Test before live on the command line: a live sync says which writes were never tried in test
mode and, with the setting on and a terminal to ask, asks once more (the maker may go on)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.cli import main
from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from tests.fake_keys import fake_key

TEST_KEY = "sk_test_cliUntried0001"
LIVE_KEY = fake_key("sk", "live", "cliUntried0001")


class Terminal:
    """Stands in for stdin on a terminal: answers the questions in order, records how many."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked = 0

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        self.asked += 1
        return self.answers.pop(0) + "\n"


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    yield server
    server.stop()


@pytest.fixture
def db(
    tmp_path: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """Lamp and Shade in the catalog; only Lamp synced to test mode."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    catalog = tmp_path / "catalog.json"
    products = [
        {"id": "lamp", "name": "Lamp", "base_price_cents": 4500, "sell_status": "available"},
        {"id": "shade", "name": "Shade", "base_price_cents": 1500, "sell_status": "available"},
    ]
    catalog.write_text(json.dumps({"products": products}))
    assert main(["import", str(catalog), "--db", url]) == 0
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    assert main(["sync", "lamp", "--mode", "test", "--db", url]) == 0
    monkeypatch.setenv("STRIPE_SECRET_KEY", LIVE_KEY)
    capsys.readouterr()
    return url


def live_writes(sandbox: SandboxServer) -> list[str]:
    return [w.path for w in sandbox.writes() if w.livemode]


def test_live_plan_marks_the_writes_never_tried_in_test(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--mode", "live", "--db", db]) == 0
    out = capsys.readouterr().out
    shade = [line for line in out.splitlines() if "shade" in line.lower() and "  - " in line]
    lamp = [line for line in out.splitlines() if "lamp" in line.lower() and "  - " in line]
    assert shade and all(line.endswith("— never tried in test mode") for line in shade)
    assert lamp and not any("never tried" in line for line in lamp)
    assert "2 of these 4 changes were never tried in test mode: sync to test mode first" in out


def test_the_extra_question_can_stop_a_live_sync(
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal = Terminal("LIVE", "n")
    monkeypatch.setattr(sys, "stdin", terminal)
    assert main(["sync", "--all", "--mode", "live", "--db", db]) == 2
    err = capsys.readouterr().err
    # Each product: created with its price, then the price's lookup key.
    assert "about to make 4 changes in Stripe for 2 products, 2 never tried in test mode." in err
    assert "2 of these changes were never synced to test mode first. Go on anyway? [y/N]" in err
    assert "not confirmed; nothing was written" in err
    assert terminal.asked == 2
    assert live_writes(sandbox) == []


def test_the_maker_may_go_on_anyway(
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal("LIVE", "y"))
    assert main(["sync", "--all", "--mode", "live", "--db", db]) == 0
    assert "Created 2," in capsys.readouterr().out
    assert len(live_writes(sandbox)) == 4


def test_no_extra_question_with_the_setting_off_or_with_yes(
    db: str,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    save_settings(Settings(confirm_untried_live=False))
    terminal = Terminal("LIVE")
    monkeypatch.setattr(sys, "stdin", terminal)
    assert main(["sync", "shade", "--mode", "live", "--db", db]) == 0
    assert terminal.asked == 1
    assert "Go on anyway" not in capsys.readouterr().err
    save_settings(Settings(confirm_untried_live=True))
    yes = Terminal()
    monkeypatch.setattr(sys, "stdin", yes)
    assert main(["sync", "lamp", "--mode", "live", "--db", db, "--yes"]) == 0
    assert yes.asked == 0
    assert len(live_writes(sandbox)) == 4
