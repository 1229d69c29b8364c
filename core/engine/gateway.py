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

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe

from core.engine.convert import remote_price, remote_product
from core.engine.errors import StripeReplayedFailureError, StripeRequestError
from core.engine.failures import classify, gave_up
from core.engine.throttle import (
    HEADROOM,
    LIVE_RATE_LIMIT,
    TEST_RATE_LIMIT,
    RetryPolicy,
    TokenBucket,
    wait_unless_cancelled,
)
from core.engine.types import AccountInfo, CancelToken, RemotePrice, RemoteProduct
from core.errors import StripePermissionError
from core.keys.shape import mask_key, parse_key

# No usage data leaves the machine (the SDK would otherwise report request timings to Stripe).
stripe.enable_telemetry = False

T = TypeVar("T")
PAGE_SIZE = 100


@dataclass
class CallStats:
    """HTTP requests this gateway sent (retries included), split into reads and writes."""

    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        """All requests sent."""
        return self.reads + self.writes


@dataclass(frozen=True)
class Written:
    """The object a write returned, with Stripe's request id (for the journal)."""

    obj: Any  # RemoteProduct or RemotePrice
    request_id: str | None
    # Stripe answered with a create's saved result (Idempotent-Replayed): the object may have
    # changed since (see core.engine.price_create).
    replayed: bool = False


def _as_dict(obj: Any) -> dict[str, Any]:
    result: dict[str, Any] = obj.to_dict()
    return result


def _header(obj: Any, name: str) -> str | None:
    response = getattr(obj, "last_response", None)
    if response is None:
        return None
    headers = response.headers
    for key in (name, name.lower()):
        if key in headers:
            return str(headers[key])
    return None


