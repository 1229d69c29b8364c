"""Read the Stripe side: the whole catalog in bulk, or just what one product's sync needs.

The bulk read costs ceil(products/100) + ceil(active prices/100) + ceil(archived prices/100) list
calls. Prices are listed twice, `active=true` and `active=false`, because whether a price list
without `active` includes archived prices is unverified (facts §4.10); two filtered lists are
correct either way and cost at most one page more than one unfiltered list would.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from core.domain.models import STRIPE_ID_RE, ProductSyncInput, VariantSyncInput
from core.engine.gateway import StripeGateway
from core.engine.plan import plan_product
from core.engine.types import ProductPlan, RemoteCatalog, RemotePrice, RemoteProduct
from core.engine.units import input_problems


def _group(products: list[RemoteProduct], prices: list[RemotePrice]) -> dict[str, RemoteProduct]:
    """Each product with its prices; `products` and `prices` are emptied on the way, so a product
    listed without prices is let go as soon as its copy with them is made (not all at the end)."""
    by_product: dict[str, dict[str, RemotePrice]] = {}
    for price in prices:
        by_product.setdefault(price.product, {})[price.id] = price
    prices.clear()
    grouped: dict[str, RemoteProduct] = {}
    products.reverse()
    while products:
        p = products.pop()
        grouped[p.id] = p.model_copy(update={"prices": tuple(by_product.pop(p.id, {}).values())})
    return grouped


def fetch_remote(gateway: StripeGateway) -> RemoteCatalog:
    """All products of the account, each with all its prices (active and archived)."""
    before = gateway.stats.reads
    products = gateway.list_products()
    prices = gateway.list_prices(active=True)
    prices += gateway.list_prices(active=False)
    return RemoteCatalog(products=_group(products, prices), read_calls=gateway.stats.reads - before)


def find_one(
    gateway: StripeGateway, local_id: str, *, linked_id: str | None = None
) -> RemoteCatalog:
    """The Stripe product of one local product (design.md §1) with its active prices.

    Tries the stored link, then a product whose id is the local id (one retrieve each); only when
    both miss does it list every product to look for `metadata.local_id` (never Search, which lags
    writes). A product found this way costs two reads: the retrieve and its price list.
    """
    before = gateway.stats.reads
    found: RemoteProduct | None = None
    if linked_id:
        found = gateway.retrieve_product(linked_id)
    if found is None and local_id != linked_id and STRIPE_ID_RE.match(local_id):
        found = gateway.retrieve_product(local_id)
    if found is None:
        listed = RemoteCatalog(products={p.id: p for p in gateway.list_products()})
        found = listed.find(local_id)
    catalog = RemoteCatalog()
    if found is not None:
        prices = tuple(gateway.list_prices(product=found.id, active=True))
        catalog.add(found.model_copy(update={"prices": prices}))
    catalog.read_calls = gateway.stats.reads - before
    return catalog


def plan_one(
    gateway: StripeGateway,
    product: ProductSyncInput,
    variants: Sequence[VariantSyncInput],
    *,
    linked_id: str | None = None,
    unmanaged: Collection[str] = (),
) -> ProductPlan:
    """Read what one product's sync needs (usually two calls) and plan it."""
    problems = input_problems(product, variants)
    if problems:  # nothing to read for input that cannot be synced
        return plan_product(product, variants, RemoteCatalog(), unmanaged=unmanaged)
    return plan_fresh(gateway, product, variants, linked_id=linked_id, unmanaged=unmanaged)


def plan_fresh(
    gateway: StripeGateway,
    product: ProductSyncInput,
    variants: Sequence[VariantSyncInput],
    *,
    linked_id: str | None = None,
    unmanaged: Collection[str] = (),
    linked_prices: Mapping[str, str] | None = None,
) -> ProductPlan:
    """Plan one product from Stripe's state now: the product and its active prices (two reads);
    only when a price would be created, its archived prices too (one more read), since a price
    this tool made and archived at that amount is reused instead (design §12)."""
    catalog = find_one(gateway, product.id, linked_id=linked_id)

    def plan() -> ProductPlan:
        return plan_product(
            product,
            variants,
            catalog,
            linked_id=linked_id,
            unmanaged=unmanaged,
            linked_prices=linked_prices,
        )

    made = plan()
    existing = catalog.products.get(made.stripe_product_id or "")
    if existing is None or not any(op.kind == "create_price" for op in made.operations):
        return made
    archived = tuple(gateway.list_prices(product=existing.id, active=False))
    catalog.add(existing.model_copy(update={"prices": existing.prices + archived}))
    return plan()
