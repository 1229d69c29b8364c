"""Nothing a test's script starts outlives the test: not what it leaves running in the
background, not what a timed-out run was still doing, not the D-Bus daemon of the window's own
session bus (scripts/private-bus, used by the screenshot scripts)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import alive, run_in_own_group

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_process_left_in_the_background_is_ended(tmp_path: Path) -> None:
    done = run_in_own_group(["bash", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"], timeout=60)
    left = int(done.stdout)
    assert done.returncode == 0
    assert not alive(left)


def test_a_run_that_times_out_is_ended_with_everything_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = f"sleep 600 & echo $! > {pid_file}; sleep 600"
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_own_group(["bash", "-c", script], timeout=2)
    assert not alive(int(pid_file.read_text()))


@pytest.mark.skipif(shutil.which("dbus-run-session") is None, reason="no dbus-run-session")
def test_the_private_session_bus_ends_with_its_command() -> None:
    # The command prints its bus address and the dbus-daemon serving it (its sibling).
    script = (
        'echo "$DBUS_SESSION_BUS_ADDRESS"; for c in $(cat /proc/$PPID/task/*/children); do '
        '[ "$(cat /proc/$c/comm)" = dbus-daemon ] && echo "$c"; done; true'
    )
    done = run_in_own_group(
        ["bash", str(ROOT / "scripts" / "private-bus"), "bash", "-c", script], timeout=60
    )
    assert done.returncode == 0, done.stderr
    address, daemon = done.stdout.split()
    assert address.startswith("unix:")  # its own bus, not the operator's
    assert not alive(int(daemon))
