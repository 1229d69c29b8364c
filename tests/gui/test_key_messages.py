"""What the keys dialog says about a checked key: permissions in the Dashboard's words, errors with
keys masked, and the account."""

from __future__ import annotations

from core.errors import StripePermissionError
from core.workspace import AccountInfo
from gui.dialogs.key_messages import (
    dashboard_permission_names,
    describe_account,
    describe_check_error,
)

TEST_KEY = "sk_test_FakeAbCdEfGhIjKlMnOpQrStUv1111"


def test_known_permissions_are_named_as_the_dashboard_does() -> None:
    text = "it lacks the 'rak_plan_read' permission; also rak_product_write"
    assert dashboard_permission_names(text) == (
        "it lacks the 'Prices: Read' (rak_plan_read) permission; "
        "also 'Products: Write' (rak_product_write)"
    )


def test_unknown_permissions_are_left_as_they_are() -> None:
    assert dashboard_permission_names("needs 'rak_coupon_read'") == "needs 'rak_coupon_read'"


def test_a_check_error_names_the_permission_and_never_shows_the_key() -> None:
    err = StripePermissionError(f"The key {TEST_KEY} lacks the 'rak_price_write' permission.")
    text = describe_check_error(err)
    assert "'Prices: Write' (rak_price_write)" in text
    assert TEST_KEY not in text and "1111" in text


def test_an_unexpected_error_says_what_it_was_without_the_key() -> None:
    text = describe_check_error(OSError(f"connection reset while sending {TEST_KEY}"))
    assert text.startswith("Could not check the key: OSError: connection reset")
    assert TEST_KEY not in text


def test_the_account_line() -> None:
    assert describe_account(AccountInfo("acct_1", "Maker Shop", False)) == (
        "Account: Maker Shop (acct_1)"
    )
    assert describe_account(AccountInfo("acct_1", "acct_1", False)) == "Account: acct_1"
    assert describe_account(AccountInfo("acct_1", "", False)) == "Account: acct_1"
    assert describe_account(AccountInfo("", "", False)) == (
        "Account: not readable with this restricted key."
    )
