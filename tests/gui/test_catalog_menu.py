"""The Catalog menu over real catalogs and the in-process sandbox: open a file or a database URL,
recent catalogs, a new empty catalog, where it lives, import (all or nothing) and export."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.workspace import import_catalog
from gui import catalog_menu
from gui.app import make_key_reader, make_opener
from gui.dialogs.database_url_dialog import DatabaseUrlDialog, split_password, with_password
from gui.main_window import MainWindow
from gui.session import Session
from gui.settings_store import DEFAULT_CATALOG, SettingsStore

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample_catalog.json"
PASSWORD = "s3cret-Pa55"


def catalog_file(tmp_path: Path, name: str, products: dict[str, str]) -> Path:
    """A catalog file holding `products` (id -> name), imported as a maker would."""
    source = tmp_path / f"{name}.csv"
    lines = ["id,name,base_price_cents,sell_status"]
    lines += [f"{pid},{title},1500,available" for pid, title in products.items()]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / f"{name}.sqlite3"
    import_catalog(f"sqlite:///{path}", source)
    return path


@pytest.fixture
def first(tmp_path: Path) -> Path:
    return catalog_file(tmp_path, "first", {"lamp": "Lamp", "shade": "Shade"})


@pytest.fixture
def window(qtbot: QtBot, first: Path) -> Iterator[MainWindow]:
    """The window on `first`, in sandbox mode, opening the catalog the settings name each time
    (as gui.app builds it)."""
    settings = SettingsStore()
    settings.catalog_url = f"sqlite:///{first}"
    session = Session(make_opener(lambda: settings.catalog_url), make_key_reader(None))
    win = MainWindow(session, settings)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(session.rows_loaded, timeout=20_000):
        win.start()
    qtbot.waitUntil(lambda: not session.busy, timeout=20_000)
    yield win
    win.session.shutdown(10_000)


def ids(window: MainWindow) -> list[str]:
    return sorted(row.product_id for row in window.model.rows())


def choose(monkeypatch: pytest.MonkeyPatch, name: str, path: Path | str) -> list[str]:
    """Make the next file dialog `name` answer `path`; the titles it was opened with."""
    titles: list[str] = []

    def answer(_parent: object, title: str, _filters: str, **_kw: object) -> str:
        titles.append(title)
        return str(path)

    monkeypatch.setattr(catalog_menu, name, answer)
    return titles


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20_000)


def trigger_and_wait(qtbot: QtBot, window: MainWindow, trigger: Callable[[], None]) -> None:
    with qtbot.waitSignal(window.session.rows_loaded, timeout=20_000):
        trigger()
    wait_idle(qtbot, window)


def test_the_catalog_menu_comes_first_with_the_usual_places_after_it(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert titles == ["&Catalog", "&Edit", "&View", "&Stripe", "S&andbox", "&Help"]
    a = window.actions
    texts = [x.text() for x in window.catalog_menu.actions() if not x.isSeparator()]
    assert texts[:3] == ["Open SQLite file…", "Open database URL…", "Recent catalogs"]
    for action in (a.new_catalog, a.show_catalog, a.import_catalog, a.export_catalog):
        assert action in window.catalog_menu.actions()
    assert (
        a.export_diff in window.catalog_menu.actions() and a.quit in window.catalog_menu.actions()
    )
    assert a.open_settings.shortcut().toString() == "Ctrl+,"
    assert a.open_settings in window.edit_menu.actions()


def test_opening_another_file_reopens_in_the_same_mode_and_is_remembered(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, first: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ids(window) == ["lamp", "shade"]
    second = catalog_file(tmp_path, "second", {"mug": "Mug"})
    choose(monkeypatch, "ask_open_file", second)
    trigger_and_wait(qtbot, window, window.actions.open_catalog_file.trigger)
    assert ids(window) == ["mug"]
    assert window.mode == "sandbox"
    assert window.settings.catalog_url == f"sqlite:///{second}"
    assert SettingsStore().catalog_url == f"sqlite:///{second}"  # the next start opens it
    assert window.settings.recent_catalogs[:2] == [f"sqlite:///{second}", f"sqlite:///{first}"]
    window._fill_recent()
    recent = [a for a in window.recent_menu.actions() if a.isCheckable()]
    assert [a.text() for a in recent] == [str(second), str(first)]
    assert recent[0].isChecked() and not recent[1].isChecked()
    trigger_and_wait(qtbot, window, recent[1].trigger)
    assert ids(window) == ["lamp", "shade"]


def test_a_file_that_is_not_a_catalog_is_refused_in_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choose(monkeypatch, "ask_open_file", tmp_path / "missing.sqlite3")
    with qtbot.waitSignal(window.session.disconnected, timeout=20_000):
        window.actions.open_catalog_file.trigger()
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 0
    assert "missing.sqlite3" in window.status.text()
    assert not (tmp_path / "missing.sqlite3").exists()  # opening never creates a catalog


def test_a_new_empty_catalog_is_created_opened_then_filled_by_an_import(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = tmp_path / "shop.sqlite3"
    choose(monkeypatch, "ask_save_file", new)
    trigger_and_wait(qtbot, window, window.actions.new_catalog.trigger)
    assert new.is_file() and window.model.rowCount() == 0  # no sample products
    assert window.settings.catalog_url == f"sqlite:///{new}"
    choose(monkeypatch, "ask_open_file", SAMPLE)
    trigger_and_wait(qtbot, window, window.actions.import_catalog.trigger)
    wanted = sorted(p["id"] for p in json.loads(SAMPLE.read_text())["products"])
    assert ids(window) == wanted
    assert "inserted" in window.status.text().lower()


def test_a_new_catalog_never_replaces_an_existing_file(
    window: MainWindow, qtbot: QtBot, first: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = first.read_bytes()
    choose(monkeypatch, "ask_save_file", first)
    window.actions.new_catalog.trigger()
    qtbot.waitUntil(lambda: window.catalog_box is not None, timeout=20_000)
    assert window.catalog_box is not None
    assert "already exists; nothing was changed" in window.catalog_box.text()
    assert first.read_bytes() == before and ids(window) == ["lamp", "shade"]


def test_a_refused_import_lists_every_problem_and_imports_nothing(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,sell_status\nnew,New,available\nkit,Kit,gone\nbox,Box,lost\n", encoding="utf-8"
    )
    choose(monkeypatch, "ask_open_file", bad)
    window.actions.import_catalog.trigger()
    qtbot.waitUntil(lambda: window.catalog_box is not None, timeout=20_000)
    box = window.catalog_box
    assert box is not None and box.icon() == QMessageBox.Icon.Warning
    assert box.text().startswith("bad.csv: 2 problems. Nothing was imported")
    problems = box.informativeText().splitlines()
    assert len(problems) == 2
    assert "row 2 (id kit): field sell_status" in problems[0] and "'gone'" in problems[0]
    assert "row 3 (id box): field sell_status" in problems[1] and "'lost'" in problems[1]
    assert window.status.details() == [p.removeprefix("• ") for p in problems]
    wait_idle(qtbot, window)
    trigger_and_wait(qtbot, window, window.refresh)
    assert ids(window) == ["lamp", "shade"]  # all or nothing: not even the good row


def test_one_bad_row_reads_as_the_command_line_says_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,sell_status\nlamp,Lamp,available\nkit,Kit,gone\n", encoding="utf-8")
    choose(monkeypatch, "ask_open_file", bad)
    window.actions.import_catalog.trigger()
    qtbot.waitUntil(lambda: window.catalog_box is not None, timeout=20_000)
    assert window.catalog_box is not None
    assert window.catalog_box.text() == (
        "bad.csv: row 2 (id kit): field sell_status: must be one of 'available', 'for-sale', "
        "'pre-order', 'pre-sale', 'sold-out' or 'internal', got 'gone'. Nothing was imported; "
        "fix the file and import it again."
    )


def test_export_writes_the_catalog_and_the_differences_shown(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.json"
    choose(monkeypatch, "ask_save_file", out)
    window.actions.export_catalog.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.status.text(), timeout=20_000)
    assert window.status.text() == f"Exported 2 products to {out}."
    assert sorted(p["id"] for p in json.loads(out.read_text())["products"]) == ["lamp", "shade"]
    wait_idle(qtbot, window)
    diff = tmp_path / "diff.json"
    choose(monkeypatch, "ask_save_file", diff)
    assert window.actions.export_diff.isEnabled()
    window.actions.export_diff.trigger()
    qtbot.waitUntil(lambda: "rows to" in window.status.text(), timeout=20_000)
    assert window.status.text().startswith(f"Exported 2 rows to {diff}")
    records = json.loads(diff.read_text())
    assert {r["id"]: r["state"] for r in records} == {"lamp": "missing", "shade": "missing"}


def test_where_it_lives_names_the_file_and_opens_its_folder(
    window: MainWindow, first: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(catalog_menu, "open_folder", opened.append)
    window.actions.show_catalog.trigger()
    box = window.catalog_box
    assert box is not None and str(first) in box.text()
    (button,) = [b for b in box.buttons() if b.text() == "Open folder"]
    button.click()
    assert opened == [first.parent]


def test_a_database_url_never_shows_or_logs_its_password(
    window: MainWindow, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    window.actions.open_catalog_url.trigger()
    dialog = window.url_dialog
    assert isinstance(dialog, DatabaseUrlDialog)
    # Pasted with the password in it: taken out into the password field on leaving the field.
    dialog.address.setText(f"postgresql+psycopg://shop:{PASSWORD}@127.0.0.1:9/shop")
    dialog.address.editingFinished.emit()
    assert PASSWORD not in dialog.address.text()
    assert dialog.password.text() == PASSWORD
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    with qtbot.waitSignal(window.session.disconnected, timeout=30_000):
        dialog.accept()
    wait_idle(qtbot, window)
    assert window.settings.catalog_url == f"postgresql+psycopg://shop:{PASSWORD}@127.0.0.1:9/shop"
    assert "127.0.0.1:9" in window.status.text() and PASSWORD not in window.status.text()
    assert PASSWORD not in caplog.text
    window.actions.show_catalog.trigger()
    assert window.catalog_box is not None
    assert "shop:***@127.0.0.1:9/shop" in window.catalog_box.text()
    window._fill_recent()  # never opened: not in the recent catalogs
    assert all(PASSWORD not in a.text() for a in window.recent_menu.actions())


def test_the_url_dialog_refuses_what_is_not_a_url(qtbot: QtBot) -> None:
    dialog = DatabaseUrlDialog()
    qtbot.addWidget(dialog)
    dialog.address.setText("localhost/shop")
    dialog.accept()
    assert "is not a database URL" in dialog.problem.text() and dialog.result() == 0
    dialog.address.setText("postgresql+psycopg://localhost/shop")
    dialog.password.setText("pw")
    dialog.accept()
    assert "needs a user name" in dialog.problem.text()
    assert split_password("postgresql://u:p%40ss@h/db") == ("postgresql://u@h/db", "p@ss")
    assert with_password("postgresql://u@h/db", "p@ss/:") == "postgresql://u:p%40ss%2F%3A@h/db"


def test_recent_catalogs_keep_the_last_five_newest_first() -> None:
    store = SettingsStore()
    for i in range(7):
        store.add_recent_catalog(f"sqlite:////tmp/c{i}, with a comma.db")
    store.add_recent_catalog(None)
    store.add_recent_catalog("sqlite:////tmp/c5, with a comma.db")
    store.sync()
    again = SettingsStore()
    assert again.recent_catalogs == [
        "sqlite:////tmp/c5, with a comma.db",
        DEFAULT_CATALOG,
        "sqlite:////tmp/c6, with a comma.db",
        "sqlite:////tmp/c4, with a comma.db",
        "sqlite:////tmp/c3, with a comma.db",
    ]


PG_ADDRESS = "postgresql+psycopg://shop@127.0.0.1:9/shop"  # nothing listens on port 9


def test_a_database_password_is_never_written_to_the_window_settings(
    window: MainWindow, qtbot: QtBot
) -> None:
    url = f"postgresql+psycopg://shop:{PASSWORD}@127.0.0.1:9/shop"
    with qtbot.waitSignal(window.session.disconnected, timeout=30_000):
        window.switch_catalog(url)
    wait_idle(qtbot, window)
    window.settings.add_recent_catalog(url)  # as an open that worked adds it
    window.settings.sync()
    saved = window.settings.path.read_text(encoding="utf-8")
    assert PASSWORD not in saved
    assert PG_ADDRESS in saved  # the catalog and the recent list, without the password
    assert window.settings.recent_catalogs[0] == PG_ADDRESS
    # This run still knows it: reopening from Recent catalogs does not ask again…
    assert window.settings.full_catalog_url(PG_ADDRESS) == url
    assert not window.settings.needs_password(PG_ADDRESS)
    # …the next start does.
    later = SettingsStore()
    assert later.catalog_url == PG_ADDRESS
    assert later.needs_password(later.catalog_url)


def test_a_recent_postgresql_catalog_asks_for_its_password_again(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.settings.add_recent_catalog(PG_ADDRESS)
    window._fill_recent()
    recent = [a for a in window.recent_menu.actions() if a.text() == PG_ADDRESS]
    assert len(recent) == 1
    recent[0].trigger()
    dialog = window.url_dialog
    assert isinstance(dialog, DatabaseUrlDialog)
    assert dialog.address.text() == PG_ADDRESS
    assert dialog.again.isVisibleTo(dialog)
    assert dialog.again.text().startswith(
        f"The password of {PG_ADDRESS} is not saved on this computer: type it to open the catalog."
    )
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(window.session.disconnected, timeout=30_000):
        dialog.accept()
    wait_idle(qtbot, window)
    assert window.settings.catalog_url == f"postgresql+psycopg://shop:{PASSWORD}@127.0.0.1:9/shop"
    window.settings.sync()
    assert PASSWORD not in window.settings.path.read_text(encoding="utf-8")


def test_a_password_an_older_version_saved_is_taken_out_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "window.ini"
    url = f"postgresql+psycopg://shop:{PASSWORD}@db.example.com/shop"
    old = SettingsStore(path)
    old._qs.setValue("session/catalog_url", url)  # as a version before this one wrote it
    old._qs.setValue("catalog/recent", json.dumps([url, ""]))
    old.sync()
    assert PASSWORD in path.read_text(encoding="utf-8")
    store = SettingsStore(path)
    store.sync()
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert store.catalog_url == "postgresql+psycopg://shop@db.example.com/shop"
    assert store.recent_catalogs == ["postgresql+psycopg://shop@db.example.com/shop", ""]
