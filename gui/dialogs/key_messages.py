"""What the keys dialog says about a key it checked: Stripe's permission ids in the Dashboard's
words, why a check failed (keys masked), and which account a key belongs to."""

from __future__ import annotations

import re

from core.errors import SyncAdminError
from core.runtime.applog import redact_keys
from core.workspace import AccountInfo

# Stripe's permission ids as the Dashboard's restricted-key page labels them.
PERMISSION_LABELS = {
    "rak_plan_read": "Prices: Read",
    "rak_price_read": "Prices: Read",
    "rak_plan_write": "Prices: Write",
    "rak_price_write": "Prices: Write",
    "rak_product_read": "Products: Read",
    "rak_product_write": "Products: Write",
}
_PERMISSION = re.compile(r"'?\b(rak_[a-z_]+)\b'?")


def dashboard_permission_names(text: str) -> str:
    """Name Stripe permissions as the Dashboard does: 'rak_plan_read' → 'Prices: Read'
    (rak_plan_read); unknown ids are left as they are."""

    def label(match: re.Match[str]) -> str:
        permission = match.group(1)
        name = PERMISSION_LABELS.get(permission)
        return f"'{name}' ({permission})" if name else match.group(0)

    return _PERMISSION.sub(label, text)


def describe_check_error(err: BaseException) -> str:
    """Why a key check failed, in words, with any key masked and permissions named."""
    if isinstance(err, SyncAdminError):
        text = str(err)
    else:
        text = f"Could not check the key: {type(err).__name__}: {err}"
    return dashboard_permission_names(redact_keys(text))


def describe_account(account: AccountInfo) -> str:
    """The account a checked key belongs to, as the line under its field shows it."""
    if not account.id:
        return "Account: not readable with this restricted key."
    if account.name and account.name != account.id:
        return f"Account: {account.name} ({account.id})"
    return f"Account: {account.id}"
