"""What the window says about all its rows at once (the state filter's counts, whether "Sync all
changes…" has anything to do): counted with the prepared rows, and again after rows change."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from core.engine.types import FieldDiff
from gui.models.product_table import CHUNK, ProductTableModel
from gui.models.row_prep import prepare_rows, summarize
from gui.widgets.filter_bar import FilterBar
from tests.gui.fakes import make_row


def shop() -> list[Any]:
    return [
        make_row("mug"),
        make_row(
            "tote",
            state="differs",
            differences=[FieldDiff(field="price", local="$10", stripe="$9")],
        ),
        make_row("lamp", state="missing", stripe_status="missing"),
        make_row("shade", state="in_sync", error="Stripe refused the amount"),
        make_row("cap", state="held"),
    ]


def labels(bar: FilterBar) -> dict[str, str]:
    return {bar.state.itemData(i): bar.state.itemText(i) for i in range(bar.state.count())}


def test_the_counts_come_with_prepared_rows(qtbot: QtBot) -> None:
    rows = prepare_rows(shop())
    assert rows.summary is not None and summarize(rows) is rows.summary
    assert summarize(rows) == summarize(list(rows))  # the same as counted from plain rows

    bar = FilterBar()
    qtbot.addWidget(bar)
    bar.set_counts(rows)
    shown = labels(bar)
    assert shown["all"] == "All products (5)"
    assert shown["differs"] == "Differs (1)"
    assert shown["failed"] == "Failed (1)"  # in sync, but its last sync failed
    assert shown["held"] == "Held (archived here by you) (1)"
    assert summarize(rows).syncable == 3  # tote, lamp and the failed shade
    assert summarize(rows).not_in_sync == 2


def test_the_model_summary_follows_its_rows(qtbot: QtBot) -> None:
    model = ProductTableModel()
    assert not model.summary.has_changes and model.summary.total == 0
    many = [make_row(f"p{i:04d}") for i in range(CHUNK * 2)]
    model.show_rows(prepare_rows([*many, *shop()]))
    qtbot.waitUntil(lambda: not model.filling)
    assert model.summary.total == CHUNK * 2 + 5 and model.summary.syncable == 3

    synced = [make_row(pid) for pid in ("tote", "lamp", "shade")]
    model.update_rows(synced)  # after a sync: nothing left to write
    assert not model.summary.has_changes
    assert model.summary.counts["in_sync"] == CHUNK * 2 + 4

    model.set_rows(shop())  # plain rows: counted from what the model prepared
    assert model.summary.syncable == 3 and model.summary.total == 5
