"""Installed like a desktop app: a wheel built from the source, installed into a fresh virtual
environment (as `pipx install .` does), gives a working `stripe-sync-admin` that finds its own
resources (sample catalog, icon, desktop entry) and the in-process sandbox in site-packages.

The wheel's dependencies (PySide6 among them) come from the package index as usual, so this is
slow (about 20 s with pip's cache warm). Without any package index it is skipped, except in CI
(STRIPE_SYNC_REQUIRE_SERVICES=1), where it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("core", "gui", "resources", "pyproject.toml", "README.md")
PROBE_PACKAGE = "platformdirs"  # small, and a dependency anyway


def run(
    args: list[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run a command; its output is shown when it fails."""
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )
    assert done.returncode == 0, (
        f"{args[:3]} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    )
    return done


def no_index_reason(tmp_path: Path) -> str | None:
    """Why the package index cannot be used (None: it can), asked through pip itself so its own
    configuration (index URL, proxy, local wheels) is what counts."""
    probe = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            tmp_path / "probe",
            PROBE_PACKAGE,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if probe.returncode == 0:
        return None
    last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
    return f"no package index reachable (pip download {PROBE_PACKAGE} failed: {last})"


def fresh_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a maker's first run: fresh XDG folders, no key, nothing of this tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("STRIPE_SECRET_KEY", None)
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp_path / "home" / var.lower()
        folder.mkdir(parents=True)
        env[var] = str(folder)
    return env


def test_a_built_wheel_installs_a_working_command_with_its_resources(tmp_path: Path) -> None:
    if os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") != "1":
        reason = no_index_reason(tmp_path)
        if reason:
            pytest.skip(reason)
    # Built from a copy: building in the tree would leave build/ and egg-info behind in it.
    source = tmp_path / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source])
    (wheel,) = dist.glob("stripe_sync_admin-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv])
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel])
    program = venv / "bin" / "stripe-sync-admin"
    env = fresh_env(tmp_path)
    home = tmp_path / "home"

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    shown = run([program, "--version"], env=env, cwd=home)
    assert shown.stdout.strip() == f"stripe-sync-admin {version}"

    # Sandbox mode on a fresh machine: the sample catalog and the in-process sandbox come from
    # the installed package, not from this source tree.
    status = run([program, "status", "--json"], env=env, cwd=home, timeout=120)
    rows = json.loads(status.stdout)
    sample = json.loads((ROOT / "resources" / "sample_catalog.json").read_text())
    assert sorted(r["id"] for r in rows) == sorted(p["id"] for p in sample["products"])
    states = {r["state"] for r in rows}
    assert "missing" in states and not states & {"in_sync", "differs"}  # a fresh sandbox
    where = run(
        [
            venv / "bin" / "python",
            "-c",
            "import core.catalog.sample as s, gui.app as a, core.cli.desktop_entry as d;"
            "print(s.sample_catalog_path()); print(a.RESOURCES / 'icon.svg');"
            "print(d.RESOURCES / d.DESKTOP_FILE); print(a.RESOURCES / 'help.html')",
        ],
        env=env | {"QT_QPA_PLATFORM": "offscreen"},
        cwd=home,
    )
    for line in where.stdout.split():
        path = Path(line)
        assert path.is_file() and venv in path.parents, line

    entry = run([program, "install-desktop-entry"], env=env, cwd=home)
    assert str(program) in entry.stdout
    desktop = Path(env["XDG_DATA_HOME"]) / "applications" / "stripe-sync-admin.desktop"
    assert f"Exec={program}\n" in desktop.read_text()
