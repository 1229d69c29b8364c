"""The application log: where it goes, what a line holds, and that keys never reach it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from core.runtime.applog import KeyRedactingFilter, redact_keys, setup_logging, teardown_logging
from tests.fake_keys import fake_key

SECRET = "sk_test_FakeAbCdEfGhIjKlMnOpQrStUvWx4242"
RESTRICTED = fake_key("rk", "live", "FakeZyXwVuTsRqPoNmLkJiHgFeDc7777")


@pytest.fixture(autouse=True)
def _no_handler_left_behind() -> Iterator[None]:
    root_level = logging.getLogger().level
    yield
    teardown_logging()
    logging.getLogger().setLevel(root_level)


def _our_handlers() -> list[RotatingFileHandler]:
    return [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]


def test_the_log_goes_to_the_user_log_folder() -> None:
    path = setup_logging()

    state_home = Path(os.environ["XDG_STATE_HOME"])
    assert path == state_home / "stripe-sync-admin" / "log" / "stripe-sync-admin.log"
    logging.getLogger("core.test").info("hello")
    assert path.is_file()


def test_a_line_has_time_level_logger_and_message() -> None:
    path = setup_logging()
    logging.getLogger("core.engine.sync").warning("3 products failed")

    line = path.read_text(encoding="utf-8").splitlines()[-1]
    date, time, level, logger, *message = line.split(" ")
    assert len(date) == 10 and date[4] == "-"
    assert time[2] == ":"
    assert (level, logger, " ".join(message)) == (
        "WARNING",
        "core.engine.sync:",
        "3 products failed",
    )


def test_calling_setup_twice_adds_no_second_handler() -> None:
    first = setup_logging()
    second = setup_logging(logging.DEBUG)

    assert first == second
    assert len(_our_handlers()) == 1
    logging.getLogger("x").debug("once")
    assert first.read_text(encoding="utf-8").count("once") == 1


def test_a_new_log_folder_replaces_the_handler(tmp_path: Path) -> None:
    setup_logging()
    moved = setup_logging(directory=tmp_path / "logs")

    assert moved == tmp_path / "logs" / "stripe-sync-admin.log"
    assert len(_our_handlers()) == 1
    logging.getLogger("x").info("after the move")
    assert "after the move" in moved.read_text(encoding="utf-8")


def test_the_level_is_honoured() -> None:
    path = setup_logging(logging.WARNING)
    logging.getLogger("x").info("not this")
    logging.getLogger("x").error("but this")
    text = path.read_text(encoding="utf-8")
    assert "but this" in text
    assert "not this" not in text


def test_keys_are_masked_in_messages_arguments_and_exceptions() -> None:
    path = setup_logging()
    log = logging.getLogger("core.keys.store")

    log.info("saved key %s for test mode", SECRET)
    log.info(f"inline {RESTRICTED} and key={SECRET}")
    log.info("a dict %s", {"api_key": SECRET})
    try:
        raise ValueError(f"Stripe refused {SECRET}")
    except ValueError:
        log.exception("verification failed for %s", RESTRICTED)

    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert RESTRICTED not in text
    assert "saved key sk_test_…4242 for test mode" in text
    assert "inline rk_live_…7777 and key=sk_test_…4242" in text
    assert "ValueError: Stripe refused sk_test_…4242" in text
    assert "Traceback" in text


def test_redact_keys_masks_every_key_shape() -> None:
    live = fake_key("sk", "live", "abcdefgh1234")
    text = f"a {live} b pk_test_zzzzzzzz9876 c rk_test_12345678abcd_x"
    assert redact_keys(text) == "a sk_live_…1234 b pk_test_…9876 c rk_test_…abcd_x"
    assert redact_keys("nothing secret here: sk_other_123") == "nothing secret here: sk_other_123"


def test_a_record_with_broken_arguments_is_kept_without_its_key() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, f"key {SECRET}: %s %s", (SECRET,), None
    )
    assert KeyRedactingFilter().filter(record)
    assert record.getMessage() == "key sk_test_…4242: %s %s (unformattable arguments)"


def test_the_sdk_request_chatter_stays_out_but_its_warnings_do_not() -> None:
    path = setup_logging()
    logging.getLogger("stripe").info("Request to Stripe api method=get url=/v1/products")
    logging.getLogger("stripe").warning("Stripe API error received")

    text = path.read_text(encoding="utf-8")
    assert "Request to Stripe api" not in text
    assert "Stripe API error received" in text
