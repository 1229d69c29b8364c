"""The window watches Stripe by itself: a refresh by events every few seconds while it is shown and
idle, rows changed elsewhere marked until looked at, the status bar saying when Stripe was last
checked and how, and Refresh all (Shift+F5) for a full read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest
import stripe
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from core.errors import StripeUnavailableError
from core.reconcile.rows import ProductRow
from core.workspace import SANDBOX_KEY, StripeRefresh
from gui.app import make_key_reader, make_opener
from gui.auto_refresh import AutoRefresh
from gui.main_window import MainWindow
from gui.models.change_badges import FRESH_ROLE
from gui.models.product_table import ROW_ROLE, Column
from gui.session import Session
from gui.session_refresh import Checked
from gui.settings_store import SettingsStore
from gui.widgets.stripe_checked import checked_text
from tests.gui.conftest import WindowFactory
from tests.gui.fakes import FakeWorkspace
from tests.gui.real_window import sample_catalog_db
from tests.gui.test_main_window import select, start_held_sync, wait_plan
from tests.gui.test_window_sandbox import run_plan

CHECKED = re.compile(r"^Stripe checked \d\d:\d\d:\d\d — ")


class FakeWatcher(QObject):
    """A session stand-in: counts the checks asked for; `busy` as the test sets it."""

    rows_loaded = Signal(object)
    rows_watched = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self.bases: list[list[ProductRow]] = []

    def watch(self, base: Sequence[ProductRow] = ()) -> bool:
        self.bases.append(list(base))
        return True


def set_interval(seconds: float | None) -> None:
    """Save the automatic refresh's interval where the next window's settings will read it."""
    store = SettingsStore()
    store.set_auto_refresh_seconds(seconds)
    store.sync()


def cell(window: MainWindow, product_id: str, column: Column = Column.ID) -> object:
    """The proxy index of a product's cell (as the table shows it)."""
    proxy = window.proxy
    for r in range(proxy.rowCount()):
        index = proxy.index(r, column)
        if index.data(ROW_ROLE).product_id == product_id:
            return index
    raise AssertionError(f"{product_id} is not shown")


def fresh(window: MainWindow) -> set[str]:
    proxy = window.proxy
    return {
        proxy.index(r, 0).data(ROW_ROLE).product_id
        for r in range(proxy.rowCount())
        if proxy.index(r, 0).data(FRESH_ROLE)
    }


def check_now(qtbot: QtBot, window: MainWindow) -> None:
    """One automatic refresh, as the timer's tick starts it; waits for its rows."""
    with qtbot.waitSignal(window.session.rows_watched, timeout=5000):
        assert window.auto_refresh.tick()
    qtbot.waitUntil(lambda: not window.session.watching, timeout=5000)


# -- the timer --------------------------------------------------------------------------------


def test_ticks_start_a_check_only_when_the_window_is_ready_and_nothing_runs(qtbot: QtBot) -> None:
    watcher = FakeWatcher()
    ready = [True]
    rows = [ProductRow(product_id="p", name="P", state="in_sync")]
    auto = AutoRefresh(watcher, lambda: ready[0], lambda: rows)
    auto.set_interval(0.02)
    qtbot.waitUntil(lambda: len(watcher.bases) >= 2, timeout=2000)
    assert watcher.bases[0] == rows  # the rows shown, to compare the new ones with

    ready[0] = False  # hidden, minimised, a dialog that will write is open
    assert not auto.tick()
    ready[0], watcher.busy = True, True  # a sync or another task runs
    assert not auto.tick()
    watcher.busy = False
    assert auto.tick()

    auto.set_interval(0)
    assert not auto.timer.isActive()
    count = len(watcher.bases)
    qtbot.wait(100)
    assert len(watcher.bases) == count


def test_the_interval_is_a_setting_per_mode_by_default_and_0_is_off() -> None:
    store = SettingsStore()
    assert [store.auto_refresh_seconds(m) for m in ("sandbox", "test", "live")] == [3, 30, 30]
    store.set_auto_refresh_seconds(0)
    assert store.auto_refresh_seconds("live") == 0
    store.set_auto_refresh_seconds(-5)  # nonsense: the defaults
    assert store.auto_refresh_seconds("sandbox") == 3
    store.set_auto_refresh_seconds(None)
    assert store.auto_refresh_seconds("test") == 30


