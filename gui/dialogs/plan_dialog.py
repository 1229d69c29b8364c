"""The plan dialog: exactly what a run would write, with a checkbox per product.

Only ticked products are applied. In live mode the dialog is red and the Apply button stays disabled
until the operator types the account's name or the word LIVE. A write that replaces a value someone
edited in Stripe is marked, and the edits a plan keeps are listed; selected products with nothing to
write are listed (greyed) with the reason.

Test before live: a live write that brings Stripe to values never synced to test mode is marked
"never tried in test mode", the top says how many there are, and (setting `confirm_untried_live`,
on by default) applying them asks once more; the maker may always go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from core.errors import ConfigurationError
from core.settings import load_settings
from core.workspace import AccountInfo, Mode, ProductPlan, changes_in_stripe, plural
from gui.dialogs.plan_items import TreeFill, note_item
from gui.dialogs.plan_rows import (
    NEVER_TRIED,
    UNTRIED_MARK,
    MiddleElide,
    WrapToColumn,
    product_item,
)
from gui.theme import LIVE_RED, DiffColors

# The product column: wide enough for most names, never so wide that the sentences beside it
# are squeezed (the dialog opens 960 px wide, to fit a 1024 px screen).
NAME_COLUMN = (200, 340)


def untried_writes(plans: Sequence[ProductPlan]) -> int:
    """How many writes of these (live) plans bring Stripe to values never synced to test mode."""
    return sum(1 for plan in plans for op in plan.operations if op.tried_in_test is False)


def untried_question(count: int) -> str:
    """The extra question before applying live writes never tried in test mode."""
    were = "was" if count == 1 else "were"
    return f"{count} of these changes {were} never synced to test mode first. Go on anyway?"


def confirm_untried_setting() -> bool:
    """The `confirm_untried_live` setting (on when the settings file cannot be read: the safer
    choice, and the window says nothing more about a file the command line reports)."""
    try:
        return load_settings().confirm_untried_live
    except ConfigurationError:
        return True


def live_confirmation_ok(typed: str, account: AccountInfo | None) -> bool:
    """Whether the typed text confirms a live write: the account's name, or the word LIVE."""
    typed = typed.strip()
    if typed == "LIVE":
        return True
    return account is not None and bool(account.name.strip()) and typed == account.name.strip()


