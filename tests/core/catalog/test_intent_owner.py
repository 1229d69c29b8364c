"""A run settles only the intents of runs that are gone, never those of one still writing.

Two processes syncing one catalog at once used to settle each other's writes in flight (journaled
as 'never reached Stripe' while the other process was about to send them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from core.catalog.intents import ABANDONED_AFTER, Intent

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _intent(owner: str | None, age: timedelta = timedelta(seconds=1), seq: int = 7) -> Intent:
    return Intent(
        seq=seq,
        at=NOW - age,
        mode="test",
        account_id="acct_1",
        product_id="lamp",
        operation="create_product",
        summary="create product",
        variant_id=None,
        target_id=None,
        params={},
        owner=owner,
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_this_process_settles_its_own_intents_only_when_no_longer_in_flight() -> None:
    mine = _intent(f"{socket.gethostname()}:{os.getpid()}")
    assert not mine.abandoned(NOW, in_flight={7})
    assert mine.abandoned(NOW, in_flight=set())


def test_another_process_on_this_computer_is_asked_whether_it_lives() -> None:
    host = socket.gethostname()
    assert not _intent(f"{host}:{os.getppid()}").abandoned(NOW, set())  # alive: writing
    assert _intent(f"{host}:{_dead_pid()}").abandoned(NOW, set())  # gone: settle


def test_another_computers_intent_waits_until_it_is_old() -> None:
    assert not _intent("elsewhere:123").abandoned(NOW, set())
    assert _intent("elsewhere:123", ABANDONED_AFTER + timedelta(seconds=1)).abandoned(NOW, set())
    assert _intent(None, ABANDONED_AFTER + timedelta(seconds=1)).abandoned(NOW, set())
