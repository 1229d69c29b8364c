"""One mode's key box: the stored key (masked) and where it comes from, and the result line."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from core.keys.store import SecretStore
from gui.dialogs.mode_key_box import ModeKeyBox
from tests.keyring_fakes import MemoryKeyring

TEST_KEY = "sk_test_FakeAbCdEfGhIjKlMnOpQrStUv1111"


def _box(qtbot: QtBot) -> ModeKeyBox:
    box = ModeKeyBox("test")
    qtbot.addWidget(box)
    return box


def test_a_saved_key_shows_masked_with_where_it_is(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={})
    store.set("test", TEST_KEY)
    box = _box(qtbot)
    box.show_stored(store)
    assert box.current.text().startswith(f"Stored key: {store.masked('test')} — saved in ")
    assert TEST_KEY not in box.current.text()
    assert box.delete_button.isEnabled()
    assert box.save_button.text() == "Check and save"


def test_no_key_cannot_be_deleted(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={})
    box = _box(qtbot)
    box.show_stored(store)
    assert not box.delete_button.isEnabled()


def test_checking_locks_the_field_and_status_lines_show_and_hide(qtbot: QtBot) -> None:
    box = _box(qtbot)
    box.show_checking(True)
    assert not box.edit.isEnabled() and not box.save_button.isEnabled()
    box.show_checking(False)
    assert box.edit.isEnabled() and box.save_button.isEnabled()
    box.show_status("Paste a key first.", error=True)
    assert not box.status.isHidden() and "b00020" in box.status.styleSheet()
    box.show_status("")
    assert box.status.isHidden()
    box.show_account("Account: acct_1")
    assert not box.account.isHidden()
    box.show_account("")
    assert box.account.isHidden()
