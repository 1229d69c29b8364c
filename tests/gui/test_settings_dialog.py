"""Settings… (Ctrl+,): every setting with its meaning, checked by the settings' own rules, written
to settings.toml (created described on first run), and the window's automatic refresh."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from core.paths import settings_file
from core.settings import Settings, load_settings, save_settings
from gui.dialogs.settings_dialog import SettingsDialog
from gui.settings_store import SettingsStore
from tests.gui.conftest import WindowFactory

PASSWORD = "pg-Secret-77"


def dialog_for(qtbot: QtBot, store: SettingsStore | None = None) -> SettingsDialog:
    dialog = SettingsDialog(store=store)
    qtbot.addWidget(dialog)
    return dialog


def test_first_run_creates_the_file_with_every_setting_described(qtbot: QtBot) -> None:
    path = settings_file()
    assert not path.exists()
    dialog = dialog_for(qtbot)
    text = path.read_text(encoding="utf-8")
    for name, info in Settings.model_fields.items():
        assert f"# {name} = " in text  # commented out: defaults until the maker changes one
        assert name in dialog.editors
        assert (info.description or "")[:40] in " ".join(text.split())
        assert (info.description or "")[:40] in dialog.editors[name].toolTip()
    assert load_settings(path) == Settings()
    assert dialog.where.text() == (
        f"Settings file: {path} (created now, with every setting described in it)"
    )
    again = dialog_for(qtbot)
    assert again.where.text() == f"Settings file: {path}"


def test_every_field_is_saved_back_to_the_file(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    assert [dialog.mode.itemData(i) for i in range(dialog.mode.count())] == ["sandbox", "test"]
    dialog.db_url.setText("sqlite:////srv/shop/catalog.db")
    dialog.mode.setCurrentIndex(dialog.mode.findData("test"))
    dialog.currency.setText(" EUR ")
    dialog.columns.setText("acct_1Shop:live")
    dialog.rate_limit.setText("12.5")
    dialog.untried.setChecked(False)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert load_settings() == Settings(
        db_url="sqlite:////srv/shop/catalog.db",
        mode="test",
        currency="eur",
        catalog_stripe_columns="acct_1Shop:live",
        rate_limit=12.5,
        confirm_untried_live=False,
    )
    text = settings_file().read_text(encoding="utf-8")
    assert 'catalog_stripe_columns = "acct_1Shop:live"' in text
    assert "# catalog_stripe_columns: 'acct_x:live': the account and mode" in text  # described
    again = dialog_for(qtbot)
    assert again.currency.text() == "eur" and again.rate_limit.text() == "12.5"
    again.rate_limit.setText("")
    again.columns.setText("")
    again.accept()
    assert load_settings().rate_limit is None and load_settings().catalog_stripe_columns is None


def test_a_refused_value_is_named_under_its_field_and_nothing_is_saved(qtbot: QtBot) -> None:
    save_settings(Settings(currency="usd"))
    before = settings_file().read_text(encoding="utf-8")
    dialog = dialog_for(qtbot)
    dialog.currency.setText("euro")
    dialog.columns.setText("live")
    dialog.rate_limit.setText("-3")
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    problems = {name: label.text() for name, label in dialog.problems.items() if label.text()}
    assert set(problems) == {"currency", "catalog_stripe_columns", "rate_limit"}
    assert "currency must be" in problems["currency"]
    assert "must look like acct_123:live" in problems["catalog_stripe_columns"]
    assert not problems["catalog_stripe_columns"].startswith("Value error")
    assert "greater than or equal to 0" in problems["rate_limit"]
    assert settings_file().read_text(encoding="utf-8") == before
    dialog.currency.setText("gbp")
    dialog.columns.setText("acct_9:test")
    dialog.rate_limit.setText("0")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not any(label.isVisibleTo(dialog) for label in dialog.problems.values())
    assert load_settings().currency == "gbp" and load_settings().rate_limit == 0


def test_a_password_in_the_database_url_is_never_shown_and_kept(qtbot: QtBot) -> None:
    url = f"postgresql+psycopg://shop:{PASSWORD}@db.local:5432/shop"
    save_settings(Settings(db_url=url))
    dialog = dialog_for(qtbot)
    assert PASSWORD not in dialog.db_url.text()
    assert dialog.db_url.text() == "postgresql+psycopg://shop:***@db.local:5432/shop"
    assert all(PASSWORD not in w.text() for w in dialog.findChildren(QLabel))
    dialog.currency.setText("eur")
    dialog.accept()
    assert load_settings().db_url == url  # left as shown: kept with its password
    again = dialog_for(qtbot)
    again.db_url.setText("")
    again.accept()
    assert load_settings().db_url is None


def test_live_is_not_offered_as_the_default_mode_but_a_file_saying_so_is_shown(
    qtbot: QtBot,
) -> None:
    save_settings(Settings(mode="live"))
    dialog = dialog_for(qtbot)
    assert dialog.mode.currentData() == "live"
    assert "choose Sandbox or Test" in dialog.mode.currentText()
    dialog.mode.setCurrentIndex(dialog.mode.findData("test"))
    dialog.accept()
    assert load_settings().mode == "test"
    again = dialog_for(qtbot)
    assert [again.mode.itemData(i) for i in range(again.mode.count())] == ["sandbox", "test"]


def test_ctrl_comma_opens_it_and_the_refresh_interval_applies_at_once(
    make_window: WindowFactory, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.auto_refresh.interval == 3  # the sandbox's default
    window.actions.open_settings.trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.auto_refresh is not None
    assert dialog.auto_refresh.value() == -1
    assert dialog.auto_refresh.text().startswith("Default (3 s in the sandbox, 30 s")
    dialog.auto_refresh.setValue(0)
    dialog.accept()
    assert window.auto_refresh.interval == 0  # off
    assert SettingsStore().auto_refresh_choice == 0
    window.actions.open_settings.trigger()
    again = window.settings_dialog
    assert isinstance(again, SettingsDialog) and again.auto_refresh is not None
    assert again.auto_refresh.value() == 0
    again.auto_refresh.setValue(-1)
    again.accept()
    assert window.auto_refresh.interval == 3 and SettingsStore().auto_refresh_choice is None


def test_the_fields_the_catalog_owns_are_a_list_of_names(qtbot: QtBot) -> None:
    dialog = dialog_for(qtbot)
    assert dialog.owned.text() == ""  # the default: every field with a column
    dialog.owned.setText("url, images  tax_behavior,url")
    dialog.accept()
    assert load_settings().owned_fields == ["url", "images", "tax_behavior"]
    again = dialog_for(qtbot)
    assert again.owned.text() == "url, images, tax_behavior"
    again.owned.setText("url, colour")
    again.accept()
    assert "'colour' is not an optional product field" in again.problems["owned_fields"].text()
    again.owned.setText("")
    again.accept()
    assert load_settings().owned_fields is None
