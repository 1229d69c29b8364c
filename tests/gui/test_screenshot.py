"""scripts/screenshot and scripts/screenshot-adopt start the real app under Xvfb and save a real,
non-blank picture of the window and of its Adopt dialog."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.processes import run_in_own_group

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("xvfb-run") is None and not REQUIRED,
        reason="xvfb-run is not installed (apt-get install xvfb xauth)",
    ),
]


def shoot(script: str, out: Path, *args: str) -> QImage:
    """Run a screenshot script writing `out` (`args` follow); the picture it saved."""
    env = {**os.environ, "PYTHON": sys.executable}
    env.pop("QT_QPA_PLATFORM", None)  # the script picks xcb under Xvfb itself
    # In a process group of its own, ended with the run (Xvfb, the app and its D-Bus daemon
    # included), even when it fails or times out.
    done = run_in_own_group(
        ["bash", str(ROOT / "scripts" / script), str(out), *args], cwd=ROOT, env=env, timeout=180
    )
    assert done.returncode == 0, done.stderr + done.stdout
    image = QImage(str(out))
    assert not image.isNull()
    return image


def colours(image: QImage) -> int:
    """How many colours a grid of the picture's pixels has (a blank picture has one or two)."""
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), 23)
            for y in range(0, image.height(), 17)
        }
    )


def test_screenshot_script_saves_the_window(tmp_path: Path) -> None:
    image = shoot("screenshot", tmp_path / "shot.png")
    assert image.width() >= 1200 and image.height() >= 750
    assert colours(image) >= 8, "the picture looks blank"


def test_screenshot_at_the_smallest_laid_out_size(tmp_path: Path) -> None:
    image = shoot("screenshot", tmp_path / "small.png", "1024x700")
    assert (image.width(), image.height()) == (1024, 700)
    assert colours(image) >= 8, "the picture looks blank"


def test_adopt_screenshot_script_saves_the_adopt_dialog(tmp_path: Path) -> None:
    image = shoot("screenshot-adopt", tmp_path / "adopt.png")
    # The dialog alone, fitting a 1400x900 screen with room around it.
    assert 800 <= image.width() <= 1300 and 500 <= image.height() <= 850
    assert colours(image) >= 8, "the picture looks blank"
