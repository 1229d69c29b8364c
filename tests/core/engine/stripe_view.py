"""What Stripe (the sandbox) holds, read with the plain SDK — independent of the engine's code."""

from __future__ import annotations

from typing import Any

import stripe

from core.sandbox import SandboxServer
from tests.core.engine.conftest import TEST_KEY


def raw_client(sandbox: SandboxServer) -> stripe.StripeClient:
    """A plain SDK client on the sandbox (for checks and out-of-band edits)."""
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})


def products(sandbox: SandboxServer) -> list[dict[str, Any]]:
    """Every product (active and archived)."""
    page = raw_client(sandbox).v1.products.list(params={"limit": 100})
    return [p.to_dict() for p in page.auto_paging_iter()]


def prices(sandbox: SandboxServer, product: str, active: bool) -> list[dict[str, Any]]:
    """A product's prices with the given `active` flag."""
    page = raw_client(sandbox).v1.prices.list(
        params={"limit": 100, "product": product, "active": active}
    )
    return [p.to_dict() for p in page.auto_paging_iter()]


def product(sandbox: SandboxServer, product_id: str) -> dict[str, Any]:
    """One product."""
    return raw_client(sandbox).v1.products.retrieve(product_id).to_dict()


def reads(sandbox: SandboxServer) -> int:
    """GET requests in the log."""
    return sum(1 for r in sandbox.request_log if r.method == "GET")
