"""Two operators sharing nothing but Stripe: their price creates must never make twins.

Each operator is its own `StripeGateway` on the same sandbox (no lock between them). They plan the
same product from different snapshots — one before the other's writes, one in the middle of them —
and both apply. Stripe must end with exactly one active price per sellable unit and no extra
(archived) prices, and a price that comes back (120 → 130 → 120) is the first one, reactivated.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.domain.models import ProductSyncInput, StripeSyncResult, VariantSyncInput
from core.engine.apply import apply_plan
from core.engine.fetch import plan_one
from core.engine.gateway import StripeGateway
from core.engine.types import ProductPlan, WriteRecord
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view
from tests.core.engine.conftest import FAST_RETRY, TEST_KEY

PID = "panel-rgb"
PRODUCT: dict[str, Any] = {
    "id": PID,
    "name": "RGB Panel",
    "price_usd": 12000,
    "sell_status": "available",
}
COLOURS = ("RED", "GREEN", "BLUE")


def variants(**prices: int) -> list[VariantSyncInput]:
    """The three colour variants; `prices` overrides one colour's price (e.g. BLUE=13000)."""
    return [
        VariantSyncInput.model_validate(
            {"id": f"{PID}-{c.lower()}", "color": c, "price_usd": prices.get(c, 12000)}
        )
        for c in COLOURS
    ]


def operator(sandbox: SandboxServer) -> StripeGateway:
    """One operator's own gateway (own HTTP client, own caches) on the shared sandbox."""
    return StripeGateway.create(TEST_KEY, api_base=sandbox.url, rate_limit=0, retry=FAST_RETRY)


def plan(gateway: StripeGateway, name: str = PRODUCT["name"], **prices: int) -> ProductPlan:
    product = ProductSyncInput.model_validate({**PRODUCT, "name": name})
    return plan_one(gateway, product, variants(**prices))


