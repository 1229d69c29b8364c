"""Prices in several currencies end to end: catalog → workspace → the real SDK → the sandbox.
A changed extra amount updates the price in place; a hand edit of one is seen and kept.

Events show a price without its `currency_options` (stripe-facts §5.5): when the catalog sells in
other currencies, the event mirror reads a price an event made or changed on its own (one request),
so a refresh by events knows them as a full read does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, make_shop, open_ws
from tests.core.engine import stripe_view as view
from tests.raw_sql import run_sql


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


def _options(sandbox: SandboxServer, price_id: str) -> dict[str, int]:
    price: Any = view.raw_client(sandbox).v1.prices.retrieve(
        price_id, params={"expand": ["currency_options"]}
    )
    return {c: o["unit_amount"] for c, o in price.to_dict()["currency_options"].items()}


def _eur(db_url: str, cents: int) -> None:
    run_sql(db_url, f"UPDATE ssa_currency_amounts SET amount = {cents} WHERE currency = 'eur'")


def test_sync_writes_extra_currencies_and_changes_one_in_place(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [{**LAMP, "currency_amounts": {"eur": 4100, "jpy": 6900}}])
    with open_ws(db_url, sandbox) as ws:
        (result,) = ws.sync()
        assert result.action == "created"
        first = view.product(sandbox, "lamp")["default_price"]
        assert _options(sandbox, first) == {"usd": 4500, "eur": 4100, "jpy": 6900}
        # Unchanged: nothing to write.
        ws.refresh_stripe(refresh_all=True)
        (row,) = ws.status(["lamp"])
        assert row.state == "in_sync" and row.plan is not None and row.plan.operations == []
        before = len(sandbox.writes())
        ws.sync()
        assert len(sandbox.writes()) == before
        # The EUR amount changes: one update of the same price, no new price, nothing archived.
        _eur(db_url, 4300)
        ws.refresh_stripe(refresh_all=True)
        (plan,) = ws.plan(["lamp"])
        (op,) = plan.operations
        assert op.kind == "update_price" and "in place" in op.summary
        assert [d.field for d in plan.differences] == ["price.eur"]
        ws.sync()
        assert len(sandbox.writes()) == before + 1
        assert view.product(sandbox, "lamp")["default_price"] == first
        assert _options(sandbox, first) == {"usd": 4500, "eur": 4300, "jpy": 6900}
        assert [p["id"] for p in view.prices(sandbox, "lamp", active=False)] == []
        for refresh_all in (False, True):  # events leave it unknown; a full read finds it in step
            ws.refresh_stripe(refresh_all=refresh_all)
            (row,) = ws.status(["lamp"])
            assert row.state == "in_sync" and row.plan is not None and row.plan.operations == []


def test_a_new_main_amount_makes_a_new_price_with_the_extra_amounts(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [{**LAMP, "currency_amounts": {"eur": 4100}}])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        first = view.product(sandbox, "lamp")["default_price"]
        run_sql(db_url, "UPDATE products SET base_price_cents = 5000 WHERE id = 'lamp'")
        ws.sync()
        new = view.product(sandbox, "lamp")["default_price"]
        assert new != first
        assert _options(sandbox, new) == {"usd": 5000, "eur": 4100}
        assert [p["id"] for p in view.prices(sandbox, "lamp", active=False)] == [first]


def test_an_amount_changed_by_hand_in_stripe_is_seen_and_kept(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [{**LAMP, "currency_amounts": {"eur": 4100}}])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        price = view.product(sandbox, "lamp")["default_price"]
        client: stripe.StripeClient = view.raw_client(sandbox)
        client.v1.prices.update(price, params={"currency_options": {"eur": {"unit_amount": 3900}}})
        ws.refresh_stripe(refresh_all=True)
        (row,) = ws.status(["lamp"])
        (diff,) = row.differences
        assert (diff.field, diff.changed, diff.stripe_amount, diff.last_written_amount) == (
            "price.eur",
            "stripe",
            3900,
            4100,
        )
        before = len(sandbox.writes())
        (result,) = ws.sync(["lamp"])
        assert result.kept_stripe_edits == ["price.eur"]
        assert len(sandbox.writes()) == before
        assert _options(sandbox, price)["eur"] == 3900


def test_a_hand_edit_of_an_extra_amount_is_seen_by_events_alone(
    db_url: str, sandbox: SandboxServer
) -> None:
    make_shop(db_url, [{**LAMP, "currency_amounts": {"eur": 4100}}])
    with open_ws(db_url, sandbox) as ws:
        ws.sync()
        price = view.product(sandbox, "lamp")["default_price"]
        (row,) = ws.status(["lamp"])  # a refresh by events only: the new price is read on its own
        assert not ws.last_refresh.full  # type: ignore[union-attr]
        assert row.state == "in_sync" and row.plan is not None and row.plan.operations == []
        # In the Dashboard, someone changes the euro amount.
        view.raw_client(sandbox).v1.prices.update(
            price, params={"currency_options": {"eur": {"unit_amount": 3900}}}
        )
        (row,) = ws.status(["lamp"])
        assert not ws.last_refresh.full  # type: ignore[union-attr]
        (diff,) = [d for d in row.differences if d.field == "price.eur"]
        assert (diff.stripe_amount, diff.local_amount, diff.changed) == (3900, 4100, "stripe")
        assert row.plan is not None and row.plan.kept_stripe_edits == ["price.eur"]
