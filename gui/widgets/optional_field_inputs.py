"""The Edit tab's inputs for the optional Stripe product fields the catalog owns (README "Optional
product fields"): a line for the web address, statement descriptor, unit label and tax code; a
choice for the tax behavior; a three-way tick for shippable; one image or feature a line; four
numbers for the package. Each reads and writes the text `Workspace.edit` takes, so the form checks
and saves them like its other fields (the workspace applies Stripe's rules). A field the catalog
does not own gets no input: the Details tab shows Stripe's value read-only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from core.workspace import CatalogRecord
from gui.widgets.edit_fields import FieldInput, Key

OPTIONAL_LABELS = {
    "url": "Web address",
    "images": "Images (one web address a line)",
    "statement_descriptor": "Statement descriptor",
    "unit_label": "Unit label",
    "tax_code": "Tax code",
    "shippable": "Shippable",
    "package_dimensions": "Package (inches, ounces)",
    "marketing_features": "Features (one a line)",
    "tax_behavior": "Tax behavior",
}
TIPS = {
    "url": "The product's page, e.g. https://example.com/lamp. Empty clears it in Stripe.",
    "images": "Pictures shown in Checkout and the customer portal: up to 8 web addresses, one a "
    "line. Empty clears them in Stripe.",
    "statement_descriptor": "Text on the customer's card statement: up to 22 plain characters, "
    "a letter among them, none of < > \\ \" '. Stripe cannot clear it once set.",
    "unit_label": "“per …” on receipts and invoices, up to 12 characters (e.g. per pack).",
    "tax_code": "The tax category for Stripe Tax: txcd_ and eight digits, e.g. txcd_99999999 "
    "(general goods).",
    "shippable": "Ticked: a physical good that is shipped. Half-ticked: the catalog gives no "
    "value, and Stripe keeps its own (Stripe cannot clear it).",
    "package_dimensions": "The shipping size: height, length and width in inches, weight in "
    "ounces, each above 0 with at most two decimals. Leave all four empty for none.",
    "marketing_features": "The features a pricing table lists: up to 15, one a line, 80 "
    "characters each. Empty clears them in Stripe.",
    "tax_behavior": "Whether the price includes tax. Stripe lets a price go from unspecified to "
    "inclusive or exclusive once, in place; after that a change is a new price (the old one "
    "archived, its lookup key moved to the new one).",
}
PLACEHOLDERS = {
    "url": "https://example.com/lamp",
    "unit_label": "per pack",
    "tax_code": "txcd_99999999",
}
TAX_CHOICES = (
    ("unspecified", "Unspecified"),
    ("inclusive", "Inclusive: the price includes tax"),
    ("exclusive", "Exclusive: tax is added to the price"),
)
DIMENSIONS = ("height", "length", "weight", "width")
_LISTS = ("images", "marketing_features")


def make_input(name: str, value: str, parent: QWidget) -> FieldInput:
    """The input of one Edit tab field: an optional Stripe field's own, else the form's usual."""
    return (
        OptionalInput(name, value, parent)
        if name in OPTIONAL_LABELS
        else FieldInput(name, value, parent)
    )


def optional_texts(record: CatalogRecord, owned: Collection[str]) -> dict[Key, str]:
    """Each owned optional field of the record as the form shows it ("" for none)."""
    out: dict[Key, str] = {}
    for name in OPTIONAL_LABELS:
        if name in owned:
            value = record.product.get(name)
            if isinstance(value, bool):
                out[(None, name)] = "true" if value else "false"
            elif isinstance(value, dict | list):
                out[(None, name)] = json.dumps(value)
            else:
                out[(None, name)] = "" if value is None else str(value)
    return out


class OptionalInput(FieldInput):
    """One optional field's widget (see the module docstring), read and written as the text
    `Workspace.edit` takes."""

    def __init__(self, name: str, value: str, parent: QWidget) -> None:
        self.name = name
        self.boxes: list[QLineEdit] = []
        if name in _LISTS:
            lines = QPlainTextEdit(parent)
            lines.setTabChangesFocus(True)
            lines.setFixedHeight(64)
            self.widget: QWidget = lines
        elif name == "shippable":
            check = QCheckBox("A physical good, shipped", parent)
            check.setTristate(True)
            self.widget = check
        elif name == "tax_behavior":
            combo = QComboBox(parent)
            for data, label in TAX_CHOICES:
                combo.addItem(label, data)
            self.widget = combo
        elif name == "package_dimensions":
            self.widget = QWidget(parent)
            row = QHBoxLayout(self.widget)
            row.setContentsMargins(0, 0, 0, 0)
            for dimension in DIMENSIONS:
                box = QLineEdit(self.widget)
                box.setPlaceholderText(dimension)
                box.setAccessibleName(f"Package {dimension}")
                row.addWidget(box)
                self.boxes.append(box)
            self.widget.setFocusProxy(self.boxes[0])
        else:
            line = QLineEdit(parent)
            line.setPlaceholderText(PLACEHOLDERS.get(name, ""))
            self.widget = line
        self.widget.setToolTip(TIPS[name])
        self.set_text(value)

    def text(self) -> str:
        """The value as `Workspace.edit` takes it ("" for none)."""
        w = self.widget
        if self.boxes:
            given = {d: b.text().strip() for d, b in zip(DIMENSIONS, self.boxes, strict=True)}
            given = {d: t for d, t in given.items() if t}
            return json.dumps(given) if given else ""
        if isinstance(w, QCheckBox):
            state = w.checkState()
            if state == Qt.CheckState.PartiallyChecked:
                return ""
            return "true" if state == Qt.CheckState.Checked else "false"
        if isinstance(w, QComboBox):
            return str(w.currentData())
        return super().text()

    def set_text(self, text: str) -> None:
        """Show a value as the catalog holds it (or as `text` gave it)."""
        w = self.widget
        if self.boxes:
            values = _loaded(text)
            given = values if isinstance(values, dict) else {}
            for dimension, box in zip(DIMENSIONS, self.boxes, strict=True):
                box.setText(_number(given.get(dimension)))
        elif isinstance(w, QCheckBox):
            word = text.strip().lower()
            w.setCheckState(
                Qt.CheckState.Checked
                if word in ("true", "1")
                else Qt.CheckState.Unchecked
                if word in ("false", "0")
                else Qt.CheckState.PartiallyChecked
            )
        elif isinstance(w, QComboBox):
            word = text.strip().lower() or "unspecified"
            if w.findData(word) < 0:  # a value the catalog holds that no choice names: shown
                w.addItem(text, text)
                word = text
            w.setCurrentIndex(w.findData(word))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(_lines(text))
        else:
            super().set_text(text)

    def on_change(self, slot: Callable[[], None]) -> None:
        """Call `slot` whenever the value changes."""
        w = self.widget
        if self.boxes:
            for box in self.boxes:
                box.textChanged.connect(lambda _t: slot())
        elif isinstance(w, QCheckBox):
            w.stateChanged.connect(lambda _s: slot())
        elif isinstance(w, QComboBox):
            w.currentIndexChanged.connect(lambda _i: slot())
        else:
            super().on_change(slot)


def _loaded(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return None


def _lines(text: str) -> str:
    """A JSON list (as a pull or an adopt stores it) as one item a line; other text as it is."""
    if not text.strip().startswith("["):
        return text
    items = _loaded(text)
    if not isinstance(items, list):
        return text
    names = [i.get("name", "") if isinstance(i, dict) else i for i in items]
    return "\n".join(str(n) for n in names)


def _number(value: Any) -> str:
    """A dimension as a maker writes it: 2, 16.5 (never 2.0 or 1e+06)."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)