def test_the_window_checks_stripe_by_itself_every_interval(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0.05)
    window = make_window()
    assert window.auto_refresh.interval == 0.05
    reads = fake_ws.calls.count(("status", None))
    qtbot.waitUntil(lambda: fake_ws.calls.count(("status", None)) >= reads + 2, timeout=5000)
    assert not window.session.busy  # in the background: no busy bar, no Cancel
    assert not window.status.cancel.isVisible()


def test_with_0_seconds_the_window_never_checks_by_itself(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)
    window = make_window()
    reads = fake_ws.calls.count(("status", None))
    assert not window.auto_refresh.timer.isActive()
    qtbot.wait(200)
    assert fake_ws.calls.count(("status", None)) == reads


def test_no_check_while_a_sync_runs_a_dialog_is_open_or_the_window_is_hidden(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)  # ticks by hand
    window = make_window()
    assert window.can_watch()

    window.actions.sync_all.trigger()
    dialog = wait_plan(qtbot, window)  # a dialog that will write
    assert not window.auto_refresh.tick()
    dialog.reject()
    qtbot.waitUntil(lambda: window.plan_dialog is None, timeout=5000)

    start_held_sync(qtbot, window, fake_ws)
    reads = fake_ws.calls.count(("status", None))
    assert not window.auto_refresh.tick()  # a sync runs
    assert fake_ws.gate is not None
    with qtbot.waitSignal(window.session.run_finished, timeout=5000):
        window.status.cancel.click()
        fake_ws.gate.set()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=5000)
    assert fake_ws.calls.count(("status", None)) == reads  # nothing read Stripe meanwhile

    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=5000)
    assert not window.auto_refresh.tick()
    window.showNormal()
    window.hide()
    assert not window.auto_refresh.tick()
    window.show()
    assert window.auto_refresh.tick()


# -- rows marked, in place ----------------------------------------------------------------------


def test_a_change_made_in_stripe_is_marked_until_the_row_is_looked_at(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)
    window = make_window()
    select(window, "p-price")
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))

    fake_ws.edit_in_stripe("p-sync", "Mug (renamed by hand)", at=datetime.now().astimezone())
    check_now(qtbot, window)

    assert fresh(window) == {"p-sync"}
    first = cell(window, "p-sync")
    font = first.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    tip = first.data(Qt.ItemDataRole.ToolTipRole)
    assert "not by this tool: name (was 'Mug')" in tip
    assert tip.startswith("Changed in Stripe at ")
    assert "not by this tool" in cell(window, "p-sync", Column.NAME).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert cell(window, "p-sync", Column.NAME).data() == "Mug"  # the catalog's name
    assert window.model.row_for("p-sync").stripe_name == "Mug (renamed by hand)"
    # Applied in place: no model reset, the selection and the detail pane stay.
    assert not resets
    assert [r.product_id for r in window.selected_rows()] == ["p-price"]
    assert window.detail.row is not None and window.detail.row.product_id == "p-price"

    check_now(qtbot, window)  # nothing new: still marked, not looked at yet
    assert fresh(window) == {"p-sync"}

    select(window, "p-sync")  # looked at
    assert fresh(window) == set()
    assert cell(window, "p-sync").data(Qt.ItemDataRole.FontRole) is None
    assert "not by this tool: name (was 'Mug')" in window.detail.toPlainText()
    check_now(qtbot, window)
    assert fresh(window) == set()  # the same change is not marked again


def test_changes_known_when_the_window_opens_are_shown_but_not_marked(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)
    fake_ws.edit_in_stripe("p-name", "Poster by hand")
    window = make_window()
    assert fresh(window) == set()
    assert "not by this tool" in cell(window, "p-name").data(Qt.ItemDataRole.ToolTipRole)
    fake_ws.edit_in_stripe("p-name", "Poster by hand, again")
    check_now(qtbot, window)
    assert fresh(window) == {"p-name"}


def test_rows_arriving_while_a_task_runs_are_left_to_that_task(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)
    window = make_window()
    fake_ws.edit_in_stripe("p-sync", "Mug by hand")
    assert window.session.watch(window.model.rows())
    window.actions.refresh.trigger()  # the operator's Refresh, queued behind the check
    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        pass
    qtbot.waitUntil(lambda: not window.session.busy and not window.session.watching)
    assert window.model.row_for("p-sync").stripe_name == "Mug by hand"
    assert fresh(window) == {"p-sync"}


# -- the status bar ------------------------------------------------------------------------------


