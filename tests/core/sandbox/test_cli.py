"""`stripe-sync-admin sandbox` and `--state` persistence (issue: "Standalone")."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import TEST_KEY, make_client


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line


def test_cli_serves_until_sigterm() -> None:
    """Issue: serves on 127.0.0.1:N, prints the URL and the key hint, exits 0 on SIGTERM."""
    port = _free_port()
    proc, line = _start(["--port", str(port), "--rate-limit", "0", "--search-lag", "0"])
    try:
        assert f"http://127.0.0.1:{port}" in line
        assert "sk_test_" in line
        client = stripe.StripeClient(
            TEST_KEY, base_addresses={"api": f"http://127.0.0.1:{port}"}, max_network_retries=0
        )
        assert client.v1.accounts.retrieve_current().id == "acct_1SandboxShop00"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_cli_ctrl_c_is_a_clean_exit() -> None:
    """Issue: Ctrl+C (SIGINT) stops it with exit status 0."""
    proc, line = _start(["--port", str(_free_port())])
    assert "http://127.0.0.1:" in line
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_cli_refuses_a_busy_port() -> None:
    """A port already in use is reported, not a traceback."""
    with SandboxServer(port=0) as busy:
        proc = subprocess.run(
            [sys.executable, "-m", "core.cli", "sandbox", "--port", str(busy.port)],
            capture_output=True,
            text=True,
            timeout=20,
        )
    assert proc.returncode == 2
    assert "Cannot serve" in proc.stderr and "Traceback" not in proc.stderr


def test_state_file_keeps_data_across_restarts(tmp_path: Path) -> None:
    """Issue: `--state FILE` keeps every write and is loaded at start (a SQLite file since the
    scale issue: written row by row, not rewritten whole)."""
    state = tmp_path / "sandbox.json"
    with SandboxServer(state_file=state) as first:
        client = make_client(first)
        product = client.v1.products.create(
            params={
                "id": "kept",
                "name": "Kept",
                "default_price_data": {"currency": "usd", "unit_amount": 900},
            }
        )
        client.v1.prices.update(str(product.default_price), params={"lookup_key": "kept-std"})
        newer = client.v1.products.create(params={"name": "Newer"})
    assert state.read_bytes().startswith(b"SQLite format 3\x00")
    # No temp files left behind, and the write-ahead log is folded in once the sandbox stops.
    assert [p.name for p in tmp_path.iterdir()] == ["sandbox.json"]
    with SandboxServer(state_file=state) as second:
        client = make_client(second)
        assert [p.id for p in client.v1.products.list().data] == [newer.id, "kept"]
        price = client.v1.prices.retrieve(str(product.default_price))
        assert price.unit_amount == 900 and price.lookup_key == "kept-std"
        with_key = client.v1.prices.list(params={"lookup_keys": ["kept-std"]}).data
        assert [p.id for p in with_key] == [price.id]
        later = client.v1.products.create(params={"name": "Later"})
        assert client.v1.products.list(params={"limit": 1}).data[0].id == later.id
        assert client.v1.products.search(params={"query": "name:'kept'"}).data[0].id == "kept"
