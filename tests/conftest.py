"""Test-wide setup: offscreen Qt, no telemetry, and each test's files in its own temp folders."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

# Before any Qt import: without a display Qt would abort the process.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

# No test may reach the real Stripe: point any default client at a closed local port.
os.environ.setdefault("STRIPE_API_BASE", "http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give every test fresh XDG data/config/state/cache folders so nothing leaks between tests."""
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        path = base / var.lower()
        path.mkdir()
        monkeypatch.setenv(var, str(path))
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)


@pytest.fixture(autouse=True)
def _switch_interval_restored() -> Iterator[None]:
    """Building the app's window shortens the GIL switch interval for the process
    (`gui.heap.share_the_gil`); no test leaves it changed for the next one."""
    interval = sys.getswitchinterval()
    yield
    sys.setswitchinterval(interval)
