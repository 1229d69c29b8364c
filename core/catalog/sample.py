"""The bundled sample catalog: a small maker shop, loaded into a new default catalog."""

from __future__ import annotations

from pathlib import Path

import core
from core.catalog.errors import CatalogError

SAMPLE_NAME = "sample_catalog.json"


def sample_catalog_path(package_root: Path | None = None) -> Path:
    """Where `resources/sample_catalog.json` is: beside the `core` package.

    In the source tree (and an editable install) that is the repository's `resources/`; a wheel
    installs `resources/` into site-packages beside `core` (pyproject.toml packages it), so the
    same lookup finds it there. `package_root` is the folder holding `core` (for tests).
    """
    root = package_root or Path(core.__file__).resolve().parent.parent
    path = root / "resources" / SAMPLE_NAME
    if not path.is_file():
        raise CatalogError(
            f"The sample catalog is missing from this installation (looked for {path}).",
            hint="Reinstall stripe-sync-admin, or import your own catalog with "
            "`stripe-sync-admin import FILE`.",
        )
    return path
