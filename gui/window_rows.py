"""Adding a product, duplicating the selected one, adding or removing a variant, from the Catalog
menu and the row menu. Small dialogs ask for the id and the values (money as the maker writes it);
the workspace checks them with the one set of row rules and nothing is written to Stripe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from core.workspace import plural
from gui.session import Session
from gui.widgets.status_panel import StatusPanel

_NEXT = " Nothing was written to Stripe: Sync selected shows what a sync would do."


class RowWindowFlows:
    """The window's catalog-row actions (mixed into MainWindow)."""

    # Provided by MainWindow.
    session: Session
    status: StatusPanel
    selected_rows: Callable[[], list[Any]]

    def _wire_rows(self) -> None:
        self.session.rows_changed.connect(lambda text: self.status.show_message(text + _NEXT))

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        parent = self if isinstance(self, QWidget) else None
        value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        value = value.strip()
        return value if ok and value else None

    def add_product(self) -> None:
        """Ask for an id, a name and a price; add the product to the catalog."""
        pid = self._ask("Add a product", "Product id (letters, digits, - and _):")
        name = pid and self._ask("Add a product", f"Name of {pid}:")
        price = name and self._ask("Add a product", f"Price of {name} (e.g. 12.50):")
        if pid and name and price:
            values = {"name": name, "base_price": price}

            def call(ws: Any) -> str:
                ws.add_product(pid, values)
                return f"Added {pid} “{name}” to the catalog."

            self.session.change_rows(f"Adding {pid}", call)

    def duplicate_product(self) -> None:
        """Copy the selected product (and its variants) under a new id."""
        rows = [r for r in self.selected_rows() if r.has_local]
        if len(rows) != 1:
            self.status.show_message("Select one catalog product to duplicate.")
            return
        source = rows[0].product_id
        new_id = self._ask("Duplicate a product", f"Id of the copy of {source}:", f"{source}-copy")
        if new_id:

            def call(ws: Any) -> str:
                record = ws.duplicate_product(source, new_id)
                return f"Copied {source} to {new_id} ({plural(len(record.variants), 'variant')})."

            self.session.change_rows(f"Duplicating {source}", call)

    def add_variant(self) -> None:
        """Add a variant (type, value, price) to the selected product."""
        rows = [r for r in self.selected_rows() if r.has_local]
        if len(rows) != 1:
            self.status.show_message("Select one catalog product to add a variant to.")
            return
        pid = rows[0].product_id
        vid = self._ask("Add a variant", f"Variant id for {pid}:", f"{pid}-")
        value = vid and self._ask("Add a variant", "Its value (e.g. BLACK):")
        price = value and self._ask("Add a variant", "Its price (e.g. 12.50):")
        if vid and value and price:
            values = {"variant_type": "variant", "variant_value": value, "price": price}

            def call(ws: Any) -> str:
                ws.add_variant(pid, vid, values)
                return f"Added variant {vid} ({value}) to {pid}."

            self.session.change_rows(f"Adding a variant to {pid}", call)

    def remove_variant(self) -> None:
        """Remove a variant of the selected product (its price is archived by the next sync)."""
        rows = [r for r in self.selected_rows() if r.has_local]
        if len(rows) != 1 or not rows[0].variants:
            self.status.show_message("Select one catalog product that has variants.")
            return
        row = rows[0]
        parent = self if isinstance(self, QWidget) else None
        labels = [f"{v.variant_id} ({v.label})" for v in row.variants]
        chosen, ok = QInputDialog.getItem(
            parent, "Remove a variant", "Variant to remove:", labels, 0, False
        )
        if ok and chosen:
            vid = row.variants[labels.index(chosen)].variant_id

            def call(ws: Any) -> str:
                ws.remove_variant(row.product_id, vid)
                return (
                    f"Removed variant {vid} from {row.product_id}; the next sync archives its "
                    "price in Stripe."
                )

            self.session.change_rows(f"Removing {vid}", call)
