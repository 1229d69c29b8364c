"""`GET /v1/account`: the one sandbox account every key belongs to (facts §9.5)."""

from __future__ import annotations

from typing import Any

ACCOUNT_ID = "acct_1SandboxShop00"
ACCOUNT_NAME = "Sandbox Shop"
_CREATED = 1735689600  # 2025-01-01, fixed so the account looks the same on every start


def account_object(account_id: str, name: str) -> dict[str, Any]:
    """The account object Stripe returns for the caller's own account."""
    return {
        "id": account_id,
        "object": "account",
        "business_profile": {
            "mcc": None,
            "name": name,
            "support_email": None,
            "url": None,
        },
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True,
        "country": "US",
        "created": _CREATED,
        "default_currency": "usd",
        "details_submitted": True,
        "email": "owner@sandbox-shop.invalid",
        "metadata": {},
        "payouts_enabled": True,
        "settings": {
            "dashboard": {"display_name": name, "timezone": "Etc/UTC"},
        },
        "type": "standard",
    }
