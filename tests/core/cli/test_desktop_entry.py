"""`stripe-sync-admin install-desktop-entry [--remove]`: the menu entry and icon in the user's own
XDG data folder, starting the installed program; no catalog is opened for it."""

from __future__ import annotations

import configparser
import json
import os
import sys
from pathlib import Path

import pytest

from core.cli import main
from core.cli.desktop_entry import exec_value

ENTRY = Path("applications/stripe-sync-admin.desktop")
ICON = Path("icons/hicolor/scalable/apps/stripe-sync-admin.svg")


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "share"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_installs_an_entry_starting_the_installed_program_and_its_icon(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["install-desktop-entry"]) == 0
    entry = _entry(data_home / ENTRY)
    program = Path(entry["Exec"])
    assert program.is_absolute() and program.name == "stripe-sync-admin"
    assert program.is_file() and os.access(program, os.X_OK)
    assert entry["TryExec"] == entry["Exec"]
    assert entry["Name"] == "Stripe Sync Admin" and entry["Icon"] == "stripe-sync-admin"
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    icon = data_home / ICON
    assert "<svg" in icon.read_text(encoding="utf-8")
    said = capsys.readouterr().out
    assert str(data_home / ENTRY) in said and str(icon) in said and "--remove" in said
    # No catalog was opened or created for it.
    assert not (Path(os.environ["XDG_DATA_HOME"]) / "stripe-sync-admin").exists()


def test_running_it_again_replaces_the_entry_and_remove_takes_both_out(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (data_home / ENTRY).parent.mkdir(parents=True)
    (data_home / ENTRY).write_text("[Desktop Entry]\nExec=/old/place\n", encoding="utf-8")
    assert main(["install-desktop-entry"]) == 0
    assert _entry(data_home / ENTRY)["Exec"] != "/old/place"
    capsys.readouterr()
    assert main(["install-desktop-entry", "--remove", "--json"]) == 0
    removed = json.loads(capsys.readouterr().out)["removed"]
    assert removed == [str(data_home / ENTRY), str(data_home / ICON)]
    assert not (data_home / ENTRY).exists() and not (data_home / ICON).exists()
    assert main(["install-desktop-entry", "--remove"]) == 0
    assert "no menu entry to remove" in capsys.readouterr().out


def test_without_an_installed_program_nothing_is_installed(
    data_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "executable", str(data_home / "nowhere" / "python"))
    monkeypatch.setattr(sys, "argv", ["pytest"])
    monkeypatch.setenv("PATH", str(data_home / "empty"))
    assert main(["install-desktop-entry"]) == 2
    assert "was not found" in capsys.readouterr().err
    assert not (data_home / ENTRY).exists()


def test_a_program_path_with_spaces_or_percent_is_quoted_for_the_menu() -> None:
    assert exec_value(Path("/opt/ssa/bin/stripe-sync-admin")) == "/opt/ssa/bin/stripe-sync-admin"
    assert exec_value(Path("/home/a b/100%/x")) == '"/home/a b/100%%/x"'
    assert exec_value(Path('/h/say "$hi"/x')) == '"/h/say \\"\\$hi\\"/x"'
