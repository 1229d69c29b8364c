"""The sync engine: keeps Stripe products and prices in step with the local catalog.

Modules, in the order data flows through them:

- `client` — the process-wide gateway behind `sync_product_to_stripe` (`configure`,
  `set_key_provider`, `reset_stripe_client`);
- `gateway` — `StripeGateway`: throttled, retried, idempotent Stripe calls returning `types`
  (`failures` decides which SDK error is retried and which raises as what);
- `fetch` — read the Stripe side: the whole catalog in bulk, or one product;
- `plan` — pure comparison and ordered operations (`plan_product`);
- `apply` — carry out one product's plan (`apply_plan`), creating prices through `price_create`
  (one price per unit and amount, however many operators ask at once);
- `sync` — the public functions `sync_product_to_stripe` and `sync_products_to_stripe`;
- `types` — the shared vocabulary; `money` — `format_money`; `convert` — Stripe JSON → `types`;
  `idempotency`, `throttle`, `errors`.

The engine never imports the sandbox: both follow stripe-api-facts.md on their own.
"""
