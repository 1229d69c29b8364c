"""The Keys… dialog, driven through its widgets: masked keys, refusals, saving, deleting, and the
session-only banner when no keyring works.

Verification is injected: a recording fake here, the real `verify_key_with_stripe` against the local
sandbox in the tests at the end.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from collections.abc import Callable, Iterator

import keyring.backends.fail
import keyring.errors
import pytest
from pytestqt.qtbot import QtBot

from core.engine.types import AccountInfo
from core.errors import StripeAuthError, StripePermissionError
from core.keys.shape import KeyMode
from core.keys.store import MODES, SecretStore
from core.sandbox import SandboxServer
from gui.dialogs.keys_dialog import KeysDialog, verify_key_with_stripe
from tests.fake_keys import fake_key
from tests.keyring_fakes import LockedKeyring, MemoryKeyring

TEST_KEY = "sk_test_FakeAbCdEfGhIjKlMnOpQrStUv1111"
LIVE_KEY = fake_key("sk", "live", "FakeAbCdEfGhIjKlMnOpQrStUv9999")
SHOP = AccountInfo(id="acct_1Shop", name="Maker Shop", livemode=False)


class RecordingVerify:
    """Answers like Stripe would for the key it is given, and records where it ran."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, str]] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, mode: KeyMode, key: str) -> AccountInfo:
        self.calls.append((mode, key))
        self.threads.append(threading.current_thread())
        if self.error is not None:
            raise self.error
        return AccountInfo(id=SHOP.id, name=SHOP.name, livemode=mode == "live")


def _dialog(
    qtbot: QtBot,
    store: SecretStore,
    verify: Callable[[KeyMode, str], AccountInfo] | None = None,
    confirm: bool = True,
) -> KeysDialog:
    dialog = KeysDialog(
        store,
        verify=verify or RecordingVerify(),
        confirm=lambda _parent, _title, _text: confirm,
    )
    qtbot.addWidget(dialog)
    _wait_for_the_keyring(qtbot, dialog)
    return dialog


def _wait_for_the_keyring(qtbot: QtBot, dialog: KeysDialog) -> None:
    """The dialog looks at a keyring nobody looked at yet in the background."""
    qtbot.waitUntil(lambda: not dialog.checking_keyring, timeout=5000)


def _save(qtbot: QtBot, dialog: KeysDialog, mode: KeyMode, key: str) -> bool:
    box = dialog.boxes[mode]
    box.edit.setText(key)
    with qtbot.waitSignal(dialog.verification_finished, timeout=10_000) as blocker:
        box.save_button.click()
    assert blocker.args is not None
    return bool(blocker.args[1])


def test_it_says_where_keys_live_and_shows_them_masked(qtbot: QtBot) -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set("test", TEST_KEY)
    dialog = _dialog(qtbot, store)

    assert "Keys are stored in" in dialog.backend_label.text()
    assert store.backend_name in dialog.backend_label.text()
    assert dialog.banner.isHidden()
    test_box, live_box = dialog.boxes["test"], dialog.boxes["live"]
    assert "sk_test_…1111" in test_box.current.text()
    assert TEST_KEY not in test_box.current.text()
    assert "(no key)" in live_box.current.text()
    assert test_box.delete_button.isEnabled()
    assert not live_box.delete_button.isEnabled()
    assert test_box.edit.echoMode() == test_box.edit.EchoMode.Password


@pytest.mark.parametrize(
    ("mode", "key", "other"), [("test", LIVE_KEY, "live"), ("live", TEST_KEY, "test")]
)
def test_a_key_of_the_other_mode_is_refused_before_any_call(
    qtbot: QtBot, mode: KeyMode, key: str, other: str
) -> None:
    store = SecretStore(backend=MemoryKeyring())
    verify = RecordingVerify()
    dialog = _dialog(qtbot, store, verify)
    box = dialog.boxes[mode]

    with qtbot.assertNotEmitted(dialog.keys_changed):
        box.edit.setText(key)
        box.save_button.click()

    assert f"is a {other}-mode key, but {mode} mode needs a {mode} key" in box.status.text()
    assert key not in box.status.text()
    assert verify.calls == []
    assert store.get(mode) is None


