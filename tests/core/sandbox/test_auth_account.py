"""Keys, modes and the account (facts §8.6, §8.7, §9)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import LIVE_KEY, TEST_KEY, raw_http


def test_no_key_is_401_with_stripes_message(sandbox: SandboxServer) -> None:
    """facts §8.6: no key → 401 invalid_request_error "You did not provide an API key…"."""
    status, body, headers = raw_http(sandbox, "GET", "/v1/products")
    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"
    assert body["error"]["message"].startswith("You did not provide an API key.")
    assert headers["Request-Id"].startswith("req_")


@pytest.mark.parametrize(
    "key",
    ["sk_test_short", "sk_prod_abcdefgh1234", "sk_test_abc-defgh1234", "hello_world_abcd"],
)
def test_malformed_key_is_401_and_masked(
    client_for: Callable[[str], stripe.StripeClient], key: str
) -> None:
    """facts §8.6: a bad key → 401 "Invalid API Key provided: sk_test_****abcd" (never the key)."""
    with pytest.raises(stripe.AuthenticationError) as caught:
        client_for(key).v1.products.list()
    assert caught.value.http_status == 401
    message = caught.value.user_message or ""
    assert message.startswith("Invalid API Key provided: ")
    assert message.endswith("****" + key[-4:])
    assert key not in message
    assert caught.value.request_id and caught.value.request_id.startswith("req_")


def test_account_answers_for_the_key(
    stripe_client: stripe.StripeClient, sandbox: SandboxServer
) -> None:
    """facts §9.5: GET /v1/account returns the key's account with its display name."""
    account = stripe_client.v1.accounts.retrieve_current()
    assert account.id == sandbox.account_id == "acct_1SandboxShop00"
    assert account.object == "account"
    assert account.business_profile is not None
    assert account.business_profile.name == "Sandbox Shop"
    assert account.settings is not None and account.settings.dashboard is not None
    assert account.settings.dashboard.display_name == "Sandbox Shop"
    assert account.charges_enabled is True
    assert account.country == "US" and account.default_currency == "usd"


def test_test_and_live_data_are_separate(
    stripe_client: stripe.StripeClient, client_for: Callable[[str], stripe.StripeClient]
) -> None:
    """facts §9.2: objects in one mode are invisible to the other; `livemode` tells which."""
    live = client_for(LIVE_KEY)
    test_product = stripe_client.v1.products.create(params={"name": "Test shirt", "id": "shirt"})
    assert test_product.livemode is False
    assert live.v1.products.list().data == []
    with pytest.raises(stripe.InvalidRequestError) as caught:
        live.v1.products.retrieve("shirt")
    assert caught.value.http_status == 404
    live_product = live.v1.products.create(params={"name": "Live shirt", "id": "shirt"})
    assert live_product.livemode is True
    assert stripe_client.v1.products.retrieve("shirt").name == "Test shirt"


def test_all_test_keys_share_one_data_set(
    stripe_client: stripe.StripeClient, client_for: Callable[[str], stripe.StripeClient]
) -> None:
    """Issue: any well-formed test key (sk_ or rk_) sees the same test data."""
    stripe_client.v1.products.create(params={"name": "Mug", "id": "mug"})
    other = client_for("rk_test_another9999")
    assert other.v1.products.retrieve("mug").name == "Mug"


def test_read_only_restricted_key_gets_403_on_writes(
    client_for: Callable[[str], stripe.StripeClient], sandbox: SandboxServer
) -> None:
    """facts §8.7, §9.6: a read-only restricted key may list but not create; 403 names the slug."""
    key = "rk_test_readonly1234abcd"
    client = client_for(key)
    assert client.v1.products.list().data == []
    with pytest.raises(stripe.PermissionError) as caught:
        client.v1.products.create(params={"name": "Nope"})
    assert caught.value.http_status == 403
    assert caught.value.json_body is not None
    assert caught.value.json_body["error"]["type"] == "invalid_request_error"
    assert caught.value.user_message == (
        "The provided key 'rk_test_***abcd' does not have the required permissions for this "
        f"endpoint on account '{sandbox.account_id}'. Having the 'rak_product_write' permission "
        "would allow this request to continue."
    )
    assert sandbox.writes() == []


def test_restricted_key_without_price_permission(
    client_for: Callable[[str], stripe.StripeClient],
) -> None:
    """facts §9.6: prices use the legacy `rak_plan_*` slug; reading needs `rak_plan_read`."""
    client = client_for("rk_test_noprices5678wxyz")
    client.v1.products.create(params={"name": "Allowed", "id": "ok"})
    with pytest.raises(stripe.PermissionError) as caught:
        client.v1.prices.list()
    assert "'rak_plan_read'" in (caught.value.user_message or "")
    assert "'rk_test_***wxyz'" in (caught.value.user_message or "")


def test_publishable_key_is_refused(client_for: Callable[[str], stripe.StripeClient]) -> None:
    """facts §9.1: pk_ keys are client-side only and cannot manage products."""
    with pytest.raises(stripe.PermissionError) as caught:
        client_for("pk_test_publishable123").v1.products.list()
    assert "publishable API key" in (caught.value.user_message or "")


def test_basic_auth_with_the_key_as_user_name_is_accepted(sandbox: SandboxServer) -> None:
    """Stripe accepts `curl -u sk_test_…:` (HTTP Basic, key as user name, empty password)."""
    token = base64.b64encode(f"{TEST_KEY}:".encode()).decode()
    status, body, _ = raw_http(
        sandbox, "GET", "/v1/products", headers={"Authorization": f"Basic {token}"}
    )
    assert (status, body["object"]) == (200, "list")
    bad = base64.b64encode(b"sk_test_x!:").decode()
    status, body, _ = raw_http(
        sandbox, "GET", "/v1/products", headers={"Authorization": f"Basic {bad}"}
    )
    assert status == 401
    assert body["error"]["message"].startswith("Invalid API Key provided:")


def test_revoked_key_is_401_api_key_expired_and_masked(
    sandbox: SandboxServer, client_for: Callable[[str], stripe.StripeClient]
) -> None:
    """facts §8.6: an expired (rolled) key is refused with 401 `api_key_expired`."""
    key = "sk_test_rolledKey9876"
    assert client_for(key).v1.products.list().data == []
    sandbox.revoke_key(key)
    with pytest.raises(stripe.AuthenticationError) as caught:
        client_for(key).v1.products.list()
    assert caught.value.http_status == 401
    assert caught.value.code == "api_key_expired" or (
        caught.value.error is not None and caught.value.error.code == "api_key_expired"
    )
    message = caught.value.user_message or ""
    assert message.endswith("sk_test_****9876") and "rolledKey" not in message
    assert client_for(TEST_KEY).v1.products.list().data == []  # other keys still work
