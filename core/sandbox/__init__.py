"""A Stripe-compatible sandbox for products and prices (and the events their changes make), served
on loopback.

It follows /docs/stripe-api-facts.md on its own (it never imports the engine or the SDK) and
refuses what Stripe refuses, with Stripe's status, error type, code and message::

    from core.sandbox import SandboxServer

    with SandboxServer(port=0) as server:
        client = stripe.StripeClient("sk_test_12345678", base_addresses={"api": server.url})

`server.apply_preset("handmade")` fills test mode with a Stripe catalog made by hand for the
sample catalog (`core.sandbox.presets`); the CLI's `--preset handmade` does the same.
`server.advance_clock(31 * 24 * 3600)` lets a month pass for the sandbox (its timestamps and the
30 days it keeps events, docs/stripe-facts.md §4).
"""

from __future__ import annotations

from core.sandbox.server import LoggedRequest, SandboxServer

__all__ = ["LoggedRequest", "SandboxServer"]
