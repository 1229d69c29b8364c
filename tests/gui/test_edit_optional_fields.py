"""The Edit tab edits the optional Stripe fields the catalog owns (README "Optional product fields"),
in the real window over a real Workspace on SQLite and a Stripe sandbox: a bad web address is
refused under its field as it is typed, a saved web address and unit label land in the catalog
(undoable, nothing sent to Stripe), a field the catalog does not own has no input, and the next
sync sends the new values — checked in Stripe through the real SDK."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from core.catalog.records import CatalogRecord
from core.sandbox import SandboxServer
from core.settings import Settings, save_settings
from gui.main_window import MainWindow
from gui.widgets.edit_form import EditForm
from tests.gui.real_window import sample_catalog_db, window_in_test_mode
from tests.gui.test_main_window import select
from tests.gui.test_window_sandbox import run_plan
from tests.raw_sql import query_value, run_sql

pytestmark = pytest.mark.slow

KEY = "sk_test_" + "windowOptional001"
CABLE = "cable-jst-30cm"
URL = "https://shop.example.com/cable"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = sample_catalog_db(tmp_path)
    columns = ("url", "unit_label", "tax_code")
    run_sql(url, *(f"ALTER TABLE products ADD COLUMN {c} TEXT" for c in columns))
    # The table has a tax_code column, but the setting leaves the tax code to Stripe.
    save_settings(Settings(owned_fields=["url", "unit_label"]))
    return url


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def window(qtbot: QtBot, db_url: str, sandbox: SandboxServer) -> Iterator[MainWindow]:
    with window_in_test_mode(qtbot, db_url, sandbox, KEY) as win:
        yield win


def retype(qtbot: QtBot, form: EditForm, name: str, text: str) -> None:
    box = form.field(name)
    assert isinstance(box, QLineEdit)
    box.clear()
    qtbot.keyClicks(box, text)


def catalog(db_url: str, column: str) -> object:
    return query_value(db_url, f"SELECT {column} FROM products WHERE id = '{CABLE}'")


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)


def test_owned_fields_are_edited_checked_saved_undone_and_reach_stripe(
    window: MainWindow, db_url: str, sandbox: SandboxServer, qtbot: QtBot
) -> None:
    run_plan(qtbot, window, "sync_all")
    sandbox.clear_log()
    select(window, CABLE)
    window.tabs.setCurrentWidget(window.edit_form)
    form = window.edit_form
    qtbot.waitUntil(lambda: form.field("url") is not None, timeout=10_000)
    assert isinstance(form.field("unit_label"), QLineEdit)
    # Not the catalog's: the tax code (left out by the setting), the statement descriptor (no
    # column). The Details tab shows Stripe's values read-only.
    assert form.field("tax_code") is None and form.field("statement_descriptor") is None

    retype(qtbot, form, "url", "shop.example.com/cable")
    qtbot.waitUntil(lambda: bool(form.error_text("url")), timeout=10_000)
    assert "must be a full web address such as https://example.com/lamp" in form.error_text("url")
    assert not form.save_button.isEnabled()
    assert form.state.text() == "Correct the values marked in red to save."

    retype(qtbot, form, "url", URL)
    retype(qtbot, form, "unit_label", "per cable")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    assert form.error_text("url") == ""
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        form.save_button.click()
    settle(qtbot, window)
    assert (catalog(db_url, "url"), catalog(db_url, "unit_label")) == (URL, "per cable")
    assert sandbox.writes() == []  # the catalog only, until a sync

    # Undoable like any edit: back to no value, then the new values again.
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.undo.undo.trigger()
    settle(qtbot, window)
    assert (catalog(db_url, "url"), catalog(db_url, "unit_label")) == (None, None)
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        window.undo.redo.trigger()
    settle(qtbot, window)
    assert (catalog(db_url, "url"), catalog(db_url, "unit_label")) == (URL, "per cable")

    select(window, CABLE)
    run_plan(qtbot, window, "sync_selected")
    sent = [w.params for w in sandbox.writes() if w.path == f"/v1/products/{CABLE}"]
    assert sent == [{"url": URL, "unit_label": "per cable"}]
    client = stripe.StripeClient(KEY, base_addresses={"api": sandbox.url})
    product = client.v1.products.retrieve(CABLE)
    assert (product.url, product.unit_label) == (URL, "per cable")


def test_each_optional_field_has_its_own_kind_of_input(qtbot: QtBot) -> None:
    form = EditForm()
    qtbot.addWidget(form)
    record = CatalogRecord(
        {
            "id": "lamp",
            "name": "Lamp",
            "base_price_cents": 4500,
            "sell_status": "available",
            "images": '["https://a.example.com/1.png", "https://a.example.com/2.png"]',
            "shippable": None,
            "tax_behavior": None,
            "package_dimensions": '{"height": 2.0, "length": 10.0, "weight": 16.5, "width": 8.0}',
            "url": "https://a.example.com",
        },
        (),
    )
    owned = ("images", "shippable", "tax_behavior", "package_dimensions")
    form.show_product(None)
    form.product_id = "lamp"
    form.set_record(record, "usd", owned=owned)
    assert form.field("url") is None  # a column the catalog does not own here

    images = form.field("images")
    assert isinstance(images, QPlainTextEdit)
    assert images.toPlainText() == "https://a.example.com/1.png\nhttps://a.example.com/2.png"
    shippable = form.field("shippable")
    assert isinstance(shippable, QCheckBox)
    assert shippable.checkState() == Qt.CheckState.PartiallyChecked  # no value given
    tax = form.field("tax_behavior")
    assert isinstance(tax, QComboBox)
    assert tax.currentData() == "unspecified"
    assert "once" in tax.toolTip() and "new price" in tax.toolTip()
    package = form.field("package_dimensions")
    assert isinstance(package, QWidget)
    boxes = package.findChildren(QLineEdit)
    assert [b.text() for b in boxes] == ["2", "10", "16.5", "8"]
    assert not form.dirty  # shown as loaded: nothing to save

    images.setPlainText("https://a.example.com/3.png")
    shippable.setCheckState(Qt.CheckState.Checked)
    tax.setCurrentIndex(tax.findData("inclusive"))
    for box in boxes:
        box.clear()
    (call,) = form.calls()
    assert call.changes == {
        "images": "https://a.example.com/3.png",
        "shippable": "true",
        "tax_behavior": "inclusive",
        "package_dimensions": "",
    }
