"""What the product table shows of one row, worked out once: display text, sort keys, the columns
that differ, who changed them, the other-currency cells and the text the search looks in.

`prepare_rows` does it for a whole list and can run on any thread (plain Python, no Qt objects):
the session runs it on its worker for the rows of an open or a Refresh, so the GUI thread only
inserts rows that are ready. Rows that come prepared carry their `PreparedRow`s with them
(`PreparedRows`, a list of the rows themselves for everyone else).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.workspace import FieldDiff, ProductRow, format_money
from gui.models import currency_columns as extra
from gui.models.change_marks import change_lines, changed_in_stripe, who_changed
from gui.models.columns import FOR_SALE_COLUMNS, Column
from gui.theme import state_label

# States a sync of everything writes (with a failed product, whatever its state).
SYNCABLE_STATES = frozenset({"differs", "missing", "failed"})
NO_NAME = "(no name)"
INVALID_STATE = "Invalid values"  # the State cell of a catalog row the tool cannot use


def invalid_text(error: str) -> str:
    """A catalog row with values the tool cannot use (not a failed sync), and what to do."""
    return (
        f"Can't sync: the catalog row has invalid values: {error}. Fix it in the Edit tab or in "
        "the shop's database."
    )


def unnamed_text(row: ProductRow) -> str:
    """Why the Name cell shows no name, and what to do."""
    return (
        f"The catalog row has no name, so the product is shown by its id ({row.product_id}). "
        "Stripe needs a name: give it one in the Edit tab."
    )


def live_text(row: ProductRow) -> str:
    """The catalog's live flag for a cell: "yes", "no", or "" when not set."""
    return "" if row.is_live is None else ("yes" if row.is_live else "no")


def _variant_price_differs(field: str) -> bool:
    return field.startswith("variant:") and field.endswith(".price")


def money(cents: int | None, currency: str) -> str:
    """An amount for a cell: `$120.00`, or empty when there is none."""
    return "" if cents is None else format_money(cents, currency)


def stripe_currency(row: ProductRow) -> str:
    """The currency of the Stripe price: the catalog's, unless the currency itself differs."""
    for diff in row.differences:
        if diff.field == "currency" and diff.stripe:
            return diff.stripe
    return row.currency


def differing_variants(row: ProductRow) -> int:
    """How many of the product's variants have another price (or none) in Stripe."""
    return sum(1 for f in row.differing_fields if _variant_price_differs(f))


def only_variants_differ(row: ProductRow) -> bool:
    """Whether the price difference is in some variants only (the product's own price matches)."""
    fields = row.differing_fields
    return not ({"price", "currency"} & fields) and differing_variants(row) > 0


def column_diffs(row: ProductRow) -> dict[Column, list[FieldDiff]]:
    """The differences each column shows. When only some variants' prices differ, only the Stripe
    price cell shows them (it names the variants, not two equal amounts)."""
    product_price = any(d.field in ("price", "currency") for d in row.differences)
    out: dict[Column, list[FieldDiff]] = {}
    for diff in row.differences:
        if diff.field == "name":
            columns: tuple[Column, ...] = (Column.NAME,)
        elif diff.field in ("price", "currency"):
            columns = (Column.LOCAL_PRICE, Column.STRIPE_PRICE)
        elif _variant_price_differs(diff.field) and not product_price:
            columns = (Column.STRIPE_PRICE,)
        elif diff.field == "metadata.sell_status":
            columns = (Column.SELL_STATUS,)
        elif diff.field == "active":
            columns = (Column.STRIPE_STATUS,)
        else:
            columns = ()
        for column in columns:
            out.setdefault(column, []).append(diff)
    return out


def differing_columns(row: ProductRow) -> frozenset[Column]:
    """The columns whose local and Stripe values differ for this row."""
    return frozenset(column_diffs(row))


def searchable(row: ProductRow) -> str:
    """The text the search looks in: id, names, and each variant's id and label, case-folded.
    Lines keep one field's end from joining the next one's start into a false match."""
    parts = [row.product_id, row.name, row.stripe_name or ""]
    for variant in row.variants:
        parts += [variant.variant_id, variant.label]
    return "\n".join(parts).casefold()


def filter_keys(row: ProductRow) -> frozenset[str]:
    """The state filters (keys of `gui.models.product_filter.STATE_FILTERS`, but "all") that keep
    this row: its state, "failed" when it has an error, "changed_in_stripe" when Stripe changed."""
    keys = {row.state}
    if row.error is not None:
        keys.add("failed")
    if row.differences and changed_in_stripe(row.differences):
        keys.add("changed_in_stripe")
    return frozenset(keys)


