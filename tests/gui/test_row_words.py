"""Why a product would write nothing, in a maker's words (status bar, plan dialog, detail pane)."""

from __future__ import annotations

import pytest

from core.engine.types import Operation, ProductPlan
from gui.row_words import nothing_to_sync_line, operation_text, sync_words, why_no_write
from tests.gui.fakes import make_row


def plan(pid: str, **fields: object) -> ProductPlan:
    return ProductPlan(product_id=pid, action="skipped", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("row", "words"),
    [
        (make_row("shade", name="Shade", plan=plan("shade")), "Shade: in sync"),
        (
            make_row(
                "lamp",
                name="Lamp",
                state="not_ready",
                not_ready_reason="dev status 3 (needs 5)",
                stripe_product_id=None,
                stripe_status="missing",
            ),
            "Lamp: not ready (dev status 3 of 5)",
        ),
        (
            make_row("kit", name="Kit", state="not_ready", not_ready_reason="no price yet"),
            "Kit: not ready (no price yet)",
        ),
        (
            make_row("gift", name="Gift", state="failed", error="name: must not be empty"),
            "Gift: invalid catalog row: name: must not be empty",
        ),
        (
            make_row(
                "bulb", name="Bulb", state="differs", plan=plan("bulb", kept_stripe_edits=["name"])
            ),
            "Bulb: keeps what was edited in Stripe (name)",
        ),
        (
            make_row(
                "proto",
                name="Proto",
                state="archived",
                sell_status="internal",
                stripe_product_id=None,
                stripe_status="missing",
                plan=plan("proto"),
            ),
            "Proto: not in Stripe, and the catalog does not offer it for sale: nothing to create",
        ),
    ],
)
def test_each_product_says_why_nothing_would_be_written(row: object, words: str) -> None:
    assert nothing_to_sync_line(row) == words  # type: ignore[arg-type]


def test_a_product_stripe_does_not_hold_is_never_called_matching() -> None:
    row = make_row("new", state="in_sync", stripe_product_id=None, stripe_status="missing")
    assert "match" not in why_no_write(row) and "in sync" not in why_no_write(row)


def test_the_detail_pane_sentence_and_marked_operations() -> None:
    row = make_row("lamp", plan=plan("lamp"))
    assert sync_words(row) == "Nothing to sync: in sync."
    op = Operation(
        kind="update_product", product_id="lamp", summary="name A → B", overwrites_stripe_edit=True
    )
    assert operation_text(op) == "⚠ name A → B — overwrites an edit made in Stripe"
    writing = make_row("lamp", plan=plan("lamp", operations=[op]))
    assert sync_words(writing) == "Syncing it makes 1 change in Stripe (listed below)."
