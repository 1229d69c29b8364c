"""Idempotency keys derived from what a write does, so a retry can replay but never duplicate.

A key is a hash of: the account and mode, the local product id, the operation kind, the Stripe
object written, the exact parameters sent, and the *state the write was planned from*
(`Operation.version`). Why each part:

- Account, mode, local id, kind and parameters: the same write to the same place gets the same
  key, so a response lost on the wire followed by a retry — in this run, a later run, or another
  operator's run — is answered by Stripe's saved result instead of making a twin (facts §7.2).
- The planned-from state: Stripe keeps keys for 24 hours. Without it, a legitimately repeated
  operation within a day (archive → unarchive → archive) would send a key already used and get the
  first archive's saved answer replayed while nothing is written. The state differs each time: for
  a product it is its `updated` timestamp as read; for a new price it is the ids of every price the
  product already had for that unit (active or archived), which grows with each created price.
- Only updates can meet the remaining case (a price's nickname changed back and forth within 24 h
  with nothing else touched); the gateway detects a replayed answer to an update and sends the
  update once more under a fresh key, which is harmless since an update sets values.
"""

from __future__ import annotations

import hashlib
import json

KEY_PREFIX = "ssa1"


def canonical(value: object) -> str:
    """A stable text form of request parameters (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


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
    """The idempotency key for one write (≤255 chars, facts §7.1); see the module docstring."""
    basis = canonical(
        {
            "account": account,
            "live": livemode,
            "local": local_id,
            "kind": kind,
            "target": target,
            "params": params,
            "version": version,
        }
    )
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]
    return f"{KEY_PREFIX}-{kind}-{digest}"
