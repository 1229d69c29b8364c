"""The Adopt dialog names each proposed link's Stripe product: "name (id)", not just an id."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.reconcile.adopt import AdoptionPlan, Match, PriceLink
from gui.dialogs.adopt_dialog import AdoptDialog


def stripe_column(dialog: AdoptDialog) -> dict[str, str]:
    items = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    return {item.data(0, Qt.ItemDataRole.UserRole): item.text(1) for item in items}


def test_the_stripe_column_shows_name_then_id(qtbot: QtBot) -> None:
    plan = AdoptionPlan(
        linked=[
            Match("lamp", "prod_Q1w2E3", "name", (PriceLink("", "price_1"),), "Desk lamp"),
            Match("shade", "prod_R4t5Y6", "metadata", (), ""),  # no name known: the id alone
            Match("cable", "prod_U7i8O9", "hand", (), ""),  # named by the table's own rows
        ]
    )
    dialog = AdoptDialog(
        plan, mode="test", account=None, stripe_names={"prod_U7i8O9": "JST cable 30 cm"}
    )
    qtbot.addWidget(dialog)
    assert stripe_column(dialog) == {
        "prod_Q1w2E3": "Desk lamp (prod_Q1w2E3)",
        "prod_R4t5Y6": "prod_R4t5Y6",
        "prod_U7i8O9": "JST cable 30 cm (prod_U7i8O9)",
    }
    item = dialog.tree.topLevelItem(0)
    assert item.toolTip(1).startswith("Desk lamp (prod_Q1w2E3)\nPrices reused: price_1")
