"""Documented parameters the sandbox stores and echoes (facts §2.1, §2.2, §2.7, §4.1, §4.8), and
idempotency keys kept across restarts with a state file (facts §7.2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import stripe

from core.sandbox import SandboxServer
from tests.core.sandbox.conftest import make_client


def test_product_create_and_update_take_every_documented_field(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(
        params={
            "name": "Panel",
            "images": ["https://example.invalid/panel.png"],
            "url": "https://example.invalid/panel",
            "shippable": True,
            "statement_descriptor": "PANEL",
            "tax_code": "txcd_99999999",
            "unit_label": "panel",
            "marketing_features": [{"name": "64 pixels"}, {"name": "Modular"}],
            "package_dimensions": {"height": "2.5", "length": "20", "weight": "16", "width": "20"},
            "tax_details": {"tax_code": "txcd_99999999"},
        }
    ).to_dict()
    assert [f["name"] for f in product["marketing_features"]] == ["64 pixels", "Modular"]
    assert product["package_dimensions"] == {
        "height": 2.5,
        "length": 20.0,
        "weight": 16.0,
        "width": 20.0,
    }
    assert product["tax_details"] == {"tax_code": "txcd_99999999"}
    assert (product["unit_label"], product["shippable"]) == ("panel", True)
    updated = stripe_client.v1.products.update(
        product["id"],
        params={"marketing_features": "", "package_dimensions": "", "tax_details": ""},
    ).to_dict()
    assert (
        updated["marketing_features"],
        updated["package_dimensions"],
        updated["tax_details"],
    ) == ([], None, None)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"marketing_features": [{"title": "x"}]}, "marketing_features[0][title]"),
        ({"marketing_features": [{"name": str(i)} for i in range(16)]}, "marketing_features"),
        ({"package_dimensions": {"height": "1", "length": "1", "weight": "1"}}, "package_dimensions[width]"),
        ({"package_dimensions": {"height": "x", "length": "1", "weight": "1", "width": "1"}}, "package_dimensions[height]"),
    ],
)  # fmt: skip
def test_product_field_shapes_are_checked(
    stripe_client: stripe.StripeClient, params: dict[str, object], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.products.create(params={"name": "Panel", **params})
    assert caught.value.param == param


def test_price_takes_currency_options_custom_amount_tax_behavior_and_recurring(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(
        params={
            "name": "Panel",
            "default_price_data": {
                "currency": "usd",
                "unit_amount": 12000,
                "tax_behavior": "exclusive",
                "currency_options": {"eur": {"unit_amount": 11000}},
            },
        }
    )
    default = stripe_client.v1.prices.retrieve(
        str(product.default_price), params={"expand": ["currency_options"]}
    ).to_dict()
    assert default["currency_options"]["eur"]["unit_amount"] == 11000
    assert default["currency_options"]["usd"]["unit_amount"] == 12000
    plain = stripe_client.v1.prices.retrieve(str(product.default_price)).to_dict()
    assert "currency_options" not in plain  # only when expanded (facts §4.8)
    updated = stripe_client.v1.prices.update(
        str(product.default_price),
        params={"currency_options": {"gbp": {"unit_amount": 9500}}, "expand": ["currency_options"]},
    ).to_dict()
    assert set(updated["currency_options"]) == {"usd", "eur", "gbp"}
    tip = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "custom_unit_amount": {"enabled": True, "minimum": 500, "preset": 1000},
        }
    ).to_dict()
    assert tip["unit_amount"] is None
    assert tip["custom_unit_amount"] == {"maximum": None, "minimum": 500, "preset": 1000}
    monthly = stripe_client.v1.prices.create(
        params={
            "product": product.id,
            "currency": "usd",
            "unit_amount": 500,
            "recurring": {"interval": "month"},
            "tax_behavior": "inclusive",
        }
    ).to_dict()
    assert (monthly["type"], monthly["recurring"]["interval"]) == ("recurring", "month")
    assert monthly["tax_behavior"] == "inclusive"


def test_price_currency_options_must_be_supported_currencies(
    stripe_client: stripe.StripeClient,
) -> None:
    product = stripe_client.v1.products.create(params={"name": "Panel"})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.prices.create(
            params={
                "product": product.id,
                "currency": "usd",
                "unit_amount": 100,
                "currency_options": {"xyz": {"unit_amount": 100}},
            }
        )
    assert caught.value.param == "currency_options[xyz]"


def test_idempotency_keys_survive_a_restart_with_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.json"
    options: stripe.RequestOptions = {"idempotency_key": "create-panel-once"}
    with SandboxServer(port=0, state_file=state) as first:
        made = make_client(first).v1.products.create(params={"name": "Panel"}, options=options)
    with SandboxServer(port=0, state_file=state) as second:
        again = make_client(second).v1.products.create(params={"name": "Panel"}, options=options)
        assert again.id == made.id
        assert again.last_response is not None
        assert again.last_response.headers.get("Idempotent-Replayed") == "true"
        assert len(make_client(second).v1.products.list().data) == 1
