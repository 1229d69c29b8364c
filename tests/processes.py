"""Running a script for a test so that nothing it starts outlives the test.

A script may leave processes behind: a dbus-daemon, Xvfb, a process a timed-out run never ended.
`run_in_own_group` runs it in a process group (a session) of its own and, however the run ends (it
finishes, times out or the test fails), ends every process still in that group before returning.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def alive(pid: int) -> bool:
    """Whether `pid` is a running process (a zombie, dead but not yet reaped, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def group_members(pgid: int) -> list[int]:
    """The live processes of process group `pgid` (Linux: read from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def end_group(pgid: int, *, grace_s: float = 5.0) -> None:
    """End every process of group `pgid`: SIGTERM, then SIGKILL for what is left after
    `grace_s`; returns once none is left running."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace_s
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not group_members(pgid):
            return


def run_in_own_group(
    args: Sequence[str], *, timeout: float, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)`, in a
    process group of its own that is ended when the run is (TimeoutExpired is raised after)."""
    proc = subprocess.Popen(
        list(args),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        end_group(proc.pid)
        if proc.returncode is None:
            proc.communicate()  # reaps it and closes the pipes
    return subprocess.CompletedProcess(list(args), proc.returncode, out, err)
