"""Carry out one product's plan against Stripe and say honestly what happened.

Writes go out in the plan's order, each under an idempotency key derived from what it does
(core.engine.idempotency): a create from what it creates, so that operators planning from
different moments never make twins (prices go through core.engine.price_create); an update from
its target, parameters and planned-from state. Ids of objects created earlier in the plan are
filled in as they come back. A refusal that concerns one variant's price skips that variant's remaining writes and
is reported in `variant_errors` (the product and the other variants still sync); a refusal of the
product itself ends the product as `failed` with Stripe's message and request id. Errors that make
the whole run pointless (bad key, missing permission, Stripe unreachable) propagate.

Cancellation is checked before a product's first write only: once begun, a product's few writes
are finished, so a price change never stops between creating the new price and archiving the old.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain.models import StripeSyncResult, VariantError, VariantPrice
from core.engine.errors import StripeReplayedFailureError, StripeRequestError
from core.engine.fetch import plan_one
from core.engine.gateway import StripeGateway
from core.engine.idempotency import derive_key, digest, product_create_key
from core.engine.price_create import create_price_once
from core.engine.transport import Written
from core.engine.types import (
    BeforeWrite,
    CancelToken,
    Operation,
    ProductPlan,
    WriteCallback,
    WriteRecord,
)
from core.engine.units import NEW_DEFAULT_PRICE, NEW_PRODUCT, PRODUCT_UNIT, new_price_ref

PRODUCT_LEVEL = frozenset(
    {"create_product", "update_product", "archive_product", "unarchive_product"}
)


@dataclass
class _Run:
    product: str | None
    refs: dict[str, str] = field(default_factory=dict)
    request_ids: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    writes: int = 0
    failed_units: set[str] = field(default_factory=set)
    variant_errors: list[VariantError] = field(default_factory=list)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("@"):
            if value == NEW_PRODUCT:
                return self.product
            if value in self.refs:
                return self.refs[value]
            raise KeyError(value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value


def _dispatch(
    gateway: StripeGateway,
    op: Operation,
    target: str | None,
    params: dict[str, Any],
    replanned: bool,
    failed_request: str | None,
) -> Written:
    account, live = gateway.account_key(), gateway.livemode
    if op.kind == "create_product":
        # After Stripe refused the plain key for other parameters and a fresh read still found no
        # product, the parameters salt it (the same for every planner sending the same request).
        # After Stripe saved a failure under it, the failed request's id does (see _apply).
        salt = digest(params, 24) if replanned else None
        if failed_request is not None:
            salt = f"failed:{failed_request}"
        key = product_create_key(account=account, livemode=live, local_id=op.product_id, salt=salt)
        return gateway.create_product(params, idempotency_key=key)
    if op.kind == "create_price":
        return create_price_once(
            gateway, local_id=op.product_id, variant_id=op.variant_id, params=params
        )
    assert target is not None, f"{op.kind} needs a target"
    key = derive_key(
        account=account,
        livemode=live,
        local_id=op.product_id,
        kind=op.kind,
        target=target,
        params=params,
        version=op.version,
    )
    if op.kind in ("update_price", "archive_price"):
        return gateway.update_price(target, params, idempotency_key=key)
    return gateway.update_product(target, params, idempotency_key=key)


def result_from_plan(plan: ProductPlan, *, dry_run: bool = True) -> StripeSyncResult:
    """What a plan would do, as a result (a dry run): nothing is written."""
    return _result(
        plan,
        _Run(plan.stripe_product_id),
        dry_run=dry_run,
        error=plan.error,
        changes=[op.summary for op in plan.operations],
    )


def _unit_price(plan: ProductPlan, run: _Run, unit: str) -> str | None:
    if unit in run.failed_units:
        return None
    return run.refs.get(new_price_ref(unit)) or plan.current_prices.get(unit)


def _result(
    plan: ProductPlan,
    run: _Run,
    *,
    dry_run: bool = False,
    error: str | None = None,
    changes: list[str] | None = None,
) -> StripeSyncResult:
    variant_prices = []
    for variant in plan.variants:
        price = _unit_price(plan, run, variant.id)
        if price:
            variant_prices.append(VariantPrice(variant_id=variant.id, stripe_price_id=price))
    first = plan.variants[0].id if plan.variants else PRODUCT_UNIT
    if run.variant_errors and error is None:
        error = "; ".join(f"variant {e.variant_id}: {e.error}" for e in run.variant_errors)
    return StripeSyncResult(
        product_id=plan.product_id,
        action="failed" if plan.action == "failed" else plan.action,
        stripe_product_id=run.product,
        stripe_price_id=_unit_price(plan, run, first),
        variant_prices=variant_prices,
        error=error,
        variant_errors=list(run.variant_errors),
        changes=run.changes if changes is None else changes,
        dry_run=dry_run,
        request_ids=run.request_ids,
        writes=run.writes,
    )


def apply_plan(
    plan: ProductPlan,
    gateway: StripeGateway,
    *,
    cancel: CancelToken | None = None,
    on_write: WriteCallback | None = None,
    before_write: BeforeWrite | None = None,
) -> StripeSyncResult:
    """Make the plan's writes in order and report what was done (see the module docstring).

    `before_write` is called just before each write is sent (a write-ahead journal); `on_write`
    after it, with what Stripe answered.
    """
    return _apply(
        plan,
        gateway,
        cancel=cancel,
        on_write=on_write,
        before_write=before_write,
        replanned=False,
        failed_request=None,
    )


def _apply(
    plan: ProductPlan,
    gateway: StripeGateway,
    *,
    cancel: CancelToken | None,
    on_write: WriteCallback | None,
    before_write: BeforeWrite | None = None,
    replanned: bool,
    failed_request: str | None,
) -> StripeSyncResult:
    if plan.action == "failed" or plan.error:
        return result_from_plan(plan, dry_run=False)
    if cancel is not None and plan.operations:
        cancel.raise_if_cancelled()
    run = _Run(plan.stripe_product_id)
    for op in plan.operations:
        if op.variant_id is not None and op.variant_id in run.failed_units:
            continue  # the variant's earlier write failed: its dependent writes would be wrong
        params = run.resolve(dict(op.params))
        target = run.resolve(op.target_id)
        if before_write is not None:
            before_write(op, target, params)
        try:
            written = _dispatch(gateway, op, target, params, replanned, failed_request)
        except StripeRequestError as err:
            if op.kind == "create_product" and not replanned and plan.product is not None:
                salt = None
                if isinstance(err, StripeReplayedFailureError):
                    salt = err.original_request or "unknown"
                replayed = salt is not None
                exists = err.code == "resource_already_exists"
                if replayed or exists or err.error_type == "idempotency_error":
                    # Read again and sync what is there. Someone (a lost response, another
                    # operator) may have created it first, or with other details (an
                    # idempotency_error). A failure Stripe saved under the create's key can only
                    # replay now: adopt the product if it exists after all, else create it under
                    # the key salted with the failed request's id (every planner sees that one).
                    again = plan_one(gateway, plan.product, plan.variants, unmanaged=plan.unmanaged)
                    return _apply(
                        again,
                        gateway,
                        cancel=None,
                        on_write=on_write,
                        before_write=before_write,
                        replanned=True,
                        failed_request=salt,
                    )
            if on_write is not None:
                on_write(WriteRecord(op, target, err.request_id, error=str(err)))
            if op.kind in PRODUCT_LEVEL or not op.variant_id or op.kind == "set_default_price":
                return _result(plan.model_copy(update={"action": "failed"}), run, error=str(err))
            run.failed_units.add(op.variant_id)
            run.variant_errors.append(VariantError(variant_id=op.variant_id, error=str(err)))
            continue
        run.writes += 1
        if written.request_id:
            run.request_ids.append(written.request_id)
        run.changes.append(op.summary)
        obj_id: str = written.obj.id
        if op.kind == "create_product":
            run.product = obj_id
            run.refs[NEW_DEFAULT_PRICE] = written.obj.default_price
            run.refs[new_price_ref(op.variant_id or PRODUCT_UNIT)] = written.obj.default_price
        elif op.kind == "create_price":
            run.refs[new_price_ref(op.variant_id or PRODUCT_UNIT)] = obj_id
        if on_write is not None:
            on_write(WriteRecord(op, obj_id, written.request_id))
    return _result(plan, run)
