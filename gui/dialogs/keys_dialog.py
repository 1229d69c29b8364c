"""The Keys… dialog: one Stripe key per mode, checked with Stripe before it is saved.

It says where keys live (the keyring backend, in words), shows only `sk_test_…abcd`, refuses a key of
the other mode, asks Stripe which account a key belongs to and whether it may read and write products
and prices (off the GUI thread), and deletes a key after a confirmation. With no usable keyring it
shows a banner and keeps keys for this session only. `keys_changed(mode)` tells the window to reset
its client for that mode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import ConfigurationError
from core.keys.shape import KeyMode, check_key_mode
from core.keys.store import MODES, KeyStoreError, SecretStore
from core.runtime.applog import redact_keys
from core.workspace import AccountInfo, verify_key_with_stripe
from gui.dialogs.key_messages import describe_account, describe_check_error
from gui.dialogs.mode_key_box import ModeKeyBox
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

Verify = Callable[[KeyMode, str], AccountInfo]
Confirm = Callable[[QWidget, str, str], bool]

_BANNER_STYLE = (
    "QLabel { background: #fff4ce; color: #3d2e00; border: 1px solid #e0b000; "
    "border-radius: 4px; padding: 8px; }"
)


def ask_confirmation(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes/no question in a message box (No is the default)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class KeysDialog(QDialog):
    """Manage the test and live keys; emits `keys_changed(mode)` whenever a mode's key changes."""

    keys_changed = Signal(str)
    verification_finished = Signal(str, bool)  # mode, whether the key was saved
    keyring_checked = Signal()  # the keyring was looked at (again) off the GUI thread

    def __init__(
        self,
        store: SecretStore,
        parent: QWidget | None = None,
        *,
        verify: Verify | None = None,
        confirm: Confirm | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        """`verify` defaults to asking Stripe; `confirm` to a message box; `runner` to its own
        (the window passes its session's, so key checks never overlap its Stripe tasks)."""
        super().__init__(parent)
        self.setWindowTitle("API keys")
        self.setMinimumWidth(560)
        self.store = store
        self._verify: Verify = verify or verify_key_with_stripe
        self._confirm: Confirm = confirm or ask_confirmation
        self._runner = runner or TaskRunner(self)
        self._pending: dict[str, Task] = {}  # mode -> its key check
        self._checking_keyring = False

        self.backend_label = QLabel()
        self.backend_label.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setObjectName("sessionOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(_BANNER_STYLE)
        self.retry_button = QPushButton("Try the keyring again")
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self.retry_keyring)

        self.boxes: dict[str, ModeKeyBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.backend_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        for mode in MODES:
            box = ModeKeyBox(mode, self)
            box.save_button.clicked.connect(lambda _=False, m=mode: self.save_key(m))
            box.edit.returnPressed.connect(lambda m=mode: self.save_key(m))
            box.delete_button.clicked.connect(lambda _=False, m=mode: self.delete_key(m))
            self.boxes[mode] = box
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout.addStretch(1)
        layout.addWidget(buttons)
        if store.detected:
            self.refresh()
        else:
            # The first look at the keyring writes a probe entry: D-Bus, maybe an unlock prompt.
            self._check_keyring(self.store.detect)

    def _check_keyring(self, look: Callable[[], None]) -> None:
        self._checking_keyring = True
        self.backend_label.setText("Looking at the keyring…")
        for box in self.boxes.values():
            box.setEnabled(False)
        self.retry_button.setEnabled(False)
        task = Task(lambda _task: look(), name="look at the keyring")
        task.signals.finished.connect(self._keyring_looked_at)
        self._runner.start(task)

    def _keyring_looked_at(self) -> None:
        self._checking_keyring = False
        for box in self.boxes.values():
            box.setEnabled(True)
        self.retry_button.setEnabled(True)
        self.refresh()
        self._fit()
        self.keyring_checked.emit()

    # -- display --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the keyring situation and each mode's stored key (masked)."""
        if self._checking_keyring:
            return
        store = self.store
        if store.session_only:
            if store.status == "locked":
                where = f"{escape(store.backend_name)} is locked"
            elif store.status == "insecure":
                where = f"only {escape(store.backend_name)} was found"
            else:
                where = "no secure keyring was found"
            self.backend_label.setText(f"Keys cannot be saved on this computer: {where}.")
            self.banner.setText(f"<b>Session-only keys.</b> {escape(store.message)}")
        else:
            self.backend_label.setText(f"Keys are stored in: <b>{escape(store.backend_name)}</b>")
        self.banner.setVisible(store.session_only)
        self.retry_button.setVisible(store.session_only)
        for mode, box in self.boxes.items():
            box.show_stored(store)
            box.show_checking(mode in self._pending)

    # -- actions --------------------------------------------------------------------------------

    def save_key(self, mode: KeyMode) -> None:
        """Check the typed key's shape and mode now, then with Stripe in the background."""
        box = self.boxes[mode]
        if mode in self._pending:
            return
        key = box.edit.text().strip()
        if not key:
            box.show_status("Paste a key first.", error=True)
            return
        try:
            check_key_mode(key, mode)
        except ConfigurationError as err:
            box.show_status(str(err), error=True)
            return
        box.show_status("Checking the key with Stripe…")
        box.show_account("")
        box.show_checking(True)
        verify = self._verify
        task = Task(lambda _task: verify(mode, key), name=f"check the {mode} key")
        self._pending[mode] = task
        task.signals.succeeded.connect(lambda account: self._verified(mode, key, account))
        task.signals.failed.connect(lambda err: self._verification_failed(mode, err))
        task.signals.cancelled.connect(lambda: self._pending.pop(mode, None))
        self._runner.start(task)
        self._fit()

    @property
    def checking_keyring(self) -> bool:
        """Whether the keyring is being looked at (in the background)."""
        return self._checking_keyring

    @property
    def checking(self) -> bool:
        """Whether a key is being checked with Stripe."""
        return bool(self._pending)

    def reject(self) -> None:
        """Close; while a key is being checked, ask first (it is then not saved)."""
        if self._pending:
            question = (
                "A key is still being checked with Stripe. Stop checking and close? "
                "The key will not be saved."
            )
            if not self._confirm(self, "Stop checking the key?", question):
                return
        self.abandon()

    def abandon(self) -> None:
        """Close without asking: any key being checked is not saved (the window is closing)."""
        for task in self._pending.values():
            task.cancel()
        super().reject()

    def _verified(self, mode: KeyMode, key: str, account: AccountInfo) -> None:
        box = self.boxes[mode]
        task = self._pending.pop(mode, None)
        if task is not None and task.cancel_token.cancelled:
            log.info("%s key check finished after the dialog was closed: not saved", mode)
            return
        saved = False
        if account.id and account.livemode != (mode == "live"):
            box.show_status(
                f"Stripe says this key belongs to {'live' if account.livemode else 'test'} mode; "
                f"it cannot be used for {mode} mode.",
                error=True,
            )
        else:
            try:
                if self.store.session_only:
                    self.store.use_session_key(mode, key)
                    where = "Kept for this session only."
                else:
                    self.store.set(mode, key)
                    where = f"Saved in {self.store.backend_name}."
            except ConfigurationError as err:
                box.show_status(redact_keys(str(err)), error=True)
            else:
                saved = True
                box.edit.clear()
                box.show_account(describe_account(account))
                box.show_status(where)
                log.info("%s key saved (%s)", mode, self.store.masked(mode))
        self.refresh()
        self._fit()
        if saved:
            self.keys_changed.emit(mode)
        self.verification_finished.emit(mode, saved)

    def _verification_failed(self, mode: KeyMode, err: BaseException) -> None:
        self._pending.pop(mode, None)
        self.boxes[mode].show_status(describe_check_error(err), error=True)
        self.refresh()
        self._fit()
        self.verification_finished.emit(mode, False)

    def _fit(self) -> None:
        # A long error or the no-keyring notice wraps onto several lines: grow so none of it is
        # cut off. A wrapped label's size hint assumes its own width; ask for the height at ours.
        layout = self.layout()
        layout.activate()
        hint = self.sizeHint()
        width = max(hint.width(), self.width())
        height = hint.height()
        if layout.hasHeightForWidth():
            height = max(height, layout.totalHeightForWidth(width))
        if height > self.height() or width > self.width():
            self.resize(width, max(height, self.height()))

    def delete_key(self, mode: KeyMode) -> None:
        """Delete a mode's key after the operator confirms."""
        box = self.boxes[mode]
        masked = self.store.masked(mode)
        try:
            in_session = self.store.source(mode) == "session"
        except KeyStoreError as err:
            box.show_status(str(err), error=True)
            return
        where = "this session" if in_session else self.store.backend_name
        question = (
            f"Delete the {mode} key {masked} from {where}? The tool cannot reach Stripe in {mode} "
            "mode until you add a key again."
        )
        if not self._confirm(self, f"Delete the {mode} key?", question):
            return
        try:
            self.store.delete(mode)
        except ConfigurationError as err:
            box.show_status(str(err), error=True)
            return
        box.show_account("")
        box.show_status(f"The {mode} key was deleted.")
        self.refresh()
        self.keys_changed.emit(mode)

    def retry_keyring(self) -> None:
        """Look at the keyring again (after the operator unlocked or installed one), off the GUI
        thread; `keyring_checked` fires when done."""
        self._check_keyring(self.store.refresh)
