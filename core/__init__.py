"""Stripe Sync Admin's Qt-free core: models, the sync engine, the catalog, the sandbox, the CLI.

The seed's public API lives here under Python names::

    from core import sync_product_to_stripe, reset_stripe_client
    from core import ProductSyncInput, VariantSyncInput, StripeSyncResult, sync_products_to_stripe

The engine is imported lazily so that `import core` (e.g. by the sandbox) does not load the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.domain.models import ProductSyncInput, StripeSyncResult, SyncSummary, VariantSyncInput

if TYPE_CHECKING:
    from core.engine.client import reset_stripe_client
    from core.engine.sync import sync_product_to_stripe, sync_products_to_stripe

__all__ = [
    "ProductSyncInput",
    "StripeSyncResult",
    "SyncSummary",
    "VariantSyncInput",
    "reset_stripe_client",
    "sync_product_to_stripe",
    "sync_products_to_stripe",
]


def __getattr__(name: str) -> Any:
    if name == "reset_stripe_client":
        from core.engine.client import reset_stripe_client

        return reset_stripe_client
    if name in ("sync_product_to_stripe", "sync_products_to_stripe"):
        from core.engine import sync

        return getattr(sync, name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
