"""Adopting a Stripe catalog made by hand from the window, over a fake workspace: the Adopt dialog,
the links it records, links made by hand, and the sandbox's hand-made catalog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from core.reconcile.adopt import AdoptionPlan, Match, PriceLink
from core.reconcile.rows import OtherPrice
from gui.dialogs.adopt_dialog import AdoptDialog
from gui.dialogs.adopt_words import NOTHING_WRITTEN
from gui.main_window import MainWindow
from gui.theme import DiffColors
from gui.widgets.detail_pane import OTHER_PRICES_TITLE, DetailPane
from gui.window_adopt import adopt_summary
from tests.fake_keys import fake_key
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace, handmade_adoption, make_row
from tests.gui.test_main_window import wait_idle

LIVE_KEY = fake_key("sk", "live", "a1B2c3D4e5F6g7H8")


@pytest.fixture
def handmade(fake_ws: FakeWorkspace) -> FakeWorkspace:
    """The fake with a Stripe catalog made by hand waiting to be adopted."""
    fake_ws.adoption = handmade_adoption(fake_ws)
    return fake_ws


def open_adopt(qtbot: QtBot, window: MainWindow) -> AdoptDialog:
    assert window.actions.adopt.isEnabled()
    window.actions.adopt.trigger()
    qtbot.waitUntil(lambda: window.adopt_dialog is not None, timeout=5000)
    assert window.adopt_dialog is not None
    return window.adopt_dialog


def shown_links(dialog: AdoptDialog) -> dict[str, list[str]]:
    """Stripe product id → the row's texts, as the dialog lists them."""
    out = {}
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        out[item.data(0, Qt.ItemDataRole.UserRole)] = [item.text(c) for c in range(4)]
    return out


def section_text(dialog: AdoptDialog) -> str:
    labels = dialog.sections.findChildren(QLabel)
    return "\n".join(label.text() for label in labels if label.isVisibleTo(dialog.sections))


def states(window: MainWindow) -> dict[str, str]:
    return {row.product_id: row.state for row in window.model.rows()}


