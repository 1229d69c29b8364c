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
    assert "Cannot sync: price is missing" in shown
    assert dialog.count.text() == "3 products ticked: 4 changes in Stripe"
    assert dialog.apply.text() == "Sync 3 products"


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
    assert child.text(1) == child.toolTip(1) == long
    metrics = dialog.tree.fontMetrics()
    assert metrics.horizontalAdvance(long) > dialog.tree.columnWidth(1)  # too long for one line…
    lines = dialog.wrap_delegate.shown_text(long).split("\n")  # what the cell draws
    assert len(lines) >= 2 and " ".join(lines) == long  # …so it wraps, every word kept
    assert all(metrics.horizontalAdvance(line) <= dialog.tree.columnWidth(1) for line in lines)
    assert dialog.tree.visualItemRect(child).height() >= 2 * metrics.height()

    # A narrower window: the sentence takes more lines, and its row grows to show them all.
    dialog.resize(660, 600)
    qtbot.waitUntil(lambda: dialog.tree.columnWidth(1) < 500)
    narrow = dialog.wrap_delegate.shown_text(long).split("\n")
    assert len(narrow) > len(lines) and " ".join(narrow) == long
    assert all(metrics.horizontalAdvance(line) <= dialog.tree.columnWidth(1) for line in narrow)
    qtbot.waitUntil(
        lambda: dialog.tree.visualItemRect(child).height() >= len(narrow) * metrics.height()
    )


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
    assert dialog.count.text() == "1 product ticked: 2 changes in Stripe"
    assert dialog.apply.text() == "Sync 1 product"


def _lamp_plans() -> list[ProductPlan]:
    """Real plans (the engine's planner): a lamp to create, a founder edition whose price
    changes from $50.00 to $64.00."""
    from core import ProductSyncInput
    from core.engine.plan import plan_product
    from core.engine.types import RemoteCatalog, RemotePrice, RemoteProduct

    def product(pid: str) -> ProductSyncInput:
        return ProductSyncInput.model_validate(
            {"id": pid, "name": pid, "price_usd": 6400, "sell_status": "available"}
        )

    old = RemotePrice(
        id="price_old",
        product="founder",
        unit_amount=5000,
        currency="usd",
        active=True,
        metadata={"managed_by": "stripe-sync-admin", "local_id": "founder"},
        created=1,
        lookup_key="founder",
    )
    founder = RemoteProduct.model_validate(
        {
            "id": "founder",
            "name": "founder",
            "metadata": {
                "local_id": "founder",
                "sell_status": "available",
                "managed_by": "stripe-sync-admin",
            },
            "default_price": "price_old",
            "updated": 1,
            "prices": [old],
        }
    )
    remote = RemoteCatalog(products={"founder": founder})
    return [plan_product(product(pid), [], remote) for pid in ("lamp", "founder")]


LONG_NAME = "Founder Edition Controller with a name far longer than any column (2nd edition)"


def test_each_product_line_says_what_syncing_does_in_words(qtbot: QtBot) -> None:
    names = {"lamp": "Lamp", "founder": LONG_NAME}
    dialog = PlanDialog(_lamp_plans(), mode="test", account=ACCOUNT, names=names)
    qtbot.addWidget(dialog)
    lamp, founder = (dialog.tree.topLevelItem(i) for i in range(2))
    assert lamp.text(1) == "Create in Stripe with price $64.00"
    assert founder.toolTip(1) == (
        "Change the price from $50.00 to $64.00 (a new price; the old one is archived)"
    )
    assert dialog.count.text() == "2 products ticked: 5 changes in Stripe"
    assert not any("write(s)" in text or "(s)" in text for text in texts(dialog))


def test_a_long_name_is_shortened_in_the_middle_with_the_whole_name_in_its_tooltip(
    qtbot: QtBot,
) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    names = {"lamp": "Lamp", "founder": LONG_NAME}
    dialog = PlanDialog(_lamp_plans(), mode="test", account=ACCOUNT, names=names)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 600)  # on a 1024 px wide screen
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.tree
    lamp, founder = (tree.topLevelItem(i) for i in range(2))
    title = f"founder — {LONG_NAME}"
    assert founder.text(0) == title and founder.toolTip(0) == title  # never cut in the data
    metrics = tree.fontMetrics()
    assert metrics.horizontalAdvance(title) > tree.columnWidth(0)  # too long for its column…
    option = QStyleOptionViewItem()
    tree.itemDelegateForColumn(0).initStyleOption(option, tree.indexFromItem(founder, 0))
    assert option.textElideMode == Qt.TextElideMode.ElideMiddle  # …so shortened in the middle
    # A usual name fits whole, and the sentences keep most of the width.
    checkbox = 24
    assert tree.columnWidth(0) >= metrics.horizontalAdvance(lamp.text(0)) + checkbox
    assert tree.columnWidth(1) > tree.columnWidth(0)
