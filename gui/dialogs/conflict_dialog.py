"""The conflict dialog: the product was changed in the catalog by someone else while it was being
edited, so nothing was saved. It shows field by field the value as it was loaded, as it is now,
and what was typed, and lets the operator choose: keep theirs (discard the typed values) or save
the typed values over theirs (the same edit, checked against the catalog as it is now).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.workspace import EditConflict, format_money

MONEY_COLUMNS = ("base_price_cents", "price_modifier")
LABELS = {
    "name": "Name",
    "description": "Description",
    "base_price_cents": "Base price",
    "sell_status": "Sell status",
    "dev_status": "Dev status",
    "is_live": "Live",
    "has_variants": "Has variants",
    "currency": "Currency",
    "variant_type": "Type",
    "variant_value": "Value",
    "price_modifier": "Price difference to the base price",
}


def shown(column: str, value: Any, currency: str) -> str:
    """A catalog value as the dialog shows it (money in the catalog currency)."""
    if value is None or value == "":
        return "—"
    if column in MONEY_COLUMNS and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value, currency)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class ConflictDialog(QDialog):
    """Keep theirs (rejected) or save mine over theirs (accepted); see the module docstring."""

    def __init__(
        self,
        conflict: EditConflict,
        *,
        title: str,
        currency: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle("Changed by someone else")
        self.setModal(True)
        intro = QLabel(
            f"<b>{title}</b> was changed in the catalog by someone else while you were editing "
            "it, so <b>nothing was saved</b>. Compare the versions, then choose which one the "
            "catalog keeps. Either way nothing is written to Stripe.",
            self,
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["Field", "As you loaded it", "As it is now", "What you typed"])
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        loaded, current, wanted = conflict.loaded, conflict.current, conflict.wanted
        columns = list(
            dict.fromkeys([*wanted, *(k for k in loaded if current.get(k) != loaded[k])])
        )
        for column in columns:
            mine = shown(column, wanted[column], currency) if column in wanted else "(unchanged)"
            item = QTreeWidgetItem(
                [
                    LABELS.get(column, column),
                    shown(column, loaded.get(column), currency),
                    shown(column, current.get(column), currency),
                    mine,
                ]
            )
            if current.get(column) != loaded.get(column):
                font = item.font(2)
                font.setBold(True)
                item.setFont(2, font)
            self.tree.addTopLevelItem(item)
        buttons = QDialogButtonBox(self)
        self.keep_theirs = QPushButton("Keep theirs (discard mine)", self)
        self.save_mine = QPushButton("Save mine over theirs", self)
        buttons.addButton(self.keep_theirs, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.save_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.keep_theirs.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(720, 320)
