"""`sync_products_to_stripe`: bulk reads, dry run, progress, cancellation, journal hook, links."""

from __future__ import annotations

import math
from typing import Any

import pytest

from core import SyncSummary, sync_products_to_stripe
from core.engine.gateway import StripeGateway
from core.engine.throttle import RetryPolicy
from core.engine.types import CancelToken, ProgressEvent, SyncCancelledError, WriteRecord
from core.errors import (
    StripeAuthError,
    StripePermissionError,
    StripeUnavailableError,
    SyncAdminError,
)
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.conftest import TEST_KEY
from tests.core.engine.seed_examples import SIMPLE, VARIANTS, WITH_VARIANTS


def catalog(n: int) -> list[dict[str, Any]]:
    """n products; every third has three colour variants (seed's dict shape with `variants`)."""
    items: list[dict[str, Any]] = []
    for i in range(n):
        item: dict[str, Any] = {
            "id": f"p-{i:04d}",
            "name": f"Product {i}",
            "price_usd": 1000 + i,
            "sell_status": "available",
        }
        if i % 3 == 0:
            item["variants"] = [
                {"id": f"p-{i:04d}-{c.lower()}", "color": c} for c in ("RED", "GREEN", "BLUE")
            ]
        items.append(item)
    return items


def test_first_sync_then_unchanged_resync_reads_in_bulk_and_writes_nothing(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    items = catalog(130)
    first = sync_products_to_stripe(items, gateway=gateway)
    assert [r.product_id for r in first] == [i["id"] for i in items]
    assert SyncSummary.of(first) == SyncSummary(created=130)
    products = len(view.products(sandbox))
    prices = 130 - 44 + 44 * 3
    assert products == 130
    sandbox.clear_log()
    again = sync_products_to_stripe(items, gateway=gateway)
    assert SyncSummary.of(again) == SyncSummary(skipped=130)
    assert sandbox.writes() == []
    assert view.reads(sandbox) <= math.ceil(products / 100) + math.ceil(prices / 100) + 2
    assert [r.stripe_price_id for r in again] == [r.stripe_price_id for r in first]


def test_dry_run_says_what_would_change_and_writes_nothing(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    [first] = sync_products_to_stripe([(WITH_VARIANTS, VARIANTS)], gateway=gateway)
    old_white = first.variant_prices[1].stripe_price_id
    sandbox.clear_log()
    changed = [{**v, "price_usd": 13000} if v["color"] == "WHITE" else v for v in VARIANTS]
    items = [({**WITH_VARIANTS, "name": "Panel V2"}, changed), {**SIMPLE, "id": "new-one"}]
    results = sync_products_to_stripe(items, gateway=gateway, dry_run=True)
    assert sandbox.writes() == []
    assert [r.dry_run for r in results] == [True, True]
    panel, new = results
    assert panel.action == "updated"
    assert panel.changes == [
        "update name “Material-8x8-V LED Panel” → “Panel V2”",
        "rename the price for color BLACK “Material-8x8-V LED Panel — color BLACK” → "
        "“Panel V2 — color BLACK”",
        "create new price $130.00 (was $120.00) for color WHITE",
        f"archive old price $120.00 ({old_white})",
    ]
    assert new.action == "created"
    assert new.changes == [
        "create product “Material-8x8-V LED Panel” (id new-one) with price $120.00",
        "give the price its lookup key new-one",
    ]


def test_progress_and_journal_hooks_hear_every_product_and_write(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    events: list[ProgressEvent] = []
    records: list[WriteRecord] = []
    items = [(WITH_VARIANTS, VARIANTS), {**SIMPLE, "id": "second"}]
    sync_products_to_stripe(items, gateway=gateway, progress=events.append, on_write=records.append)
    assert [(e.done, e.total, e.product_id) for e in events] == [
        (0, 2, None),
        (1, 2, "material-8x8-v1"),
        (2, 2, "second"),
    ]
    assert [r.operation.kind for r in records] == [
        "create_product",
        "update_price",
        "create_price",
        "create_product",
        "update_price",
    ]
    logged = {w.request_id for w in sandbox.writes()}
    assert {r.request_id for r in records} == logged
    assert all(r.error is None and r.stripe_object_id for r in records)


def test_cancel_stops_between_products_and_reports_what_was_done(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    token = CancelToken()

    def cancel_after_two(event: ProgressEvent) -> None:
        if event.done == 2:
            token.cancel()

    with pytest.raises(SyncCancelledError) as info:
        sync_products_to_stripe(
            catalog(5), gateway=gateway, progress=cancel_after_two, cancel=token
        )
    assert [r.product_id for r in info.value.results] == ["p-0000", "p-0001"]
    assert info.value.total == 5
    assert sorted(p["id"] for p in view.products(sandbox)) == ["p-0000", "p-0001"]


def test_invalid_item_fails_alone_naming_its_fields(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    items = [{**SIMPLE, "price_usd": "free"}, {**SIMPLE, "id": "fine"}]
    bad, good = sync_products_to_stripe(items, gateway=gateway)
    assert bad.action == "failed"
    assert bad.product_id == "material-8x8-v1"
    assert "price_usd" in (bad.error or "")
    assert good.action == "created"
    assert [p["id"] for p in view.products(sandbox)] == ["fine"]


def test_the_same_product_twice_in_one_run_fails_the_second_entry(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    first, second = sync_products_to_stripe(
        [SIMPLE, {**SIMPLE, "name": "Another name", "price_usd": 999}], gateway=gateway
    )
    assert first.action == "created"
    assert second.action == "failed"
    assert "appears twice" in (second.error or "")
    (stored,) = view.products(sandbox)
    assert stored["name"] == SIMPLE["name"]
    assert len(view.prices(sandbox, stored["id"], active=True)) == 1


def test_bad_variant_fails_its_product_alone_naming_the_variant_field(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    variants = [
        {"id": "v0", "color": "BLACK"},
        {"id": "v1", "color": "RED", "price_modifier": -200},
    ]
    items = [
        {**SIMPLE, "id": "cheap", "price_usd": 100, "variants": variants},
        {**SIMPLE, "id": "twice", "variants": [variants[0], variants[0]]},
        {**SIMPLE, "id": "fine"},
    ]
    cheap, twice, fine = sync_products_to_stripe(items, gateway=gateway)
    assert cheap.action == "failed"
    assert (cheap.error or "").startswith("Invalid product: variants[1].price_modifier: ")
    assert twice.action == "failed"
    assert "variants[1].id: id 'v0' is used twice" in (twice.error or "")
    assert fine.action == "created"
    assert [p["id"] for p in view.products(sandbox)] == ["fine"]


def test_stored_link_wins_over_the_id(sandbox: SandboxServer, gateway: StripeGateway) -> None:
    view.raw_client(sandbox).v1.products.create(params={"id": "prod_linked1", "name": "Linked"})
    result = sync_products_to_stripe(
        [SIMPLE], gateway=gateway, links={"material-8x8-v1": "prod_linked1"}
    )[0]
    assert (result.action, result.stripe_product_id) == ("updated", "prod_linked1")
    assert [p["id"] for p in view.products(sandbox)] == ["prod_linked1"]


def test_product_created_meanwhile_is_adopted_not_failed(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    def someone_else_creates_it(event: ProgressEvent) -> None:
        if event.done == 0:  # after the bulk read, before the first write
            view.raw_client(sandbox).v1.products.create(
                params={"id": "material-8x8-v1", "name": "Made elsewhere"}
            )

    [result] = sync_products_to_stripe([SIMPLE], gateway=gateway, progress=someone_else_creates_it)
    assert result.error is None
    assert result.action == "updated"
    assert len(view.products(sandbox)) == 1
    stored = view.product(sandbox, "material-8x8-v1")
    assert stored["name"] == SIMPLE["name"]
    assert stored["default_price"] == result.stripe_price_id


def test_bulk_read_sees_archived_products_and_prices(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    sync_products_to_stripe([SIMPLE, {**SIMPLE, "id": "second", "price_usd": 500}], gateway=gateway)
    sync_products_to_stripe([{**SIMPLE, "sell_status": "internal"}], gateway=gateway)
    sync_products_to_stripe([{**SIMPLE, "id": "second", "price_usd": 600}], gateway=gateway)
    sandbox.clear_log()
    back, second = sync_products_to_stripe(
        [SIMPLE, {**SIMPLE, "id": "second", "price_usd": 600}], gateway=gateway
    )
    assert (back.action, back.error) == ("updated", None)
    assert [w.path for w in sandbox.writes()] == ["/v1/products/material-8x8-v1"]
    assert second.action == "skipped"
    assert len(view.products(sandbox)) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, StripeUnavailableError), (401, StripeAuthError), (403, StripePermissionError)],
    ids=["unavailable", "auth", "permission"],
)
def test_run_level_error_mid_run_keeps_the_finished_results(
    sandbox: SandboxServer, status: int, error: type[SyncAdminError]
) -> None:
    gw = StripeGateway.create(
        TEST_KEY,
        api_base=sandbox.url,
        rate_limit=0,
        retry=RetryPolicy(budget_s=0.2, initial_s=0.01, max_s=0.05),
    )
    items = [{**SIMPLE, "id": f"panel-{i}"} for i in range(5)]

    def break_after_two(event: ProgressEvent) -> None:
        if event.done == 2:
            sandbox.fail_next(10**6, status=status)

    with pytest.raises(error) as info:
        sync_products_to_stripe(items, gateway=gw, progress=break_after_two)
    sandbox.fail_next(0)
    done = info.value.results
    assert done is not None
    assert [(r.product_id, r.action) for r in done] == [
        ("panel-0", "created"),
        ("panel-1", "created"),
    ]
    assert sorted(p["id"] for p in view.products(sandbox)) == ["panel-0", "panel-1"]


def test_error_before_any_product_has_empty_results(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    sandbox.fail_next(1, status=401)  # the first read: the key was revoked meanwhile
    with pytest.raises(StripeAuthError) as info:
        sync_products_to_stripe([SIMPLE], gateway=gateway)
    assert info.value.results == []
