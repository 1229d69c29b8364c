"""Adding a product, duplicating one and adding/removing a variant from the window's Catalog menu,
against a real Workspace on SQLite and a Stripe sandbox: catalog only, nothing written to Stripe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from core.sandbox import SandboxServer
from gui.main_window import MainWindow
from tests.gui.test_main_window import select
from tests.gui.test_window_edits_sandbox import db_url, sandbox, window  # noqa: F401
from tests.raw_sql import query_value

pytestmark = pytest.mark.slow


def _answers(monkeypatch: pytest.MonkeyPatch, *texts: str) -> None:
    queue = list(texts)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (queue.pop(0), True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (queue.pop(0), True))


def _wait_rows_changed(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.session.busy, timeout=20_000)


@pytest.fixture
def win(window: MainWindow) -> Iterator[MainWindow]:  # noqa: F811
    yield window


def test_add_duplicate_and_variants_from_the_catalog_menu(
    qtbot: QtBot,
    win: MainWindow,
    db_url: str,  # noqa: F811
    sandbox: SandboxServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox.clear_log()
    _answers(monkeypatch, "bowl", "Bowl", "12,50")
    with qtbot.waitSignal(win.session.rows_changed, timeout=20_000):
        win.actions.add_product.trigger()
    _wait_rows_changed(qtbot, win)
    assert query_value(db_url, "SELECT base_price_cents FROM products WHERE id = 'bowl'") == 1250
    assert "Added bowl “Bowl” to the catalog" in win.status.message.text()
    assert win.model.row_for("bowl") is not None

    select(win, "bowl")
    _answers(monkeypatch, "bowl-big")
    with qtbot.waitSignal(win.session.rows_changed, timeout=20_000):
        win.actions.duplicate_product.trigger()
    _wait_rows_changed(qtbot, win)
    assert query_value(db_url, "SELECT name FROM products WHERE id = 'bowl-big'") == "Bowl (copy)"

    select(win, "bowl")
    _answers(monkeypatch, "bowl-blue", "BLUE", "14.00")
    with qtbot.waitSignal(win.session.rows_changed, timeout=20_000):
        win.actions.add_variant.trigger()
    _wait_rows_changed(qtbot, win)
    assert query_value(db_url, "SELECT price_modifier FROM variants WHERE id = 'bowl-blue'") == 150

    select(win, "bowl")
    _answers(monkeypatch, "bowl-blue (variant BLUE)")
    with qtbot.waitSignal(win.session.rows_changed, timeout=20_000):
        win.actions.remove_variant.trigger()
    _wait_rows_changed(qtbot, win)
    assert query_value(db_url, "SELECT count(*) FROM variants WHERE id = 'bowl-blue'") == 0
    assert sandbox.writes() == []  # the catalog only
