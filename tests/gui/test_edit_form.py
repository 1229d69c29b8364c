"""The Edit tab over the fake workspace: typing, checking as you type, saving (catalog only),
double-click / F2 on a catalog cell, an unsaved edit kept across selections, and a conflict with
another writer shown field by field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from gui.dialogs.conflict_dialog import ConflictDialog
from gui.main_window import MainWindow
from gui.models.change_marks import CHANGED_ROLE
from gui.models.product_table import ROW_ROLE, Column
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace, Remote
from tests.gui.test_main_window import select


def open_edit(qtbot: QtBot, window: MainWindow, product_id: str) -> None:
    select(window, product_id)
    window.tabs.setCurrentWidget(window.edit_form)
    qtbot.waitUntil(lambda: window.edit_form.field("name") is not None, timeout=5000)


def retype(qtbot: QtBot, window: MainWindow, name: str, text: str) -> QWidget:
    box = window.edit_form.field(name)
    assert isinstance(box, QLineEdit)
    box.clear()
    qtbot.keyClicks(box, text)
    return box


def wait_checked(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.edit_form.state.text() != "Checking…", timeout=5000)


def cell(window: MainWindow, product_id: str, column: Column) -> object:
    proxy = window.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data(ROW_ROLE).product_id == product_id:
            return proxy.index(r, column)
    raise AssertionError(product_id)


def save(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(window.edit_form.save_button.isEnabled, timeout=5000)
    with qtbot.waitSignal(window.session.edit_saved, timeout=5000):
        window.edit_form.save_button.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)


def test_a_typed_price_is_saved_in_the_catalog_only_and_the_row_shows_it(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    fake_ws.written["p-sync"] = Remote("Mug", 1200)
    window = make_window()
    open_edit(qtbot, window, "p-sync")
    assert window.edit_form.field("base_price").text() == "$12.00"  # type: ignore[attr-defined]
    assert not window.edit_form.save_button.isEnabled()  # nothing changed yet
    retype(qtbot, window, "base_price", "13,50")
    save(qtbot, window)

    assert fake_ws.local["p-sync"].price == 1350
    saves = [c for c in fake_ws.calls if c[0] == "edit" and not c[4]]
    assert saves == [("edit", "p-sync", {"base_price": "13,50"}, None, False)]
    assert not [c for c in fake_ws.calls if c[0] in ("sync", "sync_reviewed")]
    index = cell(window, "p-sync", Column.LOCAL_PRICE)
    assert index.data(CHANGED_ROLE) == "catalog"  # type: ignore[attr-defined]
    assert "Saved price of Mug in the catalog" in window.status.text()
    assert "Nothing was written to Stripe" in window.status.text()
    qtbot.waitUntil(lambda: window.edit_form.state.text() == "No changes.", timeout=5000)


def test_invalid_values_show_under_their_field_and_keep_save_disabled(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-price")
    form = window.edit_form
    retype(qtbot, window, "base_price", "12.505")
    retype(qtbot, window, "name", "   ")
    qtbot.waitUntil(lambda: bool(form.error_text("name")), timeout=5000)
    assert form.error_text("name") == "Name must not be empty."
    assert "more decimals than USD allows" in form.error_text("base_price")
    assert not form.save_button.isEnabled()
    assert form.state.text() == "Correct the values marked in red to save."
    dry = [c for c in fake_ws.calls if c[0] == "edit"]
    assert dry and all(c[4] for c in dry)  # only dry runs: nothing was saved

    retype(qtbot, window, "name", "Tote bag XL")
    retype(qtbot, window, "base_price", "$140")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=5000)
    assert form.error_text("name") == form.error_text("base_price") == ""
    save(qtbot, window)
    assert (fake_ws.local["p-price"].name, fake_ws.local["p-price"].price) == ("Tote bag XL", 14000)


def test_double_click_and_f2_on_a_catalog_cell_open_that_field(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    price = cell(window, "p-name", Column.LOCAL_PRICE)
    window.edit_at(price)  # type: ignore[arg-type]
    assert window.tabs.currentWidget() is window.edit_form
    assert [r.product_id for r in window.selected_rows()] == ["p-name"]
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is window.edit_form.field("base_price"), timeout=5000
    )

    window.tabs.setCurrentIndex(0)
    name = cell(window, "p-sync", Column.NAME)
    window.table.setCurrentIndex(name)  # type: ignore[arg-type]
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F2)
    assert window.tabs.currentWidget() is window.edit_form
    qtbot.waitUntil(lambda: window.edit_form.product_id == "p-sync", timeout=5000)
    qtbot.waitUntil(
        lambda: QApplication.focusWidget() is window.edit_form.field("name"), timeout=5000
    )
    # A Stripe cell is not the catalog's: nothing to edit there.
    window.tabs.setCurrentIndex(0)
    window.edit_at(cell(window, "p-sync", Column.STRIPE_PRICE))  # type: ignore[arg-type]
    assert window.tabs.currentIndex() == 0


def test_an_unsaved_edit_is_kept_while_another_product_is_shown(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-sync")
    retype(qtbot, window, "name", "Big mug")
    select(window, "p-name")
    assert "Your unsaved changes to Mug are kept" in window.status.text()
    qtbot.waitUntil(lambda: window.edit_form.product_id == "p-name", timeout=5000)
    open_edit(qtbot, window, "p-sync")
    qtbot.waitUntil(
        lambda: window.edit_form.field("name").text() == "Big mug",  # type: ignore[union-attr]
        timeout=5000,
    )
    assert window.edit_form.dirty


def conflict_dialog(qtbot: QtBot, window: MainWindow) -> ConflictDialog:
    qtbot.waitUntil(lambda: window.conflict_dialog is not None, timeout=5000)
    assert window.conflict_dialog is not None
    return window.conflict_dialog


def rows_of(dialog: ConflictDialog) -> dict[str, list[str]]:
    tree = dialog.tree
    return {
        tree.topLevelItem(i).text(0): [tree.topLevelItem(i).text(c) for c in range(1, 4)]
        for i in range(tree.topLevelItemCount())
    }


def test_a_concurrent_writer_is_shown_and_save_mine_over_theirs_saves(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-price")
    retype(qtbot, window, "base_price", "$99")
    qtbot.waitUntil(window.edit_form.save_button.isEnabled, timeout=5000)
    fake_ws.local["p-price"].price = 12500  # another writer, meanwhile
    with qtbot.waitSignal(window.session.edit_saved, timeout=5000):
        window.edit_form.save_button.click()
    dialog = conflict_dialog(qtbot, window)
    assert rows_of(dialog)["Base price"] == ["$130.00", "$125.00", "$99.00"]
    assert fake_ws.local["p-price"].price == 12500  # nothing saved yet
    assert "was not saved" in window.status.text()

    with qtbot.waitSignal(window.session.edit_saved, timeout=5000):
        dialog.save_mine.click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    assert fake_ws.local["p-price"].price == 9900
    assert window.undo.undo.text() == "Undo price of Tote bag"


def test_keep_theirs_discards_the_typed_values(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-price")
    retype(qtbot, window, "name", "Mine")
    qtbot.waitUntil(window.edit_form.save_button.isEnabled, timeout=5000)
    fake_ws.local["p-price"].name = "Theirs"
    window.edit_form.save_button.click()
    dialog = conflict_dialog(qtbot, window)
    assert rows_of(dialog)["Name"] == ["Tote bag", "Theirs", "Mine"]
    dialog.keep_theirs.click()
    qtbot.waitUntil(
        lambda: window.edit_form.field("name").text() == "Theirs",  # type: ignore[union-attr]
        timeout=5000,
    )
    assert fake_ws.local["p-price"].name == "Theirs"
    assert not window.edit_form.dirty
    assert not window.undo.undo.isEnabled()
