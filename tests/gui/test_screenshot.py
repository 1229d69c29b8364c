"""scripts/screenshot starts the real app under Xvfb and saves a real, non-blank picture of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("xvfb-run") is None and not REQUIRED,
        reason="xvfb-run is not installed (apt-get install xvfb xauth)",
    ),
]


def test_screenshot_script_saves_the_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("QT_QPA_PLATFORM", None)  # the script picks xcb under Xvfb itself
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "screenshot"), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    image = QImage(str(out))
    assert not image.isNull()
    assert image.width() >= 1200 and image.height() >= 750
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 23) for y in range(0, image.height(), 17)
    }
    assert len(colours) >= 8, "the picture looks blank"
