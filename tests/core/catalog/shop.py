"""A shop's catalog and a workspace on it against a test sandbox, for the workspace-level tests."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.sandbox import SandboxServer
from core.workspace import Workspace
from tests.fake_keys import fake_key

TEST_KEY = "sk_test_workspace0001"
LIVE_KEY = fake_key("sk", "live", "workspace0001")

LAMP = {"id": "lamp", "name": "Desk Lamp", "base_price_cents": 4500, "sell_status": "available"}
SHADE = {"id": "shade", "name": "Shade", "base_price_cents": 1500, "sell_status": "for-sale"}


def make_shop(db_url: str, products: list[dict[str, Any]]) -> None:
    """Create the catalog at `db_url` (if needed) and import `products` into it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shop.json"
        path.write_text(json.dumps({"products": products}))
        store = CatalogStore.open(db_url)
        try:
            import_file(store, path)
        finally:
            store.close()


def open_ws(db_url: str, sandbox: SandboxServer, mode: str = "test") -> Workspace:
    """A workspace on the catalog, talking to `sandbox` with a key of `mode`."""
    key = LIVE_KEY if mode == "live" else TEST_KEY
    return Workspace.open(db_url=db_url, mode=mode, api_key=key, api_base=sandbox.url)  # type: ignore[arg-type]