def syncable(row: ProductRow) -> bool:
    """Whether a sync of everything could write this product (it differs, is missing in Stripe
    or failed last time)."""
    return row.has_local and (row.state in SYNCABLE_STATES or bool(row.error))


@dataclass(frozen=True)
class RowSummary:
    """What the window shows about a whole set of rows: counted once, not per question."""

    total: int
    counts: Counter[str]  # rows per state filter key (a row may count under several)
    syncable: int  # rows a sync of everything could write
    not_in_sync: int  # rows neither in sync, archived nor held

    @property
    def has_changes(self) -> bool:
        """Whether a sync of everything could write something."""
        return self.syncable > 0


def _summarize(rows: Iterable[tuple[ProductRow, frozenset[str], bool]]) -> RowSummary:
    counts: Counter[str] = Counter()
    total = writable = differ = 0
    settled = ("in_sync", "archived", "held")
    for row, keys, can_sync in rows:
        total += 1
        counts.update(keys)
        writable += can_sync
        differ += row.state not in settled
    return RowSummary(total, counts, writable, differ)


def summarize(rows: Sequence[ProductRow]) -> RowSummary:
    """The summary of `rows`: the one worked out with them by `prepare_rows`, or counted now."""
    known = rows.summary if isinstance(rows, PreparedRows) else None
    if known is not None:
        return known
    return _summarize((row, filter_keys(row), syncable(row)) for row in rows)


def summarize_prepared(prepared: Iterable[PreparedRow]) -> RowSummary:
    """The summary of prepared rows (from what each has worked out already)."""
    return _summarize((p.row, p.keys, p.syncable) for p in prepared)


class PreparedRow:
    """One row's display strings, sort keys and search text, computed once."""

    __slots__ = (
        "changed",
        "diffs",
        "differs",
        "display",
        "extra",
        "keys",
        "row",
        "search",
        "sort",
        "syncable",
    )

    def __init__(self, row: ProductRow) -> None:
        self.row = row
        name = row.name if row.has_local else (row.stripe_name or row.name)
        shown_name = NO_NAME if row.unnamed else name
        synced = row.last_synced_at
        stripe_price = money(row.stripe_price_cents, stripe_currency(row))
        if only_variants_differ(row):
            stripe_price = f"{differing_variants(row)} of {len(row.variants)} variants"
        unknown = row.stripe_status == "unknown"  # Stripe was not read (catalog_only_rows)
        if unknown:
            stripe_price = "unknown"
        state = INVALID_STATE if row.invalid else state_label(row.state, row.stripe_status)
        self.display = (
            row.product_id,
            shown_name,
            money(row.local_price_cents, row.currency) if row.has_local else "",
            stripe_price,
            row.sell_status or "",
            row.stripe_status,
            state,
            synced.strftime("%Y-%m-%d %H:%M") if synced else "unknown" if unknown else "never",
            live_text(row),
            row.dev_status_text,
            row.stock_text,
            row.category or "",
        )
        self.sort: tuple[Any, ...] = (
            row.product_id.lower(),
            "" if row.unnamed else name.lower(),
            -1 if row.local_price_cents is None else row.local_price_cents,
            -1 if row.stripe_price_cents is None else row.stripe_price_cents,
            row.sell_status or "",
            row.stripe_status,
            state,
            synced.timestamp() if synced else 0.0,
            -1 if row.is_live is None else int(row.is_live),
            -1 if row.dev_status is None else row.dev_status,
            _stock_key(row),
            (row.category or "").lower(),
        )
        self.diffs = column_diffs(row)
        self.differs = frozenset(self.diffs)
        self.changed = {column: who_changed(diffs) for column, diffs in self.diffs.items()}
        self.extra = extra.row_cells(row)  # prices in other currencies (currency_columns)
        self.search = searchable(row)
        self.keys = filter_keys(row)  # the state filters that keep it
        self.syncable = syncable(row)

    def looks_like(self, other: PreparedRow) -> bool:
        """Whether `other` shows exactly as this row does: its text, marks, colours and fonts,
        sort keys, search text and the filters that keep it (a read-back after a sync brings
        30,000 new rows of which a few changed: only those need repainting)."""
        mine, theirs = self.row, other.row
        return (
            self.display == other.display
            and self.sort == other.sort
            and self.changed == other.changed
            and self.keys == other.keys
            and self.search == other.search
            and self.extra == other.extra
            and mine.state == theirs.state
            and mine.unnamed == theirs.unnamed
            and mine.stripe_status == theirs.stripe_status
        )


