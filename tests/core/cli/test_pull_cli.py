"""`stripe-sync-admin pull`: JSON and text output, --field, exit codes; nothing written to Stripe."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import stripe

from core.cli import main
from core.sandbox import SandboxServer
from tests.raw_sql import query_value

TEST_KEY = "sk_test_cliPull12345678"


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    monkeypatch.setenv("STRIPE_API_BASE", server.url)
    monkeypatch.setenv("STRIPE_SECRET_KEY", TEST_KEY)
    yield server
    server.stop()


@pytest.fixture
def db(tmp_path: Path, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]) -> str:
    """A catalog with lamp and shade, synced to the sandbox in test mode."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    path = tmp_path / "catalog.json"
    products = [
        {"id": "lamp", "name": "Desk Lamp", "base_price_cents": 4500, "sell_status": "available"},
        {"id": "shade", "name": "Shade", "base_price_cents": 1500, "sell_status": "for-sale"},
    ]
    path.write_text(json.dumps({"products": products}))
    assert main(["import", str(path), "--db", url]) == 0
    assert main(["sync", "--all", "--mode", "test", "--db", url]) == 0
    capsys.readouterr()
    return url


def _client(sandbox: SandboxServer) -> stripe.StripeClient:
    return stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})


def _pull(db: str, *args: str) -> list[str]:
    return ["pull", *args, "--mode", "test", "--db", db]


def test_pull_json_shape_and_then_status_shows_no_difference(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client = _client(sandbox)
    client.v1.products.update("lamp", params={"name": "Brass Lamp"})
    old = str(client.v1.products.retrieve("lamp").default_price)
    price = client.v1.prices.create(
        params={"product": "lamp", "currency": "usd", "unit_amount": 5000}
    )
    client.v1.products.update("lamp", params={"default_price": price.id})
    client.v1.prices.update(old, params={"active": False})

    assert main(["status", "lamp", "--json", "--mode", "test", "--db", db]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert {d["field"]: d["changed"] for d in row["differences"]}["name"] == "stripe"

    sandbox.clear_log()
    assert main(_pull(db, "lamp", "shade", "--json")) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "id": "lamp",
            "pulled": [
                {"field": "name", "before": "Desk Lamp", "after": "Brass Lamp"},
                {
                    "field": "price",
                    "before": 4500,
                    "after": 5000,
                    "currency": "usd",
                    "before_text": "$45.00",
                    "after_text": "$50.00",
                },
            ],
            "refused": [],
        },
        {"id": "shade", "pulled": [], "refused": []},
    ]
    assert sandbox.writes() == []
    assert main(["status", "--json", "--mode", "test", "--db", db]) == 0
    assert [
        (r["id"], r["state"], r["differences"]) for r in json.loads(capsys.readouterr().out)
    ] == [
        # The price made by hand is linked now: it has no lookup key yet; the next sync gives it.
        ("lamp", "differs", [_KEY_TO_GIVE]),
        ("shade", "in_sync", []),
    ]


_KEY_TO_GIVE = {
    "field": "lookup_key",
    "local": "lamp",
    "stripe": None,
    "last_written": None,
    "changed": None,
}


def test_pull_text_field_and_refusal_exit_code(
    db: str, sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    client = _client(sandbox)
    client.v1.products.update("lamp", params={"name": "Brass Lamp", "description": "Bright"})
    old = str(client.v1.products.retrieve("shade").default_price)
    price = client.v1.prices.create(
        params={
            "product": "shade",
            "currency": "usd",
            "unit_amount": 900,
            "recurring": {"interval": "month"},
        }
    )
    client.v1.products.update("shade", params={"default_price": price.id})
    client.v1.prices.update(old, params={"active": False})

    assert main(_pull(db, "lamp", "--field", "name")) == 0
    assert capsys.readouterr().out == "lamp: pulled name from Stripe\n"
    assert query_value(db, "SELECT description FROM products WHERE id = 'lamp'") is None

    assert main(_pull(db, "lamp", "shade")) == 1
    assert capsys.readouterr().out == (
        "lamp: pulled description from Stripe\n"
        "shade: refused price: a subscription price (every month)\n"
    )
    assert main(_pull(db, "lamp")) == 0
    assert capsys.readouterr().out == "lamp: nothing to pull: the catalog has Stripe's values\n"


def test_pull_bad_ids_and_fields_are_usage_errors(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_pull(db, "nope")) == 2
    assert "No product 'nope' in the catalog" in capsys.readouterr().err
    assert main(_pull(db, "lamp", "--field", "colour")) == 2
    assert "There is no field 'colour' to take from Stripe." in capsys.readouterr().err
    assert main(["pull", "--mode", "test", "--db", db]) == 2
