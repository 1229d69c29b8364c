"""`stripe-sync-admin watch [--json]`: a separate process printing each change in Stripe as it is
seen, attributed to this tool or to someone else, until Ctrl+C (exit 0)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
import stripe

from core.cli import main
from core.sandbox import SandboxServer
from tests.core.catalog.shop import LAMP, SHADE, make_shop

TEST_KEY = "sk_test_watchTests12345678"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    yield server
    server.stop()


@pytest.fixture
def shop(sqlite_url: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]) -> str:
    make_shop(sqlite_url, [LAMP, SHADE])
    assert main(["sync", "--all", "--mode", "test", "--db", sqlite_url]) == 0
    assert main(["status", "--mode", "test", "--db", sqlite_url]) == 0  # the mirror saw the sync
    capsys.readouterr()
    return sqlite_url


def _lines(stream: IO[str]) -> tuple[queue.Queue[str], threading.Thread]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return lines, thread


def _take(lines: queue.Queue[str], count: int, timeout: float = 20.0) -> list[str]:
    got: list[str] = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        try:
            got.append(lines.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    return got


class Watcher:
    """`watch` running in its own process, its stdout and stderr read line by line."""

    def __init__(self, db: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "watch", "--mode", "test", "--db", db, *args],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.out, out_pump = _lines(self.proc.stdout)
        self.err, err_pump = _lines(self.proc.stderr)
        self.pumps = (out_pump, err_pump)

    def started(self) -> str:
        """The line saying it watches (after the one naming the key in use)."""
        key, line = _take(self.err, 2)
        assert key.startswith("Using the test key from STRIPE_SECRET_KEY")
        return line

    def stop(self) -> tuple[int, list[str]]:
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=20)
        return code, _take(self.err, 10, timeout=1.0)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.pumps_done()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def pumps_done(self) -> None:
        for pump in self.pumps:
            pump.join(timeout=5)


def test_watch_json_prints_each_change_as_seen_until_ctrl_c(
    shop: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    watcher = Watcher(shop, "--json", "--interval", "0.2")
    try:
        assert watcher.started().startswith("Watching Stripe (test mode")
        hand = stripe.StripeClient(
            TEST_KEY, base_addresses={"api": sandbox.url}, max_network_retries=0
        )
        hand.v1.products.update("lamp", params={"name": "Lamp by hand"})
        [first] = [json.loads(line) for line in _take(watcher.out, 1)]
        make_shop(shop, [{**SHADE, "base_price_cents": 1700}])
        assert main(["sync", "shade", "--mode", "test", "--db", shop]) == 0
        capsys.readouterr()
        # The old price giving its lookup key to the new one, the new price, the default moved
        # to it, the old price archived: four changes.
        tool: list[dict[str, Any]] = [json.loads(line) for line in _take(watcher.out, 4)]
        code, said = watcher.stop()
    finally:
        watcher.kill()
    assert set(first) >= {"at", "object", "id", "local_id", "fields", "by"}
    assert (first["object"], first["id"], first["local_id"], first["by"]) == (
        "product",
        "lamp",
        "lamp",
        "elsewhere",
    )
    assert first["fields"] == {"name": {"old": "Desk Lamp", "new": "Lamp by hand"}}
    assert first["at"].endswith("+00:00")
    assert [(c["object"], c["local_id"], c["by"]) for c in tool] == [
        ("price", "shade", "this tool"),
        ("price", "shade", "this tool"),
        ("product", "shade", "this tool"),
        ("price", "shade", "this tool"),
    ]
    old_price, new_price, product, archived = tool
    assert old_price["fields"]["lookup_key"] == {"old": "shade", "new": None}
    assert new_price["change"] == "created"
    assert product["fields"]["default_price"]["new"] == new_price["id"]
    assert archived["id"] == old_price["id"]
    assert code == 0
    assert said == ["Stopped watching.\n"]


def test_watch_text_says_who_changed_what(shop: str, sandbox: SandboxServer) -> None:
    watcher = Watcher(shop, "--interval", "0.2")
    try:
        watcher.started()
        hand = stripe.StripeClient(
            TEST_KEY, base_addresses={"api": sandbox.url}, max_network_retries=0
        )
        hand.v1.products.update("shade", params={"description": "Linen"})
        [line] = _take(watcher.out, 1)
        code, _ = watcher.stop()
    finally:
        watcher.kill()
    expected = "product shade (shade) updated elsewhere: description None → 'Linen'"
    assert line.rstrip("\n").endswith(expected)
    assert code == 0


@pytest.mark.parametrize("interval", ["0", "-1", "soon", "nan"])
def test_watch_refuses_an_interval_that_is_not_a_positive_number(
    interval: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["watch", "--interval", interval]) == 2
    assert "is not a number of seconds above 0" in capsys.readouterr().err
