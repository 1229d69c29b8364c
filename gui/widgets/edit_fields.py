"""The Edit tab's fields: each one's widget, read and written as the text `Workspace.edit` takes
(money formatted in the catalog currency), and the texts a catalog row shows as."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from core.workspace import SELL_STATUSES, CatalogRecord, format_money

Key = tuple[str | None, str]  # (variant id or None for the product, field)


class FieldInput:
    """One field's widget, read and written as the text `Workspace.edit` takes."""

    def __init__(self, name: str, value: Any, parent: QWidget) -> None:
        self.widget: QWidget
        if name == "description":
            box = QPlainTextEdit(parent)
            box.setTabChangesFocus(True)
            box.setFixedHeight(64)
            self.widget = box
        elif name == "sell_status":
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(list(SELL_STATUSES))
            self.widget = combo
        elif name == "is_live":
            self.widget = QCheckBox("Shown in the shop", parent)
        else:
            self.widget = QLineEdit(parent)
        self.set_text(value)

    def text(self) -> str:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QCheckBox):
            return "true" if w.isChecked() else "false"
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_text(self, text: str) -> None:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            w.setPlainText(text)
        elif isinstance(w, QComboBox):
            w.setCurrentText(text)
        elif isinstance(w, QCheckBox):
            w.setChecked(text == "true")
        else:
            assert isinstance(w, QLineEdit)
            w.setText(text)

    def on_change(self, slot: Callable[[], None]) -> None:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            w.textChanged.connect(slot)
        elif isinstance(w, QComboBox):
            w.currentTextChanged.connect(lambda _t: slot())
        elif isinstance(w, QCheckBox):
            w.toggled.connect(lambda _on: slot())
        else:
            assert isinstance(w, QLineEdit)
            w.textChanged.connect(lambda _t: slot())


def field_texts(record: CatalogRecord, currency: str) -> dict[Key, str]:
    """Each editable field of the record as the form shows it (money in the catalog currency)."""
    p = record.product
    base = p.get("base_price_cents")
    texts: dict[Key, str] = {
        (None, "name"): _plain(p.get("name")),
        (None, "description"): _plain(p.get("description")),
        (None, "sell_status"): _plain(p.get("sell_status")),
        (None, "dev_status"): _plain(p.get("dev_status")),
        (None, "is_live"): "true" if p.get("is_live") else "false",
        (None, "base_price"): format_money(base, currency) if isinstance(base, int) else "",
    }
    for v in record.variants:
        vid = str(v["id"])
        modifier = v.get("price_modifier") or 0
        price = base + modifier if isinstance(base, int) and isinstance(modifier, int) else None
        texts[(vid, "variant_type")] = _plain(v.get("variant_type"))
        texts[(vid, "variant_value")] = _plain(v.get("variant_value"))
        texts[(vid, "price")] = format_money(price, currency) if price is not None else ""
    return texts


def _plain(value: Any) -> str:
    return "" if value is None else str(value)
