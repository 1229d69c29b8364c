"""`SandboxServer`: the Stripe-compatible server on loopback, with the knobs tests need."""

from __future__ import annotations

import os
import socket
import threading
from collections import deque
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from core.sandbox import presets
from core.sandbox.account import ACCOUNT_ID, ACCOUNT_NAME
from core.sandbox.clock import Clock
from core.sandbox.handler import SandboxHandler
from core.sandbox.limits import Faults, RateLimiter
from core.sandbox.store import Store


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the sandbox saw it (for tests that count calls)."""

    method: str
    path: str
    params: dict[str, Any]
    status: int
    livemode: bool | None  # None when the key was refused
    idempotency_key: str | None
    request_id: str = ""
    replayed: bool = False  # answered from a saved idempotent response
    applied: bool = False  # a write that changed state
    dropped: bool = False  # applied, then the connection was closed without an answer
    # The names of the request's headers (not their values: Authorization holds the key).
    header_names: tuple[str, ...] = ()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.sandbox = sandbox
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, SandboxHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """End idle keep-alive connections so their handler threads finish."""
        with self._open_lock:
            open_now = list(self._open)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SandboxServer:
    """A Stripe-compatible API server for products, prices and their events, served on a background
    thread.

    `rate_limit` is requests per second per mode (0 = off); `search_lag` is how many seconds a
    write takes to show in search; `state_file` keeps the data across restarts (a SQLite file,
    written row by row; an old JSON state file is converted on first use). `log_limit`: how many
    of the last requests `request_log` keeps (None: every one).
    """

    def __init__(
        self,
        port: int = 0,
        rate_limit: float = 0.0,
        search_lag: float = 0.0,
        state_file: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        log_limit: int | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.store = Store(state_file)
        self.store.search_lag = float(search_lag)
        self.limiter = RateLimiter(rate_limit)
        self.faults = Faults()
        self.idempotency = self.store.idempotency
        self.revoked_keys: set[str] = set()
        self.account_id = ACCOUNT_ID
        self.account_name = ACCOUNT_NAME
        # Every request, for tests to count; a sandbox that serves a window for hours keeps the
        # last `log_limit` only (None: all).
        self._log: deque[LoggedRequest] = deque(maxlen=log_limit)
        self._log_lock = threading.Lock()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        """Bind and serve on a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self.store.reopen()
        self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="stripe-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_open_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.store.close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` or shutdown (used by the CLI)."""
        if self._httpd is None:
            self.store.reopen()
            self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self._httpd.serve_forever(0.05)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port actually bound (useful with port=0)."""
        if self._httpd is None:
            return self._requested_port
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base address for the SDK: `base_addresses={"api": server.url}`."""
        return f"http://{self.host}:{self.port}"

    # -- knobs -----------------------------------------------------------------------------
    def fail_next(self, n: int, status: int = 500, code: str | None = None) -> None:
        """The next `n` authenticated requests get this error *before* execution: nothing is
        applied and nothing is saved under an idempotency key, so the same key may be retried."""
        self.faults.fail_next(n, status, code)

    def fail_during_execution_next(self, n: int, status: int = 500) -> None:
        """The next `n` write requests fail *during* execution, as Stripe's rare 500s do.

        Nothing is applied, but like Stripe (facts §7.2) the error is saved under the request's
        idempotency key: a retry with that key gets the same error back, replayed, with
        `Idempotent-Replayed: true` and `Original-Request: <first request id>`.
        """
        self.faults.fail_during_execution_next(n, status)

    def revoke_key(self, key: str) -> None:
        """Refuse `key` from now on, as Stripe refuses an expired or rolled key (401)."""
        self.revoked_keys.add(key)

    def drop_response_next(self, n: int = 1) -> None:
        """The next `n` write requests are applied, then the connection closes with no answer."""
        self.faults.drop_next(n)

    def set_rate_limit(self, per_second: float) -> None:
        """Requests per second per mode; 0 turns the limit off."""
        self.limiter.set_rate(per_second)

    @property
    def clock(self) -> Clock:
        """The sandbox's time: every `created`, `updated` and event age comes from it."""
        return self.store.clock

    def advance_clock(self, seconds: float) -> None:
        """Let `seconds` pass for the sandbox (e.g. 31 days: events that old are gone, §4.9)."""
        with self.store.lock:
            self.store.clock.advance(seconds)

    def set_search_lag(self, seconds: float) -> None:
        """Seconds before a write becomes visible to search."""
        with self.store.lock:
            self.store.search_lag = float(seconds)

    def apply_preset(self, name: str) -> list[str]:
        """Fill test mode with a ready-made Stripe catalog, e.g. "handmade" (a catalog made by hand
        in the Dashboard for the sample catalog); see `core.sandbox.presets.apply_preset`.

        Safe while serving and safe to repeat (fixed ids; objects already there are left alone);
        saved to the state file. Returns the ids created; `ValueError` for an unknown name.
        """
        return presets.apply_preset(self.store, name)

    # -- request log -----------------------------------------------------------------------
    def log_request(self, **fields: Any) -> None:
        """Record one request (called by the handler)."""
        entry = LoggedRequest(**fields)
        with self._log_lock:
            self._log.append(entry)

    @property
    def request_log(self) -> list[LoggedRequest]:
        """A snapshot copy of every request since the last `clear_log()`."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Forget the logged requests."""
        with self._log_lock:
            self._log.clear()

    def writes(self) -> list[LoggedRequest]:
        """Logged POST/DELETE requests that changed state (not replays, not refusals)."""
        return [entry for entry in self.request_log if entry.applied]
