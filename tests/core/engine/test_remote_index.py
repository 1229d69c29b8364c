"""Finding a product's Stripe side is O(1): an index, never a scan per product (scale issue).

Not timed: the tests count how often the products are walked. A status of N products not yet in
Stripe against an account holding R others used to walk all R products for each of the N.
"""

from __future__ import annotations

from typing import Any

from core.engine.types import RemoteCatalog, RemotePrice, RemoteProduct


class CountingDict(dict[str, RemoteProduct]):
    """A products dict that counts full walks of its values."""

    walks = 0

    def values(self) -> Any:
        CountingDict.walks += 1
        return super().values()


def _catalog(count: int) -> RemoteCatalog:
    products = CountingDict()
    for i in range(count):
        pid = f"prod_{i:05d}"
        price = RemotePrice(
            id=f"price_{i:05d}", product=pid, unit_amount=i, currency="usd", active=True
        )
        meta = {"local_id": f"tagged-{i}"} if i % 2 else {}
        products[pid] = RemoteProduct(id=pid, name=f"P{i}", metadata=meta, prices=(price,))
    return RemoteCatalog(products=products)


def test_missing_products_are_looked_up_without_walking_the_account() -> None:
    remote = _catalog(2_000)
    CountingDict.walks = 0
    for i in range(1_000):
        assert remote.find(f"new-{i}") is None
    assert CountingDict.walks == 1  # the local_id index, built once


def test_index_finds_by_link_id_and_tag_and_prefers_active_oldest() -> None:
    remote = _catalog(10)
    assert remote.find("x", linked_id="prod_00003").id == "prod_00003"
    assert remote.find("prod_00004").id == "prod_00004"
    assert remote.find("tagged-5").id == "prod_00005"
    twin_old = RemoteProduct(id="prod_twin_a", name="T", metadata={"local_id": "t"}, created=1)
    twin_new = RemoteProduct(id="prod_twin_b", name="T", metadata={"local_id": "t"}, created=2)
    archived = RemoteProduct(id="prod_twin_c", name="T", metadata={"local_id": "t"}, active=False)
    for product in (twin_new, archived, twin_old):
        remote.add(product)
    assert remote.find("t").id == "prod_twin_a"
    assert sorted(remote.tagged_local_ids()["t"]) == ["prod_twin_a", "prod_twin_b", "prod_twin_c"]


def test_add_keeps_the_index_true_when_a_tag_changes() -> None:
    remote = _catalog(4)
    assert remote.find("tagged-1").id == "prod_00001"
    remote.add(RemoteProduct(id="prod_00001", name="P1", metadata={"local_id": "renamed"}))
    assert remote.find("tagged-1") is None
    assert remote.find("renamed").id == "prod_00001"


def test_prices_are_found_by_id_from_one_index() -> None:
    remote = _catalog(500)
    CountingDict.walks = 0
    for i in range(500):
        found = remote.find_price(f"price_{i:05d}")
        assert found is not None and found.unit_amount == i
    assert remote.find_price("price_nope") is None
    assert CountingDict.walks == 1
