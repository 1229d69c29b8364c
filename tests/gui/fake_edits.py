"""The fake workspace's catalog edits: `editable`, `edit` (with `dry_run` and `expect`),
`history`, `price_history` and `revert`, over `FakeWorkspace.local`, as core.workspace.editing
behaves in spirit: typed values (money as makers write it), a row changed by another writer since
it was loaded refused with both versions, a journal of every change, nothing sent to Stripe.

A test plays the other writer by changing `fake_ws.local[...]` between load and save.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from core.catalog.errors import CatalogError
from core.catalog.records import CatalogRecord
from core.domain.models import SELL_STATUSES
from core.domain.money import MoneyError, parse_money
from core.workspace import (
    ChangedField,
    EditConflict,
    EditProblem,
    EditResult,
    HistoryEntry,
    InvalidEditError,
    ModeComparison,
    PricePeriod,
)

PRODUCT = ("name", "description", "sell_status", "dev_status", "is_live", "base_price")
PRODUCT += ("base_price_cents",)
VARIANT = ("variant_type", "variant_value", "price", "price_modifier")
WATCHED = ("name", "description", "base_price_cents", "sell_status", "dev_status", "is_live")
WATCHED_VARIANT = ("variant_type", "variant_value", "price_modifier")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class _Local(Protocol):
    name: str
    price: int
    sell_status: str
    description: str | None
    dev_status: int
    is_live: bool
    variants: list[dict[str, Any]]


class FakeEdits:
    """Mixed into FakeWorkspace (which holds `local`, `calls` and `edit_log`)."""

    local: Mapping[str, _Local]
    calls: list[tuple[str, Any]]
    edit_log: list[tuple[str, HistoryEntry]]
    price_periods: dict[str, list[PricePeriod]]

    def editable(self, product_id: str) -> CatalogRecord:
        self.calls.append(("editable", product_id))
        loc = self.local.get(product_id)
        if loc is None:
            raise CatalogError(f"No product {product_id!r} in the catalog.", hint="Check the id.")
        product = {
            "id": product_id,
            "name": loc.name,
            "description": loc.description,
            "base_price_cents": loc.price,
            "sell_status": loc.sell_status,
            "dev_status": loc.dev_status,
            "is_live": loc.is_live,
            "has_variants": bool(loc.variants),
            "currency": "usd",
        }
        return CatalogRecord(product, tuple(dict(v) for v in loc.variants))

    def editable_fields(self) -> tuple[str, ...]:
        return ()  # the fake catalog owns no optional Stripe field

    def edit(
        self,
        product_id: str,
        changes: Mapping[str, str],
        *,
        variant_id: str | None = None,
        expect: Mapping[str, Any] | None = None,
        dry_run: bool = False,
    ) -> EditResult:
        self.calls.append(("edit", product_id, dict(changes), variant_id, dry_run))
        record = self.editable(product_id)
        now: dict[str, Any] = record.product
        if variant_id is not None:
            now = next(v for v in record.variants if v["id"] == variant_id)
        problems: list[EditProblem] = []
        columns: dict[str, Any] = {}
        for name, text in changes.items():
            try:
                column, value = _typed(name, text, variant_id, record)
            except ValueError as err:
                problems.append(EditProblem(field=name, message=str(err)))
            else:
                columns[column] = value
        if problems:
            raise InvalidEditError(product_id, problems)
        columns = {k: v for k, v in columns.items() if now.get(k) != v}
        if not columns:
            return EditResult(product_id=product_id)
        watched = WATCHED if variant_id is None else WATCHED_VARIANT
        loaded = {k: now.get(k) for k in watched}
        loaded.update({k: expect[k] for k in watched if expect is not None and k in expect})
        current = {k: now.get(k) for k in watched}
        if loaded != current:
            raise EditConflict(product_id, loaded, current, columns)
        changed = [
            ChangedField(field=k, before=now.get(k), after=v, variant_id=variant_id)
            for k, v in columns.items()
        ]
        if not dry_run:
            self._apply_edit(product_id, variant_id, columns)
            for c in changed:
                self._journal_edit(product_id, "edit", c)
        return EditResult(product_id=product_id, changed=changed)

    def history(self, product_id: str) -> list[HistoryEntry]:
        self.calls.append(("history", product_id))
        return [e for pid, e in reversed(self.edit_log) if pid == product_id]

    def price_history(self, product_id: str) -> list[PricePeriod]:
        return list(self.price_periods.get(product_id, []))

    def test_and_live(self, ids: Sequence[str] | None = None) -> list[ModeComparison]:
        self.calls.append(("test_and_live", tuple(ids or ())))
        return [ModeComparison(product_id=i, account_id="acct_fake") for i in ids or ()]

    def revert(self, product_id: str, entry_id: int) -> EditResult:
        self.calls.append(("revert", product_id, entry_id))
        entry = next(e for _pid, e in self.edit_log if e.id == entry_id)
        vid, _, column = entry.field.rpartition(".")
        vid = vid.removeprefix("variant:") or None
        before = self.editable(product_id).product.get(column)
        self._apply_edit(product_id, vid, {column: entry.before})
        change = ChangedField(field=column, before=before, after=entry.before, variant_id=vid)
        self._journal_edit(product_id, "revert", change)
        return EditResult(product_id=product_id, changed=[change])

    def _apply_edit(self, product_id: str, variant_id: str | None, columns: dict[str, Any]) -> None:
        loc = self.local[product_id]
        if variant_id is not None:
            row = next(v for v in loc.variants if v["id"] == variant_id)
            row.update(columns)
            return
        for column, value in columns.items():
            setattr(loc, "price" if column == "base_price_cents" else column, value)

    def _journal_edit(self, product_id: str, kind: str, c: ChangedField) -> None:
        field = f"variant:{c.variant_id}.{c.field}" if c.variant_id else c.field
        entry = HistoryEntry(
            id=len(self.edit_log) + 1,
            at=START + timedelta(minutes=len(self.edit_log)),
            kind=kind,  # type: ignore[arg-type]
            operation=kind,
            field=field,
            before=c.before,
            after=c.after,
            summary=f"{field} {c.before!r} → {c.after!r}",
            user="maker-alice",
        )
        self.edit_log.append((product_id, entry))


def _typed(name: str, text: str, variant_id: str | None, record: CatalogRecord) -> tuple[str, Any]:
    if name not in (VARIANT if variant_id is not None else PRODUCT):
        raise ValueError("no such field")
    if name == "name":
        if not text.strip():
            raise ValueError("must not be empty")
        return name, text
    if name == "sell_status":
        if text not in SELL_STATUSES:
            raise ValueError(f"must be one of {', '.join(SELL_STATUSES)}, got {text!r}")
        return name, text
    if name in ("description", "variant_value", "variant_type"):
        return name, text or None
    if name == "is_live":
        return name, text == "true"
    if name in ("dev_status", "base_price_cents", "price_modifier"):
        try:
            return name, int(text)
        except ValueError:
            raise ValueError(f"must be a whole number, got {text!r}") from None
    try:
        cents = parse_money(text, "usd")
    except MoneyError as err:
        raise ValueError(str(err)) from None
    if name == "base_price":
        return "base_price_cents", cents
    return "price_modifier", cents - int(record.product["base_price_cents"])
