"""The HTTP side: one request in, Stripe's answer (or a lost connection) out."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from core.sandbox import events, routes
from core.sandbox.account import account_object
from core.sandbox.auth import authenticate, require
from core.sandbox.call import Call, random_id
from core.sandbox.errors import (
    StripeApiError,
    injected_error,
    rate_limited,
    unrecognized_url,
)
from core.sandbox.forms import decode
from core.sandbox.idempotency import fingerprint
from core.sandbox.versions import API_VERSION, check_version

if TYPE_CHECKING:
    from core.sandbox.server import SandboxServer


class Outcome:
    """What the handler decided: status, body, headers, and what the log should say."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.headers: dict[str, str] = {}
        self.livemode: bool | None = None
        self.replayed = False
        self.applied = False
        self.drop = False
        self.version = API_VERSION  # the `Stripe-Version` the answer carries


class SandboxHandler(BaseHTTPRequestHandler):
    """Serves the Stripe v1 endpoints the sandbox knows; everything else is Stripe's 404."""

    protocol_version = "HTTP/1.1"
    # One buffered write per answer and no Nagle: loopback round trips stay well under 1 ms.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server_version = "stripe-sandbox"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the request log is `SandboxServer.request_log`, not stderr."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        """Handle GET."""
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        """Handle POST."""
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        """Handle DELETE."""
        self._handle("DELETE")

    def do_PUT(self) -> None:  # noqa: N802
        """Stripe has no PUT: answered with its 404."""
        self._handle("PUT")

    def do_PATCH(self) -> None:  # noqa: N802
        """Stripe has no PATCH: answered with its 404."""
        self._handle("PATCH")

    @property
    def sandbox(self) -> SandboxServer:
        """The SandboxServer this handler belongs to."""
        sandbox: SandboxServer = self.server.sandbox  # type: ignore[attr-defined]
        return sandbox

    def _handle(self, method: str) -> None:
        request_id = random_id("req_")
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        idem_key = self.headers.get("Idempotency-Key") if method == "POST" else None
        params: dict[str, Any] = {}
        try:
            params = decode(url.query)
            if body:
                params.update(decode(body))
        except StripeApiError:
            params = {}
        outcome = self._run(method, url.path, url.query, body, idem_key, request_id)
        self.sandbox.log_request(
            method=method,
            path=url.path,
            params=params,
            status=outcome.status,
            livemode=outcome.livemode,
            idempotency_key=self.headers.get("Idempotency-Key"),
            request_id=request_id,
            replayed=outcome.replayed,
            applied=outcome.applied,
            dropped=outcome.drop,
            header_names=tuple(self.headers.keys()),
        )
        if outcome.drop:
            self._drop_connection()
            return
        self._send(outcome, request_id, idem_key)

    def _run(
        self, method: str, path: str, query: str, body: str, idem_key: str | None, rid: str
    ) -> Outcome:
        sandbox = self.sandbox
        livemode: bool | None = None
        version: str | None = None
        try:
            caller = authenticate(self.headers.get("Authorization"), sandbox.revoked_keys)
            livemode = caller.livemode
            version = check_version(self.headers.get("Stripe-Version"))
            failure = sandbox.faults.take_failure()
            if failure is not None:
                raise injected_error(failure.status, failure.code)
            found = routes.match(method, path)
            if found is None:
                raise unrecognized_url(method, path)
            route, object_id = found
            require(caller, route.resource, route.write, sandbox.account_id)
            reason = sandbox.limiter.check(caller.livemode, route.search)
            if reason is not None:
                raise rate_limited(reason)
            params = decode(query)
            if body:
                params.update(decode(body))
            if route.endpoint is None:
                outcome = Outcome(200, account_object(sandbox.account_id, sandbox.account_name))
            else:
                call = Call(
                    sandbox.store,
                    caller.livemode,
                    params,
                    object_id,
                    request_id=rid,
                    idempotency_key=self.headers.get("Idempotency-Key"),
                )
                outcome = self._execute(route, call, method, path, idem_key, rid)
        except StripeApiError as error:
            outcome = Outcome(error.status, error.body())
            outcome.headers.update(error.headers)
        outcome.livemode = livemode
        if version is not None:
            outcome.version = version
        return outcome

    def _execute(
        self, route: routes.Route, call: Call, method: str, path: str, key: str | None, rid: str
    ) -> Outcome:
        sandbox = self.sandbox
        store = sandbox.store
        with store.lock:
            print_ = fingerprint(method, path, call.params)
            if key is not None:
                sandbox.idempotency.check_key(key)
                saved = sandbox.idempotency.lookup(call.livemode, key, print_)
                if saved is not None:
                    outcome = Outcome(saved.status, saved.body)
                    outcome.replayed = True
                    outcome.headers["Idempotent-Replayed"] = "true"
                    outcome.headers["Original-Request"] = saved.request_id
                    return outcome
            assert route.endpoint is not None
            try:
                failure = sandbox.faults.take_execution_failure() if route.write else None
                if failure is not None:
                    raise injected_error(failure.status, failure.code)
                outcome = Outcome(200, route.endpoint(call))
            except StripeApiError as error:
                events.publish(call)  # a refusal changes nothing, but never leave notes behind
                if error.validation or key is None:
                    raise
                outcome = Outcome(error.status, error.body())
                outcome.headers.update(error.headers)
            if route.write and outcome.status == 200:
                outcome.applied = True
            if key is not None:
                sandbox.idempotency.save(
                    call.livemode, key, print_, outcome.status, outcome.body, rid
                )
            if outcome.applied or key is not None:
                store.save()
            if route.write and sandbox.faults.take_drop():
                outcome.drop = True
            return outcome

    def _send(self, outcome: Outcome, request_id: str, idem_key: str | None) -> None:
        # Compact: Stripe indents its answers, but json's indenting encoder is pure Python and
        # leaves a reference cycle per call, garbage the window's frozen heap would keep
        # (gui/heap.py) while the in-process sandbox answers its reads.
        payload = json.dumps(outcome.body, separators=(",", ":")).encode("utf-8")
        self.send_response(outcome.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Request-Id", request_id)
        self.send_header("Stripe-Version", outcome.version)
        if idem_key:
            self.send_header("Idempotency-Key", idem_key)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _drop_connection(self) -> None:
        """The "response lost" case: the write happened, the caller hears nothing."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
