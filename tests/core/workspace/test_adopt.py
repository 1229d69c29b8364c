"""Adopting a Stripe catalog made by hand (the sandbox's "handmade" preset), through the real SDK.

The preset is what a maker who built their catalog in the Dashboard has: Dashboard ids, no tags,
a name that differs only in case, two products with one name, an archived product, a subscription,
a tiered and a euro price, and a product the catalog lacks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalog.importer import import_file
from core.catalog.store import CatalogStore
from core.errors import ConfigurationError
from core.sandbox import SandboxServer
from tests.core.catalog.shop import TEST_KEY, open_ws

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample_catalog.json"

# The preset's ids (core/sandbox/presets.py).
PANEL_8 = "prod_4T6SHHD41v6vZF"
PANEL_16 = "prod_ZVCfFm7EpMClOu"  # "material-16x16  led panel": differs only in case and spacing
STRIP = "prod_1kaASQfNhZ0Lsj"
FOUNDER = "prod_3yFbq3IR45OGgu"
CABLE_A, CABLE_B = "prod_9HDIufUHxOhwfp", "prod_IJbnUpWtM416Kd"
PULSE = "prod_2vuMSXTazr2ANB"
HEXAGON = "prod_xWdCHixZgmi5DG"  # archived
GIFT = "prod_qDiUv5zrIlCpLs"  # not in the catalog; the customer chooses the amount


@pytest.fixture
def handmade() -> Iterator[SandboxServer]:
    server = SandboxServer(port=0).start()
    server.apply_preset("handmade")
    server.clear_log()
    yield server
    server.stop()


@pytest.fixture
def shop(db_url: str) -> str:
    store = CatalogStore.open(db_url)
    try:
        import_file(store, SAMPLE)
    finally:
        store.close()
    return db_url


def _prices_by_product(sandbox: SandboxServer) -> dict[str, set[tuple[int | None, str]]]:
    import stripe

    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})
    out: dict[str, set[tuple[int | None, str]]] = {}
    for price in client.v1.prices.list(params={"limit": 100}).auto_paging_iter():
        out.setdefault(price.product, set()).add((price.unit_amount, price.currency))
    return out


UNMANAGED = {
    "price_XtbQx152RqJfFd",  # the 8x8's euro price
    "price_Q7tWFoLOsuVT3b",  # the strip's tiered monthly price
    "price_5pZ51NjgjvP5wf",  # the Pulse controller's subscription
    "price_F8PLno1eIGA6Ip",  # the gift card (customer chooses the amount)
}


def _unmanaged_active(sandbox: SandboxServer) -> set[str]:
    import stripe

    client = stripe.StripeClient(TEST_KEY, base_addresses={"api": sandbox.url})
    listed = client.v1.prices.list(params={"limit": 100, "active": True}).auto_paging_iter()
    return {price.id for price in listed if price.id in UNMANAGED}


def test_adopting_the_handmade_catalog_links_without_writing_to_stripe(
    shop: str, handmade: SandboxServer
) -> None:
    with open_ws(shop, handmade) as ws:
        plan = ws.adopt()
        assert handmade.writes() == []  # adopting writes nothing to Stripe
        linked = {m.local_id: (m.stripe_product_id, m.by) for m in plan.linked}
        assert linked["material-8x8-v1"] == (PANEL_8, "name")
        assert linked["material-16x16-v1"] == (PANEL_16, "name")
        assert linked["material-strip-1m"] == (STRIP, "name")
        assert linked["founder-edition"] == (FOUNDER, "name")
        assert linked["pulse-controller-v2"] == (PULSE, "name")
        assert linked["proto-hexagon"] == (HEXAGON, "name")  # archived products are adopted too
        ambiguous = {a.stripe_product_id: a.candidates for a in plan.ambiguous}
        assert ambiguous == {CABLE_A: ("cable-jst-30cm",), CABLE_B: ("cable-jst-30cm",)}
        assert "cable-jst-30cm" not in plan.unmatched_local  # listed as ambiguous instead
        assert plan.unmatched_stripe == [GIFT]
        # Each Founder Edition colour adopts its own price, the two at one amount included.
        founder = next(m for m in plan.linked if m.local_id == "founder-edition")
        adopted = {p.local_id: p.stripe_price_id for p in founder.prices}
        assert adopted == {
            "founder-edition-black": "price_KkC1XrfzRGGkqz",  # nicknamed for its colour
            "founder-edition-white": "price_VLJfa8qH8uGVcV",
            "founder-edition-silver": "price_15lo86LlIDUIDp",
        }
        assert len({p.stripe_price_id for p in founder.prices}) == 3
        # The strip's tiered subscription price and the 8x8's euro price are not taken.
        strip = next(m for m in plan.linked if m.local_id == "material-strip-1m")
        assert len(strip.prices) == 1
        # Adopting again finds nothing new to link.
        again = ws.adopt()
        assert again.linked == [] and handmade.writes() == []


def test_the_sync_after_adopting_reuses_every_existing_price(
    shop: str, handmade: SandboxServer
) -> None:
    before = _prices_by_product(handmade)
    with open_ws(shop, handmade) as ws:
        ws.adopt()
        rows = {r.product_id: r for r in ws.status()}
        # Same amounts in Stripe: no price difference for adopted products; the names that
        # differ only in case are the catalog's change to push.
        panel = rows["material-16x16-v1"]
        assert [(d.field, d.changed) for d in panel.differences if d.field == "name"] == [
            ("name", "catalog")
        ]
        assert not any(d.field.endswith("price") for d in rows["founder-edition"].differences)
        # Prices the tool does not manage are listed, never planned.
        others = {p.id: p.text for p in rows["pulse-controller-v2"].unmanaged_prices}
        assert others == {"price_5pZ51NjgjvP5wf": "$19.00 every month"}
        assert [p.text for p in rows["material-8x8-v1"].unmanaged_prices] == ["€110.00"]
        assert [p.text for p in rows["material-strip-1m"].unmanaged_prices] == [
            "tiered every month"
        ]
        handmade.clear_log()
        ws.sync()
    created = [w for w in handmade.writes() if w.path == "/v1/prices"]
    for write in created:
        product = str(write.params.get("product"))
        amount = (int(write.params["unit_amount"]), str(write.params["currency"]))
        assert amount not in before.get(product, set()), f"a twin price was made for {product}"
    # Prices the tool does not manage (subscription, tiered, euro, customer-chosen) were neither
    # archived nor changed: every one of them is still active, as it was.
    assert _unmanaged_active(handmade) == UNMANAGED
    with open_ws(shop, handmade) as ws:
        handmade.clear_log()
        ws.sync()
        assert handmade.writes() == []  # and then the catalog and Stripe agree


def test_an_adopted_product_equal_to_the_catalog_costs_at_most_two_writes(
    db_url: str, handmade: SandboxServer, tmp_path: Path
) -> None:
    # A catalog holding only the 8x8 panel, exactly as Stripe has it (name, description, price).
    sample = json.loads(SAMPLE.read_text())
    product = next(p for p in sample["products"] if p["id"] == "material-8x8-v1")
    file = tmp_path / "one-product.json"
    file.write_text(json.dumps({"products": [product]}))
    store = CatalogStore.open(db_url)
    try:
        import_file(store, file)
    finally:
        store.close()
    with open_ws(db_url, handmade) as ws:
        ws.adopt()
        handmade.clear_log()
        (result,) = [r for r in ws.sync() if r.product_id == "material-8x8-v1"]
    assert result.error is None
    writes = handmade.writes()
    # Tagging it as managed, and giving its adopted price its lookup key (README "Lookup keys").
    assert len(writes) <= 2, [w.path for w in writes]
    assert [w.path for w in writes if not w.path.startswith("/v1/prices/")] in (
        [],
        [f"/v1/products/{PANEL_8}"],
    )
    assert [w.params for w in writes if w.path.startswith("/v1/prices/")] in (
        [],
        [{"lookup_key": "material-8x8-v1", "transfer_lookup_key": "true"}],
    )


def test_dry_run_stores_nothing_and_import_unmatched_imports_what_the_catalog_can_hold(
    shop: str, handmade: SandboxServer
) -> None:
    with open_ws(shop, handmade) as ws:
        dry = ws.adopt(dry_run=True, import_unmatched=True)
        assert [m.stripe_product_id for m in dry.linked]
        assert ws.catalog.links(ws.account().id, ws.mode).products == {}
        plan = ws.adopt(import_unmatched=True)
        # The gift card's amount is the customer's choice: the catalog cannot hold it.
        assert [u.stripe_product_id for u in plan.unsupported] == [GIFT]
        assert "customer chooses" in plan.unsupported[0].reason
        assert plan.imported == []
        record = plan.record()
        assert set(record) == {
            "linked",
            "imported",
            "ambiguous",
            "unmatched_stripe",
            "unmatched_local",
            "unsupported",
        }
        assert handmade.writes() == []


def test_only_the_links_ticked_are_recorded_and_the_preset_fills_the_window_sandbox(
    shop: str, handmade: SandboxServer
) -> None:
    with open_ws(shop, handmade) as ws:
        chosen = ws.adopt(only={PANEL_8, FOUNDER})
        assert sorted(m.local_id for m in chosen.linked) == ["founder-edition", "material-8x8-v1"]
        links = ws.catalog.links(ws.account().id, ws.mode).products
        assert links == {"material-8x8-v1": PANEL_8, "founder-edition": FOUNDER}
        with pytest.raises(ConfigurationError, match="Presets fill the built-in sandbox only"):
            ws.apply_sandbox_preset()


def test_link_by_hand_resolves_an_ambiguous_name_and_refuses_a_second_link(
    shop: str, handmade: SandboxServer
) -> None:
    with open_ws(shop, handmade) as ws:
        match = ws.link("cable-jst-30cm", CABLE_B)
        assert (match.local_id, match.stripe_product_id, match.by) == (
            "cable-jst-30cm",
            CABLE_B,
            "hand",
        )
        assert len(match.prices) == 1
        with pytest.raises(ConfigurationError, match="already linked to Stripe product"):
            ws.link("cable-jst-30cm", CABLE_A)
        with pytest.raises(ConfigurationError, match="already linked to 'cable-jst-30cm'"):
            ws.link("cable-jst-1m", CABLE_B)
        with pytest.raises(ConfigurationError, match="No Stripe product 'prod_nope'"):
            ws.link("cable-jst-1m", "prod_nope")
        from core.catalog.errors import CatalogError

        with pytest.raises(CatalogError, match="No product 'nope'"):
            ws.link("nope", CABLE_A)
        assert handmade.writes() == []
        assert [e.operation for e in ws.journal("cable-jst-30cm")] == ["adopt"]


def test_the_window_sandbox_starts_afresh_from_the_handmade_preset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from core.workspace import Workspace

    with Workspace.open(mode="sandbox") as ws:  # the default catalog, the built-in sandbox
        ws.sync()
        assert ws.catalog.links(ws.account().id, "sandbox").products
        created = ws.apply_sandbox_preset(fresh=True)
        assert FOUNDER in created and GIFT in created
        # Links to the old sandbox objects are forgotten; the catalog itself is kept.
        assert ws.catalog.links(ws.account().id, "sandbox").products == {}
        rows = {r.product_id: r for r in ws.status()}
        assert rows["founder-edition"].state == "missing"
        assert "Stripe already has a product named like this" in (
            rows["founder-edition"].note or ""
        )
        plan = ws.adopt()
        assert "founder-edition" in {m.local_id for m in plan.linked}