def test_an_empty_field_asks_for_a_key(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, SecretStore(backend=MemoryKeyring()))
    dialog.boxes["test"].save_button.click()
    assert dialog.boxes["test"].status.text() == "Paste a key first."


def test_a_good_key_is_checked_off_the_gui_thread_then_saved(qtbot: QtBot) -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    verify = RecordingVerify()
    dialog = _dialog(qtbot, store, verify)

    with qtbot.waitSignal(dialog.keys_changed, timeout=10_000) as changed:
        saved = _save(qtbot, dialog, "test", f" {TEST_KEY}\n")

    assert saved
    assert changed.args == ["test"]
    assert verify.calls == [("test", TEST_KEY)]
    assert verify.threads[0] is not threading.main_thread()
    assert store.get("test") == TEST_KEY
    assert backend.entries[("stripe-sync-admin", "stripe:test")] == TEST_KEY
    box = dialog.boxes["test"]
    assert box.account.text() == "Account: Maker Shop (acct_1Shop)"
    assert f"Saved in {store.backend_name}." == box.status.text()
    assert box.edit.text() == ""
    assert "sk_test_…1111" in box.current.text()
    assert box.save_button.isEnabled()


def test_the_live_key_goes_to_the_live_slot(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    dialog = _dialog(qtbot, store)
    assert _save(qtbot, dialog, "live", LIVE_KEY)
    assert store.get("live") == LIVE_KEY
    assert store.get("test") is None
    assert "sk_live_…9999" in dialog.boxes["live"].current.text()


def test_a_key_missing_a_permission_is_reported_with_the_permission(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    refusal = StripePermissionError(
        "The key rk_test_…pric may not list prices: it lacks the 'rak_plan_read' permission.",
        hint="Give the restricted key the 'rak_plan_read' permission in the Stripe Dashboard.",
    )
    dialog = _dialog(qtbot, store, RecordingVerify(refusal))

    with qtbot.assertNotEmitted(dialog.keys_changed):
        saved = _save(qtbot, dialog, "test", "rk_test_51noprices0000pric")

    assert not saved
    status = dialog.boxes["test"].status.text()
    # Named as the Dashboard's restricted-key page does, with Stripe's id beside it.
    assert "lacks the 'Prices: Read' (rak_plan_read) permission" in status
    assert store.get("test") is None
    assert dialog.boxes["test"].edit.isEnabled()


def test_a_refused_key_is_not_saved(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    refusal = StripeAuthError(
        "Stripe refused the API key sk_test_…1111 (wrong, revoked or expired)."
    )
    dialog = _dialog(qtbot, store, RecordingVerify(refusal))

    assert not _save(qtbot, dialog, "test", TEST_KEY)
    assert "Stripe refused the API key" in dialog.boxes["test"].status.text()
    assert store.get("test") is None


def test_an_unexpected_error_is_shown_without_the_key(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    dialog = _dialog(qtbot, store, RecordingVerify(RuntimeError(f"boom with {TEST_KEY}")))

    assert not _save(qtbot, dialog, "test", TEST_KEY)
    status = dialog.boxes["test"].status.text()
    assert "Could not check the key: RuntimeError" in status
    assert TEST_KEY not in status


def test_delete_asks_first(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    store.set("test", TEST_KEY)

    declined = _dialog(qtbot, store, confirm=False)
    with qtbot.assertNotEmitted(declined.keys_changed):
        declined.boxes["test"].delete_button.click()
    assert store.get("test") == TEST_KEY

    dialog = _dialog(qtbot, store, confirm=True)
    with qtbot.waitSignal(dialog.keys_changed) as changed:
        dialog.boxes["test"].delete_button.click()
    assert changed.args == ["test"]
    assert store.get("test") is None
    assert "(no key)" in dialog.boxes["test"].current.text()
    assert not dialog.boxes["test"].delete_button.isEnabled()


def test_the_confirmation_names_the_masked_key(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    store.set("live", LIVE_KEY)
    questions: list[str] = []

    def confirm(_parent: object, _title: str, text: str) -> bool:
        questions.append(text)
        return False

    dialog = KeysDialog(store, verify=RecordingVerify(), confirm=confirm)
    qtbot.addWidget(dialog)
    _wait_for_the_keyring(qtbot, dialog)
    dialog.boxes["live"].delete_button.click()

    assert len(questions) == 1
    assert "sk_live_…9999" in questions[0]
    assert LIVE_KEY not in questions[0]


def test_no_keyring_shows_a_banner_and_keeps_keys_for_the_session(qtbot: QtBot) -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring())
    dialog = _dialog(qtbot, store)

    assert not dialog.banner.isHidden()
    assert "Session-only keys" in dialog.banner.text()
    assert "No secure keyring is available" in dialog.banner.text()
    assert "GNOME Keyring or KWallet" in dialog.banner.text()
    box = dialog.boxes["test"]
    assert box.save_button.text() == "Use for this session"

    assert _save(qtbot, dialog, "test", TEST_KEY)

    assert store.get("test") == TEST_KEY
    assert store.source("test") == "session"
    assert "for this session only" in box.current.text()
    assert box.status.text() == "Kept for this session only."
    assert not dialog.banner.isHidden()


def test_a_locked_keyring_says_unlock_and_try_again(qtbot: QtBot) -> None:
    backend = LockedKeyring()
    store = SecretStore(backend=backend)
    dialog = _dialog(qtbot, store)

    assert "Your keyring is locked: unlock" in dialog.banner.text()
    assert not dialog.retry_button.isHidden()

    backend.locked = False
    with qtbot.waitSignal(dialog.keyring_checked, timeout=5000):
        dialog.retry_button.click()  # looked at again off the GUI thread

    assert dialog.banner.isHidden()
    assert dialog.boxes["test"].save_button.text() == "Check and save"
    assert _save(qtbot, dialog, "test", TEST_KEY)
    assert backend.entries[("stripe-sync-admin", "stripe:test")] == TEST_KEY


def test_a_keyring_that_locks_after_startup_is_reported_in_plain_words(qtbot: QtBot) -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set("test", TEST_KEY)

    def locked(service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the item!")

    backend.get_password = locked  # type: ignore[method-assign]
    dialog = _dialog(qtbot, store)

    box = dialog.boxes["test"]
    assert "could not be read" in box.current.text()
    assert "Your keyring is locked: unlock" in box.status.text()
    assert not box.delete_button.isEnabled()


def test_an_environment_key_is_shown_but_cannot_be_deleted_here(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={"STRIPE_SECRET_KEY": LIVE_KEY})
    dialog = _dialog(qtbot, store)

    box = dialog.boxes["live"]
    assert "sk_live_…9999" in box.current.text()
    assert "STRIPE_SECRET_KEY" in box.current.text()
    assert not box.delete_button.isEnabled()


def test_a_long_error_is_shown_whole(qtbot: QtBot) -> None:
    refusal = StripePermissionError(
        "The key rk_test_…pric may not list prices: it lacks the 'rak_plan_read' permission.",
        hint="Give the restricted key the 'rak_plan_read' permission in the Stripe Dashboard "
        "(Developers → API keys), or use a secret key.",
        request_id="req_FquWiFEtn8kvry",
    )
    dialog = _dialog(qtbot, SecretStore(backend=keyring.backends.fail.Keyring()))
    dialog._verify = RecordingVerify(refusal)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not _save(qtbot, dialog, "test", "rk_test_51noprices0000pric")
    status = dialog.boxes["test"].status
    assert "req_FquWiFEtn8kvry" in status.text()
    # Once laid out, the label has the height its wrapped text needs: nothing is cut off.
    qtbot.waitUntil(lambda: status.height() >= status.heightForWidth(status.width()), timeout=2000)


def test_with_no_keyring_the_notice_and_both_modes_fit_when_it_opens(qtbot: QtBot) -> None:
    # The keyring is looked at first (no keyring found: a long notice appears): the dialog grows
    # to hold it, instead of opening at its first size with the notice and the key fields cut.
    store = SecretStore(backend=keyring.backends.fail.Keyring())
    dialog = KeysDialog(store, verify=RecordingVerify(), confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.keyring_checked, timeout=5000):
        dialog.show()
    qtbot.waitExposed(dialog)
    banner = dialog.banner
    qtbot.waitUntil(lambda: banner.height() >= banner.heightForWidth(banner.width()), timeout=2000)
    for box in dialog.boxes.values():
        assert box.edit.height() >= box.edit.sizeHint().height()
        assert box.geometry().bottom() < dialog.height()


def test_the_keyring_is_first_looked_at_off_the_gui_thread(qtbot: QtBot) -> None:
    threads: list[threading.Thread] = []

    class Watched(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            threads.append(threading.current_thread())  # the probe entry
            super().set_password(service, username, password)

    store = SecretStore(backend=Watched())
    dialog = KeysDialog(store, verify=RecordingVerify(), confirm=lambda *_: True)
    qtbot.addWidget(dialog)
    assert dialog.checking_keyring and "Looking at the keyring" in dialog.backend_label.text()
    with qtbot.waitSignal(dialog.keyring_checked, timeout=5000):
        pass
    assert threads and threading.main_thread() not in threads
    assert "Keys are stored in" in dialog.backend_label.text()


def test_closing_while_a_key_is_checked_asks_and_then_does_not_save_it(qtbot: QtBot) -> None:
    store = SecretStore(backend=MemoryKeyring())
    store.set("test", TEST_KEY)
    gate = threading.Event()
    answers = [False, True]
    asked: list[str] = []

    def slow_verify(mode: KeyMode, key: str) -> AccountInfo:
        gate.wait(5)
        return SHOP

    def confirm(_parent: object, title: str, _text: str) -> bool:
        asked.append(title)
        return answers.pop(0)

    dialog = KeysDialog(store, verify=slow_verify, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    new_key = "sk_test_51NewKeyNewKeyNewKey2222"
    dialog.boxes["test"].edit.setText(new_key)
    dialog.boxes["test"].save_button.click()
    assert dialog.checking
    dialog.reject()  # the operator says No: the dialog stays
    assert asked == ["Stop checking the key?"] and dialog.isVisible()
    with qtbot.assertNotEmitted(dialog.keys_changed, wait=100):
        dialog.reject()  # Yes: closes; the answer that comes back is not saved
        assert not dialog.isVisible()
        gate.set()
        qtbot.waitUntil(lambda: not dialog.checking, timeout=5000)
    assert store.get("test") == TEST_KEY


# --- The real verification, against the local Stripe sandbox ----------------------------------


# A sandbox on loopback and the dialog's real verification pointed at it.
SandboxVerify = tuple[SandboxServer, Callable[[KeyMode, str], AccountInfo]]


@pytest.fixture
def sandbox_verify() -> Iterator[SandboxVerify]:
    """The dialog's default verification, pointed at a sandbox on loopback."""
    with SandboxServer(port=0) as server:
        yield server, functools.partial(verify_key_with_stripe, api_base=server.url)


@pytest.mark.parametrize(
    ("mode", "key"),
    [
        ("test", "sk_test_FakeSandboxSecretKey0000abcd"),
        ("live", fake_key("sk", "live", "FakeSandboxSecretKey0000abcd")),
        ("test", "rk_test_FakeSandboxFullRestricted00wxyz"),
    ],
)
def test_sandbox_a_working_key_is_saved_with_its_account(
    qtbot: QtBot,
    sandbox_verify: SandboxVerify,
    mode: KeyMode,
    key: str,
) -> None:
    server, verify = sandbox_verify
    store = SecretStore(backend=MemoryKeyring())
    dialog = _dialog(qtbot, store, verify)

    assert _save(qtbot, dialog, mode, key), dialog.boxes[mode].status.text()

    assert store.get(mode) == key
    assert dialog.boxes[mode].account.text() == "Account: Sandbox Shop (acct_1SandboxShop00)"
    assert server.writes() == []  # the permission checks change nothing in Stripe
    assert server.request_log  # but Stripe was asked


@pytest.mark.parametrize(
    ("key", "permission"),
    [
        ("rk_test_51readonlyKey000000abcd", "'Products: Write' (rak_product_write)"),
        ("rk_test_51nopricesKey000000abcd", "'Prices: Read' (rak_plan_read)"),
    ],
)
def test_sandbox_a_restricted_key_without_a_permission_is_refused_naming_it(
    qtbot: QtBot,
    sandbox_verify: SandboxVerify,
    key: str,
    permission: str,
) -> None:
    server, verify = sandbox_verify
    store = SecretStore(backend=MemoryKeyring())
    dialog = _dialog(qtbot, store, verify)

    with qtbot.assertNotEmitted(dialog.keys_changed):
        assert not _save(qtbot, dialog, "test", key)

    status = dialog.boxes["test"].status.text()
    assert f"lacks the {permission} permission" in status
    assert key not in status
    assert store.get("test") is None
    assert server.writes() == []


def test_sandbox_verification_returns_the_account(
    sandbox_verify: SandboxVerify,
) -> None:
    _server, verify = sandbox_verify
    account = verify("live", fake_key("sk", "live", "FakeSandboxSecretKey0000abcd"))
    assert account == AccountInfo(id="acct_1SandboxShop00", name="Sandbox Shop", livemode=True)


# --- The whole path: real Secret Service, real verification against the sandbox ---------------


@pytest.fixture
def secret_service_store() -> Iterator[SecretStore]:
    """A store on the session's Secret Service under a unique service name, emptied afterwards.

    Skips without a usable Secret Service unless STRIPE_SYNC_REQUIRE_SERVICES=1 (CI), then fails.
    """
    required = os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1"
    store: SecretStore | None = None
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        from keyring.backends import SecretService

        store = SecretStore(
            service=f"stripe-sync-admin-test-{uuid.uuid4().hex}", backend=SecretService.Keyring()
        )
    if store is None or store.status != "ok":
        reason = store.message if store else "no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset)"
        if required:
            pytest.fail(f"STRIPE_SYNC_REQUIRE_SERVICES=1 but no usable Secret Service: {reason}")
        pytest.skip(f"no usable Secret Service: {reason}")
    yield store
    for mode in MODES:
        store.delete(mode)


@pytest.mark.keyring
def test_keyring_save_replace_and_delete_through_the_dialog(
    qtbot: QtBot,
    secret_service_store: SecretStore,
    sandbox_verify: SandboxVerify,
) -> None:
    _server, verify = sandbox_verify
    store = secret_service_store
    dialog = _dialog(qtbot, store, verify)
    assert "Secret Service" in dialog.backend_label.text()
    assert dialog.banner.isHidden()

    assert _save(qtbot, dialog, "live", LIVE_KEY)
    assert _save(qtbot, dialog, "test", TEST_KEY)
    assert _save(qtbot, dialog, "test", "rk_test_FakeSandboxFullRestricted00wxyz")

    from keyring.backends import SecretService

    again = SecretStore(service=store.service, backend=SecretService.Keyring())  # a later start
    assert again.get("test") == "rk_test_FakeSandboxFullRestricted00wxyz"
    assert again.get("live") == LIVE_KEY
    assert "rk_test_…wxyz" in dialog.boxes["test"].current.text()

    dialog.boxes["live"].delete_button.click()
    assert again.get("live") is None
    assert again.get("test") == "rk_test_FakeSandboxFullRestricted00wxyz"
