"""The sandbox's request log: every request for tests, the last few for a long-lived sandbox; and
answers that leave no garbage behind (the window freezes its heap after a read, gui/heap.py)."""

from __future__ import annotations

import gc

import stripe

from core.sandbox import SandboxServer

KEY = "sk_test_" + "requestLog000001"


def _client(server: SandboxServer) -> stripe.StripeClient:
    return stripe.StripeClient(KEY, base_addresses={"api": server.url}, max_network_retries=0)


def test_a_limited_log_keeps_the_last_requests() -> None:
    with SandboxServer(port=0, log_limit=3) as server:
        client = _client(server)
        for n in range(5):
            client.v1.products.create(params={"name": f"Lamp {n}"})
        log = server.request_log
        assert len(log) == 3
        assert all(entry.method == "POST" for entry in log)


def test_an_unlimited_log_keeps_every_request() -> None:
    with SandboxServer(port=0) as server:
        client = _client(server)
        for n in range(5):
            client.v1.products.create(params={"name": f"Lamp {n}"})
        assert len(server.request_log) == 5


def test_answering_makes_no_cyclic_garbage() -> None:
    with SandboxServer(port=0) as server:
        client = _client(server)
        client.v1.products.create(params={"name": "Lamp"})
        client.v1.products.list()
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for _ in range(5):
                client.v1.products.list()
            gc.collect()
            from_answers = [
                o
                for o in gc.garbage
                if "encoder" in repr(type(o)).lower() or "iterencode" in repr(o)
            ]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert from_answers == []
