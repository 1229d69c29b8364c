"""The task runner: work runs off the GUI thread, reports in order, cancels, fails and shuts down."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from core.engine.types import ProgressEvent
from core.errors import StripeUnavailableError
from gui.tasks import Task, TaskRunner


def test_progress_then_result_then_finished_in_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gui_thread = threading.get_ident()
    seen_threads: list[int] = []

    def work(task: Task) -> str:
        seen_threads.append(threading.get_ident())
        for done in range(3):
            task.report(ProgressEvent(done, 3, f"p{done}"))
        return "done"

    task = Task(work, name="three steps")
    events: list[int] = []
    task.signals.progress.connect(lambda e: events.append(e.done))
    results: list[object] = []
    task.signals.succeeded.connect(results.append)
    s = task.signals
    with qtbot.waitSignals(
        [s.progress, s.progress, s.progress, s.succeeded, s.finished], order="strict", timeout=5000
    ):
        runner.start(task)
    assert events == [0, 1, 2]
    assert results == ["done"]
    assert seen_threads and seen_threads[0] != gui_thread  # the work ran off the GUI thread
    qtbot.waitUntil(lambda: not runner.busy)


def test_busy_while_a_foreground_task_runs(qtbot: QtBot) -> None:
    runner = TaskRunner()
    gate = threading.Event()
    task = Task(lambda t: gate.wait(5), name="blocked")
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda b: b is True):
        runner.start(task)
    assert runner.busy and runner.current is task
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda b: b is False):
        gate.set()
    background = Task(lambda t: None, name="detail", foreground=False)
    with qtbot.waitSignal(background.signals.finished):
        runner.start(background)
        assert not runner.busy  # background work never makes the window busy


def test_cancel_stops_between_operations_and_reports_cancelled(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()
    done_ops: list[int] = []

    def work(task: Task) -> list[int]:
        for op in range(5):
            task.cancel_token.raise_if_cancelled()  # core checks between two Stripe operations
            if op == 1:
                started.set()
                release.wait(5)
            done_ops.append(op)  # an operation, never interrupted halfway
        return done_ops

    task = Task(work, name="cancellable")
    with (
        qtbot.assertNotEmitted(task.signals.succeeded),
        qtbot.assertNotEmitted(task.signals.failed),
        qtbot.waitSignals([task.signals.cancelled, task.signals.finished], order="strict"),
    ):
        runner.start(task)
        assert started.wait(5)
        task.cancel()
        release.set()
    assert done_ops == [0, 1]  # operation 1 finished; operation 2 never started


def test_error_is_delivered_with_its_plain_words(qtbot: QtBot) -> None:
    runner = TaskRunner()

    def work(task: Task) -> None:
        raise StripeUnavailableError("Stripe could not be reached.", hint="Check the network.")

    task = Task(work, name="failing")
    errors: list[object] = []
    task.signals.failed.connect(errors.append)
    with (
        qtbot.assertNotEmitted(task.signals.succeeded),
        qtbot.waitSignals([task.signals.failed, task.signals.finished], order="strict"),
    ):
        runner.start(task)
    (error,) = errors
    assert isinstance(error, StripeUnavailableError)
    assert error.hint == "Check the network."


def test_tasks_run_one_at_a_time(qtbot: QtBot) -> None:
    runner = TaskRunner()
    active, overlap = [0], [False]
    lock = threading.Lock()

    def work(task: Task) -> None:
        with lock:
            active[0] += 1
            overlap[0] |= active[0] > 1
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1

    tasks = [Task(work, name=f"t{i}") for i in range(4)]
    with qtbot.waitSignals([t.signals.finished for t in tasks], timeout=5000):
        for task in tasks:
            runner.start(task)
    assert overlap == [False]


def test_shutdown_cancels_and_waits_for_the_running_task(qtbot: QtBot) -> None:
    runner = TaskRunner()
    started = threading.Event()
    finished_work: list[str] = []

    def work(task: Task) -> None:
        started.set()
        while not task.cancel_token.cancelled:
            threading.Event().wait(0.01)
        finished_work.append("stopped cleanly")
        task.cancel_token.raise_if_cancelled()

    queued_ran: list[str] = []
    task = Task(work, name="long")
    queued = Task(lambda t: queued_ran.append("ran"), name="queued")
    runner.start(task)
    runner.start(queued)
    assert started.wait(5)
    assert runner.shutdown(5000) is True
    assert finished_work == ["stopped cleanly"]
    assert queued_ran == []  # a task queued behind it is cancelled before it starts
