"""A price change killed after its new price was made, before that price became the default.

The next run finds two active prices for the product: the old default and the new one at the
catalog's amount. It must finish the change (make the new price the default, archive the old one),
not make the price again and then archive it as a duplicate of itself (Stripe refuses that: it is
the default by then). `test_kill_mid_sync` meets this state at random; here it is made on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.sandbox import SandboxServer
from core.workspace import Workspace
from tests.core.workspace.test_kill_mid_sync import KEY, SAMPLE
from tests.raw_sql import run_sql

PID = "material-8x8-v1"  # $120.00 in the sample catalog, no variants


class Killed(BaseException):
    """The process dies here (kill -9): nothing after it runs, nothing is recorded."""


def test_a_change_killed_before_its_new_price_became_the_default_is_finished(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CatalogStore.open(sqlite_url)
    try:
        import_file(store, SAMPLE)
    finally:
        store.close()

    def workspace() -> Workspace:
        return Workspace.open(db_url=sqlite_url, mode="test", api_key=KEY, api_base=sandbox.url)

    with SandboxServer(port=0) as sandbox:
        with workspace() as ws:
            (first,) = ws.sync([PID])
            old_price = first.stripe_price_id
        run_sql(sqlite_url, f"UPDATE products SET base_price_cents = 12100 WHERE id = '{PID}'")

        with workspace() as ws:

            def killed(*_args: Any, **_kw: Any) -> None:
                raise Killed  # the new price is made; the default price was about to be set

            monkeypatch.setattr(ws.gateway, "update_product", killed)
            with pytest.raises(Killed):
                ws.sync([PID])
        monkeypatch.undo()

        with workspace() as ws:
            # What the kill left: the new price made, the old one still active and the default.
            left = [p for p in ws.gateway.list_prices(product=PID) if p.active]
            assert sorted(p.unit_amount for p in left) == [12000, 12100]
            before = ws.gateway.retrieve_product(PID)
            assert before is not None and before.default_price == old_price
            (plan,) = ws.plan([PID])
            assert [op.summary for op in plan.operations] == [
                "make the $121.00 price the default",
                f"archive old price $120.00 ({old_price})",
            ]
            sandbox.clear_log()
            (result,) = ws.sync([PID])
            assert result.error is None, result.error
            made = [w for w in sandbox.writes() if w.path == "/v1/prices"]
            assert made == []  # the killed run's price is used, not made again
            remote = ws.gateway.retrieve_product(PID)
            assert remote is not None
            prices = ws.gateway.list_prices(product=PID)
            active = [p for p in prices if p.active]
            assert [(p.unit_amount, p.id == remote.default_price) for p in active] == [
                (12100, True)
            ]
            assert result.stripe_price_id == remote.default_price
            assert all(not p.operations for p in ws.plan([PID]))
            journaled = [(e.operation, e.stripe_object_id) for e in ws.journal(PID)]
            assert ("create_price", remote.default_price) in journaled
