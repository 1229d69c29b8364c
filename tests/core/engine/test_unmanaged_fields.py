"""A field the catalog does not hold is never compared, sent or cleared — also after a conflict.

The shop's table may have no `description` column: the tool then leaves Stripe's description as it
is. The case that slipped before: a create that conflicts (someone made the product first) is planned
again from Stripe's state, and that re-plan must keep leaving the description alone.
"""

from __future__ import annotations

from core.domain.models import ProductSyncInput
from core.engine.apply import apply_plan
from core.engine.gateway import StripeGateway
from core.engine.plan import plan_product
from core.engine.types import RemoteCatalog
from core.sandbox import SandboxServer
from tests.core.engine import stripe_view as view

PRODUCT = ProductSyncInput(
    id="lamp-1", name="Lamp", price_cents=4200, sell_status="available", description=None
)


def test_create_that_conflicts_keeps_a_hand_written_description(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    plan = plan_product(PRODUCT, [], RemoteCatalog(), unmanaged={"description"})
    assert [op.kind for op in plan.operations] == ["create_product", "update_price"]
    assert "description" not in plan.operations[0].params
    # Someone creates the product by hand between our read and our write.
    gateway.create_product(
        {"id": "lamp-1", "name": "Lamp", "description": "Hand-blown glass."},
        idempotency_key="made-by-hand",
    )
    result = apply_plan(plan, gateway)
    assert result.error is None
    assert view.product(sandbox, "lamp-1")["description"] == "Hand-blown glass."
    assert all("description" not in w.params for w in sandbox.writes()[1:])


def test_an_unmanaged_description_is_not_a_difference(
    sandbox: SandboxServer, gateway: StripeGateway
) -> None:
    managed = plan_product(PRODUCT, [], RemoteCatalog())
    apply_plan(managed, gateway)
    gateway.update_product(
        "lamp-1", {"description": "Added in the Dashboard."}, idempotency_key="d"
    )
    remote = RemoteCatalog(products={p.id: p for p in gateway.list_products()})
    remote.products["lamp-1"] = remote.products["lamp-1"].model_copy(
        update={"prices": tuple(gateway.list_prices(product="lamp-1", active=True))}
    )
    assert [d.field for d in plan_product(PRODUCT, [], remote).differences] == ["description"]
    left_alone = plan_product(PRODUCT, [], remote, unmanaged={"description"})
    assert (left_alone.operations, left_alone.differences) == ([], [])
