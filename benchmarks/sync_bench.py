"""Benchmark: the engine against a naive per-product sync, on the sandbox at Stripe's test rate limit.

For each catalog size (a third of the products with three colour variants) it measures API calls
and wall time for a first sync, a re-sync of unchanged data, and a re-sync with 10 % of the prices
changed — once through `sync_products_to_stripe`, once through a baseline written the way the
seed's origin service works (search for each product by metadata, rewrite every field on every
run, one price list per variant), both throttled to the same rate. Prints a table and the ratios.

    .venv/bin/python benchmarks/sync_bench.py --quick          # 100 products
    .venv/bin/python benchmarks/sync_bench.py --sizes 100,1000
    .venv/bin/python benchmarks/sync_bench.py --quick --currencies eur,gbp

With `--currencies`, every product and variant also has a price in those currencies (Stripe's
`currency_options`), and a fourth phase changes only the first one's amount on 10 % of the prices:
each such price is updated in place (one write, no new price). The baseline ignores currencies.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe

from core import SyncSummary, sync_products_to_stripe
from core.engine.gateway import StripeGateway
from core.engine.throttle import HEADROOM, TokenBucket
from core.sandbox import SandboxServer

KEY = "sk_test_benchmark12345678"
RATE = 25.0  # the sandbox's limit, as Stripe's test mode
T = TypeVar("T")


def make_catalog(
    n: int, changed_every: int = 0, currencies: tuple[str, ...] = (), extra_every: int = 0
) -> list[dict[str, Any]]:
    """n products in the seed's shape; with `changed_every`, every n-th product costs $1 more.
    `currencies`: each product and variant also priced in those (its USD cents × 0.9, rounded);
    with `extra_every`, every n-th product's amount in the first one is 1 unit more."""
    items: list[dict[str, Any]] = []
    for i in range(n):
        bump = 100 if changed_every and i % changed_every == 0 else 0
        extra = {c: (1000 + i + bump) * 9 // 10 for c in currencies}
        if extra_every and i % extra_every == 0 and currencies:
            extra[currencies[0]] += 1
        item: dict[str, Any] = {
            "id": f"bench-{i:05d}",
            "name": f"Bench product {i}",
            "description": f"Product number {i}",
            "price_usd": 1000 + i + bump,
            "sell_status": "available",
        }
        if extra:
            item["currency_amounts"] = extra
        if i % 3 == 0:
            item["variants"] = [
                {"id": f"bench-{i:05d}-{c.lower()}", "color": c} for c in ("RED", "GREEN", "BLUE")
            ]
            for variant in item["variants"] if extra else ():
                variant["currency_amounts"] = dict(extra)
        items.append(item)
    return items


@dataclass
class Measure:
    """One phase's cost."""

    reads: int
    writes: int
    seconds: float

    @property
    def calls(self) -> int:
        """All requests the sandbox saw (429 answers included)."""
        return self.reads + self.writes


def measure(server: SandboxServer, run: Callable[[], object]) -> Measure:
    """Run one phase and count the requests the sandbox logged for it."""
    server.clear_log()
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    log = server.request_log
    reads = sum(1 for r in log if r.method == "GET")
    return Measure(reads=reads, writes=len(log) - reads, seconds=seconds)


# -- the naive baseline (the seed's origin service, with the raw SDK) --------------------------


class Naive:
    """Search each product by metadata, rewrite every field every run, list prices per variant."""

    def __init__(self, url: str) -> None:
        self.client = stripe.StripeClient(KEY, base_addresses={"api": url}, max_network_retries=0)
        self.bucket = TokenBucket(RATE * HEADROOM)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        while True:
            self.bucket.acquire()
            try:
                return fn(*args, **kwargs)
            except stripe.RateLimitError:
                time.sleep(0.5)

    def sync(self, item: dict[str, Any]) -> None:
        v1 = self.client.v1
        units = [
            (v["id"], item["price_usd"], f"{item['name']} — color {v['color']}")
            for v in item.get("variants", [])
        ] or [(None, item["price_usd"], None)]
        meta = {"local_id": item["id"], "sell_status": item["sell_status"]}
        fields = {"name": item["name"], "description": item["description"], "metadata": meta}
        query = f"metadata['local_id']:'{item['id']}'"
        found = self.call(v1.products.search, params={"query": query}).data
        if not found:
            product_id = self.call(v1.products.create, params=fields).id
            first = None
            for variant_id, amount, nickname in units:
                params = self._price(product_id, variant_id, amount, nickname)
                price_id = self.call(v1.prices.create, params=params).id
                first = first or price_id
            self.call(v1.products.update, product_id, params={"default_price": first})
            return
        product_id = found[0].id
        self.call(v1.products.update, product_id, params={**fields, "active": True})
        for index, (variant_id, amount, nickname) in enumerate(units):
            listed = self.call(
                v1.prices.list, params={"product": product_id, "active": True, "limit": 100}
            ).data
            rows = [p.to_dict() for p in listed]
            current = [p for p in rows if (p.get("metadata") or {}).get("variant_id") == variant_id]
            if current and current[0]["unit_amount"] == amount:
                continue
            params = self._price(product_id, variant_id, amount, nickname)
            new_id = self.call(v1.prices.create, params=params).id
            if index == 0:
                self.call(v1.products.update, product_id, params={"default_price": new_id})
            for old in current:
                self.call(v1.prices.update, old["id"], params={"active": False})

    @staticmethod
    def _price(product: str, variant_id: str | None, amount: int, nickname: str | None) -> Any:
        params: dict[str, Any] = {"product": product, "currency": "usd", "unit_amount": amount}
        if variant_id:
            params["metadata"] = {"variant_id": variant_id}
            params["nickname"] = nickname
        return params


def bench(size: int, currencies: tuple[str, ...] = ()) -> list[tuple[str, Measure, Measure, int]]:
    """Measure the phases for the engine and the baseline on fresh sandboxes."""
    base = make_catalog(size, currencies=currencies)
    changed = make_catalog(size, changed_every=10, currencies=currencies)
    phases = [("first sync", base), ("re-sync unchanged", base), ("10% changed", changed)]
    if currencies:
        extra = make_catalog(size, changed_every=10, currencies=currencies, extra_every=10)
        phases.append((f"10% {currencies[0]} changed", extra))
    rows: list[tuple[str, Measure, Measure, int]] = []
    with (
        SandboxServer(port=0, rate_limit=RATE) as eng_srv,
        SandboxServer(port=0, rate_limit=RATE) as naive_srv,
    ):
        gateway = StripeGateway.create(KEY, api_base=eng_srv.url)  # default: 90 % of 25/s
        naive = Naive(naive_srv.url)
        results: list[object] = []

        def engine(items: list[dict[str, Any]]) -> Callable[[], object]:
            return lambda: results.append(
                SyncSummary.of(sync_products_to_stripe(items, gateway=gateway))
            )

        def baseline(items: list[dict[str, Any]]) -> Callable[[], object]:
            return lambda: [naive.sync(item) for item in items]

        prices = sum(len(i.get("variants", [])) or 1 for i in base)
        for phase, items in phases:
            e = measure(eng_srv, engine(items))
            n = measure(naive_srv, baseline(items))
            rows.append((phase, e, n, prices))
        for summary in results:
            print(f"  engine summary ({size}): {summary}")
    return rows


def main() -> None:
    """Parse flags, run the sizes, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated catalog sizes")
    parser.add_argument("--quick", action="store_true", help="only 100 products")
    parser.add_argument(
        "--currencies", default="", help="other currencies every price has, e.g. eur,gbp"
    )
    args = parser.parse_args()
    currencies = tuple(c.strip().lower() for c in args.currencies.split(",") if c.strip())
    sizes = [100] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    header = (
        f"{'products':>8}  {'phase':<18} {'engine calls (r/w)':>19} {'engine s':>9}  "
        f"{'naive calls (r/w)':>18} {'naive s':>8}  {'calls ×':>8} {'time ×':>7}"
    )
    print(header)
    print("-" * len(header))
    for size in sizes:
        for phase, e, n, prices in bench(size, currencies):
            ratio = n.calls / e.calls if e.calls else math.inf
            speed = n.seconds / e.seconds if e.seconds else math.inf
            print(
                f"{size:>8}  {phase:<18} {e.calls:>7} ({e.reads:>4}/{e.writes:>4}) {e.seconds:>9.1f}  "
                f"{n.calls:>6} ({n.reads:>4}/{n.writes:>4}) {n.seconds:>8.1f}  {ratio:>8.1f} {speed:>7.1f}"
            )
            if phase == "re-sync unchanged":
                budget = math.ceil(size / 100) + math.ceil(prices / 100) + 2
                ok = e.writes == 0 and e.reads <= budget
                print(f"{'':>10}target: 0 writes, ≤ {budget} reads → {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
