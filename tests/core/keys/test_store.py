"""SecretStore: keys per mode in the keyring, honest messages when none works, session-only keys.

Most tests use small in-memory backends; those marked `keyring` use the real Secret Service of the
D-Bus session (gnome-keyring in CI) and skip without one, unless STRIPE_SYNC_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backends import SecretService
from keyring.backends.chainer import ChainerBackend

from core.errors import ConfigurationError, KeyModeMismatchError
from core.keys.store import (
    KeyringLockedError,
    KeyringUnavailableError,
    KeyringWriteError,
    KeyStoreError,
    SecretStore,
    user_name,
)
from tests.fake_keys import fake_key
from tests.keyring_fakes import LockedKeyring, MemoryKeyring

TEST_KEY = "sk_test_FakeAbCdEfGhIjKlMnOpQrStUv1111"
TEST_KEY_2 = "rk_test_FakeZyXwVuTsRqPoNmLkJiHgFe2222"
LIVE_KEY = fake_key("sk", "live", "FakeAbCdEfGhIjKlMnOpQrStUv9999")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend: works, but priority below 1."""

    priority = 0.5  # type: ignore[assignment]


def test_keys_are_stored_per_mode_under_the_service_name() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)

    store.set("test", TEST_KEY)
    store.set("live", LIVE_KEY)

    assert store.status == "ok"
    assert not store.session_only
    assert backend.entries == {
        ("stripe-sync-admin", "stripe:test"): TEST_KEY,
        ("stripe-sync-admin", "stripe:live"): LIVE_KEY,
    }
    assert store.get("test") == TEST_KEY
    assert store.get("live") == LIVE_KEY
    assert store.source("test") == "keyring"
    assert store.masked("test") == "sk_test_…1111"
    assert store.masked("live") == "sk_live_…9999"


def test_detection_leaves_no_probe_entry_behind() -> None:
    backend = MemoryKeyring()
    SecretStore(backend=backend)
    assert backend.entries == {}


def test_replace_and_delete_a_key() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set("test", TEST_KEY)

    store.set("test", f"  {TEST_KEY_2}\n")  # pasted with whitespace
    assert store.get("test") == TEST_KEY_2

    store.delete("test")
    assert store.get("test") is None
    assert store.masked("test") == "(no key)"
    store.delete("test")  # deleting nothing is not an error
    assert backend.entries == {}


@pytest.mark.parametrize(
    ("mode", "key", "wrong"),
    [("test", LIVE_KEY, "live"), ("live", TEST_KEY, "test")],
)
def test_a_key_for_the_other_mode_is_refused(mode: str, key: str, wrong: str) -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)

    with pytest.raises(KeyModeMismatchError) as caught:
        store.set(mode, key)  # type: ignore[arg-type]

    message = str(caught.value)
    assert f"is a {wrong}-mode key, but {mode} mode needs a {mode} key" in message
    assert key not in message
    assert backend.entries == {}


def test_a_malformed_key_is_refused_without_echoing_it() -> None:
    store = SecretStore(backend=MemoryKeyring())
    with pytest.raises(ConfigurationError) as caught:
        store.set("test", "sk_test_short")
    assert "sk_test_short" not in str(caught.value)


def test_no_keyring_says_what_to_install_and_offers_session_keys() -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring())

    assert store.status == "none"
    assert store.session_only
    assert store.message.startswith("No secure keyring is available.")
    assert "GNOME Keyring or KWallet" in store.message
    assert "this session only" in store.message
    with pytest.raises(KeyringUnavailableError):
        store.set("test", TEST_KEY)
    assert store.get("test") is None

    store.use_session_key("test", TEST_KEY)
    assert store.get("test") == TEST_KEY
    assert store.source("test") == "session"
    assert store.masked("test") == "sk_test_…1111"
    store.delete("test")
    assert store.get("test") is None


def test_session_keys_are_checked_for_their_mode_too() -> None:
    store = SecretStore(backend=keyring.backends.fail.Keyring())
    with pytest.raises(KeyModeMismatchError):
        store.use_session_key("live", TEST_KEY)
    assert store.get("live") is None


def test_the_null_keyring_is_not_a_keyring() -> None:
    store = SecretStore(backend=keyring.backends.null.Keyring())
    assert store.status == "none"
    assert store.session_only


def test_a_locked_keyring_says_unlock_it() -> None:
    store = SecretStore(backend=LockedKeyring())

    assert store.status == "locked"
    assert store.session_only
    assert store.message.startswith("Your keyring is locked: unlock")
    with pytest.raises(KeyringLockedError):
        store.set("live", LIVE_KEY)
    store.use_session_key("live", LIVE_KEY)
    assert store.get("live") == LIVE_KEY