def test_the_status_bar_says_when_and_how_stripe_was_checked(
    make_window: WindowFactory, fake_ws: FakeWorkspace, qtbot: QtBot
) -> None:
    set_interval(0)
    window = make_window()
    label = window.checked_label
    qtbot.waitUntil(lambda: bool(label.plain_text()), timeout=5000)  # the opening read
    assert CHECKED.match(label.plain_text())

    fake_ws.edit_in_stripe("p-sync", "Mug by hand")
    check_now(qtbot, window)
    assert CHECKED.match(label.plain_text())
    assert label.plain_text().endswith("— events: 1 change")

    with qtbot.waitSignal(window.session.rows_loaded, timeout=5000):
        window.actions.refresh_all.trigger()
    assert ("refresh_all", None) in fake_ws.calls
    qtbot.waitUntil(lambda: label.plain_text().endswith("— full read"), timeout=5000)
    assert window.actions.refresh_all.shortcut().toString() == "Shift+F5"
    assert window.actions.refresh.shortcut().toString() == "F5"
    assert window.actions.refresh_all in window.stripe_menu.actions()

    fake_ws.status_error = StripeUnavailableError("Stripe could not be reached.")
    window.auto_refresh.tick()
    qtbot.waitUntil(lambda: "could not be checked" in label.plain_text(), timeout=5000)
    assert "Stripe could not be reached." in label.plain_text()
    assert "Stripe could not be reached" not in window.status.text()  # no error over the work


def test_a_full_read_says_why_and_what_would_make_refreshes_cheaper() -> None:
    at = datetime(2026, 3, 1, 14, 2, 5)
    notice = (
        "Events could not be read with this key: give it 'Events: Read' (rak_event_read) "
        "to make refreshes cheaper."
    )
    first = StripeRefresh(summary="full read", full=True, requests=3, notice=notice)
    assert checked_text(Checked(at, first)) == (
        "Stripe checked 14:02:05 — full read: events could not be read with this key: give it "
        "'Events: Read' (rak_event_read) to make refreshes cheaper"
    )
    expired = StripeRefresh(
        summary="fell back",
        full=True,
        requests=3,
        reason="the last change it saw is older than the 30 days Stripe keeps events",
    )
    assert checked_text(Checked(at, expired)).endswith(
        "— full read, because the last change it saw is older than the 30 days Stripe keeps events"
    )
    assert checked_text(Checked(at)) == "Stripe checked 14:02:05"


# -- the real thing: the window on the sandbox, a change made through the SDK --------------------


@pytest.fixture
def sandbox_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    url = sample_catalog_db(tmp_path)
    set_interval(0.3)
    session = Session(make_opener(url), make_key_reader(None))
    win = MainWindow(session, SettingsStore())
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(session.rows_loaded, timeout=20_000):
        win.start()
    qtbot.waitUntil(lambda: not session.busy, timeout=20_000)
    yield win
    with qtbot.waitSignal(session.shut_down, timeout=20_000):  # the sandbox is stopped
        win.close()


@pytest.mark.slow
def test_a_dashboard_edit_shows_up_in_a_running_window_marked_not_by_this_tool(
    sandbox_window: MainWindow, qtbot: QtBot
) -> None:
    window = sandbox_window
    run_plan(qtbot, window, "sync_all")
    synced = [r for r in window.model.rows() if r.state == "in_sync" and r.stripe_product_id]
    target = synced[0]
    old_name = target.stripe_name
    api = window.session._ws.sandbox_url  # type: ignore[union-attr]
    assert api
    sdk = stripe.StripeClient(SANDBOX_KEY, base_addresses={"api": api}, max_network_retries=0)

    sdk.v1.products.update(target.stripe_product_id, params={"name": "Renamed in the Dashboard"})

    def shown() -> bool:
        row = window.model.row_for(target.product_id)
        return row is not None and row.stripe_name == "Renamed in the Dashboard"

    qtbot.waitUntil(shown, timeout=10_000)  # a few intervals of 0.3 s
    tip = cell(window, target.product_id).data(Qt.ItemDataRole.ToolTipRole)
    assert "not by this tool" in tip and f"name (was {old_name!r})" in tip
    assert target.product_id in fresh(window)
    assert re.match(r"Stripe checked .* — events: \d+ changes?$", window.checked_label.plain_text())
    select(window, target.product_id)
    assert "not by this tool" in window.detail.toPlainText()
    assert target.product_id not in fresh(window)
