"""A product's history, read from the journal: its entries, and each price it has had. Pure.

Entries (`HistoryEntry`): every catalog edit, revert, import and pull, and every Stripe write,
newest first; `id` is the journal row's number (what a revert names). The price timeline
(`PricePeriod`): per Stripe account and mode, each price the product or a variant had, from the
write that made it current (a new price, a reused one, a pulled one) until the next one.

A price made together with its product (`create_product` with `default_price_data`) is not named
in that row: its id is the first unknown price id a later row of the same account and mode names
(the old default a new price replaces, the price a later write archives), else the price linked
to the unit now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from core.catalog.edits import EDIT, IMPORT, PULL, REVERT, changed_columns
from core.catalog.journal import CATALOG, OS_USER, JournalEntry
from core.catalog.links import LinkMap
from core.catalog.row_changes import ADD

STRIPE_WRITES = frozenset(
    {
        "create_product",
        "update_product",
        "archive_product",
        "unarchive_product",
        "create_price",
        "update_price",
        "set_default_price",
        "archive_price",
    }
)
PRICE_WRITES = frozenset({"create_price", "update_price", "set_default_price", "archive_price"})
Kind = Literal["edit", "revert", "import", "pull", "stripe_write"]
# Adding a product or a variant is an edit of the catalog (its `after` holds the new columns).
_KINDS: dict[str, Kind] = {
    EDIT: "edit",
    ADD: "edit",
    REVERT: "revert",
    IMPORT: "import",
    PULL: "pull",
}


class HistoryEntry(BaseModel):
    """One entry of a product's history (see the module docstring).

    `field`, `before`, `after`: the one field changed and its values, or, for an entry that
    changed several, their names joined by ", " and the values by name. `mode`/`account_id`:
    None for a change to the catalog itself (it belongs to no Stripe account).
    """

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    kind: Kind
    operation: str
    field: str
    before: Any = None
    after: Any = None
    summary: str
    user: str | None = None
    mode: str | None = None
    account_id: str | None = None
    stripe_price_id: str | None = None
    error: str | None = None

    def record(self) -> dict[str, Any]:
        """As `history --json` lists it."""
        data = self.model_dump(mode="json")
        data["at"] = self.at.isoformat()
        return data


class PricePeriod(BaseModel):
    """One price a unit (the product's own: `variant_id` None, or a variant's) had in one account
    and mode, from `since` until `until` (None: still its price). `stripe_price_id` is None only
    when the journal never named it."""

    model_config = ConfigDict(frozen=True)

    mode: str
    account_id: str
    variant_id: str | None
    amount: int | None
    currency: str
    since: datetime
    until: datetime | None = None
    stripe_price_id: str | None = None

    def record(self) -> dict[str, Any]:
        """As `history --prices --json` lists it."""
        data = self.model_dump(mode="json")
        data["since"] = self.since.isoformat()
        data["until"] = self.until.isoformat() if self.until else None
        return data


def kind_of(entry: JournalEntry) -> Kind | None:
    """The history kind of a journal row (None: not part of a product's history)."""
    if entry.operation in STRIPE_WRITES:
        return "stripe_write"
    return _KINDS.get(entry.operation)


def history_entries(
    entries: Sequence[JournalEntry],
    prices: Mapping[str, tuple[str, int | None, str]],
    made: Mapping[int, str],
) -> list[HistoryEntry]:
    """The product's history, newest first, from its journal rows (any order).

    `prices`: price id → (unit, amount, currency), as `PriceTimeline.known` has them; `made`:
    journal row → the price a product creation made (`PriceTimeline.made`).
    """
    out: list[HistoryEntry] = []
    for e in sorted(entries, key=lambda x: x.seq or 0, reverse=True):
        kind = kind_of(e)
        if kind is None or e.seq is None:
            continue
        catalog = e.mode == CATALOG
        user = (e.after or {}).get(OS_USER)
        if kind == "stripe_write":
            name, before, after = _stripe_fields(e, prices)
        else:
            name, before, after = _catalog_fields(e)
        out.append(
            HistoryEntry(
                id=e.seq,
                at=e.at,
                kind=kind,
                operation=e.operation,
                field=name,
                before=before,
                after=after,
                summary=e.summary,
                user=str(user) if user is not None else None,
                mode=None if catalog else e.mode,
                account_id=None if catalog else e.account_id,
                stripe_price_id=_price_id(e, made),
                error=e.error,
            )
        )
    return out


def _catalog_fields(e: JournalEntry) -> tuple[str, Any, Any]:
    before = _flat(*changed_columns(e.before))
    after = _flat(*changed_columns(e.after))
    names = list(dict.fromkeys([*after, *before]))
    if len(names) == 1:
        return names[0], before.get(names[0]), after.get(names[0])
    return ", ".join(names), before if e.before is not None else None, after


def _flat(product: dict[str, Any], variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = dict(product)
    for vid, columns in variants.items():
        out.update({f"variant:{vid}.{k}": v for k, v in columns.items()})
    return out


def _stripe_fields(
    e: JournalEntry, prices: Mapping[str, tuple[str, int | None, str]]
) -> tuple[str, Any, Any]:
    after = dict(e.after or {})
    before = dict(e.before or {})
    price = after.get("default_price_data") if e.operation == "create_product" else after
    creates = e.operation in ("create_price", "create_product")
    if creates and isinstance(price, dict) and "unit_amount" in price:
        return _unit_field(_unit(price)), None, price.get("unit_amount")
    if e.operation == "update_price" and after.get("active") is True:
        unit, amount, _ = prices.get(e.stripe_object_id or "", ("", None, ""))
        return _unit_field(unit), None, amount
    if len(after) == 1:
        (name,) = after
        return name, before.get(name), after[name]
    return ", ".join(after), before or None, after


def _unit(data: Mapping[str, Any]) -> str:
    metadata = data.get("metadata")
    return str(metadata.get("variant_id", "")) if isinstance(metadata, dict) else ""


def _unit_field(unit: str) -> str:
    return f"variant:{unit}.price" if unit else "price"


def _price_id(e: JournalEntry, made: Mapping[int, str]) -> str | None:
    if e.operation in PRICE_WRITES or (e.operation == PULL and _is_price(e.stripe_object_id)):
        if e.operation == "set_default_price":
            target = (e.after or {}).get("default_price")
            return str(target) if _is_price(target) else None
        return e.stripe_object_id
    return made.get(e.seq or 0)


def _is_price(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("price_")


@dataclass
class _Period:
    unit: str
    amount: int | None
    currency: str
    since: datetime
    price_id: str | None
    until: datetime | None = None


class PriceTimeline:
    """Each price of one product in one account and mode, built from its journal rows."""

    def __init__(self, mode: str, account_id: str, currency: str) -> None:
        self.mode = mode
        self.account_id = account_id
        self.currency = currency
        self.known: dict[str, tuple[str, int | None, str]] = {}  # price id → unit, amount, cur.
        self._open: dict[str, _Period] = {}
        self._all: list[_Period] = []
        self._created: dict[str, str] = {}  # unit → the price last made for it
        self._made: dict[int, _Period] = {}  # a create_product row → the price it made

    @property
    def made(self) -> dict[int, str]:
        """Journal row of a product creation → the id of the price it made (once known)."""
        return {seq: p.price_id for seq, p in self._made.items() if p.price_id}

    def add(self, e: JournalEntry) -> None:
        """Take one journal row (oldest first) of this account and mode."""
        if e.error:
            return
        after, before = e.after or {}, e.before or {}
        handlers: dict[str, Callable[[JournalEntry, dict[str, Any], dict[str, Any]], None]] = {
            "create_product": self._product,
            "create_price": self._created_price,
            "update_price": self._updated_price,
            "set_default_price": self._default,
            "archive_price": self._archived,
            PULL: self._pulled,
        }
        handler = handlers.get(e.operation)
        if handler is not None:
            handler(e, after, before)

    def periods(self, links: LinkMap, product_id: str) -> list[PricePeriod]:
        """The periods, oldest first; a still-unnamed current price named by today's link."""
        for unit, period in self._open.items():
            if period.price_id is None:
                linked = links.variant_prices.get(unit) if unit else links.prices.get(product_id)
                period.price_id = linked
        return [
            PricePeriod(
                mode=self.mode,
                account_id=self.account_id,
                variant_id=p.unit or None,
                amount=p.amount,
                currency=p.currency,
                since=p.since,
                until=p.until,
                stripe_price_id=p.price_id,
            )
            for p in self._all
        ]

    def _start(
        self, unit: str, amount: int | None, currency: str, at: datetime, pid: str | None
    ) -> None:
        old = self._open.pop(unit, None)
        if old is not None:
            old.until = at
        period = _Period(unit, amount, currency or self.currency, at, pid)
        self._open[unit] = period
        self._all.append(period)

    def _learn(self, pid: Any) -> None:
        """A price id a row names: when unknown, it is the oldest price not named yet."""
        if not _is_price(pid) or pid in self.known:
            return
        for period in self._all:
            if period.price_id is None:
                period.price_id = pid
                self.known[pid] = (period.unit, period.amount, period.currency)
                return

    def _product(self, e: JournalEntry, after: dict[str, Any], _b: dict[str, Any]) -> None:
        data = after.get("default_price_data")
        if isinstance(data, dict):
            amount = data.get("unit_amount")
            self._start(_unit(data), amount, str(data.get("currency", "")), e.at, None)
            self._made[e.seq or 0] = self._all[-1]

    def _created_price(self, e: JournalEntry, after: dict[str, Any], _b: dict[str, Any]) -> None:
        unit, pid = _unit(after), e.stripe_object_id
        amount, currency = after.get("unit_amount"), str(after.get("currency", ""))
        if pid:
            self.known[pid] = (unit, amount, currency or self.currency)
            self._created[unit] = pid
        self._start(unit, amount, currency, e.at, pid)

    def _updated_price(self, e: JournalEntry, after: dict[str, Any], _b: dict[str, Any]) -> None:
        pid = e.stripe_object_id
        self._learn(pid)
        if after.get("active") is True and pid in self.known:
            unit, amount, currency = self.known[pid]
            self._start(unit, amount, currency, e.at, pid)

    def _default(self, e: JournalEntry, after: dict[str, Any], before: dict[str, Any]) -> None:
        self._learn(before.get("default_price"))
        target = after.get("default_price")
        if isinstance(target, str) and target.startswith("@price:"):
            target = self._created.get(target.removeprefix("@price:"))
        self._learn(target)
        if isinstance(target, str) and target in self.known:
            unit, amount, currency = self.known[target]
            current = self._open.get(unit)
            if current is None or current.price_id != target:
                self._start(unit, amount, currency, e.at, target)

    def _archived(self, e: JournalEntry, _a: dict[str, Any], _b: dict[str, Any]) -> None:
        pid = e.stripe_object_id
        self._learn(pid)
        unit = self.known.get(pid or "", ("", None, ""))[0]
        current = self._open.get(unit)
        if current is not None and current.price_id == pid:
            current.until = e.at
            del self._open[unit]

    def _pulled(self, e: JournalEntry, after: dict[str, Any], _b: dict[str, Any]) -> None:
        pid = e.stripe_object_id
        if pid is None or not _is_price(pid):
            return
        product, variants = changed_columns(after)
        unit = next(iter(variants), "")
        if pid not in self.known:
            amount = product.get("base_price_cents")
            self.known[pid] = (unit, amount if isinstance(amount, int) else None, self.currency)
        _, cents, currency = self.known[pid]
        self._start(unit, cents, currency, e.at, pid)


def build_timelines(
    entries: Sequence[JournalEntry], currency: str
) -> dict[tuple[str, str], PriceTimeline]:
    """One timeline per (account, mode) the product's journal rows name (catalog rows aside)."""
    timelines: dict[tuple[str, str], PriceTimeline] = {}
    for e in sorted(entries, key=lambda x: x.seq or 0):
        if e.mode == CATALOG:
            continue
        key = (e.account_id, e.mode)
        if key not in timelines:
            timelines[key] = PriceTimeline(e.mode, e.account_id, currency)
        timelines[key].add(e)
    return timelines