def test_a_keyring_that_cannot_open_counts_as_locked() -> None:
    class PromptDismissed(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.InitError("Failed to create the collection: Prompt dismissed.")

    store = SecretStore(backend=PromptDismissed())
    assert store.status == "locked"
    assert "Prompt dismissed" in store.message


def test_only_an_insecure_backend_is_reported_as_insecure() -> None:
    backend = PlaintextKeyring()
    store = SecretStore(backend=backend)

    assert store.status == "insecure"
    assert store.session_only
    assert "No secure keyring is available" in store.message
    with pytest.raises(KeyringUnavailableError):
        store.set("test", TEST_KEY)
    assert backend.entries == {}


def test_a_chainer_uses_its_secure_backend_and_never_the_insecure_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weak, strong = PlaintextKeyring(), MemoryKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [weak, strong])
    store = SecretStore(backend=ChainerBackend())

    store.set("test", TEST_KEY)

    assert store.status == "ok"
    assert strong.entries == {("stripe-sync-admin", "stripe:test"): TEST_KEY}
    assert weak.entries == {}


def test_a_chainer_of_only_the_fail_backend_means_no_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ChainerBackend, "backends", [keyring.backends.fail.Keyring()])
    assert SecretStore(backend=ChainerBackend()).status == "none"


def test_a_backend_whose_priority_fails_is_unusable() -> None:
    class NoDbus(MemoryKeyring):
        @property
        def priority(self) -> float:  # type: ignore[override]
            raise RuntimeError("The Secret Service daemon is neither running nor activatable")

    assert SecretStore(backend=NoDbus()).status == "none"


def test_keyring_errors_after_startup_become_plain_configuration_errors() -> None:
    class Flaky(MemoryKeyring):
        fail_with: Exception | None = None

        def get_password(self, service: str, username: str) -> str | None:
            if self.fail_with is not None:
                raise self.fail_with
            return super().get_password(service, username)

        def set_password(self, service: str, username: str, password: str) -> None:
            if self.fail_with is not None:
                raise keyring.errors.PasswordSetError(f"could not store {password}")
            super().set_password(service, username, password)

    backend = Flaky()
    store = SecretStore(backend=backend)
    assert store.status == "ok"

    backend.fail_with = keyring.errors.KeyringLocked("Failed to unlock the item!")
    with pytest.raises(KeyringLockedError):
        store.get("test")
    assert store.masked("test") == "(keyring unavailable)"
    with pytest.raises(KeyringWriteError) as caught:
        store.set("test", TEST_KEY)
    assert isinstance(caught.value, ConfigurationError)
    assert TEST_KEY not in str(caught.value)
    assert "sk_test_…1111" in str(caught.value)

    backend.fail_with = keyring.errors.NoKeyringError("No recommended backend")
    with pytest.raises(KeyringUnavailableError):
        store.get("live")

    backend.fail_with = OSError("D-Bus connection closed")
    with pytest.raises(KeyStoreError, match="D-Bus connection closed"):
        store.get("live")


def test_environment_key_serves_only_its_own_mode() -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={"STRIPE_SECRET_KEY": LIVE_KEY})

    assert store.get("live") == LIVE_KEY
    assert store.source("live") == "environment"
    assert store.get("test") is None

    store.set("live", fake_key("sk", "live", "FakeOtherKeyForLiveXyz0000"))
    assert store.get("live") == fake_key(
        "sk", "live", "FakeOtherKeyForLiveXyz0000"
    )  # the keyring wins


def test_environment_key_is_read_from_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    store = SecretStore(backend=keyring.backends.fail.Keyring())
    assert store.get("test") == TEST_KEY
    assert store.get("live") is None


def test_a_malformed_environment_key_is_ignored() -> None:
    store = SecretStore(backend=MemoryKeyring(), environ={"STRIPE_SECRET_KEY": "not-a-key"})
    assert store.get("test") is None
    assert store.get("live") is None


def test_refresh_notices_an_unlocked_keyring() -> None:
    class Unlockable(MemoryKeyring):
        locked = True

        def set_password(self, service: str, username: str, password: str) -> None:
            if self.locked:
                raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
            super().set_password(service, username, password)

    backend = Unlockable()
    store = SecretStore(backend=backend)
    assert store.status == "locked"

    backend.locked = False
    store.refresh()
    assert store.status == "ok"
    store.set("test", TEST_KEY)
    assert store.get("test") == TEST_KEY


