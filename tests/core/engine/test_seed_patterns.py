"""The seed's "Common Patterns" and "Monitoring" examples, written in Python as the seed writes
them, against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest

from core import StripeSyncResult, SyncSummary, sync_product_to_stripe
from core.engine.types import WriteRecord
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS

pytestmark = pytest.mark.usefixtures("configured")


def products_ready_for_sync() -> list[dict[str, Any]]:
    """getProductsReadyForSync(): the seed's product dicts, variants under `variants`."""
    return [
        {**WITH_VARIANTS, "variants": VARIANTS},
        {**SIMPLE, "id": "founder-edition-black", "name": "Founder Edition", "variants": []},
        {**SIMPLE, "id": "bad-price", "price_usd": -5, "variants": []},  # invalid: raises
        {**SIMPLE, "id": "draft", "dev_status": 2, "variants": []},  # not ready: skipped
    ]


def test_seed_bulk_loop_as_written(configured: SandboxServer) -> None:
    products = products_ready_for_sync()
    results: list[dict[str, Any] | StripeSyncResult] = []
    stored: list[StripeSyncResult] = []  # updateProductStripeData(result)
    for product in products:
        try:
            result = sync_product_to_stripe(product, product["variants"])
            results.append(result)
            stored.append(result)
        except Exception as error:
            results.append({"product_id": product["id"], "action": "skipped", "error": str(error)})
    assert len(results) == 4
    made, simple, bad, draft = results
    assert isinstance(made, StripeSyncResult) and isinstance(simple, StripeSyncResult)
    assert (made.action, made.error) == ("created", None)
    assert [v.variant_id for v in made.variant_prices] == [v["id"] for v in VARIANTS]
    assert (simple.action, simple.stripe_product_id) == ("created", "founder-edition-black")
    assert isinstance(bad, dict) and "price_usd" in bad["error"]
    assert isinstance(draft, StripeSyncResult) and draft.action == "skipped"
    assert sorted(p["id"] for p in view.products(configured)) == [
        "founder-edition-black",
        "material-8x8-v1",
    ]
    # Run again: nothing changes and nothing is written.
    configured.clear_log()
    for product in products[:2]:
        assert sync_product_to_stripe(product, product["variants"]).action == "skipped"
    assert configured.writes() == []


def test_seed_monitoring_counts_a_result_with_an_error_as_an_error(
    configured: SandboxServer,
) -> None:
    def refuse_next_write(record: WriteRecord) -> None:
        if record.operation.kind == "create_product":  # the next write: a variant's price
            configured.fail_next(1, status=400, code="parameter_invalid_integer")

    results = [
        sync_product_to_stripe({**SIMPLE, "id": "lamp"}),
        sync_product_to_stripe(WITH_VARIANTS, VARIANTS, on_write=refuse_next_write),
        sync_product_to_stripe({**SIMPLE, "id": "lamp", "name": "Lamp V2"}),
        sync_product_to_stripe({**SIMPLE, "id": "lamp", "name": "Lamp V2"}),
    ]
    assert results[1].error is not None and results[1].action == "created"
    # The seed's monitoring loop, as written:
    sync_metrics = {"created": 0, "updated": 0, "archived": 0, "skipped": 0, "errors": 0}
    for result in results:
        if result.error:
            sync_metrics["errors"] += 1
        else:
            sync_metrics[result.action] += 1
    assert sync_metrics == {"created": 1, "updated": 1, "archived": 0, "skipped": 1, "errors": 1}
    summary = SyncSummary.of(results)
    assert summary == SyncSummary(created=1, updated=1, skipped=1, failed=1)
    assert summary.errors == summary.failed == 1
    with pytest.raises(AttributeError):
        summary.errors = 5  # type: ignore[misc]