class StripeGateway:
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
    ) -> None:
        self._client = client
        self._v1: Any = client.v1
        self._masked_key = mask_key(api_key)
        self._fingerprint = hashlib.sha256(api_key.encode("utf-8")).hexdigest()[:16]
        self.livemode = "_live_" in api_key
        limit = rate_limit
        if limit is None:
            limit = (LIVE_RATE_LIMIT if self.livemode else TEST_RATE_LIMIT) * HEADROOM
        self.rate_limit = limit
        self.retry = retry or RetryPolicy()
        self._bucket = TokenBucket(limit, sleep=sleep, clock=clock)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._account: AccountInfo | None = None
        self._account_key: str | None = None
        self._known_products: dict[str, str] = {}
        self.stats = CallStats()
        # The running operation's cancel token (see `cancellable`): one Stripe task runs at a
        # time, and the threads it starts (the bulk read) share it, so a plain attribute will do.
        self.cancel_token: CancelToken | None = None

    @classmethod
    def create(
        cls,
        api_key: str,
        *,
        api_base: str | None = None,
        rate_limit: float | None = None,
        retry_budget_s: float = 30.0,
        retry: RetryPolicy | None = None,
    ) -> StripeGateway:
        """Build a gateway for `api_key`, talking to `api_base` (default: Stripe itself).

        `rate_limit` is in requests per second (default: 90 % of Stripe's limit for the key's mode,
        i.e. 22.5/s test, 90/s live; 0 = unthrottled). The first second's worth of calls goes out
        at once (see core.engine.throttle). `retry_budget_s` bounds how long one call keeps
        retrying. The key is stripped (a pasted key often ends in a newline) and its shape
        checked first: a malformed one raises ConfigurationError naming the problem, masked.
        """
        api_key = api_key.strip()
        parse_key(api_key)  # a key with a stray character would only fail later, obscurely
        stripe.enable_telemetry = False  # again: another import may have switched it back on
        bases: dict[str, str] = {"api": api_base.rstrip("/")} if api_base else {}
        client = stripe.StripeClient(
            api_key,
            base_addresses=bases,  # type: ignore[arg-type]
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=(10, 60)),
        )
        policy = retry or RetryPolicy(budget_s=retry_budget_s)
        return cls(client, api_key=api_key, rate_limit=rate_limit, retry=policy)

    # -- cancellation ---------------------------------------------------------------------------

    @contextmanager
    def cancellable(self, token: CancelToken | None) -> Iterator[None]:
        """Within the block, retry backoff and throttle waits end early when `token` is cancelled.

        A cancelled wait raises `CancelledError`, so a run cancelled during a storm of 429s or
        5xx answers stops within moments instead of after the retry budget (30 s by default).
        `None` keeps whatever token is already in force (blocks nest).
        """
        previous = self.cancel_token
        if token is not None:
            self.cancel_token = token
        try:
            yield
        finally:
            self.cancel_token = previous

    def _wait(self, seconds: float) -> None:
        wait_unless_cancelled(seconds, self.cancel_token, self._sleep)

    # -- the retry loop -------------------------------------------------------------------------

    def _call(self, fn: Callable[[], T], *, write: bool, what: str, permission: str) -> T:
        started = self._clock()
        attempt = 0
        while True:
            self._bucket.acquire(self._wait)
            with self._lock:
                if write:
                    self.stats.writes += 1
                else:
                    self.stats.reads += 1
            try:
                return fn()
            except stripe.StripeError as err:
                attempt += 1
                delay = 0.0
                failure = classify(
                    err, write=write, what=what, permission=permission, key=self._masked_key
                )
                if failure is None:
                    delay = self.retry.delay(attempt)
                    elapsed = self._clock() - started
                    if elapsed + delay > self.retry.budget_s:
                        failure = gave_up(err, what, attempt, elapsed)
            # Raised here, outside the `except`, so the SDK's error (whose message or request may
            # hold the raw key, e.g. an invalid header) is not kept as the __context__.
            if failure is not None:
                raise failure
            self._wait(delay)

    def _read(self, fn: Callable[[], T], what: str, permission: str) -> T:
        return self._call(fn, write=False, what=what, permission=permission)

    def _write(
        self,
        fn: Callable[[str], Any],
        key: str,
        *,
        what: str,
        permission: str,
        update: bool,
    ) -> tuple[dict[str, Any], str | None, bool]:
        try:
            obj = self._call(lambda: fn(key), write=True, what=what, permission=permission)
        except StripeReplayedFailureError:
            if not update:
                raise  # a create: the caller re-reads Stripe before trying another key
            # An update sets values, so sending it again under a fresh key is harmless.
            fresh = f"{key}-again-{uuid.uuid4().hex[:12]}"
            obj = self._call(lambda: fn(fresh), write=True, what=what, permission=permission)
        replayed = _header(obj, "Idempotent-Replayed") == "true"
        if update and replayed:
            # A replayed answer to an update may be an older write's (see core.engine.idempotency):
            # setting the same values again is harmless, so send it once more under a fresh key.
            fresh = f"{key}-again-{uuid.uuid4().hex[:12]}"
            obj = self._call(lambda: fn(fresh), write=True, what=what, permission=permission)
            replayed = _header(obj, "Idempotent-Replayed") == "true"
        return _as_dict(obj), _header(obj, "Request-Id"), replayed

    # -- identity -------------------------------------------------------------------------------

    def account(self) -> AccountInfo:
        """The account the key belongs to (read once, then cached)."""
        if self._account is None:
            obj = self._read(
                lambda: self._v1.accounts.retrieve_current(),
                "read the account",
                "rak_account_read",
            )
            data = _as_dict(obj)
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
        return remote_product(_as_dict(obj))

    def retrieve_price(self, price_id: str) -> RemotePrice | None:
        """One price by id as it is now, or None when Stripe has no such price."""
        try:
            obj = self._read(
                lambda: self._v1.prices.retrieve(price_id), "read prices", "rak_plan_read"
            )
        except StripeRequestError as err:
            if err.http_status == 404:
                return None
            raise
        return remote_price(_as_dict(obj))

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
        """Every price (of one product, when given), all pages, filtered by `active` if given."""
        params: dict[str, Any] = {}
        if product is not None:
            params["product"] = product
        if active is not None:
            params["active"] = active
        return self._list_all("/v1/prices", params, remote_price, "list prices", "rak_plan_read")

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