def unit_prices(sandbox: SandboxServer, active: bool) -> dict[str, list[dict[str, Any]]]:
    """The product's prices with this `active` flag, by variant id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for price in view.prices(sandbox, PID, active=active):
        out.setdefault(price["metadata"].get("variant_id", ""), []).append(price)
    return out


def assert_one_active_price_per_variant(sandbox: SandboxServer, amounts: dict[str, int]) -> None:
    active = unit_prices(sandbox, active=True)
    assert {v: len(ps) for v, ps in active.items()} == {f"{PID}-{c.lower()}": 1 for c in COLOURS}
    assert {v: ps[0]["unit_amount"] for v, ps in active.items()} == {
        f"{PID}-{c.lower()}": amounts.get(c, 12000) for c in COLOURS
    }


def prices_of(result: StripeSyncResult) -> dict[str, str]:
    return {v.variant_id: v.stripe_price_id for v in result.variant_prices}


@pytest.mark.parametrize("other_applies", ["during", "after"])
def test_new_product_planned_from_two_snapshots_gets_one_price_per_variant(
    sandbox: SandboxServer, other_applies: str
) -> None:
    first, second = operator(sandbox), operator(sandbox)
    first_plan = plan(first)  # before anything exists: create the product and every price
    later: list[ProductPlan] = []
    results: list[StripeSyncResult] = []

    def after_first_write(record: WriteRecord) -> None:
        # The other operator reads once the product (with RED as its default price) exists, but
        # before GREEN and BLUE do: its plan creates those two from a different snapshot.
        if not later and record.operation.kind == "update_price":
            later.append(plan(second))
            assert [op.kind for op in later[0].operations] == ["create_price", "create_price"]
            if other_applies == "during":
                results.append(apply_plan(later[0], second))

    results.append(apply_plan(first_plan, first, on_write=after_first_write))
    if other_applies == "after":
        results.append(apply_plan(later[0], second))

    assert [r.error for r in results] == [None, None]
    assert_one_active_price_per_variant(sandbox, {})
    assert unit_prices(sandbox, active=False) == {}  # no twin was made and archived either
    assert prices_of(results[0]) == prices_of(results[1])


def test_price_change_planned_by_two_operators_from_two_snapshots_makes_one_price(
    sandbox: SandboxServer,
) -> None:
    first, second = operator(sandbox), operator(sandbox)
    apply_plan(plan(first), first)
    first_plan = plan(first, BLUE=13000, GREEN=14000)
    later: list[ProductPlan] = []

    def after_first_write(record: WriteRecord) -> None:
        if not later:  # BLUE's new price exists, GREEN's not yet
            later.append(plan(second, BLUE=13000, GREEN=14000))

    done = apply_plan(first_plan, first, on_write=after_first_write)
    other = apply_plan(later[0], second)

    assert (done.error, other.error) == (None, None)
    assert_one_active_price_per_variant(sandbox, {"BLUE": 13000, "GREEN": 14000})
    archived = unit_prices(sandbox, active=False)
    assert {v: [p["unit_amount"] for p in ps] for v, ps in archived.items()} == {
        f"{PID}-blue": [12000],
        f"{PID}-green": [12000],
    }


@pytest.mark.parametrize("operators", [1, 2])
def test_price_back_to_an_earlier_amount_reuses_the_first_price(
    sandbox: SandboxServer, operators: int
) -> None:
    gateways = [operator(sandbox) for _ in range(operators)]
    created = apply_plan(plan(gateways[0]), gateways[0])  # BLUE $120 made by a price create
    first_120 = prices_of(created)[f"{PID}-blue"]
    apply_plan(plan(gateways[0], BLUE=13000), gateways[0])
    [price_130] = unit_prices(sandbox, active=True)[f"{PID}-blue"]

    # Back to $120 (design §12): the first $120 price comes back, no twin is made, even with
    # two operators planning from the same $130 state.
    plans = [plan(gw) for gw in gateways]
    assert any("reuse price " + first_120 in op.summary for op in plans[0].operations)
    sandbox.clear_log()
    results = [apply_plan(p, gw) for p, gw in zip(plans, gateways, strict=True)]
    assert [r.error for r in results] == [None] * operators
    assert not any(r.path == "/v1/prices" for r in sandbox.request_log)  # nothing created
    assert_one_active_price_per_variant(sandbox, {})
    [blue] = unit_prices(sandbox, active=True)[f"{PID}-blue"]
    assert blue["id"] == first_120
    assert {r.variant_prices[2].stripe_price_id for r in results} == {first_120}
    archived = unit_prices(sandbox, active=False)[f"{PID}-blue"]
    assert [p["id"] for p in archived] == [price_130["id"]]
    assert view.product(sandbox, PID)["default_price"] == prices_of(created)[f"{PID}-red"]

    # …and once more to $130 and back: the same two prices take turns, nothing new.
    apply_plan(plan(gateways[0], BLUE=13000), gateways[0])
    for gw in gateways:
        apply_plan(plan(gw), gw)
    assert_one_active_price_per_variant(sandbox, {})
    [blue] = unit_prices(sandbox, active=True)[f"{PID}-blue"]
    assert blue["id"] == first_120
    assert [p["id"] for p in unit_prices(sandbox, active=False)[f"{PID}-blue"]] == [price_130["id"]]


def test_price_back_to_an_earlier_amount_after_a_rename_reuses_it_renamed(
    sandbox: SandboxServer,
) -> None:
    gw = operator(sandbox)
    created = apply_plan(plan(gw), gw)
    first_120 = prices_of(created)[f"{PID}-blue"]
    apply_plan(plan(gw, BLUE=13000), gw)
    # Renamed, and back to $120: the first $120 price comes back under the new nickname.
    result = apply_plan(plan(gw, name="RGB Panel II"), gw)
    assert result.error is None
    assert_one_active_price_per_variant(sandbox, {})
    [blue] = unit_prices(sandbox, active=True)[f"{PID}-blue"]
    assert blue["id"] == first_120
    assert blue["nickname"] == "RGB Panel II — color BLUE"
    assert len(unit_prices(sandbox, active=False)[f"{PID}-blue"]) == 1


def test_operators_planning_a_price_with_different_names_make_one_price(
    sandbox: SandboxServer,
) -> None:
    first, second = operator(sandbox), operator(sandbox)
    apply_plan(plan(first), first)
    # Both read the same state; the product is renamed between their reads of the catalog.
    plans = [plan(first, BLUE=13000), plan(second, name="RGB Panel II", BLUE=13000)]
    done = apply_plan(plans[0], first)
    other = apply_plan(plans[1], second)
    assert (done.error, other.error) == (None, None)
    assert_one_active_price_per_variant(sandbox, {"BLUE": 13000})
    assert prices_of(done)[f"{PID}-blue"] == prices_of(other)[f"{PID}-blue"]
    archived = unit_prices(sandbox, active=False)
    assert {v: [p["unit_amount"] for p in ps] for v, ps in archived.items()} == {
        f"{PID}-blue": [12000]
    }
