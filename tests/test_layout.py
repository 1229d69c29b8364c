"""The layout rules, checked: import arrows go one way (ruff's TID251 bans per directory) and no
module in core/ or gui/ grows past 400 lines.

Each rule is proven by feeding ruff a deliberately broken import as if it were a file in the guarded
folder (`--stdin-filename`), so the per-directory ruff.toml is the one that must refuse it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")

# (file the import is pretended to be in, the import, the banned module ruff must name)
BROKEN = [
    ("core/catalog/probe.py", "from core.engine.types import RemoteProduct", "core.engine"),
    ("core/catalog/probe.py", "from core.reconcile.rows import ProductRow", "core.reconcile"),
    ("core/catalog/probe.py", "import stripe", "stripe"),
    ("core/engine/probe.py", "from core.catalog.store import CatalogStore", "core.catalog"),
    ("core/engine/probe.py", "from core.reconcile.evaluate import evaluate", "core.reconcile"),
    ("core/engine/probe.py", "from core.sandbox import SandboxServer", "core.sandbox"),
    (
        "core/reconcile/probe.py",
        "from core.engine.gateway import StripeGateway",
        "core.engine.gateway",
    ),
    (
        "core/reconcile/probe.py",
        "from core.catalog.store import CatalogStore",
        "core.catalog.store",
    ),
    ("core/reconcile/probe.py", "import sqlalchemy", "sqlalchemy"),
    ("core/domain/probe.py", "from core.engine.types import ProductPlan", "core.engine"),
    ("core/sandbox/probe.py", "from core.engine.plan import plan_product", "core.engine"),
    ("core/sandbox/probe.py", "from core.domain.models import ProductSyncInput", "core.domain"),
    ("core/probe.py", "from PySide6.QtCore import QObject", "PySide6"),
    ("core/cli/probe.py", "from core.catalog.store import CatalogStore", "core.catalog"),
    ("core/cli/probe.py", "from core.engine.types import ProductPlan", "core.engine"),
    ("core/cli/probe.py", "from core.reconcile.rows import ProductRow", "core.reconcile"),
    ("gui/probe.py", "import stripe", "stripe"),
    ("gui/probe.py", "from core.engine.gateway import StripeGateway", "core.engine"),
    ("gui/probe.py", "from core.catalog.store import CatalogStore", "core.catalog"),
    ("gui/probe.py", "from core.reconcile.rows import ProductRow", "core.reconcile"),
]


def _ruff(path: str, source: str) -> subprocess.CompletedProcess[str]:
    assert RUFF is not None, "ruff is not installed (pip install -e '.[test]')"
    return subprocess.run(
        [RUFF, "check", "--no-cache", "--select", "TID251", "--stdin-filename", path, "-"],
        input=source + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(("path", "line", "banned"), BROKEN)
def test_a_backwards_import_fails_lint(path: str, line: str, banned: str) -> None:
    result = _ruff(path, line)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"`{banned}` is banned" in result.stdout


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("gui/probe.py", "from core.workspace import ProductRow, Workspace"),
        ("core/reconcile/probe.py", "from core.engine.plan import plan_product"),
        ("core/workspace/probe.py", "from core.catalog.store import CatalogStore"),
        ("core/workspace/probe.py", "from core.engine.gateway import StripeGateway"),
    ],
)
def test_the_allowed_arrows_pass_lint(path: str, line: str) -> None:
    result = _ruff(path, line)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_in_core_or_gui_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for folder in ("core", "gui")
        for path in (ROOT / folder).rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}, f"split these where their seams are: {long}"


def test_core_root_holds_only_the_facade_and_cross_cutting_basics() -> None:
    modules = sorted(p.name for p in (ROOT / "core").glob("*.py"))
    assert modules == ["__init__.py", "errors.py", "paths.py", "settings.py"]
