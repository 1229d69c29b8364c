"""`--preset handmade` / `SandboxServer.apply_preset`: a Stripe catalog made by hand for the sample
catalog (design.md decision 11), listed back through the real SDK."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import stripe

from core.sandbox import SandboxServer
from core.sandbox.presets import fixed_id
from tests.core.sandbox.conftest import LIVE_KEY, TEST_KEY, make_client
from tests.core.sandbox.test_cli import _free_port, _start

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample_catalog.json"
OUR_TAGS = {"local_id", "managed_by", "variant_id"}


def _everything(client: stripe.StripeClient) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    products = [
        p.to_dict() for p in client.v1.products.list(params={"limit": 100}).auto_paging_iter()
    ]
    prices = [
        p.to_dict()
        for p in client.v1.prices.list(
            params={"limit": 100, "expand": ["data.tiers"]}
        ).auto_paging_iter()
    ]
    return products, prices


def _catalog() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return {p["name"]: p for p in data["products"]}, data["variants"]


def test_handmade_preset_holds_every_case(sandbox: SandboxServer) -> None:
    """Issue B: Dashboard-style ids, no tags of ours, and each adoption case."""
    created = sandbox.apply_preset("handmade")
    client = make_client(sandbox)
    products, prices = _everything(client)
    assert sorted(created) == sorted([p["id"] for p in products] + [p["id"] for p in prices])
    assert all(re.fullmatch(r"prod_[A-Za-z0-9]{14}", p["id"]) for p in products)
    assert all(re.fullmatch(r"price_[A-Za-z0-9]{14}", p["id"]) for p in prices)
    assert not any(OUR_TAGS & set(o["metadata"]) for o in products + prices)
    assert all(not p["livemode"] for p in products + prices)
    catalog, variants = _catalog()
    by_name = Counter(p["name"] for p in products)
    by_id = {p["id"]: p for p in products}

    def of(product: dict[str, Any]) -> list[dict[str, Any]]:
        return [p for p in prices if p["product"] == product["id"]]

    # Exact names, each with a default one-time usd price at the catalog amount.
    exact = [p for p in products if p["name"] in catalog and by_name[p["name"]] == 1]
    assert {p["name"] for p in exact} >= {
        "Material-8x8-V LED Panel", "Material Strip 1 m", "Founder Edition Controller",
        "Pulse Controller v2",
    }  # fmt: skip
    for product in exact:
        default = next(p for p in prices if p["id"] == product["default_price"])
        assert (default["type"], default["currency"]) == ("one_time", "usd")
        assert default["unit_amount"] == catalog[product["name"]]["base_price_cents"]
    # Differs only in case and spacing.

    def squash(name: str) -> str:
        return " ".join(name.lower().split())

    near = [
        p
        for p in products
        if p["name"] not in catalog and squash(p["name"]) in map(squash, catalog)
    ]
    assert [p["name"] for p in near] == ["material-16x16  led panel"]
    # Two products with one name (ambiguous).
    assert [name for name, count in by_name.items() if count > 1] == ["JST Link Cable 30 cm"]
    # Archived, its price still active (facts §2.6).
    archived = [p for p in products if not p["active"]]
    assert [p["name"] for p in archived] == ["Hexagon Panel Prototype"]
    assert all(price["active"] for price in of(archived[0]))
    # A product the catalog lacks.
    assert [p["name"] for p in products if squash(p["name"]) not in map(squash, catalog)] == [
        "Gift Card"
    ]
    # Subscription, tiered and euro prices.
    recurring = [p for p in prices if p["type"] == "recurring"]
    assert {by_id[p["product"]]["name"] for p in recurring} == {
        "Pulse Controller v2", "Material Strip 1 m",
    }  # fmt: skip
    tiered = [p for p in prices if p["billing_scheme"] == "tiered"]
    assert len(tiered) == 1 and tiered[0]["tiers_mode"] == "volume"
    assert tiered[0]["tiers"][-1]["up_to"] is None
    assert [p["unit_amount"] for p in prices if p["currency"] == "eur"] == [11000]
    # Variant prices at the catalog's amounts (base + modifier), one of them the default.
    founder = next(p for p in exact if p["name"] == "Founder Edition Controller")
    base = catalog["Founder Edition Controller"]["base_price_cents"]
    wanted = sorted(
        base + v["price_modifier"] for v in variants if v["product_id"] == "founder-edition"
    )
    assert sorted(p["unit_amount"] for p in of(founder)) == wanted
    assert all(p["product"] in by_id for p in prices)
    owner = {p["id"]: p["product"] for p in prices}
    assert all(owner[p["default_price"]] == p["id"] for p in products)


def test_handmade_preset_is_deterministic_and_idempotent(tmp_path: Path) -> None:
    """Issue B: fixed ids; applying twice changes nothing; kept in the state file."""
    state = tmp_path / "sandbox.json"
    with SandboxServer(port=0, state_file=state) as server:
        first = server.apply_preset("handmade")
        before = _everything(make_client(server))
        assert server.apply_preset("handmade") == []
        assert _everything(make_client(server)) == before
    assert fixed_id("prod_", "founder") in first
    with SandboxServer(port=0, state_file=state) as again:
        assert again.apply_preset("handmade") == []
        assert _everything(make_client(again)) == before
    with SandboxServer(port=0) as fresh:
        assert fresh.apply_preset("handmade") == first


def test_handmade_preset_leaves_live_mode_and_existing_objects_alone(
    sandbox: SandboxServer, stripe_client: stripe.StripeClient
) -> None:
    """A product already there under a preset id is left as it is; live mode stays empty."""
    taken = fixed_id("prod_", "gift-card")
    stripe_client.v1.products.create(params={"id": taken, "name": "Mine"})
    created = sandbox.apply_preset("handmade")
    assert taken not in created
    assert stripe_client.v1.products.retrieve(taken).name == "Mine"
    live = make_client(sandbox, LIVE_KEY)
    assert live.v1.products.list().data == []
    with pytest.raises(ValueError, match="Unknown sandbox preset"):
        sandbox.apply_preset("nope")


def test_cli_preset_option() -> None:
    """`stripe-sync-admin sandbox --preset handmade` serves the preset."""
    port = _free_port()
    proc, line = _start(["--port", str(port), "--preset", "handmade"])
    try:
        assert f"http://127.0.0.1:{port}" in line
        assert proc.stdout is not None
        assert "Preset handmade:" in proc.stdout.readline()
        client = stripe.StripeClient(
            TEST_KEY, base_addresses={"api": f"http://127.0.0.1:{port}"}, max_network_retries=0
        )
        names = {p.name for p in client.v1.products.list(params={"limit": 100}).data}
        assert "Gift Card" in names
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    bad = subprocess.run(
        [sys.executable, "-m", "core.cli", "sandbox", "--preset", "nope"],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
