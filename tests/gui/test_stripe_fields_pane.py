"""The detail pane shows the optional fields Stripe holds that the catalog does not own, read-only
(README "Optional product fields")."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.theme import DiffColors
from gui.widgets.detail_pane import DetailPane
from tests.gui.fakes import make_row


def test_unowned_fields_are_shown_as_not_managed_here(qtbot: QtBot) -> None:
    pane = DetailPane(DiffColors.from_palette(QLabel().palette()))
    qtbot.addWidget(pane)
    fields = {"url": "https://shop.example.com/lamp", "package_dimensions": "10 × 8 × 2 in, 16 oz"}
    pane.set_row(make_row("lamp", stripe_only_fields=fields))
    text = pane.toPlainText()
    assert "Not managed by this catalog" in text
    assert "Web address" in text and "https://shop.example.com/lamp" in text
    assert "Package dimensions" in text and "10 × 8 × 2 in, 16 oz" in text
    assert "a sync never writes nor clears them" in text
    pane.set_row(make_row("mug"))
    assert "Not managed by this catalog" not in pane.toPlainText()
