"""The one door to Stripe: throttled, retried, idempotent calls that return the engine's types.

Every call waits for the gateway's token bucket (shared by all threads using it), then goes out
through a `stripe.StripeClient` with the SDK's own retries off; 429s, connection failures, 409s and
5xx answers are retried here with capped exponential backoff and jitter until the retry budget is
spent (facts §1.9–1.13); `core.engine.failures` says which error is which. What makes a run
pointless raises a `core.errors` exception (bad key, missing permission, Stripe unreachable); any
other refusal raises `StripeRequestError` for the caller to report against the one product it
concerns. A create whose failure Stripe saved under its key raises `StripeReplayedFailureError`
(its caller re-reads and salts the key); an update in that case is resent under a fresh key.

List pages are read with `StripeClient.raw_request` and kept as plain JSON (the SDK's conversion of
every listed object into a StripeObject cost ~88 % of a 10,000-product read); the same requestor
raises the same exceptions, so throttling, retries and error mapping are those of every other call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import stripe

from core.engine.convert import remote_price, remote_product
from core.engine.errors import StripeRequestError
from core.engine.throttle import (
    RetryPolicy,
)
from core.engine.transport import Transport, Written, as_dict
from core.engine.types import AccountInfo, RemotePrice, RemoteProduct
from core.errors import StripePermissionError
from core.keys.shape import parse_key

# No usage data leaves the machine (the SDK would otherwise report request timings to Stripe).
stripe.enable_telemetry = False

T = TypeVar("T")
PAGE_SIZE = 100
# A lone price shows its amounts in other currencies only when asked (stripe-facts §5.5).
PRICE_EXPAND: dict[str, Any] = {"expand": ["currency_options"]}
# Seconds to connect and to wait for an answer when no timeout is given.
DEFAULT_TIMEOUT = (10.0, 60.0)


def http_timeout(timeout_s: float | None) -> tuple[float, float]:
    """The HTTP (connect, read) timeout for a gateway built with `timeout_s`."""
    return DEFAULT_TIMEOUT if timeout_s is None else (timeout_s, timeout_s)


class StripeGateway(Transport):
    """A throttled, retrying Stripe client for one key (one account, one mode)."""

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        api_key: str,
        rate_limit: float | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        read_retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            client,
            api_key=api_key,
            rate_limit=rate_limit,
            retry=retry,
            sleep=sleep,
            clock=clock,
            read_retry=read_retry,
        )
        self._account: AccountInfo | None = None
        self._account_key: str | None = None
        self._known_products: dict[str, str] = {}

    @classmethod
    def create(
        cls,
        api_key: str,
        *,
        api_base: str | None = None,
        rate_limit: float | None = None,
        retry_budget_s: float = 30.0,
        retry: RetryPolicy | None = None,
        timeout_s: float | None = None,
    ) -> StripeGateway:
        """Build a gateway for `api_key`, talking to `api_base` (default: Stripe itself).

        `rate_limit` is in requests per second (default: 90 % of Stripe's limit for the key's mode,
        i.e. 22.5/s test, 90/s live; 0 = unthrottled). The first second's worth of calls goes out
        at once (see core.engine.throttle). `retry_budget_s` bounds how long one call keeps
        retrying. `timeout_s` (the `request_timeout_seconds` setting) bounds each request's
        connect and read wait and how long a read keeps retrying (writes keep `retry_budget_s`,
        so a sync settles); None: 10 s to connect, 60 s to answer. The key is stripped (a pasted
        key often ends in a newline) and its shape checked first: a malformed one raises
        ConfigurationError naming the problem, masked.
        """
        api_key = api_key.strip()
        parse_key(api_key)  # a key with a stray character would only fail later, obscurely
        stripe.enable_telemetry = False  # again: another import may have switched it back on
        bases: dict[str, str] = {"api": api_base.rstrip("/")} if api_base else {}
        client = stripe.StripeClient(
            api_key,
            base_addresses=bases,  # type: ignore[arg-type]
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=http_timeout(timeout_s)),
        )
        policy = retry or RetryPolicy(budget_s=retry_budget_s)
        reads = None if timeout_s is None else replace(policy, budget_s=timeout_s)
        return cls(client, api_key=api_key, rate_limit=rate_limit, retry=policy, read_retry=reads)

    # -- identity -------------------------------------------------------------------------------

    def account(self) -> AccountInfo:
        """The account the key belongs to (read once, then cached)."""
        if self._account is None:
            obj = self._read(
                lambda: self._v1.accounts.retrieve_current(),
                "read the account",
                "rak_account_read",
            )
            data = as_dict(obj)
            settings = data.get("settings") or {}
            dashboard = settings.get("dashboard") or {}
            profile = data.get("business_profile") or {}
            name = dashboard.get("display_name") or profile.get("name") or data["id"]
            self._account = AccountInfo(id=data["id"], name=str(name), livemode=self.livemode)
        return self._account

    def account_key(self) -> str:
        """What identifies the account in idempotency keys: its id, else a hash of the key."""
        if self._account_key is None:
            try:
                self._account_key = self.account().id
            except (StripePermissionError, StripeRequestError):
                self._account_key = f"key:{self._fingerprint}"
        return self._account_key

    def remember_product(self, local_id: str, stripe_id: str) -> None:
        """Note which Stripe product sells `local_id` (found or created through this gateway)."""
        with self._lock:
            self._known_products[local_id] = stripe_id

    def known_product(self, local_id: str) -> str | None:
        """The Stripe product id remembered for `local_id` in this process, if any.

        `sync_product_to_stripe` uses it like a stored link: the next sync of a product whose
        local id cannot be a Stripe id (spaces, dots…) retrieves it by id (2 reads) instead of
        listing every product to find its `local_id` tag. Forgotten with the gateway
        (`reset_stripe_client`); a remembered product deleted since is looked up afresh.
        """
        with self._lock:
            return self._known_products.get(local_id)

    # -- reads ----------------------------------------------------------------------------------

    def retrieve_product(self, product_id: str) -> RemoteProduct | None:
        """One product by id (without prices), or None when Stripe has no such product."""
        try:
            obj = self._read(
                lambda: self._v1.products.retrieve(product_id),
                "read products",
                "rak_product_read",
            )
        except StripeRequestError as err:
            if err.http_status == 404:
                return None
            raise
        return remote_product(as_dict(obj))

    def retrieve_price(self, price_id: str) -> RemotePrice | None:
        """One price by id as it is now, or None when Stripe has no such price."""
        try:
            obj = self._read(
                lambda: self._v1.prices.retrieve(price_id, params=PRICE_EXPAND),
                "read prices",
                "rak_plan_read",
            )
        except StripeRequestError as err:
            if err.http_status == 404:
                return None
            raise
        return remote_price(as_dict(obj))

    def _list_page(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        # Plain JSON, not StripeObjects: building those took ~88 % of a 10,000-product read.
        # raw_request goes through the same requestor, so errors raise the same exceptions.
        response = self._client.raw_request("get", path, **params)
        page: dict[str, Any] = response.data
        return page

    def _list_all(
        self,
        path: str,
        params: dict[str, Any],
        convert: Callable[[dict[str, Any]], T],
        what: str,
        perm: str,
    ) -> list[T]:
        items: list[T] = []
        cursor: str | None = None
        while True:
            page_params = dict(params, limit=PAGE_SIZE)
            if cursor:
                page_params["starting_after"] = cursor
            page = self._read(lambda p=page_params: self._list_page(path, p), what, perm)  # type: ignore[misc]
            data: list[dict[str, Any]] = page.get("data") or []
            # Converted page by page: the work fits in the throttle's wait for the next call.
            items.extend(convert(row) for row in data)
            if not page.get("has_more") or not data:
                return items
            cursor = data[-1]["id"]

    def list_products(self, *, active: bool | None = None) -> list[RemoteProduct]:
        """Every product of the account (all pages, 100 per page), without prices."""
        params: dict[str, Any] = {} if active is None else {"active": active}
        return self._list_all(
            "/v1/products", params, remote_product, "list products", "rak_product_read"
        )

    def list_prices(
        self, *, product: str | None = None, active: bool | None = None
    ) -> list[RemotePrice]:
        """Every price (of one product, when given), all pages, filtered by `active` if given,
        with its amounts in other currencies (`currency_options`)."""
        # The amounts in other currencies are shown only when expanded (stripe-facts §5.5).
        params: dict[str, Any] = {"expand": ["data.currency_options"]}
        if product is not None:
            params["product"] = product
        if active is not None:
            params["active"] = active
        return self._list_all("/v1/prices", params, remote_price, "list prices", "rak_plan_read")

    def list_events(
        self,
        types: Sequence[str],
        *,
        ending_before: str | None = None,
        starting_after: str | None = None,
        limit: int = PAGE_SIZE,
    ) -> dict[str, Any]:
        """One page of events of `types` (plain JSON, newest first, with `has_more`).

        `ending_before`: the events just newer than that one; a cursor Stripe no longer keeps
        (older than 30 days) raises StripeRequestError `resource_missing` (stripe-facts §4.7-4.9).
        """
        params: dict[str, Any] = {"limit": limit, "types": list(types)}
        if ending_before is not None:
            params["ending_before"] = ending_before
        if starting_after is not None:
            params["starting_after"] = starting_after
        return self._read(
            lambda: self._list_page("/v1/events", params), "list events", "rak_event_read"
        )

    # -- writes ---------------------------------------------------------------------------------

    def create_product(self, params: dict[str, Any], *, idempotency_key: str) -> Written:
        """Create a product (perhaps with its default price) under `idempotency_key`."""
        data, request_id, replayed = self._write(
            lambda key: self._v1.products.create(params=params, options={"idempotency_key": key}),
            idempotency_key,
            what="create products",
            permission="rak_product_write",
            update=False,
        )
        return Written(remote_product(data), request_id, replayed)

    def update_product(
        self, product_id: str, params: dict[str, Any], *, idempotency_key: str
    ) -> Written:
        """Update a product's fields (name, description, active, metadata, default_price)."""
        data, request_id, replayed = self._write(
            lambda key: self._v1.products.update(
                product_id, params=params, options={"idempotency_key": key}
            ),
            idempotency_key,
            what="update products",
            permission="rak_product_write",
            update=True,
        )
        return Written(remote_product(data), request_id, replayed)

    def create_price(self, params: dict[str, Any], *, idempotency_key: str) -> Written:
        """Create a price under `idempotency_key`."""
        data, request_id, replayed = self._write(
            lambda key: self._v1.prices.create(params=params, options={"idempotency_key": key}),
            idempotency_key,
            what="create prices",
            permission="rak_plan_write",
            update=False,
        )
        return Written(remote_price(data), request_id, replayed)

    def update_price(
        self, price_id: str, params: dict[str, Any], *, idempotency_key: str
    ) -> Written:
        """Update a price's mutable fields (active, nickname, metadata, lookup_key)."""
        data, request_id, replayed = self._write(
            lambda key: self._v1.prices.update(
                price_id, params=params, options={"idempotency_key": key}
            ),
            idempotency_key,
            what="update prices",
            permission="rak_plan_write",
            update=True,
        )
        return Written(remote_price(data), request_id, replayed)
