"""What the window says after a failed check of Stripe: when, why, and how old the rows shown are,
the age told again as time passes."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytestqt.qtbot import QtBot

from core.errors import ConfigurationError, StripeUnavailableError
from gui.session_refresh import Checked
from gui.widgets.stripe_checked import StripeCheckedLabel, age_words, stale_text

LAST_OK = datetime(2026, 3, 4, 13, 58)
FAILED_AT = datetime(2026, 3, 4, 14, 2)
UNREACHABLE = StripeUnavailableError(
    "Stripe could not be reached while trying to list events; gave up after 1 attempts in 0.0 s.",
    hint="Check the internet connection.",
)


def test_the_notice_says_when_why_and_how_old() -> None:
    text = stale_text(Checked(FAILED_AT, error=UNREACHABLE), LAST_OK, FAILED_AT)
    assert text == (
        "Couldn't reach Stripe at 14:02 (Stripe could not be reached while trying to list "
        "events; gave up after 1 attempts in 0.0 s). The table shows Stripe as of 13:58, "
        "4 minutes ago. Refresh (F5) tries again."
    )
    other = Checked(FAILED_AT, error=ConfigurationError("The catalog database is gone."))
    assert stale_text(other, LAST_OK, FAILED_AT).startswith("Couldn't refresh at 14:02 (The")
    next_day = stale_text(Checked(FAILED_AT, error=UNREACHABLE), LAST_OK, FAILED_AT.replace(day=5))
    assert "as of 2026-03-04 13:58" in next_day


def test_age_words() -> None:
    assert age_words(timedelta(seconds=20)) == "less than a minute ago"
    assert age_words(timedelta(minutes=1, seconds=5)) == "1 minute ago"
    assert age_words(timedelta(minutes=59)) == "59 minutes ago"
    assert age_words(timedelta(hours=2, minutes=10)) == "2 hours ago"
    assert age_words(timedelta(days=3)) == "3 days ago"


def test_the_label_keeps_the_last_good_check_until_one_works_again(qtbot: QtBot) -> None:
    label = StripeCheckedLabel()
    qtbot.addWidget(label)
    said: list[str] = []
    label.stale_changed.connect(said.append)
    ok = datetime.now() - timedelta(minutes=4)
    label.show_checked(Checked(ok))
    assert label.stale_text() == ""
    label.show_checked(Checked(ok + timedelta(minutes=4), error=UNREACHABLE))
    assert said[-1].startswith("Couldn't reach Stripe at")
    assert f"{ok:%H:%M}" in said[-1]
    later = ok + timedelta(minutes=9, seconds=5)
    assert f"{ok:%H:%M}, 9 minutes ago" in label.stale_text(later)  # the age moves on
    label.show_checked(Checked(ok + timedelta(minutes=5), error=UNREACHABLE))
    assert f"{ok:%H:%M}" in label.stale_text(later)  # still the rows of the last good read
    label.show_checked(Checked(ok + timedelta(minutes=6)))
    assert said[-1] == "" and label.stale_text() == ""