# --- A real Secret Service (gnome-keyring in CI) ---------------------------------------------


@pytest.fixture
def real_store() -> Iterator[SecretStore]:
    """A SecretStore on the session's Secret Service under a unique service name, cleaned up."""
    required = os.environ.get("STRIPE_SYNC_REQUIRE_SERVICES") == "1"
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        if required:
            pytest.fail("STRIPE_SYNC_REQUIRE_SERVICES=1 but no D-Bus session (Secret Service)")
        pytest.skip("no D-Bus session: run inside dbus-run-session with gnome-keyring unlocked")
    store = SecretStore(
        service=f"stripe-sync-admin-test-{uuid.uuid4().hex}", backend=SecretService.Keyring()
    )
    if store.status != "ok":
        if required:
            pytest.fail(f"Secret Service not usable: {store.message}")
        pytest.skip(f"Secret Service not usable: {store.message}")
    yield store
    for mode in ("test", "live"):
        store.delete(mode)  # type: ignore[arg-type]


def _secret_tool_lookup(service: str, mode: str) -> str | None:
    """Read an entry with libsecret's own tool: proof the key sits in the Secret Service."""
    tool = shutil.which("secret-tool")
    if tool is None:
        return None
    done = subprocess.run(
        [tool, "lookup", "service", service, "username", user_name(mode)],  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout if done.returncode == 0 else ""


@pytest.mark.keyring
def test_secret_service_stores_reads_replaces_and_deletes(real_store: SecretStore) -> None:
    if shutil.which("gnome-keyring-daemon"):  # CI's provider: named as the user knows it
        assert real_store.backend_name == "GNOME Keyring (Secret Service)"
    assert "Secret Service" in real_store.backend_name
    assert real_store.get("test") is None

    real_store.set("test", TEST_KEY)
    real_store.set("live", LIVE_KEY)
    assert real_store.get("test") == TEST_KEY
    assert real_store.get("live") == LIVE_KEY
    if shutil.which("secret-tool"):
        assert _secret_tool_lookup(real_store.service, "test") == TEST_KEY

    # Another store (a later run of the tool) finds the same keys.
    again = SecretStore(service=real_store.service, backend=SecretService.Keyring())
    assert again.get("live") == LIVE_KEY

    real_store.set("test", TEST_KEY_2)
    assert again.get("test") == TEST_KEY_2

    real_store.delete("test")
    assert again.get("test") is None
    assert again.get("live") == LIVE_KEY
    if shutil.which("secret-tool"):
        assert _secret_tool_lookup(real_store.service, "test") == ""


@pytest.mark.keyring
def test_secret_service_is_the_default_backend_in_a_keyring_session(
    real_store: SecretStore,
) -> None:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        pytest.skip("PYTHON_KEYRING_BACKEND overrides the default backend")
    store = SecretStore(service=real_store.service)  # keyring.get_keyring(), as the app does
    assert store.status == "ok"
    assert "Secret Service" in store.backend_name


def test_building_the_store_does_not_touch_the_keyring() -> None:
    class Recording(MemoryKeyring):
        touched = 0

        def set_password(self, service: str, username: str, password: str) -> None:
            Recording.touched += 1
            super().set_password(service, username, password)

    store = SecretStore(backend=Recording())
    assert not store.detected and Recording.touched == 0  # no probe (nor unlock prompt) yet
    assert store.status == "ok"  # the first question looks
    assert store.detected and Recording.touched == 1


def test_a_locked_keyring_is_not_reported_as_no_key() -> None:
    backend = LockedKeyring()
    store = SecretStore(backend=backend, environ={})
    with pytest.raises(KeyringLockedError) as caught:
        store.get("test")
    assert "locked" in str(caught.value) and "nlock" in caught.value.hint
    # A session key or a matching environment key still serves the mode.
    store.use_session_key("test", TEST_KEY)
    assert store.get("test") == TEST_KEY
    with_env = SecretStore(backend=LockedKeyring(), environ={"STRIPE_SECRET_KEY": LIVE_KEY})
    assert with_env.get("live") == LIVE_KEY
    # Once unlocked and looked at again, the stored key is read.
    backend.locked = False
    backend.entries[(store.service, "stripe:test")] = TEST_KEY
    fresh = SecretStore(backend=backend, environ={})
    backend.locked = True
    fresh.detect()
    backend.locked = False
    fresh.refresh()
    assert fresh.get("test") == TEST_KEY
