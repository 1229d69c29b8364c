"""Test before live in the plan dialog: writes never tried in test mode are marked and counted, and
applying them asks once more (setting on), without ever stopping a maker who goes on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.engine.types import AccountInfo, Operation, ProductPlan
from core.settings import Settings, save_settings
from gui.dialogs.plan_dialog import PlanDialog

ACCOUNT = AccountInfo("acct_1Live", "Maker Shop", True)


def live_plans() -> list[ProductPlan]:
    def op(pid: str, kind: str, summary: str, tried: bool | None) -> Operation:
        return Operation(kind=kind, product_id=pid, summary=summary, tried_in_test=tried)  # type: ignore[arg-type]

    return [
        ProductPlan(
            product_id="lamp",
            action="updated",
            operations=[op("lamp", "update_product", "rename lamp", True)],
        ),
        ProductPlan(
            product_id="shade",
            action="updated",
            operations=[
                op("shade", "update_product", "rename shade", False),
                op("shade", "create_price", "price $15.00 → $17.00", False),
            ],
        ),
    ]


def op_texts(dialog: PlanDialog, product: int) -> list[str]:
    item = dialog.tree.topLevelItem(product)
    return [item.child(j).text(1) for j in range(item.childCount())]


def answer(dialog: PlanDialog, choose: Callable[[QMessageBox], str], seen: list[str]) -> None:
    """When the extra question shows, note its text and press the button `choose` names."""

    def press() -> None:
        box = dialog.untried_box
        if box is None or not box.isVisible():
            QTimer.singleShot(10, press)
            return
        seen.append(box.text())
        wanted = choose(box)
        for button in box.buttons():
            if button.text() == wanted:
                button.click()
                return
        raise AssertionError(f"no button {wanted!r}")

    QTimer.singleShot(0, press)


def live_dialog(qtbot: QtBot, **kwargs: object) -> PlanDialog:
    dialog = PlanDialog(live_plans(), mode="live", account=ACCOUNT, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.confirm.setText("LIVE")
    return dialog


def test_writes_never_tried_in_test_are_marked_and_counted(qtbot: QtBot) -> None:
    dialog = live_dialog(qtbot, confirm_untried=False)
    assert dialog.untried.isVisibleTo(dialog)
    assert "2 of these changes were never tried in test mode" in dialog.untried.text()
    assert op_texts(dialog, 0) == ["rename lamp"]  # tried in test: no mark
    assert op_texts(dialog, 1) == [
        "⚠ rename shade — never tried in test mode",
        "⚠ price $15.00 → $17.00 — never tried in test mode",
    ]
    # Outside live mode nothing is marked and nothing is said.
    test = PlanDialog(
        [p.model_copy(update={"operations": []}) for p in live_plans()], mode="test", account=None
    )
    qtbot.addWidget(test)
    assert not test.untried.isVisibleTo(test)


def test_applying_untried_writes_asks_once_more_and_going_on_is_allowed(qtbot: QtBot) -> None:
    dialog = live_dialog(qtbot, confirm_untried=True)
    seen: list[str] = []
    answer(dialog, lambda _box: "Back to the plan", seen)
    with qtbot.assertNotEmitted(dialog.accepted):
        dialog.apply.click()
    assert seen == ["2 of these changes were never synced to test mode first. Go on anyway?"]
    assert dialog.result() != QDialog.DialogCode.Accepted  # back to the plan, nothing applied
    answer(dialog, lambda _box: "Sync anyway", seen)
    with qtbot.waitSignal(dialog.accepted):
        dialog.apply.click()
    assert len(seen) == 2


def test_no_question_when_only_tried_writes_are_ticked_or_the_setting_is_off(
    qtbot: QtBot,
) -> None:
    def never(count: int) -> bool:
        raise AssertionError(f"asked about {count} untried write(s)")

    dialog = live_dialog(qtbot, confirm_untried=True)
    dialog.ask_untried = never  # type: ignore[method-assign]
    dialog.set_ticked("shade", False)
    with qtbot.waitSignal(dialog.accepted):
        dialog.apply.click()
    off = live_dialog(qtbot, confirm_untried=False)
    off.ask_untried = never  # type: ignore[method-assign]
    with qtbot.waitSignal(off.accepted):
        off.apply.click()


def test_the_dialog_follows_the_setting(qtbot: QtBot) -> None:
    assert live_dialog(qtbot).confirm_untried is True  # on by default
    save_settings(Settings(confirm_untried_live=False))
    assert live_dialog(qtbot).confirm_untried is False
    save_settings(Settings(confirm_untried_live=True))
    test = PlanDialog(live_plans(), mode="test", account=ACCOUNT)
    qtbot.addWidget(test)
    assert test.confirm_untried is False  # only live writes are asked about