def test_adopt_lists_the_proposed_links_and_what_it_leaves_alone(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.actions.adopt in window.stripe_menu.actions()
    dialog = open_adopt(qtbot, window)
    assert ("adopt", True, True, None) in handmade.calls  # a dry run: nothing stored
    assert NOTHING_WRITTEN in dialog.banner.text()
    assert shown_links(dialog) == {
        "prod_Sticker": ["Sticker (p-new)", "prod_Sticker", "same name", "1 price"],
        "prod_Lamp": ["Lamp (p-lamp)", "prod_Lamp", "its local_id tag", "1 price"],
    }
    assert dialog.ticked() == ["prod_Sticker", "prod_Lamp"]  # ticked by default
    text = section_text(dialog)
    assert "Two Stripe products are named “Cable”: link the right one by hand." in text
    assert "“Gift Card” (prod_Gift) → would become catalog product gift-card" in text
    assert "Prototype (p-int)" in text  # in the catalog only: the next sync creates it
    assert "prod_Tip: its default price is a price whose amount the customer chooses" in text
    assert set(dialog.link_buttons) == {"prod_CableA", "prod_CableB"}
    assert not dialog.import_box.isChecked()
    assert dialog.adopt.text() == "Adopt 2 products"
    dialog.reject()
    assert [c for c in handmade.calls if c[0] == "adopt" and not c[1]] == []


def test_adopt_records_only_the_ticked_links(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    assert states(window)["p-new"] == "missing" and states(window)["p-lamp"] == "missing"
    dialog = open_adopt(qtbot, window)
    dialog.set_ticked("prod_Lamp", False)
    assert dialog.adopt.text() == "Adopt 1 product"
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        dialog.adopt.click()
    wait_idle(qtbot, window)
    assert ("adopt", False, False, ["prod_Sticker"]) in handmade.calls
    assert handmade.links == {"p-new": "prod_Sticker"}
    assert states(window)["p-new"] != "missing"
    assert states(window)["p-lamp"] == "missing"  # unticked: not linked
    status = window.status.text()
    assert "Linked 1 product; 2 ambiguous — link them by hand" in status
    assert "Nothing was written to Stripe." in status
    assert window.adopt_dialog is None


def test_stripe_only_products_become_catalog_products_when_asked(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    dialog = open_adopt(qtbot, window)
    assert dialog.import_box.isEnabled()
    dialog.import_box.setChecked(True)
    assert dialog.chosen() == ["prod_Sticker", "prod_Lamp", "prod_Gift"]
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        dialog.adopt.click()
    wait_idle(qtbot, window)
    assert ("adopt", False, True, ["prod_Gift", "prod_Lamp", "prod_Sticker"]) in handmade.calls
    assert "made 1 catalog product from Stripe" in window.status.text()
    assert window.model.row_for("gift-card") is not None


def test_link_by_hand_from_the_dialog(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    dialog = open_adopt(qtbot, window)
    (choice,) = dialog.link_buttons["prod_CableB"].menu().actions()
    assert choice.text() == "Link it to Cable (p-cable)"
    with qtbot.waitSignal(window.session.link_finished, timeout=5000):
        choice.trigger()
    wait_idle(qtbot, window)
    assert ("link", "p-cable", "prod_CableB") in handmade.calls
    assert "Linked p-cable to prod_CableB (1 price reused)" in dialog.note.text()
    assert dialog.link_buttons == {}  # worked out again: the name is no longer shared
    assert "Cable" not in section_text(dialog)
    assert states(window)["p-cable"] != "missing"
    assert dialog.ticked() == ["prod_Sticker", "prod_Lamp"]
    assert window.adopt_dialog is dialog  # still open, to adopt the rest


def test_a_refused_link_says_why_in_the_dialog(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    handmade.refuse_link = (
        "'p-cable' is already linked to Stripe product 'prod_Old' in sandbox mode."
    )
    window = make_window()
    dialog = open_adopt(qtbot, window)
    dialog.set_ticked("prod_Sticker", False)
    dialog.link_buttons["prod_CableA"].menu().actions()[0].trigger()
    assert not dialog.adopt.isEnabled()  # nothing else starts while the link is recorded
    qtbot.waitUntil(lambda: "Not linked" in dialog.note.text(), timeout=5000)
    wait_idle(qtbot, window)
    assert "already linked to Stripe product 'prod_Old'" in dialog.note.text()
    assert "Nothing was linked." in dialog.note.text()
    assert dialog.link_buttons["prod_CableA"].isEnabled() and dialog.adopt.isEnabled()
    assert dialog.ticked() == ["prod_Lamp"]  # the operator's ticks are kept
    assert states(window)["p-cable"] == "missing"


def test_nothing_to_adopt_leaves_adopt_disabled(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    dialog = open_adopt(qtbot, window)
    assert dialog.tree.topLevelItemCount() == 0
    assert "No Stripe product made by hand matches" in dialog.links_title.text()
    assert not dialog.adopt.isEnabled()
    assert "No Stripe product made by hand matches" in window.status.text()


def test_live_mode_shows_the_live_colour_but_needs_no_typed_confirmation(
    make_window: WindowFactory, handmade: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window(keys={"live": LIVE_KEY})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("live")
    wait_idle(qtbot, window)
    dialog = open_adopt(qtbot, window)
    assert "LIVE MODE" in dialog.banner.text() and "Fake Shop" in dialog.banner.text()
    assert "#c62828" in dialog.banner.styleSheet()
    assert dialog.windowTitle().endswith("LIVE")
    assert dialog.adopt.isEnabled()  # adopting writes nothing to Stripe
    # Test and live have no built-in sandbox to fill.
    assert not window.actions.start_handmade.isEnabled()
    assert not window.actions.start_handmade.isVisible()
    assert not window.sandbox_menu.menuAction().isVisible()
    dialog.reject()


def test_sandbox_starts_from_a_hand_made_catalog_after_asking(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.sandbox_menu.menuAction().isVisible()
    assert window.actions.start_handmade in window.sandbox_menu.actions()
    assert window.actions.start_handmade.isEnabled()
    window.actions.start_handmade.trigger()
    box = window.preset_box
    assert box is not None
    assert "Your catalog is not changed." in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert window.preset_box is None
    assert not any(c[0] == "apply_sandbox_preset" for c in fake_ws.calls)

    window.actions.start_handmade.trigger()
    start = window.preset_start_button()
    assert start is not None
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        start.click()  # type: ignore[attr-defined]
    wait_idle(qtbot, window)
    assert ("apply_sandbox_preset", "handmade", True) in fake_ws.calls
    assert "Now try Stripe ▸ Adopt…" in window.status.text()
    assert "2 products" in window.status.text()
    assert states(window)["p-lamp"] == "missing"
    dialog = open_adopt(qtbot, window)
    assert "prod_Lamp" in shown_links(dialog)
    dialog.reject()


def test_test_mode_does_not_offer_the_sandbox_catalog(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window(keys={"test": "sk_test_" + "z9Y8x7W6v5U4t3S2"})
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.set_mode("test")
    wait_idle(qtbot, window)
    assert window.actions.adopt.isEnabled()
    assert not window.actions.start_handmade.isEnabled()
    assert not window.sandbox_menu.menuAction().isVisible()


def test_adopt_is_disabled_while_busy_or_not_connected(
    make_window: WindowFactory, fake_ws: FakeWorkspace
) -> None:
    fake_ws.auth_error = True
    window = make_window(wait=False)
    window.start()
    assert not window.actions.adopt.isEnabled()


def test_adopt_summary_words() -> None:
    plan = AdoptionPlan(
        linked=[
            Match(f"p{i}", f"prod_{i}", "name", (PriceLink("", f"price_{i}"),)) for i in range(6)
        ]
    )
    assert adopt_summary(plan) == "Linked 6 products. Nothing was written to Stripe."


def test_detail_pane_lists_the_prices_it_does_not_manage(qtbot: QtBot) -> None:
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    others = [
        OtherPrice(id="price_Rental01", text="$19.00 every month", amount=1900, currency="usd"),
        OtherPrice(id="price_Euro01", text="€110.00", amount=11000, currency="eur"),
    ]
    pane.set_row(make_row("pulse", unmanaged_prices=others))
    text = pane.toPlainText()
    assert OTHER_PRICES_TITLE in text
    assert "price_Rental01 — $19.00 every month" in text
    assert "price_Euro01 — €110.00" in text
    assert "never archives or changes them" in text
    pane.set_mode("test")
    assert "dashboard.stripe.com/test/prices/price_Rental01" in pane.toHtml()
    pane.set_row(make_row("mug"))
    assert OTHER_PRICES_TITLE not in pane.toPlainText()
