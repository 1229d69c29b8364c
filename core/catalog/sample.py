"""The bundled sample catalog: a small maker shop, loaded into a new default catalog."""

from __future__ import annotations

from pathlib import Path

import core


def sample_catalog_path() -> Path:
    """Where `resources/sample_catalog.json` is (beside the `core` package in the source tree)."""
    return Path(core.__file__).resolve().parent.parent / "resources" / "sample_catalog.json"
