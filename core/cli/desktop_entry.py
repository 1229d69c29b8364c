"""`install-desktop-entry [--remove]`: put Stripe Sync Admin in the desktop's application menu.

Copies `resources/stripe-sync-admin.desktop` into `$XDG_DATA_HOME/applications/` (default
`~/.local/share`), with `Exec=` the absolute path of the installed `stripe-sync-admin` (a menu
entry does not search the PATH a terminal has, e.g. pipx's `~/.local/bin`), and `resources/icon.svg`
into `$XDG_DATA_HOME/icons/hicolor/scalable/apps/`. `--remove` takes both out. It needs no
catalog and no Stripe: `run_command` runs it before any workspace is opened.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from core.cli.output import PROG, done
from core.errors import ConfigurationError

COMMAND = "install-desktop-entry"
APP_ID = "stripe-sync-admin"
# `resources/` is installed beside `core/` (pyproject.toml packages it), as in the source tree.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"
DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_FILE = "icon.svg"


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the `install-desktop-entry` subcommand."""
    p = sub.add_parser(
        COMMAND,
        help="add Stripe Sync Admin to the desktop's application menu (--remove: take it out)",
        description="Put the menu entry (.desktop file) and the icon in your own folders "
        "($XDG_DATA_HOME, by default ~/.local/share), so the window starts from the application "
        "menu. Nothing outside your home folder is changed.",
    )
    p.add_argument("--remove", action="store_true", help="take the menu entry and icon out")
    p.add_argument("--json", action="store_true", help="machine-readable output on stdout")


def data_home() -> Path:
    """$XDG_DATA_HOME, or ~/.local/share when it is unset or not an absolute path (as the XDG
    base directory specification says)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / ".local/share"


def entry_path() -> Path:
    """Where the menu entry goes."""
    return data_home() / "applications" / DESKTOP_FILE


def icon_path() -> Path:
    """Where the icon goes (the icon theme's scalable size, named after the application)."""
    return data_home() / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def find_program() -> Path:
    """The installed `stripe-sync-admin` script, as an absolute path: the one being run, else the
    one beside this Python (its virtual environment's, e.g. pipx's), else the first on the PATH."""
    running = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    beside = Path(sys.executable).parent / PROG
    found = shutil.which(PROG)
    candidates = [running if running and running.name == PROG else None, beside]
    candidates.append(Path(found) if found else None)
    for candidate in candidates:
        if candidate is not None and candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.absolute()
    raise ConfigurationError(
        f"The installed {PROG} program was not found, so the menu entry could not say what to "
        "start; nothing was installed.",
        hint=f"Install the tool (pipx install .) and run `{PROG} {COMMAND}` from that install.",
    )


def exec_value(program: Path) -> str:
    """`program` quoted for a desktop entry's Exec key (Desktop Entry Specification)."""
    text = str(program).replace("%", "%%")
    if not any(ch in text for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return text
    escaped = "".join(f"\\{ch}" if ch in '"`$\\' else ch for ch in text)
    return f'"{escaped}"'


def entry_text(program: Path) -> str:
    """The bundled desktop entry with `Exec=` (and `TryExec=`) pointing at `program`."""
    lines = []
    for line in (RESOURCES / DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            lines.append(f"Exec={exec_value(program)}")
            lines.append(f"TryExec={exec_value(program)}")
        elif not line.startswith("TryExec="):
            lines.append(line)
    return "\n".join(lines) + "\n"


def install() -> tuple[Path, Path, Path]:
    """Write the menu entry and the icon; returns (entry, icon, program)."""
    program = find_program()
    entry, icon = entry_path(), icon_path()
    try:
        text = entry_text(program)
        entry.parent.mkdir(parents=True, exist_ok=True)
        icon.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(".desktop.tmp")  # a menu never reads half an entry
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        tmp.replace(entry)
        shutil.copyfile(RESOURCES / ICON_FILE, icon)
    except OSError as err:
        raise ConfigurationError(
            f"The menu entry could not be installed: {err.strerror or err} "
            f"({err.filename or entry.parent}).",
            hint="Check that your data folder can be written, then run it again.",
        ) from err
    return entry, icon, program


def remove() -> list[Path]:
    """Delete the menu entry and the icon; returns the files that were there."""
    removed = []
    for path in (entry_path(), icon_path()):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            raise ConfigurationError(
                f"{path} could not be removed: {err.strerror or err}.",
                hint="Remove it by hand, or check the folder's permissions.",
            ) from err
        removed.append(path)
    return removed


def run(ns: argparse.Namespace) -> int:
    """Install or (--remove) remove the menu entry and icon, and say what was done."""
    if ns.remove:
        removed = remove()
        if removed:
            text = "Removed " + " and ".join(str(p) for p in removed) + "."
        else:
            text = f"There was no menu entry to remove ({entry_path()} does not exist)."
        done({"removed": [str(p) for p in removed]}, text, ns)
        return 0
    entry, icon, program = install()
    done(
        {"entry": str(entry), "icon": str(icon), "exec": str(program)},
        f"Installed the menu entry {entry} (it starts {program}) and the icon {icon}. "
        "Stripe Sync Admin is in the application menu now (some desktops show it after the next "
        f"log-in); `{PROG} {COMMAND} --remove` takes it out.",
        ns,
    )
    return 0