class PlanDialog(QDialog):
    """Lists plans with their operations; `selected_plans()` returns the ticked ones."""

    def __init__(
        self,
        plans: list[ProductPlan],
        *,
        mode: Mode,
        account: AccountInfo | None,
        verb: str = "Sync",
        names: dict[str, str] | None = None,
        notes: Sequence[tuple[str, str]] = (),
        confirm_untried: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`notes`: (product, why) for selected products with nothing to write, listed greyed.
        `confirm_untried`: ask again before live writes never tried in test (None: the setting)."""
        super().__init__(parent)
        colors = DiffColors.from_palette(self.palette())
        self._warn = QBrush(colors.change_fill["both"])
        self._quiet = QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.mode = mode
        self.account = account
        self._plans = plans
        self._verb = verb
        self.setWindowTitle(f"{verb} — review the changes" + (" — LIVE" if mode == "live" else ""))
        self.setMinimumSize(640, 420)
        self.resize(960, 600)  # the operations are sentences: room for them on one or two lines
        layout = QVBoxLayout(self)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        who = f"{account.name} ({account.id})" if account else "the account"
        if mode == "live":
            self.banner.setText(
                f"<b>LIVE MODE — {escape(who)}.</b> These changes reach real products that real "
                "customers can buy."
            )
            self.banner.setStyleSheet(f"background:{LIVE_RED}; color:white; padding:8px;")
        else:
            where = "the local sandbox" if mode == "sandbox" else f"Stripe test mode, {who}"
            self.banner.setText(f"These changes will be written to {escape(where)}.")
        layout.addWidget(self.banner)
        if confirm_untried is None:
            confirm_untried = mode == "live" and confirm_untried_setting()
        self.confirm_untried = confirm_untried
        self.untried_box: QMessageBox | None = None  # the extra question, while it is asked
        self.untried = QLabel(self)
        self.untried.setWordWrap(True)
        self.untried.setAccessibleName("Writes never tried in test mode")
        untried = untried_writes(plans)
        self.untried.setText(
            f"{UNTRIED_MARK} <b>{untried} of these changes {'was' if untried == 1 else 'were'} "
            f"{NEVER_TRIED}</b> (marked {UNTRIED_MARK} below): test mode never held the values "
            "they bring. Syncing to test mode first lets you check them there."
        )
        self.untried.setVisible(untried > 0)
        layout.addWidget(self.untried)

        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Product", "What syncing does in Stripe"])
        self.tree.setWordWrap(True)  # long operations wrap instead of ending in "…"
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.name_delegate = MiddleElide(self.tree)
        self.tree.setItemDelegateForColumn(0, self.name_delegate)
        self.wrap_delegate = WrapToColumn(self.tree)  # wraps the rows drawn, not all of them
        self.tree.setItemDelegateForColumn(1, self.wrap_delegate)
        self.tree.header().setStretchLastSection(True)
        self.tree.setAccessibleName("Planned changes")
        names = names or {}
        makers = [
            partial(product_item, plan, names.get(plan.product_id), self._warn, self._quiet)
            for plan in plans
        ]
        makers += [partial(note_item, title, why) for title, why in notes]
        self.fill = TreeFill(self.tree, makers)  # a big plan: the rest over the next turns
        self.tree.resizeColumnToContents(0)
        low, high = NAME_COLUMN
        self.tree.setColumnWidth(0, max(low, min(high, self.tree.columnWidth(0))))
        self.tree.header().sectionResized.connect(self._column_resized)
        self.tree.itemChanged.connect(lambda *_: self._update())
        layout.addWidget(self.tree, 1)

        tick_row = QHBoxLayout()
        for text, state in (("Tick all", True), ("Untick all", False)):
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, s=state: self.set_all(s))
            tick_row.addWidget(button)
        tick_row.addStretch(1)
        self.count = QLabel(self)
        tick_row.addWidget(self.count)
        layout.addLayout(tick_row)

        self.confirm = QLineEdit(self)
        self.confirm.setAccessibleName("Live confirmation")
        if mode == "live":
            name = account.name if account else ""
            self.confirm.setPlaceholderText(f"Type {name!r} or LIVE to confirm" if name else "LIVE")
            label = QLabel("To apply in <b>live mode</b>, type the account's name or LIVE:", self)
            layout.addWidget(label)
            layout.addWidget(self.confirm)
            self.confirm.textChanged.connect(lambda _: self._update())
        else:
            self.confirm.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply = self.buttons.addButton(verb, QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply.setDefault(mode != "live")
        if mode == "live":
            # Red only when it can be pressed: disabled, it must not look ready to go.
            self.apply.setStyleSheet(
                f"QPushButton {{ background:{LIVE_RED}; color:white; font-weight:bold; "
                "padding:4px 12px; }"
                "QPushButton:disabled { background:palette(button); "
                "color:palette(placeholder-text); font-weight:normal; "
                "border:1px dashed palette(mid); }"
            )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.fill.when_done(self._update)

    def showEvent(self, event: QShowEvent) -> None:
        """Lay the rows out again at the column's width, once it is known."""
        super().showEvent(event)
        self.tree.doItemsLayout()

    def _column_resized(self, column: int, _old: int, _new: int) -> None:
        if column == 1 and self.isVisible():
            self.tree.doItemsLayout()  # row heights are measured again as rows are shown

    def set_all(self, ticked: bool) -> None:
        """Tick or untick every product that can be applied."""
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        self.fill.finish()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(0, state)

    def set_ticked(self, product_id: str, ticked: bool) -> None:
        """Tick or untick one product."""
        self.fill.finish()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == product_id:
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def selected_plans(self) -> list[ProductPlan]:
        """The plans whose product is ticked, in the order shown."""
        ticked = set()
        self.fill.finish()
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            checkable = item.flags() & Qt.ItemFlag.ItemIsUserCheckable
            if checkable and item.checkState(0) == Qt.CheckState.Checked:
                ticked.add(item.data(0, Qt.ItemDataRole.UserRole))
        return [plan for plan in self._plans if plan.product_id in ticked]

    def can_apply(self) -> bool:
        """Whether Apply is allowed: something ticked and, in live mode, the confirmation typed."""
        if not self.selected_plans():
            return False
        return self.mode != "live" or live_confirmation_ok(self.confirm.text(), self.account)

    def _update(self) -> None:
        chosen = self.selected_plans()
        writes = sum(plan.writes for plan in chosen)
        self.count.setText(f"{plural(len(chosen), 'product')} ticked: {changes_in_stripe(writes)}")
        self.apply.setText(
            f"{self._verb} {plural(len(chosen), 'product')}" if chosen else self._verb
        )
        self.apply.setEnabled(self.can_apply())

    def accept(self) -> None:
        """Close with Accepted only if applying is allowed (Enter cannot bypass the live check)
        and, for live writes never tried in test mode, the maker chose to go on."""
        if not self.can_apply():
            return
        untried = untried_writes(self.selected_plans()) if self.mode == "live" else 0
        if untried and self.confirm_untried and not self.ask_untried(untried):
            return
        super().accept()

    def ask_untried(self, count: int) -> bool:
        """Ask once more before `count` live writes never tried in test mode; True: go on."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Never tried in test mode", "", parent=self)
        box.setText(untried_question(count))
        box.setInformativeText(
            "Nothing is stopped: going on syncs them now. To try them first, cancel, switch to "
            "Test mode (Ctrl+2) and sync there."
        )
        go = box.addButton(f"{self._verb} anyway", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("Back to the plan", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        self.untried_box = box
        box.exec()
        self.untried_box = None
        return box.clickedButton() is go