class PreparedRows(list[ProductRow]):
    """Rows (a plain list of them to anyone else) with their `PreparedRow`s, worked out ahead."""

    def __init__(
        self,
        rows: Iterable[ProductRow],
        prepared: dict[int, PreparedRow],
        summary: RowSummary | None = None,
    ) -> None:
        super().__init__(rows)
        self.prepared = prepared  # by id() of the row it was prepared from
        self.summary = summary  # of exactly these rows (None: not worked out)

    def prepared_for(self, row: ProductRow) -> PreparedRow | None:
        """The row's prepared form, if it was prepared with this list (the very same object)."""
        found = self.prepared.get(id(row))
        return found if found is not None and found.row is row else None


def prepare_rows(rows: Iterable[ProductRow]) -> PreparedRows:
    """Work out what the table shows of every row (any thread: no Qt objects are touched)."""
    prepared = [PreparedRow(row) for row in rows]
    summary = summarize_prepared(prepared)
    return PreparedRows((p.row for p in prepared), {id(p.row): p for p in prepared}, summary)


def carry_prepared(rows: list[ProductRow], source: Sequence[ProductRow]) -> list[ProductRow]:
    """`rows` made from `source` (some rows replaced), keeping what was prepared for the rest."""
    if rows is source or not isinstance(source, PreparedRows):
        return rows
    return PreparedRows(rows, source.prepared)


def _diff_text(row: ProductRow, prefix: str) -> str | None:
    for diff in row.differences:
        if diff.field == prefix or diff.field.startswith(prefix):
            return diff.stripe
    return None


def tooltip(prepared: PreparedRow, column: Column) -> str | None:
    """A fixed column's tooltip: the values side by side, then who changed them and when."""
    values = _values_tooltip(prepared, column)
    diffs = prepared.diffs.get(column)
    if values is None or not diffs:
        return values
    return "\n".join([values, *change_lines(diffs, prepared.row.last_synced_at)])


def _stock_key(row: ProductRow) -> tuple[int, int]:
    """Stock sorts by how many are sold, then by how many there are (-1: unknown)."""
    sold = row.sold_quantity
    if sold is None and row.max_quantity is not None:
        sold = 0  # a maximum and nothing sold yet (`stock_text`)
    return (-1 if sold is None else sold, -1 if row.max_quantity is None else row.max_quantity)


def _state_tooltip(row: ProductRow) -> str | None:
    lines = []
    if row.invalid:
        lines.append(invalid_text(row.error or ""))
    elif row.error:
        lines.append(f"Last sync failed: {row.error}")
    if row.not_ready_reason and not row.for_sale_reason:
        lines.append(f"Not ready: {row.not_ready_reason}")
    if row.note:
        lines.append(row.note)
    if row.differences:
        lines.append("Differs in: " + ", ".join(d.field for d in row.differences))
    if only_variants_differ(row):
        lines.append(
            f"{differing_variants(row)} of {len(row.variants)} variants have another price in "
            "Stripe"
        )
    if row.for_sale_reason:
        lines.append(row.for_sale_reason)
    return "\n".join(lines) or None


def _values_tooltip(prepared: PreparedRow, column: Column) -> str | None:
    row = prepared.row
    if column == Column.STATE:
        return _state_tooltip(row)
    if column in FOR_SALE_COLUMNS:
        return row.for_sale_reason
    if column == Column.NAME and row.unnamed and column not in prepared.differs:
        return unnamed_text(row)
    if column not in prepared.differs:
        return None
    if column == Column.NAME:
        tip = f"Stripe: {_diff_text(row, 'name') or row.stripe_name or '(none)'}"
        return f"{unnamed_text(row)}\n{tip}" if row.unnamed else tip
    if column in (Column.LOCAL_PRICE, Column.STRIPE_PRICE):
        remote_currency = stripe_currency(row)
        lines = [f"Local: {prepared.display[Column.LOCAL_PRICE] or '(none)'}"]
        stripe_price = money(row.stripe_price_cents, remote_currency)
        lines.append(f"Stripe: {stripe_price or '(no price)'}")
        if only_variants_differ(row):
            lines.append(f"{differing_variants(row)} of {len(row.variants)} variants differ:")
        for variant in row.variants:
            if variant.differs:
                local = money(variant.local_price_cents, variant.currency)
                remote = money(variant.stripe_price_cents, remote_currency)
                lines.append(f"{variant.label}: {local} here, {remote or 'none'} in Stripe")
        return "\n".join(lines)
    if column == Column.SELL_STATUS:
        value = _diff_text(row, "metadata.sell_status") or row.stripe_sell_status
        return f"Stripe: {value or '(not set)'}"
    if column == Column.STRIPE_STATUS:
        return f"Stripe: {_diff_text(row, 'active') or row.stripe_status}"
    return None
