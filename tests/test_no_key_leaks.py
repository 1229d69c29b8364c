"""A working session with a test and a live key leaves neither key in any file the tool writes.

The window is driven as an operator would: the application log set up as main() does, both keys
saved through the Keys dialog (checked against a sandbox, kept in an in-memory keyring), test and
live mode opened and synced, the window closed (window.ini written). Then messages and exceptions
that carry the keys are logged, the settings written, and every file under the user folders (log,
config, data, state, cache) is scanned byte by byte for the raw keys.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import secrets
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.errors import StripeAuthError
from core.keys.shape import mask_key
from core.keys.store import SecretStore
from core.runtime.applog import setup_logging, teardown_logging
from core.settings import Mode
from gui.session import WorkspaceLike
from tests.keyring_fakes import MemoryKeyring

XDG_VARS = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _fresh_key(prefix: str) -> str:
    """A key no file could contain by chance: a new random body on every run."""
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(40))


@pytest.fixture
def log_file() -> Iterator[Path]:
    """The application log as gui.app.main() sets it up, then lowered to DEBUG to catch more."""
    from gui.app import setup_app_logging

    root_level = logging.getLogger().level
    path = setup_app_logging()
    assert path is not None
    assert setup_logging(logging.DEBUG) == path  # the same file, one handler
    yield path
    teardown_logging()
    logging.getLogger().setLevel(root_level)


def _drive_the_window(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, keys: dict[str, str]) -> None:
    """Save both keys through the Keys dialog, open and sync test then live mode, close."""
    from core import paths
    from core.sandbox import SandboxServer
    from core.workspace import Workspace
    from gui.app import build_window
    from gui.dialogs import keys_dialog
    from gui.settings_store import SettingsStore, settings_path

    state = paths.data_dir() / "leak-test-window-sandbox.json"
    with SandboxServer(port=0, state_file=state) as server:
        monkeypatch.setattr(
            keys_dialog,
            "verify_key_with_stripe",
            functools.partial(keys_dialog.verify_key_with_stripe, api_base=server.url),
        )

        def opener(mode: Mode, key: str | None) -> WorkspaceLike:
            if mode == "sandbox":
                raise AssertionError("this test stays in test and live mode")
            workspace: WorkspaceLike = Workspace.open(mode=mode, api_key=key, api_base=server.url)
            return workspace

        store = SecretStore(backend=MemoryKeyring(), environ={})
        settings = SettingsStore()
        settings.mode = "test"
        window = build_window(settings=settings, opener=opener, secret_store=store)
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.session.disconnected, timeout=10_000):
            window.start()  # no test key yet
        qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)

        window.actions.keys.trigger()
        dialog = window.keys_dialog
        assert isinstance(dialog, keys_dialog.KeysDialog)
        qtbot.waitUntil(lambda: not dialog.checking_keyring, timeout=10_000)
        for mode in ("live", "test"):  # the test key last: saving it reconnects the window
            box = dialog.boxes[mode]
            box.edit.setText(keys[mode])
            with qtbot.waitSignal(dialog.verification_finished, timeout=10_000) as done:
                box.save_button.click()
            assert done.args == [mode, True], box.status.text()
        qtbot.waitUntil(lambda: window.session.account is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
        dialog.reject()
        for mode in ("test", "live"):
            window.set_mode(mode)  # type: ignore[arg-type]
            qtbot.waitUntil(lambda: window.session.account is not None, timeout=10_000)
            qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
            window.actions.sync_all.trigger()
            qtbot.waitUntil(lambda: window.plan_dialog is not None, timeout=10_000)
            plan = window.plan_dialog
            assert plan is not None
            if mode == "live":
                qtbot.keyClicks(plan.confirm, "LIVE")
            with qtbot.waitSignal(window.session.run_finished, timeout=30_000):
                plan.apply.click()
            qtbot.waitUntil(lambda: not window.session.busy, timeout=30_000)
            assert "Sync done" in window.status.text(), window.status.text()
        window.close()
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
        assert settings_path().is_file()
        assert server.writes()


def _user_files() -> list[Path]:
    files: list[Path] = []
    for var in XDG_VARS:
        files.extend(p for p in Path(os.environ[var]).rglob("*") if p.is_file())
    return files


def _leaks(files: list[Path], keys: list[str]) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        for key in keys:
            # The whole key, and its random body alone (a key written without its prefix).
            for needle in (key, key.split("_", 2)[2]):
                if needle.encode() in data:
                    found.append(f"{path}: {mask_key(key)}")
    return found


def _sync_both_modes_through_the_workspace(store: SecretStore) -> None:
    """Open the default catalog in test and live mode against a sandbox (its state file in the
    data folder, so it is scanned too) with the stored keys, and sync everything."""
    from core import paths
    from core.sandbox import SandboxServer
    from core.workspace import Workspace

    state = paths.data_dir() / "leak-test-sandbox.json"
    with SandboxServer(port=0, state_file=state) as server:
        for mode in ("test", "live"):
            workspace = Workspace.open(mode=mode, api_key=store.get(mode), api_base=server.url)
            try:
                results = workspace.sync()
                assert results
                assert [r for r in results if r.action == "created"]
            finally:
                workspace.close()
        assert server.writes()


# The offscreen platform's notice about size hints of shown windows (see tests/gui/conftest.py).
@pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
def test_a_session_with_keys_leaves_no_key_in_any_file(
    log_file: Path,
    capfd: pytest.CaptureFixture[str],
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    test_key = _fresh_key("sk_test_")
    live_key = _fresh_key("rk_live_")
    keys = [test_key, live_key]

    _drive_the_window(qtbot, monkeypatch, {"test": test_key, "live": live_key})

    # Keys go into the (in-memory) keyring, as the Keys dialog does.
    store = SecretStore(backend=MemoryKeyring())
    store.set("test", test_key)
    store.set("live", live_key)
    assert store.get("test") == test_key

    # Careless logging: keys in arguments, in f-strings, in exceptions and their tracebacks.
    log = logging.getLogger("core.session")
    log.info("using key %s for test mode", test_key)
    log.debug(f"live client built with {live_key}")
    log.warning("settings %r", {"api_key": live_key, "mode": "live"})
    try:
        raise StripeAuthError(f"Stripe refused the API key {test_key}")
    except StripeAuthError:
        log.exception("verification failed")
    try:
        raise RuntimeError(f"connection reset while sending {live_key}")
    except RuntimeError as err:
        logging.getLogger("gui.tasks").error("task failed: %s", err, exc_info=True)

    if _has("core.engine.gateway"):
        # The real gateway's errors (here: nothing listens on port 9) end up in the log too.
        from core.engine.gateway import StripeGateway
        from core.errors import SyncAdminError

        gateway = StripeGateway.create(test_key, api_base="http://127.0.0.1:9", retry_budget_s=0)
        with pytest.raises(SyncAdminError) as caught:
            gateway.account()
        log.error("account check failed: %s", caught.value)
        assert test_key not in str(caught.value)

    if _has("core.settings"):
        from core.settings import Settings, save_settings

        save_settings(Settings(mode="live"))

    if _has("core.workspace"):
        _sync_both_modes_through_the_workspace(store)
    elif _has("core.catalog"):
        from core.catalog import CatalogStore

        catalog = CatalogStore.open()
        try:
            assert catalog.list_records()
        finally:
            catalog.close()

    for handler in logging.getLogger().handlers:
        handler.flush()
    log_text = log_file.read_text(encoding="utf-8")
    assert mask_key(test_key) in log_text  # the messages were written, masked
    assert "StripeAuthError: Stripe refused the API key" in log_text

    files = _user_files()
    names = {path.name for path in files}
    assert log_file in files
    assert "window.ini" in names
    if _has("core.settings"):
        assert "settings.toml" in names
    if _has("core.catalog"):
        assert "catalog.sqlite3" in names
    if _has("core.workspace"):
        assert "leak-test-sandbox.json" in names
    assert _leaks(files, keys) == []
    out, err = capfd.readouterr()
    assert not [k for k in keys if k in out or k in err]
