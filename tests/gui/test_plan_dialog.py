"""The plan dialog: it lists exactly the operations, applies only what is ticked, guards live mode."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.engine.types import AccountInfo, Operation, ProductPlan
from gui.dialogs.plan_dialog import PlanDialog, live_confirmation_ok

ACCOUNT = AccountInfo("acct_1Live", "Maker Shop", True)


def plans() -> list[ProductPlan]:
    def op(pid: str, kind: str, summary: str) -> Operation:
        return Operation(kind=kind, product_id=pid, summary=summary)  # type: ignore[arg-type]

    return [
        ProductPlan(
            product_id="a", action="created", operations=[op("a", "create_product", "create a")]
        ),
        ProductPlan(
            product_id="b",
            action="updated",
            operations=[
                op("b", "update_product", 'name "Poster" → "Poster (large)"'),
                op("b", "create_price", "price $120.00 → $130.00 as a new price, old one archived"),
            ],
        ),
        ProductPlan(
            product_id="c", action="archived", operations=[op("c", "archive_product", "archive c")]
        ),
        ProductPlan(product_id="d", action="failed", error="price is missing"),
    ]


def texts(dialog: PlanDialog) -> list[str]:
    out = []
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        out.append(item.text(1))
        out += [item.child(j).text(1) for j in range(item.childCount())]
    return out


def test_lists_every_operation_in_plain_words(qtbot: QtBot) -> None:
    dialog = PlanDialog(plans(), mode="sandbox", account=None)
    qtbot.addWidget(dialog)
    shown = texts(dialog)
    assert 'name "Poster" → "Poster (large)"' in shown
    assert "price $120.00 → $130.00 as a new price, old one archived" in shown
    assert "archive c" in shown
    assert "cannot sync: price is missing" in shown
    assert dialog.count.text() == "3 product(s) ticked, 4 Stripe write(s)"


def test_only_ticked_products_are_applied(qtbot: QtBot) -> None:
    dialog = PlanDialog(plans(), mode="test", account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.set_ticked("b", False)
    assert [p.product_id for p in dialog.selected_plans()] == ["a", "c"]
    # A product that cannot be synced is never applied, even when everything is ticked.
    dialog.set_all(True)
    assert [p.product_id for p in dialog.selected_plans()] == ["a", "b", "c"]
    dialog.set_all(False)
    assert dialog.selected_plans() == []
    assert not dialog.apply.isEnabled()
    item_a = dialog.tree.topLevelItem(0)
    item_a.setCheckState(0, Qt.CheckState.Checked)  # as a click on the checkbox does
    assert [p.product_id for p in dialog.selected_plans()] == ["a"]
    assert dialog.apply.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.apply.click()


def test_live_mode_is_unmistakable_and_needs_typed_confirmation(qtbot: QtBot) -> None:
    dialog = PlanDialog(plans(), mode="live", account=ACCOUNT)
    qtbot.addWidget(dialog)
    assert "LIVE" in dialog.windowTitle()
    assert "LIVE MODE" in dialog.banner.text() and "Maker Shop" in dialog.banner.text()
    assert dialog.confirm.isVisibleTo(dialog)
    assert not dialog.apply.isEnabled()
    with qtbot.assertNotEmitted(dialog.accepted):
        dialog.accept()  # Enter cannot bypass the check
    qtbot.keyClicks(dialog.confirm, "Maker")
    assert not dialog.apply.isEnabled()
    qtbot.keyClicks(dialog.confirm, " Shop")
    assert dialog.apply.isEnabled()
    dialog.confirm.setText("LIVE")
    assert dialog.apply.isEnabled()
    dialog.confirm.setText("live")
    assert not dialog.apply.isEnabled()


def test_test_mode_needs_no_typing(qtbot: QtBot) -> None:
    dialog = PlanDialog(plans(), mode="test", account=ACCOUNT)
    qtbot.addWidget(dialog)
    assert not dialog.confirm.isVisibleTo(dialog)
    assert dialog.apply.isEnabled()
    assert "LIVE" not in dialog.windowTitle()


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("LIVE", True), ("  LIVE ", True), ("Maker Shop", True), ("maker shop", False), ("", False)],
)
def test_live_confirmation_words(typed: str, ok: bool) -> None:
    assert live_confirmation_ok(typed, ACCOUNT) is ok


def test_long_operations_wrap_instead_of_being_cut_off(qtbot: QtBot) -> None:
    long = (
        "rename the price for color BLACK “Founder Edition Controller — color BLACK” → "
        "“Founder Edition Controller (2nd edition) — color BLACK”, and keep its lookup key"
    )
    plan = ProductPlan(
        product_id="founder",
        action="updated",
        operations=[Operation(kind="update_price", product_id="founder", summary=long)],
    )
    dialog = PlanDialog([plan], mode="test", account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    child = dialog.tree.topLevelItem(0).child(0)
    assert child.toolTip(1) == long
    metrics = dialog.tree.fontMetrics()
    assert metrics.horizontalAdvance(long) > dialog.tree.columnWidth(1)  # too long for one line…
    lines = child.text(1).split("\n")
    assert len(lines) >= 2 and " ".join(lines) == long  # …so it wraps, every word kept
    assert all(metrics.horizontalAdvance(line) <= dialog.tree.columnWidth(1) for line in lines)
    assert dialog.tree.visualItemRect(child).height() >= 2 * metrics.height()


def test_a_disabled_live_apply_does_not_look_pressable(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor

    dialog = PlanDialog(plans(), mode="live", account=ACCOUNT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    def red_share() -> float:  # how much of the button is painted live red
        image = dialog.apply.grab().toImage()
        red = 0
        for x in range(image.width()):
            for y in range(image.height()):
                c = QColor(image.pixel(x, y))
                red += c.red() > 150 and c.green() < 110 and c.blue() < 110
        return red / (image.width() * image.height())

    assert not dialog.apply.isEnabled()
    assert red_share() < 0.05
    qtbot.keyClicks(dialog.confirm, "LIVE")
    assert dialog.apply.isEnabled()
    assert red_share() > 0.25


def test_overwrites_are_marked_and_kept_edits_and_idle_products_are_listed(qtbot: QtBot) -> None:
    overwrite = Operation(
        kind="update_product",
        product_id="lamp",
        summary='name "Lamp (Stripe)" → "Lamp"',
        overwrites_stripe_edit=True,
    )
    plain = Operation(kind="create_price", product_id="lamp", summary="price $10.00 → $12.00")
    lamp = ProductPlan(
        product_id="lamp",
        action="updated",
        operations=[overwrite, plain],
        kept_stripe_edits=["description"],
    )
    dialog = PlanDialog(
        [lamp],
        mode="sandbox",
        account=None,
        notes=[("shade — Shade", "in sync")],
    )
    qtbot.addWidget(dialog)
    item = dialog.tree.topLevelItem(0)
    marked, unmarked, kept = (item.child(j) for j in range(3))
    assert marked.text(1) == '⚠ name "Lamp (Stripe)" → "Lamp" — overwrites an edit made in Stripe'
    assert marked.font(1).bold() and marked.foreground(1).color() != unmarked.foreground(1).color()
    assert unmarked.text(1) == "price $10.00 → $12.00"
    assert kept.text(1) == "Keeps Stripe's edit of description"
    note = dialog.tree.topLevelItem(1)
    assert (note.text(0), note.text(1)) == ("shade — Shade", "in sync")
    assert not note.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert [p.product_id for p in dialog.selected_plans()] == ["lamp"]
    assert dialog.count.text() == "1 product(s) ticked, 2 Stripe write(s)"
