"""The Adopt dialog: which Stripe product made by hand is which catalog product, before the tool
records it. Nothing is written to Stripe, so there is no typed confirmation, even in live mode.

One row per proposed link, with a checkbox (ticked by default); below, what adopting leaves alone:
names shared by several products (each with a "Link…" choice, made by hand), Stripe products the
catalog lacks (optionally made catalog products), catalog products Stripe lacks (the next sync
creates them), and the Stripe products the catalog cannot hold, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.workspace import AccountInfo, AdoptionPlan, Ambiguous, Match, Mode, plural
from gui.dialogs.adopt_words import MATCHED_BY, NOTHING_WRITTEN, ambiguous_line, prices_text
from gui.theme import LIVE_RED

MAX_TREE_ROWS = 12  # more proposed links than this scroll inside the list


class AdoptDialog(QDialog):
    """Shows an adoption plan; `chosen()` gives the Stripe product ids to record and
    `import_unmatched()` whether Stripe-only products become catalog products.

    `link_requested(local_id, stripe_product_id)` asks the window to link one pair by hand; the
    window answers with `set_plan` (the plan worked out again) or `show_note` (why it was refused).
    """

    link_requested = Signal(str, str)

    def __init__(
        self,
        plan: AdoptionPlan,
        *,
        mode: Mode,
        account: AccountInfo | None,
        names: Mapping[str, str] | None = None,
        stripe_names: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`names`: catalog id → name; `stripe_names`: Stripe product id → name, where known."""
        super().__init__(parent)
        self.mode = mode
        self._names = dict(names or {})
        self._stripe_names = dict(stripe_names or {})
        self._plan = plan
        self._unticked: set[str] = set()
        self.link_buttons: dict[str, QToolButton] = {}
        self.setWindowTitle("Adopt products made in Stripe" + (" — LIVE" if mode == "live" else ""))
        self.setMinimumSize(640, 480)
        self.resize(1000, 640)
        layout = QVBoxLayout(self)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        who = f"{account.name} ({account.id})" if account else "the account"
        where = {
            "live": f"<b>LIVE MODE — {escape(who, quote=False)}.</b> ",
            "test": f"Stripe test mode, {escape(who, quote=False)}. ",
            "sandbox": "The local sandbox. ",
        }[mode]
        self.banner.setText(where + escape(NOTHING_WRITTEN, quote=False))
        if mode == "live":
            self.banner.setStyleSheet(f"background:{LIVE_RED}; color:white; padding:8px;")
        else:
            self.banner.setStyleSheet("padding:4px;")
        layout.addWidget(self.banner)

        self.links_title = QLabel(self)
        layout.addWidget(self.links_title)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Catalog product", "Stripe product", "Matched by", "Reuses"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Proposed links")
        self.tree.setColumnWidth(0, 330)
        self.tree.setColumnWidth(1, 330)
        self.tree.setColumnWidth(2, 130)
        self.tree.itemChanged.connect(self._on_item_changed)
        layout.addWidget(self.tree)

        tick_row = QHBoxLayout()
        for text, state in (("Tick all", True), ("Untick all", False)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, s=state: self.set_all(s))
            tick_row.addWidget(button)
        tick_row.addStretch(1)
        self.count = QLabel(self)
        tick_row.addWidget(self.count)
        layout.addLayout(tick_row)

        self.sections = QWidget(self)
        self.import_box = QCheckBox("Also make catalog products of these", self.sections)
        self.import_box.toggled.connect(lambda _on: self._update())
        self.sections_layout = QVBoxLayout(self.sections)
        self.sections_layout.setContentsMargins(4, 4, 4, 4)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setWidget(self.sections)
        layout.addWidget(scroll, 1)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.adopt = self.buttons.addButton("Adopt", QDialogButtonBox.ButtonRole.AcceptRole)
        self.adopt.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._busy = False
        self.set_plan(plan)

    # -- content ----------------------------------------------------------------------------------

    @property
    def plan(self) -> AdoptionPlan:
        """The plan shown."""
        return self._plan

    def set_plan(self, plan: AdoptionPlan) -> None:
        """Show this plan (e.g. worked out again after a link by hand); unticked rows stay so."""
        self._plan = plan
        for item in plan.ambiguous:
            self._stripe_names.setdefault(item.stripe_product_id, item.name)
        for match in plan.linked + plan.imported:
            if match.stripe_name:
                self._stripe_names.setdefault(match.stripe_product_id, match.stripe_name)
        for row in plan.new_rows:
            for match in plan.imported:
                if match.local_id == row.get("id"):
                    self._stripe_names.setdefault(match.stripe_product_id, str(row.get("name")))
        self.tree.blockSignals(True)
        self.tree.clear()
        for match in plan.linked:
            self.tree.addTopLevelItem(self._item(match))
        self.tree.blockSignals(False)
        self._fit_tree()
        self.links_title.setText(
            f"<b>{plural(len(plan.linked), 'Stripe product')} "
            f"{'matches' if len(plan.linked) == 1 else 'match'} a catalog product.</b> Tick the "
            "links to record."
            if plan.linked
            else "<b>No Stripe product made by hand matches a catalog product not linked yet.</b>"
        )
        self._build_sections(plan)
        self._update()

    def _fit_tree(self) -> None:
        # As tall as its rows (up to about a dozen), so the sections below keep their room.
        rows = max(1, min(self.tree.topLevelItemCount(), MAX_TREE_ROWS))
        row_height = self.tree.sizeHintForRow(0) if self.tree.topLevelItemCount() else 0
        row_height = max(row_height, self.tree.fontMetrics().height() + 2)
        header = self.tree.header().sizeHint().height()
        self.tree.setFixedHeight(header + rows * row_height + 2 * self.tree.frameWidth() + 4)

    def _item(self, match: Match) -> QTreeWidgetItem:
        name = self._names.get(match.local_id)
        local = f"{name} ({match.local_id})" if name else match.local_id
        stripe_name = match.stripe_name or self._stripe_names.get(match.stripe_product_id)
        stripe = (
            f"{stripe_name} ({match.stripe_product_id})" if stripe_name else match.stripe_product_id
        )
        item = QTreeWidgetItem([local, stripe, MATCHED_BY.get(match.by, match.by)])
        item.setText(3, prices_text(match))
        item.setData(0, Qt.ItemDataRole.UserRole, match.stripe_product_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        ticked = match.stripe_product_id not in self._unticked
        item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        prices = ", ".join(p.stripe_price_id for p in match.prices) or "none"
        item.setToolTip(0, local)
        item.setToolTip(1, f"{stripe}\nPrices reused: {prices}")
        return item

    def _build_sections(self, plan: AdoptionPlan) -> None:
        while (child := self.sections_layout.takeAt(0)) is not None:
            widget = child.widget()
            if widget is not None and widget is not self.import_box:  # kept: the choice stays
                widget.hide()
                widget.deleteLater()
        self.import_box.hide()
        self.link_buttons.clear()
        groups: dict[str, list[Ambiguous]] = {}
        for item in plan.ambiguous:
            groups.setdefault(item.name, []).append(item)
        if groups:
            self._heading("Named alike — not linked")
            for name, items in groups.items():
                self._line(ambiguous_line(name, items))
                self._ambiguous_rows(items)
        stripe_only = [m.stripe_product_id for m in plan.imported] + plan.unmatched_stripe
        if stripe_only:
            self._heading("In Stripe only")
            lines = []
            for match in plan.imported:
                lines.append(
                    f"{self._stripe_text(match.stripe_product_id)} → would become catalog "
                    f"product {match.local_id}"
                )
            lines += [self._stripe_text(pid) for pid in plan.unmatched_stripe]
            self._line("\n".join(lines))
            self.sections_layout.addWidget(self.import_box)
            self.import_box.setEnabled(bool(plan.imported))
            self.import_box.show()
        if plan.unmatched_local:
            self._heading("In the catalog only (the next sync creates them)")
            self._line(", ".join(self._local_text(lid) for lid in plan.unmatched_local))
        if plan.unsupported:
            self._heading("Cannot be imported")
            self._line(
                "In Stripe only, and the catalog cannot hold them; they stay in Stripe as they are:"
            )
            self._line(
                "\n".join(
                    f"{self._stripe_text(u.stripe_product_id)}: {u.reason}"
                    for u in plan.unsupported
                )
            )
        if self.sections_layout.count() == 0:
            self._line("Every other product is linked already.")
        self.sections_layout.addStretch(1)

    def _ambiguous_rows(self, items: list[Ambiguous]) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(16, 0, 0, 6)
        for row, item in enumerate(items):
            label = QLabel(self._stripe_text(item.stripe_product_id), self.sections)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 0)
            button = QToolButton(self.sections)
            button.setText("Link…")
            button.setToolTip(f"Choose the catalog product {item.stripe_product_id} is")
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            for local_id in item.candidates:
                action = menu.addAction(f"Link it to {self._local_text(local_id)}")
                action.triggered.connect(
                    lambda _=False, lid=local_id, pid=item.stripe_product_id: self._ask_link(
                        lid, pid
                    )
                )
            button.setMenu(menu)
            button.setEnabled(not self._busy)
            self.link_buttons[item.stripe_product_id] = button
            grid.addWidget(button, row, 1)
        grid.setColumnStretch(2, 1)
        holder = QWidget(self.sections)
        holder.setLayout(grid)
        self.sections_layout.addWidget(holder)

    def _heading(self, text: str) -> None:
        label = QLabel(f"<b>{escape(text)}</b>", self.sections)
        label.setContentsMargins(0, 6, 0, 0)
        self.sections_layout.addWidget(label)

    def _line(self, text: str) -> None:
        label = QLabel(text, self.sections)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setContentsMargins(16, 0, 0, 0)
        self.sections_layout.addWidget(label)

    def _stripe_text(self, stripe_id: str) -> str:
        name = self._stripe_names.get(stripe_id)
        return f"“{name}” ({stripe_id})" if name else stripe_id

    def _local_text(self, local_id: str) -> str:
        name = self._names.get(local_id)
        return f"{name} ({local_id})" if name else local_id

    # -- ticks, links by hand, the result ---------------------------------------------------------

    def _items(self) -> list[QTreeWidgetItem]:
        count = self.tree.topLevelItemCount()
        return [item for i in range(count) if (item := self.tree.topLevelItem(i)) is not None]

    def set_all(self, ticked: bool) -> None:
        """Tick or untick every proposed link."""
        for item in self._items():
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def set_ticked(self, stripe_product_id: str, ticked: bool) -> None:
        """Tick or untick the link to one Stripe product."""
        for item in self._items():
            if item.data(0, Qt.ItemDataRole.UserRole) == stripe_product_id:
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def ticked(self) -> list[str]:
        """The Stripe product ids whose proposed link is ticked, in the order shown."""
        return [
            str(item.data(0, Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState(0) == Qt.CheckState.Checked
        ]

    def import_unmatched(self) -> bool:
        """Whether the Stripe-only products the catalog can hold become catalog products."""
        return self.import_box.isChecked() and bool(self._plan.imported)

    def chosen(self) -> list[str]:
        """The Stripe product ids to record: the ticked links, and the imports if chosen."""
        imports = [m.stripe_product_id for m in self._plan.imported]
        return self.ticked() + (imports if self.import_unmatched() else [])

    def set_busy(self, busy: bool) -> None:
        """While a link by hand is being recorded, nothing else can be started here."""
        self._busy = busy
        for button in self.link_buttons.values():
            button.setEnabled(not busy)
        self._update()

    def show_note(self, text: str, *, error: bool = False) -> None:
        """Say what a link by hand did, or why it was refused."""
        self.note.setStyleSheet("color:#d32f2f;" if error else "")
        self.note.setText(text)
        self.note.show()

    def _ask_link(self, local_id: str, stripe_product_id: str) -> None:
        self.set_busy(True)
        self.show_note(f"Linking {self._local_text(local_id)} to {stripe_product_id}…")
        self.link_requested.emit(local_id, stripe_product_id)

    def _on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        pid = str(item.data(0, Qt.ItemDataRole.UserRole))
        if item.checkState(0) == Qt.CheckState.Checked:
            self._unticked.discard(pid)
        else:
            self._unticked.add(pid)
        self._update()

    def can_adopt(self) -> bool:
        """Whether Adopt is allowed: something to record, and no link by hand under way."""
        return bool(self.chosen()) and not self._busy

    def _update(self) -> None:
        ticked = self.ticked()
        reused = sum(len(m.prices) for m in self._plan.linked if m.stripe_product_id in ticked)
        self.count.setText(
            f"{len(ticked)} of {plural(len(self._plan.linked), 'link')} ticked, "
            f"{plural(reused, 'price')} reused"
        )
        count = len(self.chosen())
        self.adopt.setText(f"Adopt {plural(count, 'product')}" if count else "Adopt")
        self.adopt.setEnabled(self.can_adopt())

    def accept(self) -> None:
        """Close with Accepted only when there is something to record."""
        if self.can_adopt():
            super().accept()
