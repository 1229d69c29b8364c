"""The settings file: the test-before-live question is on by default and can be turned off."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigurationError
from core.settings import Settings, load_settings, save_settings, write_default_settings


def test_asking_again_before_untried_live_writes_is_on_by_default(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "missing.toml").confirm_untried_live is True
    description = Settings.model_fields["confirm_untried_live"].description or ""
    assert "never synced to test mode" in description


def test_turning_the_question_off_is_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(confirm_untried_live=False), path)
    assert "confirm_untried_live = false" in path.read_text(encoding="utf-8")
    assert load_settings(path).confirm_untried_live is False
    path.write_text("confirm_untried_live = true\n", encoding="utf-8")
    assert load_settings(path).confirm_untried_live is True


def test_a_misspelt_or_wrong_value_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('confirm_untried_live = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="confirm_untried_live"):
        load_settings(path)
    path.write_text("confirm_untried = false\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="confirm_untried: unknown setting"):
        load_settings(path)


def test_first_run_file_describes_every_setting_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert write_default_settings(path) == path
    text = path.read_text(encoding="utf-8")
    assert load_settings(path) == Settings()  # every setting commented out
    for name in Settings.model_fields:
        assert f"\n# {name}: " in text and f"\n# {name} = " in text
    assert all(len(line) <= 100 for line in text.splitlines())
    # Removing the # before a line is all it takes to use it.
    path.write_text(text.replace('# currency = "usd"', 'currency = "eur"'), encoding="utf-8")
    assert load_settings(path).currency == "eur"
    path.write_text(text.replace("# rate_limit = 10", "rate_limit = 10"), encoding="utf-8")
    assert load_settings(path).rate_limit == 10


def test_the_first_run_file_never_replaces_one_that_exists(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(Settings(currency="eur"), path)
    before = path.read_text(encoding="utf-8")
    assert write_default_settings(path) is None
    assert path.read_text(encoding="utf-8") == before
    assert "# currency: currency when the catalog has no column." in before  # saved described
    assert load_settings(path).currency == "eur"
