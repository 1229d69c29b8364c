"""A big plan fills its dialog a chunk of products per event-loop turn (the window keeps painting),
and every product is there, expanded and ticked, by the time the maker reads or changes the ticks."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from core.engine.types import Operation, ProductPlan
from gui.dialogs.plan_dialog import PlanDialog
from gui.dialogs.plan_items import CHUNK, FIRST


def big_plan(count: int) -> list[ProductPlan]:
    def ops(pid: str) -> list[Operation]:
        return [Operation(kind="create_product", product_id=pid, summary=f"create {pid}")]

    return [
        ProductPlan(product_id=f"p{i:04d}", action="created", operations=ops(f"p{i:04d}"))
        for i in range(count)
    ]


def test_a_big_plan_arrives_over_several_turns_expanded(qtbot: QtBot) -> None:
    plans = big_plan(CHUNK * 2 + 5)
    dialog = PlanDialog(plans, mode="sandbox", account=None, notes=[("q — Lamp", "not ready")])
    qtbot.addWidget(dialog)

    assert dialog.tree.topLevelItemCount() == FIRST  # the first few only, the rest follows
    qtbot.waitUntil(lambda: not dialog.fill.pending, timeout=10_000)

    tree = dialog.tree
    assert tree.topLevelItemCount() == len(plans) + 1  # the note comes last, as before
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [item.text(0) for item in items[:-1]] == [p.product_id for p in plans]
    assert items[-1].text(0) == "q — Lamp" and items[-1].isDisabled()
    assert all(item.isExpanded() for item in items[:-1])
    assert items[-2].child(0).text(1) == f"create {plans[-1].product_id}"
    assert dialog.apply.text() == f"Sync {len(plans)} products"  # counted once all are in


def test_the_ticks_are_read_over_every_product_even_while_filling(qtbot: QtBot) -> None:
    plans = big_plan(CHUNK * 3)
    dialog = PlanDialog(plans, mode="sandbox", account=None)
    qtbot.addWidget(dialog)
    assert dialog.fill.pending

    dialog.set_ticked(plans[-1].product_id, False)  # a product not in the tree yet

    assert not dialog.fill.pending
    assert [p.product_id for p in dialog.selected_plans()] == [p.product_id for p in plans[:-1]]
