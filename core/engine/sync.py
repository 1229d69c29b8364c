"""The seed's sync functions, done right: one product, or many read in bulk.

`sync_product_to_stripe(product, variants)` reads just that product (usually a retrieve and its
price list), plans, and applies. `sync_products_to_stripe(items, ...)` reads the whole Stripe
catalog with list calls, then plans and applies product by product, reporting progress, honouring
cancellation between products, and journaling every write through `on_write`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from core.domain.models import (
    ProductSyncInput,
    StripeSyncResult,
    VariantSyncInput,
    describe_validation_error,
    validate_sync_input,
)
from core.engine.apply import apply_plan, result_from_plan
from core.engine.client import get_gateway
from core.engine.client import reset_stripe_client as reset_stripe_client
from core.engine.fetch import fetch_remote, plan_one
from core.engine.gateway import StripeGateway
from core.engine.plan import plan_product
from core.engine.types import (
    CancelToken,
    ProgressCallback,
    ProgressEvent,
    SyncCancelledError,
    WriteCallback,
)
from core.errors import CancelledError, SyncAdminError

ProductLike = ProductSyncInput | Mapping[str, Any]
VariantLike = VariantSyncInput | Mapping[str, Any]


def to_inputs(
    product: ProductLike, variants: Iterable[VariantLike] | None = None
) -> tuple[ProductSyncInput, list[VariantSyncInput]]:
    """Turn the seed's dicts (or the models) into validated models; raise ValidationError.

    A product dict may carry its variants under `variants` (as the seed's bulk example passes
    `product.variants`); explicit `variants` win. Every rule, the cross-field ones included, is
    `core.domain.models.validate_sync_input`'s.
    """
    if not isinstance(product, ProductSyncInput):
        data = dict(product)
        inline = data.pop("variants", None)
        if variants is None and inline is not None:
            variants = inline
        product = data
    return validate_sync_input(product, variants)


def sync_product_to_stripe(
    product: ProductLike,
    variants: Iterable[VariantLike] | None = None,
    *,
    linked_id: str | None = None,
    gateway: StripeGateway | None = None,
    on_write: WriteCallback | None = None,
) -> StripeSyncResult:
    """Bring one product (and its variants' prices) in step with Stripe; see the module docstring.

    Reads: the stored link (`linked_id`) or the product this gateway found or created for the same
    local id earlier in the process, else the local id as a Stripe id, retrieved, plus its price
    list — two reads; only a product never seen whose id cannot be a Stripe id costs a full list.
    Bad input raises pydantic's ValidationError naming each field, before any call to Stripe. A
    bad key, a missing permission or Stripe being unreachable raise core.errors exceptions; any
    other Stripe refusal comes back in the result's `error` (action `failed`, or in
    `variant_errors` when only a variant's price failed).
    """
    model, items = to_inputs(product, variants)  # bad input raises here, before any call
    gw = gateway or get_gateway()
    plan = plan_one(gw, model, items, linked_id=linked_id or gw.known_product(model.id))
    result = _explained(apply_plan(plan, gw, on_write=on_write), model)
    if result.stripe_product_id:
        gw.remember_product(model.id, result.stripe_product_id)
    return result


def _explained(result: StripeSyncResult, product: ProductSyncInput) -> StripeSyncResult:
    """A product skipped because it is not for sale says why in its `changes`."""
    reason = product.not_for_sale_reason
    if result.action != "skipped" or result.changes or reason is None:
        return result
    if result.stripe_product_id is None:
        return result.model_copy(update={"changes": [f"not created: {reason}"]})
    return result.model_copy(update={"changes": [f"stays archived: {reason}"]})


def _coerce_item(item: Any) -> tuple[ProductLike, Iterable[VariantLike] | None]:
    if isinstance(item, tuple | list) and len(item) == 2:
        return item[0], item[1]
    return item, None


def _item_id(item: Any) -> str:
    product, _ = _coerce_item(item)
    if isinstance(product, ProductSyncInput):
        return product.id
    if isinstance(product, Mapping):
        return str(product.get("id") or "(no id)")
    return "(not a product)"


def sync_products_to_stripe(
    items: Iterable[Any],
    *,
    dry_run: bool = False,
    gateway: StripeGateway | None = None,
    links: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_write: WriteCallback | None = None,
) -> list[StripeSyncResult]:
    """Sync many products, reading Stripe in bulk; one result per product, in the given order.

    `items`: pairs `(product, variants)`, the seed's dicts with a `variants` list, or bare products
    (models or dicts). An item with bad input becomes a `failed` result naming its bad fields and
    is not sent. `dry_run=True` reads and plans only: each result's `changes` says in plain words
    what would be written, and nothing is. `links` maps local ids to the Stripe product ids stored
    for this account and mode. `progress` hears about each product; `on_write` about each write.

    When `cancel` is triggered the run stops before the next product (or at once when a call is
    waiting to be retried, e.g. while Stripe answers 429 or 503) and raises
    `SyncCancelledError` whose `results` are those of the products done (the rest were not
    touched), so the caller can show exactly what happened. A run-level error (bad key, missing
    permission, Stripe unreachable) raises too, with the results of the products finished before
    it in its `results`; every write made before it went through `on_write`. A product whose
    writes had begun is finished before cancellation takes effect (see core.engine.apply), so a
    price change never stops half-way, unless one of its writes is waiting to be retried: that
    write is abandoned as if its retries had run out (the next sync finishes the product).
    Reads: ceil(products/100) + ceil(active prices/100) + ceil(archived prices/100) list calls.
    """
    raw = list(items)
    inputs: list[tuple[ProductSyncInput, list[VariantSyncInput]] | StripeSyncResult] = []
    seen: set[str] = set()
    for item in raw:
        try:
            converted = to_inputs(*_coerce_item(item))
            if converted[0].id in seen:
                # Two rows for one product: syncing both would let the second silently win.
                inputs.append(
                    StripeSyncResult(
                        product_id=converted[0].id,
                        action="failed",
                        error=f"Invalid product: id {converted[0].id!r} appears twice in this "
                        "run; only its first entry was synced.",
                    )
                )
                continue
            seen.add(converted[0].id)
            inputs.append(converted)
        except ValidationError as err:
            inputs.append(
                StripeSyncResult(
                    product_id=_item_id(item),
                    action="failed",
                    error=f"Invalid product: {describe_validation_error(err)}",
                )
            )
    results: list[StripeSyncResult] = []
    gw = gateway or get_gateway()
    try:
        with gw.cancellable(cancel):
            _run_bulk(inputs, results, dry_run, gw, links, progress, cancel, on_write)
    except SyncCancelledError:
        raise
    except CancelledError:
        # Cancelled while a call was waiting to be retried (a read, or a product's write).
        raise SyncCancelledError(results, len(inputs)) from None
    except SyncAdminError as err:
        err.results = list(results)  # the products finished before it, for the caller
        raise
    return results


def _run_bulk(
    inputs: list[tuple[ProductSyncInput, list[VariantSyncInput]] | StripeSyncResult],
    results: list[StripeSyncResult],
    dry_run: bool,
    gw: StripeGateway,
    links: Mapping[str, str] | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
    on_write: WriteCallback | None,
) -> None:
    total = len(inputs)
    remote = fetch_remote(gw)
    if progress is not None:
        message = f"Read {len(remote.products)} Stripe products in {remote.read_calls} calls"
        progress(ProgressEvent(0, total, None, message))
    for entry in inputs:
        if cancel is not None and cancel.cancelled:
            raise SyncCancelledError(results, total)
        if isinstance(entry, StripeSyncResult):
            result = entry
        else:
            product, variants = entry
            linked = (links or {}).get(product.id)
            plan = plan_product(product, variants, remote, linked_id=linked)
            if dry_run:
                result = result_from_plan(plan)
            else:
                try:
                    result = apply_plan(plan, gw, cancel=cancel, on_write=on_write)
                except CancelledError:
                    raise SyncCancelledError(results, total) from None
            result = _explained(result, product)
        results.append(result)
        if result.stripe_product_id and not isinstance(entry, StripeSyncResult):
            gw.remember_product(result.product_id, result.stripe_product_id)
        if progress is not None:
            progress(ProgressEvent(len(results), total, result.product_id, result.action))
