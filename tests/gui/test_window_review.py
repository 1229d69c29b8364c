"""Sync selected as `sync IDS` does it (holds released, reasons per product), and who changed what:
overwrite choices, taking Stripe's edits, the plan dialog's marks — over the fake workspace."""

from __future__ import annotations

from html import unescape

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.models.change_marks import CHANGED_ROLE
from gui.models.product_table import Column
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace, Local, Remote
from tests.gui.test_main_window import select, shown_ids, wait_idle, wait_plan


def said(window: MainWindow) -> str:
    """The status bar's message as the operator reads it."""
    return unescape(window.status.text())


def cell(window: MainWindow, pid: str, column: Column, role: int) -> object:
    i = [r.product_id for r in window.model.rows()].index(pid)
    return window.model.data(window.model.index(i, column), role)


def edited_in_stripe(fake_ws: FakeWorkspace) -> None:
    """p-sync was last written as "Mug"; someone renamed it by hand in Stripe since."""
    fake_ws.written["p-sync"] = Remote("Mug", 1200)
    fake_ws.remote["p-sync"].name = "Mug (hand edit)"


def row_state(window: MainWindow, pid: str) -> tuple[str, bool]:
    row = window.model.row_for(pid)
    assert row is not None
    return row.state, row.held


def test_a_held_product_with_nothing_to_write_is_still_synced_to_release_the_hold(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.holds = {"p-int"}  # archived by the operator; the catalog says internal anyway
    window = make_window()
    assert row_state(window, "p-int") == ("held", True)
    assert cell(window, "p-int", Column.STATE, Qt.ItemDataRole.DisplayRole) == (
        "Held (archived here by you)"
    )
    select(window, "p-int")
    assert "Sync to release" in window.detail.toPlainText()
    assert "archived by the operator in sandbox mode" in window.detail.toPlainText()
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        window.actions.sync_selected.trigger()
    wait_idle(qtbot, window)
    assert window.plan_dialog is None  # nothing to write in Stripe: nothing to review
    assert ("status", ["p-int"], True, False) in fake_ws.calls
    assert ("sync_reviewed", ["p-int"], True, False) in fake_ws.calls
    assert "archive hold released on Prototype (nothing to write in Stripe)" in window.status.text()
    assert row_state(window, "p-int") == ("archived", False)


def test_a_held_product_on_sale_is_unarchived_through_the_plan_dialog(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.holds = {"p-sync"}
    fake_ws.remote["p-sync"].active = False
    window = make_window()
    window.filter_bar.set_state("held")
    assert shown_ids(window) == ["p-sync"]
    window.filter_bar.set_state("all")
    select(window, "p-sync", "p-price")
    window.actions.sync_selected.trigger()
    dialog = wait_plan(qtbot, window)
    items = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    (held,) = [i for i in items if i.data(0, Qt.ItemDataRole.UserRole) == "p-sync"]
    ops = [held.child(j).text(1) for j in range(held.childCount())]
    assert ops == ["unarchive the product (releases the operator's archive hold)"]
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    wait_idle(qtbot, window)
    assert ("sync_reviewed", ["p-price", "p-sync"], True, False) in fake_ws.calls
    assert row_state(window, "p-sync") == ("in_sync", False)


def test_one_product_with_nothing_to_sync_says_why_in_the_status_bar(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    fake_ws.remote["p-name"].name = "Poster (large)"  # someone else synced it meanwhile
    select(window, "p-name")
    window.actions.sync_selected.trigger()
    qtbot.waitUntil(lambda: "Nothing to sync" in window.status.text(), timeout=5000)
    wait_idle(qtbot, window)
    assert window.status.text() == "Nothing to sync — Poster (large): in sync"
    assert window.plan_dialog is None
    assert not any(call[0] in ("sync", "sync_reviewed") for call in fake_ws.calls)


def test_several_products_with_nothing_to_sync_list_their_reasons(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    window = make_window()
    fake_ws.remote["p-name"].name = "Poster (large)"
    select(window, "p-name", "p-sync")
    window.actions.sync_selected.trigger()
    qtbot.waitUntil(lambda: "Nothing to sync" in window.status.text(), timeout=5000)
    assert window.status.details() == [
        "Poster (large): in sync",
        "Mug: keeps what was edited in Stripe (name)",
    ]
    assert "Stripe already matches" not in window.status.text()
    window.status.message.linkActivated.emit("details")  # what clicking "details" does
    box = window.status.details_box
    assert box is not None and "Mug: keeps what was edited in Stripe (name)" in box.text()
    box.close()


def test_a_stripe_edit_is_marked_and_filterable(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    window = make_window()
    assert cell(window, "p-sync", Column.NAME, CHANGED_ROLE) == "stripe"
    tip = cell(window, "p-sync", Column.NAME, Qt.ItemDataRole.ToolTipRole)
    assert (
        "Changed in Stripe since the last sync on 2026-01-02 03:04: was Mug, now Mug (hand edit)"
        in tip
    )  # type: ignore[operator]
    assert cell(window, "p-name", Column.NAME, CHANGED_ROLE) is None  # never written: no mark
    window.filter_bar.set_state("changed_in_stripe")
    assert shown_ids(window) == ["p-sync"]


def test_overwrite_choice_reaches_the_plan_and_the_sync(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    window = make_window()
    select(window, "p-sync")
    box = window.stripe_edits
    assert box.isVisible() and set(box.overwrite_buttons) == {"name"}
    assert "was Mug, now Mug (hand edit)" in box.findChildren(type(box.title))[1].text()
    box.overwrite_buttons["name"].click()
    assert window.overwrites == {"p-sync": {"name"}}
    assert "The next sync of Mug overwrites Stripe's edit of name" in said(window)
    window.actions.sync_selected.trigger()
    dialog = wait_plan(qtbot, window)
    op = dialog.tree.topLevelItem(0).child(0)
    assert op.text(1).startswith("⚠ ") and "overwrites an edit made in Stripe" in op.text(1)
    chosen = {"p-sync": frozenset({"name"})}
    assert ("status", ["p-sync"], True, chosen) in fake_ws.calls
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        dialog.apply.click()
    wait_idle(qtbot, window)
    assert ("sync_reviewed", ["p-sync"], True, chosen) in fake_ws.calls
    assert fake_ws.remote["p-sync"].name == "Mug"  # the catalog's value, over the hand edit
    assert row_state(window, "p-sync") == ("in_sync", False)


def test_without_a_choice_the_plan_keeps_the_edit_and_says_so(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    fake_ws.local["p-sync"].price = 1500  # a catalog change to write beside the kept edit
    fake_ws.written["p-sync"] = Remote("Mug", 1200)
    window = make_window()
    select(window, "p-sync")
    window.stripe_edits.overwrite_buttons["name"].click()
    window.stripe_edits.overwrite_buttons["name"].click()  # changed my mind: keep it
    assert window.overwrites == {}
    window.actions.sync_selected.trigger()
    dialog = wait_plan(qtbot, window)
    item = dialog.tree.topLevelItem(0)
    lines = [item.child(j).text(1) for j in range(item.childCount())]
    assert lines[-1] == "Keeps Stripe's edit of name"
    assert not any("⚠" in line for line in lines)
    dialog.reject()


def test_take_stripes_edits_pulls_them_and_refreshes(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    fake_ws.local["p-two"] = Local("Lamp", 900)
    fake_ws.remote["p-two"] = Remote("Lamp", 990)
    fake_ws.written["p-two"] = Remote("Lamp", 900)
    window = make_window()
    select(window, "p-sync", "p-two", "p-name")
    assert window.actions.take_stripe_edits.isEnabled()
    assert window.actions.take_stripe_edits in window.context_menu().actions()
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.actions.take_stripe_edits.trigger()
    wait_idle(qtbot, window)
    pulls = [call for call in fake_ws.calls if call[0] == "pull"]
    assert sorted(pulls) == [("pull", ["p-sync"], ["name"]), ("pull", ["p-two"], ["price"])]
    last_pull = max(i for i, call in enumerate(fake_ws.calls) if call[0] == "pull")
    assert ("status", None) in fake_ws.calls[last_pull:]  # the table was read again
    assert fake_ws.local["p-sync"].name == "Mug (hand edit)"
    assert row_state(window, "p-sync") == ("in_sync", False)
    assert "Took 2 edits from Stripe into the catalog" in window.status.text()
    assert window.status.details() == [
        "Mug: name “Mug” → “Mug (hand edit)”",
        "Lamp: price $9.00 → $9.90",
    ]


def test_use_stripes_value_pulls_one_field_and_reports_a_refusal(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    edited_in_stripe(fake_ws)
    fake_ws.refuse_pull = {"name": "the catalog's name column is read-only"}
    window = make_window()
    select(window, "p-sync")
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.stripe_edits.use_buttons["name"].click()
    wait_idle(qtbot, window)
    assert ("pull", ["p-sync"], ["name"]) in fake_ws.calls
    assert said(window) == (
        "Took 0 edits from Stripe into the catalog; 1 not taken: Mug: name not taken: the "
        "catalog's name column is read-only"
    )


def test_archive_of_a_product_not_in_stripe_reports_the_skip(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    select(window, "p-new")
    assert window.actions.archive.isEnabled()
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        window.actions.archive.trigger()
    wait_idle(qtbot, window)
    assert window.plan_dialog is None
    assert ("archive", ["p-new"]) in fake_ws.calls
    assert "p-new: not in Stripe in this mode: nothing to archive" in window.status.text()
    assert row_state(window, "p-new") == ("missing", False)
