"""Settling writes a run did not finish recording: did each one reach Stripe, or never happen?

Every Stripe write is first recorded as intended (`core.catalog.intents`). An intent still there
when a run starts belongs to a run that died (a kill, a crash, a full disk, a lost connection)
between sending a write and journaling it. Each is looked up in Stripe — a create by the object it
would have made, an update by whether the object now has the values it sent — and journaled
either way, so every Stripe object the tool made has its journal row. Nothing is written to Stripe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.catalog.intents import Intent
from core.catalog.journal import JournalRecord
from core.engine.fetch import find_one
from core.engine.gateway import StripeGateway
from core.engine.types import RemotePrice, RemoteProduct
from core.workspace.base import WorkspaceBase

log = logging.getLogger(__name__)

NEVER_HAPPENED = "never reached Stripe: the run was interrupted before it was sent or answered"


@dataclass(frozen=True)
class Settled:
    """What became of one interrupted write."""

    product_id: str
    operation: str
    summary: str
    reached_stripe: bool
    stripe_object_id: str | None = None

    def describe(self) -> str:
        """One line for the operator."""
        if self.reached_stripe:
            made = f" ({self.stripe_object_id})" if self.stripe_object_id else ""
            return f"{self.product_id}: {self.summary}{made} — it reached Stripe; now journaled"
        return f"{self.product_id}: {self.summary} — it never reached Stripe"


class SettleMethods(WorkspaceBase):
    """The workspace's settling of interrupted writes; see the module docstring."""

    def settle_interrupted(self) -> list[Settled]:
        """Settle every intent left by an interrupted run in this account and mode."""
        account = self.account()
        now = datetime.now(UTC)
        # Only intents of runs that are gone: another process may be writing right now.
        intents = self.catalog.intents
        pending = [
            i for i in intents.pending(account.id, self.mode) if i.abandoned(now, intents.in_flight)
        ]
        out: list[Settled] = []
        for intent in pending:
            found = _find(self._gateway, intent)
            settled = Settled(
                intent.product_id,
                intent.operation,
                intent.summary,
                reached_stripe=found is not None,
                stripe_object_id=found,
            )
            record = JournalRecord(
                at=datetime.now(UTC),
                mode=self.mode,
                account_id=account.id,
                product_id=intent.product_id,
                operation=intent.operation,
                summary=f"{intent.summary} (settled after an interrupted run)",
                stripe_object_id=found,
                after=intent.params,
                error=None if found is not None else NEVER_HAPPENED,
            )
            self.catalog.intents.settle(intent, record, self.catalog.journal_table)
            log.info("Settled an interrupted write: %s", settled.describe())
            out.append(settled)
        return out


def _find(gateway: StripeGateway, intent: Intent) -> str | None:
    """The id of what the intended write made or changed in Stripe, or None if it never did."""
    params = intent.params
    if intent.operation == "create_product":
        custom = params.get("id")
        product = gateway.retrieve_product(str(custom)) if custom else None
        if product is None:
            found = find_one(gateway, intent.product_id).products.values()
            product = next(iter(found), None)
        return product.id if product is not None and _after(product.created, intent) else None
    if intent.operation == "create_price":
        product_id = str(params.get("product") or "")
        if not product_id:
            return None
        for price in gateway.list_prices(product=product_id):
            if _is_made_by(price, params) and _after(price.created, intent):
                return price.id
        return None
    if not intent.target_id:
        return None
    if intent.operation in ("update_price", "archive_price"):
        changed = gateway.retrieve_price(intent.target_id)
        return changed.id if changed is not None and _price_has(changed, params) else None
    product = gateway.retrieve_product(intent.target_id)
    return product.id if product is not None and _product_has(product, params) else None


def _after(created: int, intent: Intent) -> bool:
    """Whether an object was made no earlier than the intent (a minute's clock skew allowed)."""
    return created == 0 or datetime.fromtimestamp(created, UTC) >= intent.at - timedelta(minutes=1)


def _is_made_by(price: RemotePrice, params: dict[str, Any]) -> bool:
    if price.unit_amount != params.get("unit_amount"):
        return False
    if price.currency != str(params.get("currency", "")).lower():
        return False
    wanted = params.get("metadata") or {}
    return all(price.metadata.get(k) == str(v) for k, v in dict(wanted).items())


def _price_has(price: RemotePrice, params: dict[str, Any]) -> bool:
    active_ok = "active" not in params or price.active == bool(params["active"])
    return active_ok and ("nickname" not in params or price.nickname == params["nickname"])


def _product_has(product: RemoteProduct, params: dict[str, Any]) -> bool:
    for key in ("name", "active", "default_price"):
        if key in params and getattr(product, key) != params[key]:
            return False
    if "description" in params and (product.description or "") != (params["description"] or ""):
        return False
    metadata = params.get("metadata") or {}
    return all(product.metadata.get(k) == str(v) for k, v in dict(metadata).items() if v != "")
