"""Adopting a Stripe catalog made by hand, in the window: Stripe ▸ Adopt… works out which Stripe
product is which catalog product (a dry run), the Adopt dialog shows it for review, and Adopt
records the ticked links. Nothing is written to Stripe. In sandbox mode, Sandbox ▸ Start from a
hand-made Stripe catalog gives the built-in sandbox such a catalog to try it on.

`AdoptWindowFlows` is mixed into `gui.main_window.MainWindow`, which builds the widgets used here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from core.workspace import AdoptionPlan, Mode, plural
from gui.dialogs.adopt_dialog import AdoptDialog
from gui.models.product_table import ProductTableModel
from gui.session import AdoptOutcome, Session
from gui.widgets.status_panel import StatusPanel, describe_error

log = logging.getLogger(__name__)

HANDMADE_QUESTION = (
    "This replaces everything in the built-in sandbox with a Stripe catalog made by hand in the "
    "Dashboard for the sample products, so you can try Adopt. Your catalog is not changed."
)
HANDMADE_DONE = (
    "The sandbox now holds a Stripe catalog made by hand ({count} products, none linked to the "
    "catalog). Now try Stripe ▸ Adopt…"
)


def adopt_summary(plan: AdoptionPlan) -> str:
    """What an Adopt recorded, for the status bar: "Linked 6 products; 2 ambiguous — link them by
    hand. Nothing was written to Stripe." """
    parts = [f"Linked {plural(len(plan.linked), 'product')}"]
    if plan.imported:
        parts.append(f"made {plural(len(plan.imported), 'catalog product')} from Stripe")
    if plan.ambiguous:
        parts.append(f"{len(plan.ambiguous)} ambiguous — link them by hand (Adopt… again)")
    return "; ".join(parts) + ". Nothing was written to Stripe."


class AdoptWindowFlows:
    """Adopt… → the Adopt dialog → Adopt; Link… in the dialog; the sandbox's hand-made catalog."""

    # Provided by MainWindow.
    session: Session
    model: ProductTableModel
    status: StatusPanel
    _closing: bool
    _update_actions: Callable[..., None]
    clear_overwrites: Callable[[], None]

    if TYPE_CHECKING:

        @property
        def mode(self) -> Mode: ...

    def _init_adopt(self) -> None:
        self.adopt_dialog: AdoptDialog | None = None
        self.preset_box: QMessageBox | None = None

    def _wire_adopt(self) -> None:
        s = self.session
        s.adopt_preview_ready.connect(self._on_adopt_preview)
        s.adopt_finished.connect(self._on_adopted)
        s.link_finished.connect(self._on_linked)
        s.preset_applied.connect(self._on_preset_applied)

    # -- Adopt… ------------------------------------------------------------------------------------

    def open_adopt(self) -> None:
        """Work out what adopting would link (stores nothing), then show the Adopt dialog."""
        self.status.show_busy("Looking for products made by hand in Stripe")
        self._update_actions(busy=True)
        self.session.request_adopt_preview()

    def _on_adopt_preview(self, plan: AdoptionPlan) -> None:
        if self._closing:
            return
        rows = self.model.rows()
        names = {r.product_id: r.name for r in rows if r.has_local}
        stripe_names = {
            r.stripe_product_id: r.stripe_name
            for r in rows
            if r.stripe_product_id and r.stripe_name
        }
        dialog = AdoptDialog(
            plan,
            mode=self.mode,
            account=self.session.account,
            names=names,
            stripe_names=stripe_names,
            parent=self,  # type: ignore[arg-type]
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.link_requested.connect(self.session.link)
        dialog.accepted.connect(lambda: self._adopt_chosen(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "adopt_dialog", None))
        self.adopt_dialog = dialog
        found = len(plan.linked) + len(plan.ambiguous)
        self.status.show_message(
            f"{plural(found, 'Stripe product')} made by hand match the catalog: review them."
            if found
            else "No Stripe product made by hand matches a catalog product not linked yet."
        )
        dialog.open()

    def _adopt_chosen(self, dialog: AdoptDialog) -> None:
        chosen = dialog.chosen()
        if not chosen or self._closing:
            return
        log.info("Adopt confirmed for %s", ", ".join(chosen))
        self.status.show_busy("Adopting")
        self._update_actions(busy=True)
        self.session.adopt(chosen, dialog.import_unmatched())

    def _on_adopted(self, outcome: AdoptOutcome) -> None:
        if outcome.error is not None or outcome.plan is None:
            self.status.show_error(
                "Nothing was adopted", outcome.error or "the workspace did not answer"
            )
            return
        text = adopt_summary(outcome.plan)
        if outcome.refresh_error is not None:
            text += (
                f" The table could not be read again ({describe_error(outcome.refresh_error)}): "
                "Refresh (F5) to try again."
            )
        self.status.show_message(text)

    # -- Link… (in the dialog) ---------------------------------------------------------------------

    def _on_linked(self, outcome: AdoptOutcome) -> None:
        dialog = self.adopt_dialog
        if outcome.error is not None or outcome.match is None:
            words = describe_error(outcome.error or "the workspace did not answer")
            self.status.show_error("Not linked", outcome.error or words)
            if dialog is not None:
                dialog.set_busy(False)
                dialog.show_note(f"Not linked: {words}", error=True)
            return
        match = outcome.match
        text = (
            f"Linked {match.local_id} to {match.stripe_product_id} "
            f"({plural(len(match.prices), 'price')} reused). Nothing was written to Stripe."
        )
        self.status.show_message(text)
        if dialog is not None:
            if outcome.preview is not None:
                dialog.set_plan(outcome.preview)
            dialog.set_busy(False)
            dialog.show_note(text)

    # -- Sandbox ▸ Start from a hand-made Stripe catalog ---------------------------------------------

    def start_from_handmade(self) -> None:
        """Ask, then start the built-in sandbox afresh with a hand-made Stripe catalog."""
        if self.mode != "sandbox" or self.session.account is None:
            return
        box = QMessageBox(self)  # type: ignore[call-overload]
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Start from a hand-made Stripe catalog")
        box.setText(HANDMADE_QUESTION)
        box.setStandardButtons(QMessageBox.StandardButton.Cancel)
        start = QPushButton("Start afresh", box)
        box.addButton(start, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(start)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._on_preset_answer(button is start))
        box.finished.connect(lambda _r: setattr(self, "preset_box", None))
        self.preset_box = box
        box.open()

    def preset_start_button(self) -> QWidget | None:
        """The confirmation's "Start afresh" button (None: not asking)."""
        box = self.preset_box
        if box is None:
            return None
        return next((b for b in box.buttons() if b.text() == "Start afresh"), None)

    def _on_preset_answer(self, start: bool) -> None:
        if not start or self._closing:
            return
        log.info("Starting the sandbox afresh from the hand-made catalog")
        self.clear_overwrites()  # another Stripe side: other edits
        self.status.show_busy("Starting the sandbox from a hand-made Stripe catalog")
        self._update_actions(busy=True)
        self.session.start_from_handmade()

    def _on_preset_applied(self, created: list[str]) -> None:
        products = sum(1 for object_id in created if object_id.startswith("prod_"))
        self.status.show_message(HANDMADE_DONE.format(count=products))
