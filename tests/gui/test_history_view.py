"""The History tab: every change of the product newest first, each price it has had, and
"Revert to this" taking the catalog back (nothing to Stripe), undoable like an edit."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from core.workspace import HistoryEntry, PricePeriod
from gui.widgets.history_view import HistoryView
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace
from tests.gui.test_edit_form import open_edit, retype, save
from tests.gui.test_main_window import select

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def entry(id: int, kind: str, summary: str, **more: object) -> HistoryEntry:
    return HistoryEntry(
        id=id,
        at=AT,
        kind=kind,
        operation=kind,
        field="x",
        summary=summary,
        **more,  # type: ignore[arg-type]
    )


def test_the_view_lists_entries_and_prices_and_asks_for_a_revert(qtbot: QtBot) -> None:
    view = HistoryView()
    qtbot.addWidget(view)
    view.show_product("lamp")
    assert view.caption.text() == "Loading…"
    entries = [
        entry(3, "stripe_write", "create price $50.00", mode="test", stripe_price_id="price_2"),
        entry(2, "edit", "base_price_cents $45.00 → $50.00", user="alice"),
        entry(1, "import", "added from shop.json", user="alice"),
    ]
    periods = [
        PricePeriod(
            mode="test",
            account_id="acct_1",
            variant_id=None,
            amount=4500,
            currency="usd",
            since=AT,
            until=AT,
            stripe_price_id="price_1",
        ),
        PricePeriod(
            mode="test",
            account_id="acct_1",
            variant_id=None,
            amount=5000,
            currency="usd",
            since=AT,
            stripe_price_id="price_2",
        ),
    ]
    view.set_history("other", entries, periods)  # another product's answer: ignored
    assert view.entry_texts() == []
    view.set_history("lamp", entries, periods)
    assert view.entry_texts() == [
        "Written to Stripe (test):\ncreate price $50.00",
        "Edited by alice:\nbase_price_cents $45.00 → $50.00",
        "Imported by alice:\nadded from shop.json",
    ]
    newest = view.prices.topLevelItem(0)
    assert [newest.text(c) for c in (0, 2, 3, 4)] == ["$50.00", "now", "price_2", "test"]
    assert view.prices.topLevelItem(1).text(0) == "$45.00"
    with qtbot.waitSignal(view.revert_requested) as asked:
        view.buttons[2].click()
    assert asked.args == ["lamp", 2]
    view.set_busy(True)
    assert not view.buttons[2].isEnabled()


def test_history_tab_shows_an_edit_and_revert_brings_the_old_value_back(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    open_edit(qtbot, window, "p-name")
    retype(qtbot, window, "name", "Poster (huge)")
    save(qtbot, window)
    assert fake_ws.local["p-name"].name == "Poster (huge)"
    view = window.history_view
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: len(view.entry_texts()) == 1, timeout=5000)
    assert view.entry_texts()[0].startswith("Edited by maker-alice:\nname")
    assert view.prices.topLevelItem(0).text(0) == "Never sent to Stripe"

    (edit_id,) = view.buttons
    with qtbot.waitSignal(window.session.edit_saved, timeout=5000):
        view.buttons[edit_id].click()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    assert fake_ws.local["p-name"].name == "Poster (large)"
    assert "Reverted name of Poster (huge)" in window.status.text()
    assert not [c for c in fake_ws.calls if c[0] in ("sync", "sync_reviewed")]
    qtbot.waitUntil(lambda: len(view.entry_texts()) == 2, timeout=5000)
    assert view.entry_texts()[0].startswith("Reverted by maker-alice")
    assert window.undo.undo.text() == f"Undo revert of Poster (huge) to entry #{edit_id}"


def test_a_product_only_stripe_has_has_no_history(make_window: WindowFactory) -> None:
    window = make_window()
    select(window, "p-gone")
    assert "only in Stripe" in window.history_view.caption.text()
    assert "only in Stripe" in window.edit_form.scroll.widget().text()  # type: ignore[attr-defined]
