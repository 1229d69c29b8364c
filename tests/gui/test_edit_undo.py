"""Undo and redo of the catalog edits made since the window opened: named for the step, each one
an edit through the workspace (journaled), refused without losing anything when another writer
changed the field since."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from core.workspace import ChangedField
from gui.edit_undo import WORDS, calls_for, step_text
from gui.session import EditCall
from gui.widgets.optional_field_inputs import OPTIONAL_LABELS
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace
from tests.gui.test_edit_form import open_edit, retype, save

PRICE = ChangedField(field="price_modifier", before=0, after=2000, variant_id="fe-black")
NAME = ChangedField(field="name", before="Lamp", after="Brass Lamp")
LIVE = ChangedField(field="is_live", before=True, after=False)


def test_a_step_is_named_for_the_menu() -> None:
    names = {"fe-black": "BLACK"}
    assert step_text("Founder Edition", [PRICE], names) == "price of Founder Edition, black"
    assert step_text("Lamp", [NAME, LIVE], {}) == "name and live flag of Lamp"
    url = ChangedField(field="url", before=None, after="https://example.com/lamp")
    unit = ChangedField(field="unit_label", before=None, after="per lamp")
    assert step_text("Lamp", [url, unit], {}) == "web address and unit label of Lamp"


def test_every_optional_field_the_edit_tab_offers_has_words_for_the_menu() -> None:
    assert set(OPTIONAL_LABELS) <= set(WORDS)
    assert all("_" not in WORDS[name] for name in OPTIONAL_LABELS)  # words, not column names


def test_undo_puts_the_values_before_back_checked_against_the_values_saved() -> None:
    assert calls_for([PRICE, NAME, LIVE], back=True) == [
        EditCall(
            None, {"name": "Lamp", "is_live": "true"}, {"name": "Brass Lamp", "is_live": False}
        ),
        EditCall("fe-black", {"price_modifier": "0"}, {"price_modifier": 2000}),
    ]
    assert calls_for([NAME], back=False) == [
        EditCall(None, {"name": "Brass Lamp"}, {"name": "Lamp"})
    ]


def trigger(qtbot: QtBot, action: object, window: object) -> None:
    with qtbot.waitSignal(window.session.edit_saved, timeout=5000):  # type: ignore[attr-defined]
        action.trigger()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)  # type: ignore[attr-defined]


def test_ctrl_z_and_ctrl_shift_z_undo_and_redo_saved_edits(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    undo, redo = window.undo.undo, window.undo.redo
    assert not undo.isEnabled() and undo.text() == "Undo"
    assert "Ctrl+Z" in [k.toString() for k in undo.shortcuts()]
    assert "Ctrl+Shift+Z" in [k.toString() for k in redo.shortcuts()]
    assert undo in window.edit_menu.actions() and redo in window.edit_menu.actions()
    open_edit(qtbot, window, "p-price")
    retype(qtbot, window, "base_price", "$125")
    save(qtbot, window)
    retype(qtbot, window, "name", "Tote")
    save(qtbot, window)
    assert undo.text() == "Undo name of Tote bag"

    trigger(qtbot, undo, window)
    assert fake_ws.local["p-price"].name == "Tote bag"
    assert undo.text() == "Undo price of Tote bag" and redo.text() == "Redo name of Tote bag"
    trigger(qtbot, undo, window)
    assert fake_ws.local["p-price"].price == 13000
    assert not undo.isEnabled()
    trigger(qtbot, redo, window)
    assert fake_ws.local["p-price"].price == 12500
    assert "Redid price of Tote bag in the catalog" in window.status.text()
    kinds = [(e.kind, e.field) for _pid, e in fake_ws.edit_log]
    assert kinds == [("edit", "base_price_cents"), ("edit", "name")] + [
        ("edit", "name"),
        ("edit", "base_price_cents"),
        ("edit", "base_price_cents"),
    ]  # each undo and redo is journaled like any edit
    assert not [c for c in fake_ws.calls if c[0] in ("sync", "sync_reviewed")]


def test_an_undo_refused_after_another_writer_changes_nothing(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-price")
    retype(qtbot, window, "name", "Tote")
    save(qtbot, window)
    fake_ws.local["p-price"].name = "Tote (shop)"  # another writer, since
    trigger(qtbot, window.undo.undo, window)
    assert fake_ws.local["p-price"].name == "Tote (shop)"
    assert "Could not undo" in window.status.text()
    assert "changed in the catalog by someone else" in window.status.text()
    # The step is still there to try again.
    assert window.undo.undo.isEnabled() and window.undo.undo.text() == "Undo name of Tote bag"
    assert window.undo.stack.index() == 1
