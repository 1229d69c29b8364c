"""The Test vs Live tab: when the product was last synced to each mode, and what differs."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from core.workspace import ModeComparison, ModeDifference
from gui.widgets.modes_view import ModesView


def test_the_tab_shows_both_modes_and_the_differing_fields(qtbot: QtBot) -> None:
    view = ModesView()
    qtbot.addWidget(view)
    assert "Select a product in Test or Live mode" in view.text.text()
    view.show_modes(
        ModeComparison(
            product_id="lamp",
            account_id="acct_1",
            test_synced_at=datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
            live_synced_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
            differences=[ModeDifference(field="price", test="$47.00", live="$45.00")],
        )
    )
    text = view.text.text()
    assert "lamp: test and live differ in price" in text
    assert "Last synced to test: 2026-12-02 10:00" in text
    assert "Last synced to live: 2026-12-01 09:30" in text
    assert "<td>$47.00</td><td>$45.00</td>" in text


def test_a_product_never_in_live_says_so(qtbot: QtBot) -> None:
    view = ModesView()
    qtbot.addWidget(view)
    view.show_modes(
        ModeComparison(
            product_id="shade",
            account_id="acct_1",
            test_synced_at=datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
        )
    )
    assert "shade: tried in test mode, not in live mode yet" in view.text.text()
    assert "Last synced to live: never" in view.text.text()
