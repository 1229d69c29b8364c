"""The Edit tab: one catalog product's fields as the maker types them — name, description, sell
status, dev status, the live flag, the base price, the optional Stripe fields the catalog owns
(`gui.widgets.optional_field_inputs`), and each variant's type, value and price.

Money is typed as makers write it (12.50, 12,50, $12.50) in the catalog currency. Every change is
checked by the workspace itself (a dry run with the import's own row rules, requested through
`check_wanted` after a short pause in typing); a refused value's message shows under its field
and Save stays disabled until everything passes. Save hands the changed fields, as calls checked
against the row as it was loaded, to `save_requested`; nothing here talks to core.

An unsaved edit is kept when another product is selected (its draft comes back with it), and a
product's reloaded row never overwrites what is being typed: the save checks the row as it was
loaded, so another writer's change shows as a conflict instead of being lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.workspace import CatalogRecord, ChangedField, ProductRow
from gui.session_types import EditCall, EditCheck
from gui.widgets.edit_fields import FieldInput, Key, field_texts
from gui.widgets.optional_field_inputs import OPTIONAL_LABELS, make_input, optional_texts

CHECK_DELAY_MS = 250  # a pause in typing this long asks for a check
PRODUCT_LABELS = {
    "name": "Name",
    "description": "Description",
    "sell_status": "Sell status",
    "dev_status": "Dev status (0–5)",
    "is_live": "Live",
    "base_price": "Base price",
}
VARIANT_LABELS = {"variant_type": "Type", "variant_value": "Value", "price": "Price"}
ERROR_STYLE = "color:#d32f2f"


@dataclass
class _Draft:
    record: CatalogRecord
    currency: str
    owned: tuple[str, ...]
    texts: dict[Key, str]


class EditForm(QWidget):
    """The Edit tab (see the module docstring)."""

    check_wanted = Signal(str, object, int)  # product id, list[EditCall], token
    save_requested = Signal(str, object)  # product id, list[EditCall]
    draft_kept = Signal(str)  # a product whose unsaved edit is kept while another is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Edit the product")
        self.product_id: str | None = None
        self._record: CatalogRecord | None = None
        self._currency = "usd"
        self._owned: tuple[str, ...] = ()  # the optional fields the catalog owns
        self._loaded: dict[Key, str] = {}
        self._inputs: dict[Key, FieldInput] = {}
        self._errors: dict[Key, QLabel] = {}
        self._drafts: dict[str, _Draft] = {}
        self._token = 0
        self._checked = True
        self._problems: dict[Key, str] = {}
        self._busy = False
        self._saving = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self._ask_check)

        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.note = QLabel(
            "Saved in the catalog only: the table then shows the change, and a sync sends it "
            "to Stripe.",
            self,
        )
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:gray")
        self.state = QLabel(self)
        self.discard_button = QPushButton("Discard changes", self)
        self.discard_button.clicked.connect(self.discard)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self._empty("Select one product to edit it.")

    # -- what is shown --------------------------------------------------------------------------

    def show_product(self, row: ProductRow | None) -> None:
        """Follow the selection: another product keeps this one's unsaved edit as a draft and
        waits for its catalog row (`set_record`)."""
        pid = row.product_id if row is not None else None
        if pid == self.product_id and self._record is not None:
            return
        self._keep_draft()
        self.product_id = pid
        if row is None:
            self._empty("Select one product to edit it.")
        elif not row.has_local:
            self._empty("This product is only in Stripe: there is no catalog row to edit.")
        else:
            self._empty("Loading…", title=row.name or row.product_id)

    def set_record(
        self,
        record: CatalogRecord,
        currency: str,
        *,
        owned: Sequence[str] = (),
        force: bool = False,
    ) -> None:
        """Show the catalog row (from the detail load), with an input for each optional field in
        `owned`. While this product is being edited its typed values stay; `force` (after a save,
        or Discard) shows the row as it is now."""
        if record.id != self.product_id:
            return
        if self._record is not None and self.dirty and not force:
            return
        draft = None if force else self._drafts.get(record.id)
        self._drafts.pop(record.id, None)
        if draft is not None:
            record, currency, owned = draft.record, draft.currency, draft.owned
        self._build(record, currency, tuple(owned))
        if draft is not None:
            for key, text in draft.texts.items():
                if key in self._inputs:
                    self._inputs[key].set_text(text)
        self._changed()

    def focus_field(self, name: str, variant_id: str | None = None) -> None:
        """Put the cursor in one field (double-click or F2 on a table cell)."""
        field = self._inputs.get((variant_id, name))
        if field is not None:
            field.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(field.widget, QLineEdit):
                field.widget.selectAll()

    def field(self, name: str, variant_id: str | None = None) -> QWidget | None:
        """The widget of one field (None: not shown)."""
        found = self._inputs.get((variant_id, name))
        return found.widget if found is not None else None

    def error_text(self, name: str, variant_id: str | None = None) -> str:
        """The message under a field ("" when it passes)."""
        label = self._errors.get((variant_id, name))
        return label.text() if label is not None and not label.isHidden() else ""

    @property
    def record(self) -> CatalogRecord | None:
        """The catalog row as it was loaded (what a save is checked against)."""
        return self._record

    @property
    def dirty(self) -> bool:
        """Whether some field differs from the row as it was loaded."""
        return any(self._inputs[k].text() != t for k, t in self._loaded.items())

    @property
    def has_drafts(self) -> bool:
        """Whether an unsaved edit of another product is kept."""
        return bool(self._drafts)

    def calls(self) -> list[EditCall]:
        """The changed fields as `Workspace.edit` calls: the product's own first, then each
        variant's, each checked against the row as it was loaded."""
        if self._record is None:
            return []
        units: dict[str | None, dict[str, str]] = {}
        for key, loaded in self._loaded.items():
            text = self._inputs[key].text()
            if text != loaded:
                units.setdefault(key[0], {})[key[1]] = text
        variants = {str(v["id"]): dict(v) for v in self._record.variants}
        out = []
        if None in units:
            out.append(EditCall(None, units.pop(None), dict(self._record.product)))
        for vid, changes in units.items():
            assert vid is not None
            out.append(EditCall(vid, changes, variants.get(vid)))
        return out

    # -- results --------------------------------------------------------------------------------

    def show_check(self, check: EditCheck) -> None:
        """A dry run's answer: each problem under its field (an old answer is ignored)."""
        if check.product_id != self.product_id or check.token != self._token:
            return
        self._checked = True
        self.show_problems(check.problems)
        if check.error is not None:
            self._say(f"The edit could not be checked: {check.error}")

    def show_problems(self, problems: dict[Key, str]) -> None:
        """Show each problem under its field; ones no field shows go above the form."""
        self._problems = dict(problems)
        for key, label in self._errors.items():
            message = problems.get(key)
            label.setText(_sentence(self._label(key), message) if message else "")
            label.setVisible(bool(message))
        loose = [f"{k[1]}: {m}" for k, m in problems.items() if k not in self._errors]
        self._say("; ".join(loose))
        self._update()

    def set_busy(self, busy: bool) -> None:
        """While the window works, Save waits (the save would queue behind the work)."""
        self._busy = busy
        self._update()

    def save_failed(self) -> None:
        """The save was refused (its problems or a conflict are shown elsewhere)."""
        self._saving = False
        self._update()

    def saved(self, changed: Sequence[ChangedField]) -> None:
        """The save went through: what it changed is now the row the next save is checked
        against (until the row read again replaces the form's values)."""
        self._saving = False
        if self._record is not None:
            product = dict(self._record.product)
            variants = [dict(v) for v in self._record.variants]
            for c in changed:
                target = product
                if c.variant_id is not None:
                    target = next((v for v in variants if str(v["id"]) == c.variant_id), {})
                target[c.field] = c.after
            self._record = CatalogRecord(product, tuple(variants))
            self._loaded = {k: w.text() for k, w in self._inputs.items()}
        self._changed()

    def discard(self) -> None:
        """Put back the values as they were loaded."""
        for key, text in self._loaded.items():
            self._inputs[key].set_text(text)
        if self.product_id is not None:
            self._drafts.pop(self.product_id, None)
        self._changed()

    # -- inside ---------------------------------------------------------------------------------

    def _keep_draft(self) -> None:
        if self._record is not None and self.product_id is not None and self.dirty:
            texts = {k: w.text() for k, w in self._inputs.items()}
            self._drafts[self.product_id] = _Draft(self._record, self._currency, self._owned, texts)
            self.draft_kept.emit(self.product_id)

    def _empty(self, text: str, *, title: str = "") -> None:
        self._timer.stop()
        self._record = None
        self._loaded, self._inputs, self._errors, self._problems = {}, {}, {}, {}
        self.title.setText(f"<b>{title}</b>" if title else "")
        label = QLabel(text)
        label.setStyleSheet("color:gray")
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setWordWrap(True)
        self.scroll.setWidget(label)
        self._say("")
        self.state.setText("")
        self._update()

    def _build(self, record: CatalogRecord, currency: str, owned: tuple[str, ...]) -> None:
        self._record, self._currency, self._owned = record, currency, owned
        texts = field_texts(record, currency) | optional_texts(record, owned)
        self._inputs, self._errors, self._problems = {}, {}, {}
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._grid(page, None, PRODUCT_LABELS, texts))
        if owned:
            box = QGroupBox("Stripe fields the catalog owns", page)
            labels = {n: label for n, label in OPTIONAL_LABELS.items() if n in owned}
            box.setLayout(self._grid(box, None, labels, texts))
            column.addWidget(box)
        for v in record.variants:
            vid = str(v["id"])
            box = QGroupBox(f"Variant {v.get('variant_value') or vid}", page)
            box.setLayout(self._grid(box, vid, VARIANT_LABELS, texts))
            column.addWidget(box)
        column.addStretch(1)
        self.scroll.setWidget(page)
        name = record.product.get("name") or record.id
        self.title.setText(f"<b>{name}</b> <code>{record.id}</code> · prices in {currency.upper()}")
        self._loaded = {k: w.text() for k, w in self._inputs.items()}
        self._say("")

    def _grid(
        self, parent: QWidget, vid: str | None, labels: dict[str, str], texts: dict[Key, str]
    ) -> QGridLayout:
        grid = QGridLayout()
        grid.setVerticalSpacing(2)
        for i, (name, label) in enumerate(labels.items()):
            key = (vid, name)
            field = make_input(name, texts.get(key, ""), parent)
            field.widget.setObjectName(f"edit-{vid or 'product'}-{name}")
            field.widget.setAccessibleName(label if vid is None else f"Variant {vid} {label}")
            field.on_change(self._changed)
            error = QLabel(parent)
            error.setWordWrap(True)
            error.setStyleSheet(ERROR_STYLE)
            error.hide()
            caption = QLabel(label, parent)
            caption.setBuddy(field.widget)
            grid.addWidget(caption, 2 * i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(field.widget, 2 * i, 1)
            grid.addWidget(error, 2 * i + 1, 1)
            self._inputs[key], self._errors[key] = field, error
        grid.setColumnStretch(1, 1)
        return grid

    def _label(self, key: Key) -> str:
        labels = PRODUCT_LABELS | OPTIONAL_LABELS if key[0] is None else VARIANT_LABELS
        return labels.get(key[1], key[1])

    def _changed(self) -> None:
        self._token += 1
        if self.dirty and self.product_id is not None:
            self._checked = False
            self._timer.start()
        else:
            self._timer.stop()
            self._checked = True
            self.show_problems({})
        self._update()

    def _ask_check(self) -> None:
        if self.product_id is not None and self.dirty:
            self.check_wanted.emit(self.product_id, self.calls(), self._token)

    def _save(self) -> None:
        if not self.save_button.isEnabled() or self.product_id is None:
            return
        self._saving = True
        self._update()
        self.save_requested.emit(self.product_id, self.calls())

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update(self) -> None:
        dirty = self._record is not None and self.dirty
        ok = dirty and self._checked and not self._problems
        self.save_button.setEnabled(ok and not self._busy and not self._saving)
        self.discard_button.setEnabled(dirty and not self._saving)
        if self._record is None:
            state = ""
        elif self._saving:
            state = "Saving…"
        elif not dirty:
            state = "No changes."
        elif not self._checked:
            state = "Checking…"
        elif self._problems:
            state = "Correct the values marked in red to save."
        else:
            state = "Ready to save."
        self.state.setText(state)


def _sentence(label: str, message: str) -> str:
    return f"{label.split(' (')[0]} {message}."
