"""Idempotency keys derived from what a write does, so a retry can replay but never duplicate.

Two kinds of writes, two recipes.

**Creates** (a product, a price) are keyed by *what the object is*, never by the state the write
was planned from: for a price, the account, the mode, the local product id, the variant id (or
none), the amount and the currency; for a product, the account, the mode and the local id. Plus
`CREATE_KEY_GENERATION`, a constant every planner shares (bumped only if this recipe changes).
Two operators who read Stripe at slightly different moments therefore derive the *same* key for
the same new price, and Stripe answers the second with the first's saved result instead of making
a twin (facts §7.2). This holds with no lock between the operators.

The legitimate repeat — a price 120 → 130 → back to 120 within Stripe's 24-hour key window — would
get the first 120 price replayed, though it has been archived since. `core.engine.price_create`
detects that (the answer is a replay and the price, read again, is no longer active, or the answer
does not sell what was asked) and creates again under the same key *salted with the stale price's
id*. Every planner meets the same stale price, so every planner derives the same salted key: still
no twins. A key reused with other parameters (say, the nickname changed since the first 120 price)
is refused by Stripe with an `idempotency_error`; the salt is then a digest of the parameters.

**Updates** (rename, archive, unarchive, default price, price nickname/archive) are keyed by the
target, the exact parameters and the state the write was planned from (`Operation.version`, e.g.
the product's `updated` timestamp), so archive → unarchive → archive within a day sends a new key
each time. Two planners may derive different keys for the same update; that only means the update
is written twice, which is harmless since an update sets values. When an update's answer is a
replay anyway (a nickname changed back and forth with nothing else touched), the gateway sends it
once more under a fresh key.
"""

from __future__ import annotations

import hashlib
import json

KEY_PREFIX = "ssa1"
# Part of every create key: all planners agree on it. Bump it only when the recipe changes.
CREATE_KEY_GENERATION = 2


def canonical(value: object) -> str:
    """A stable text form of request parameters (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def digest(value: object, length: int = 40) -> str:
    """A short stable hash of `value` (its canonical form)."""
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()[:length]


def derive_key(
    *,
    account: str,
    livemode: bool,
    local_id: str,
    kind: str,
    target: str | None,
    params: dict[str, object],
    version: str | None,
) -> str:
    """The idempotency key for one update (≤255 chars, facts §7.1); see the module docstring."""
    basis = {
        "account": account,
        "live": livemode,
        "local": local_id,
        "kind": kind,
        "target": target,
        "params": params,
        "version": version,
    }
    return f"{KEY_PREFIX}-{kind}-{digest(basis)}"


def price_create_key(
    *,
    account: str,
    livemode: bool,
    local_id: str,
    variant_id: str | None,
    unit_amount: int,
    currency: str,
    salt: str | None = None,
    options: dict[str, int] | None = None,
    tax_behavior: str = "unspecified",
) -> str:
    """The key for creating the price that sells one unit at one amount (see the docstring);
    `options`: its amounts in other currencies, and `tax_behavior`, part of what the price is."""
    basis: dict[str, object] = {
        "gen": CREATE_KEY_GENERATION,
        "account": account,
        "live": livemode,
        "local": local_id,
        "variant": variant_id,
        "amount": unit_amount,
        "currency": currency.lower(),
        "salt": salt,
    }
    if options:  # absent when none, so the keys of single-currency prices stay as they were
        basis["options"] = dict(sorted(options.items()))
    if tax_behavior != "unspecified":  # likewise: keys of prices without one stay as they were
        basis["tax"] = tax_behavior
    return f"{KEY_PREFIX}-create_price-{digest(basis)}"


def product_create_key(
    *, account: str, livemode: bool, local_id: str, salt: str | None = None
) -> str:
    """The key for creating a local product's Stripe product (with its first price).

    `salt` is None at first; after Stripe refused the key for other parameters and a fresh read
    still found no product, it is a digest of the parameters (see apply).
    """
    basis = {
        "gen": CREATE_KEY_GENERATION,
        "account": account,
        "live": livemode,
        "local": local_id,
        "salt": salt,
    }
    return f"{KEY_PREFIX}-create_product-{digest(basis)}"
