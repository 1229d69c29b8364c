"""Editing the catalog by hand, a product's history, and taking a change back (revert).

`edit` types each value the way a maker writes it (money as `12.50`, `12,50` or `$12.50` in the
catalog currency, stored in cents; an optional field the catalog owns, such as `url` or `images`,
checked as a sync checks it and stored as a pull stores it), checks the row as it would be with
the sync's own row rules (`core.domain.row_rules`, the rules an import applies), and saves it in
one transaction, checked against the row as the caller loaded it: when another writer changed it
meanwhile nothing is saved and `EditConflict` carries both versions. Every changed field is
journaled (when, the OS user, before, after). Nothing is written to Stripe: the next plan shows
the change (`changed: "catalog"`) and a sync sends it.

`revert` takes the catalog back to what it held before a history entry: for a catalog edit,
import, pull or revert, the values before that change (all the fields it changed). For a Stripe
write, the catalog values that write sent to Stripe (a new or reused price: its amount; a name,
description or sell status it wrote: that value); a write that carried nothing the catalog holds
(archiving an old price, the product's status) cannot be reverted to, and says so. A revert is
an edit like any other (journaled as `revert`), and like it writes nothing to Stripe.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.catalog.edits import (
    EDIT,
    REVERT,
    EditConflictError,
    FieldChange,
    as_columns,
    catalog_edit,
    changed_columns,
    os_user,
)
from core.catalog.errors import CatalogError
from core.catalog.records import CatalogRecord
from core.domain.product_fields import OPTIONAL_FIELDS
from core.domain.row_rules import check_product_row, check_variant_row, uses_variants
from core.workspace.base import WorkspaceBase
from core.workspace.edit_values import (
    ChangedField,
    EditConflict,
    EditProblem,
    EditResult,
    InvalidEditError,
    change_words,
    owned_columns,
    stripe_values,
    typed_values,
    variant_row,
)
from core.workspace.history import (
    HistoryEntry,
    PricePeriod,
    build_timelines,
    history_entries,
    kind_of,
)

PRODUCT_FIELDS = (
    "name",
    "description",
    "sell_status",
    "dev_status",
    "is_live",
    "base_price",
    "base_price_cents",
)
VARIANT_FIELDS = ("variant_type", "variant_value", "price", "price_modifier")
# The columns a save is checked against: another writer changing one of them voids it.
WATCHED = (
    "name",
    "description",
    "base_price_cents",
    "sell_status",
    "dev_status",
    "is_live",
    "has_variants",
    "currency",
    *OPTIONAL_FIELDS,
)
WATCHED_VARIANT = ("variant_type", "variant_value", "price_modifier")
_HISTORY_LIMIT = 1_000_000
NOT_OWNED = (
    "the catalog does not own this field, so Stripe's value is left as it is; to edit it, give "
    "the products table a column of that name (and name it in the owned_fields setting, if set)"
)


class EditMethods(WorkspaceBase):
    """The workspace's edit, history and revert calls; see the module docstring."""

    def editable(self, product_id: str) -> CatalogRecord:
        """The product's row and its variants' as the catalog holds them now (what `expect`
        takes back); CatalogError when there is no such product."""
        record = self.catalog.get_record(product_id)
        if record is None:
            raise CatalogError(
                f"No product {product_id!r} in the catalog {self.catalog.display_url}.",
                hint="Check the id (the status command lists them all); nothing was done.",
            )
        return record

    def editable_fields(self) -> tuple[str, ...]:
        """The optional product fields (url, images, tax_behavior …) an edit may change: the
        ones the catalog owns (README "Optional product fields"). Others are Stripe's alone."""
        return owned_columns(self.catalog, self.settings.owned_fields)

    def edit(
        self,
        product_id: str,
        changes: Mapping[str, str],
        *,
        variant_id: str | None = None,
        expect: Mapping[str, Any] | None = None,
        dry_run: bool = False,
    ) -> EditResult:
        """Save `changes` (field → the value as typed) to the product, or with `variant_id` to
        that variant; nothing to Stripe. `expect`: the product's (or the variant's) columns as
        the caller loaded them; EditConflict when the catalog no longer holds them.

        InvalidEditError (nothing saved) names an unknown field or a value the rules refuse.
        `dry_run`: check everything (fields, values, rules, and `expect` against the catalog now)
        and return what would change, saving and journaling nothing.
        """
        record = self.editable(product_id)
        currency = self._currency(record)
        known = (
            VARIANT_FIELDS if variant_id is not None else PRODUCT_FIELDS + self.editable_fields()
        )
        unknown = [name for name in changes if name not in known]
        if unknown:
            where = "a variant" if variant_id is not None else "a product (add --variant for more)"
            raise InvalidEditError(
                product_id,
                [
                    EditProblem(
                        field=n,
                        message=NOT_OWNED
                        if variant_id is None and n in OPTIONAL_FIELDS
                        else f"no such field for {where}; the fields are " + ", ".join(known),
                    )
                    for n in unknown
                ],
            )
        variant = variant_row(record, variant_id) if variant_id is not None else None
        columns = typed_values(product_id, changes, currency, record, variant)
        product, variants = (columns, {}) if variant_id is None else ({}, {variant_id: columns})
        return self._save(record, product, variants, EDIT, "", expect=expect, dry_run=dry_run)

    def history(self, product_id: str) -> list[HistoryEntry]:
        """Every catalog edit, revert, import and pull of the product and every Stripe write for
        it (all accounts and modes), newest first; the price timeline is `price_history`."""
        entries = self.catalog.journal(product_id, _HISTORY_LIMIT)
        known: dict[str, tuple[str, int | None, str]] = {}
        made: dict[int, str] = {}
        for (account, mode), timeline in build_timelines(entries, self.settings.currency).items():
            timeline.periods(self.catalog.links(account, mode), product_id)  # names the last
            known.update(timeline.known)
            made.update(timeline.made)
        return history_entries(entries, known, made)

    def price_history(self, product_id: str) -> list[PricePeriod]:
        """Each price the product and its variants had, per Stripe account and mode, oldest
        first: amount, currency, from when until when, and the Stripe price id."""
        entries = self.catalog.journal(product_id, _HISTORY_LIMIT)
        periods: list[PricePeriod] = []
        for (account, mode), timeline in build_timelines(entries, self.settings.currency).items():
            periods += timeline.periods(self.catalog.links(account, mode), product_id)
        return sorted(periods, key=lambda p: (p.mode, p.account_id, p.variant_id or "", p.since))

    def revert(self, product_id: str, entry_id: int) -> EditResult:
        """Take the catalog back to the values of history entry `entry_id` (module docstring);
        journaled as `revert`, nothing written to Stripe."""
        record = self.editable(product_id)
        entries = self.catalog.journal(product_id, _HISTORY_LIMIT)
        entry = next((e for e in entries if e.seq == entry_id and kind_of(e)), None)
        if entry is None:
            raise CatalogError(
                f"Product {product_id!r} has no history entry {entry_id}.",
                hint="The history command lists its entries and their ids; nothing was done.",
            )
        if kind_of(entry) != "stripe_write":
            if entry.before is None:
                raise CatalogError(
                    f"Entry {entry_id} added product {product_id!r}: there is no earlier value "
                    "to go back to.",
                    hint="Pick a later entry; nothing was done.",
                )
            product, variants = changed_columns(entry.before)
        else:
            known: dict[str, tuple[str, int | None, str]] = {}
            for timeline in build_timelines(entries, self.settings.currency).values():
                known.update(timeline.known)
            product, variants = stripe_values(
                entry.operation, entry, known, record, self._currency(record)
            )
        for vid in variants:
            variant_row(record, vid)
        return self._save(record, product, variants, REVERT, f"reverted to entry {entry_id}: ")

    # ------------------------------------------------------------------------------ saving
    def _currency(self, record: CatalogRecord) -> str:
        code = record.product.get("currency")
        return str(code).lower() if code else self.settings.currency

    def _save(
        self,
        record: CatalogRecord,
        product: dict[str, Any],
        variants: dict[str, dict[str, Any]],
        operation: str,
        prefix: str,
        *,
        expect: Mapping[str, Any] | None = None,
        dry_run: bool = False,
    ) -> EditResult:
        pid = record.id
        table = self.catalog.products
        vtable = self.catalog.variants
        missing = [c for c in product if c not in table.c]
        missing += [c for cols in variants.values() for c in cols if c not in vtable.c]
        if missing:
            raise InvalidEditError(
                pid,
                [EditProblem(field=c, message="the catalog has no such column") for c in missing],
            )
        old_variants = {str(v["id"]): dict(v) for v in record.variants}
        product = {k: v for k, v in product.items() if record.product.get(k) != v}
        variants = {
            vid: {k: v for k, v in cols.items() if old_variants[vid].get(k) != v}
            for vid, cols in variants.items()
        }
        variants = {vid: cols for vid, cols in variants.items() if cols}
        if not product and not variants:
            return EditResult(product_id=pid)
        self._check_rules(record, product, variants)
        expected = {c: record.product.get(c) for c in WATCHED if c in table.c}
        expected_variants = {
            vid: {c: old_variants[vid].get(c) for c in WATCHED_VARIANT if c in vtable.c}
            for vid in variants
        }
        if expect is not None:
            target = expected_variants[next(iter(variants))] if variants else expected
            target.update({k: expect[k] for k in target if k in expect})
        currency = self._currency(record)
        changes: list[FieldChange] = []
        changed: list[ChangedField] = []
        for column, value in product.items():
            before = record.product.get(column)
            words = change_words(column, before, value, currency)
            changes.append(
                FieldChange(
                    f"{prefix}{words}", as_columns({column: before}), as_columns({column: value})
                )
            )
            changed.append(ChangedField(field=column, before=before, after=value))
        for vid, cols in variants.items():
            for column, value in cols.items():
                before = old_variants[vid].get(column)
                words = f"variant {vid}: {change_words(column, before, value, currency)}"
                changes.append(
                    FieldChange(
                        f"{prefix}{words}",
                        {"variant_id": vid, **as_columns({column: before})},
                        {"variant_id": vid, **as_columns({column: value})},
                    )
                )
                changed.append(
                    ChangedField(field=column, before=before, after=value, variant_id=vid)
                )
        if dry_run:
            self._check_expected(record, expected, expected_variants, product, variants)
            return EditResult(product_id=pid, changed=changed)
        edit = catalog_edit(
            pid,
            operation,
            product=product,
            variants=variants,
            expected_product=expected,
            expected_variants=expected_variants,
            changes=tuple(changes),
            user=os_user(),
        )
        try:
            self.catalog.write_edit(edit)
        except EditConflictError as err:
            now = self.catalog.get_record(pid)
            if variants:
                vid = next(iter(variants))
                loaded = expected_variants[vid]
                rows = {str(v["id"]): v for v in now.variants} if now is not None else {}
                current = {k: rows.get(vid, {}).get(k) for k in loaded}
                wanted = variants[vid]
            else:
                loaded, wanted = expected, product
                current = {k: now.product.get(k) for k in loaded} if now is not None else {}
            raise EditConflict(pid, loaded, current, wanted) from err
        return EditResult(product_id=pid, changed=changed)

    @staticmethod
    def _check_expected(
        record: CatalogRecord,
        expected: dict[str, Any],
        expected_variants: dict[str, dict[str, Any]],
        product: dict[str, Any],
        variants: dict[str, dict[str, Any]],
    ) -> None:
        """A dry run's conflict check: EditConflict when `record` (read just now) no longer
        holds the values the caller loaded, as a save would raise it."""
        if variants:
            vid = next(iter(variants))
            loaded, wanted = expected_variants[vid], variants[vid]
            now = next((dict(v) for v in record.variants if str(v["id"]) == vid), {})
        else:
            loaded, wanted, now = expected, product, record.product
        current = {k: now.get(k) for k in loaded}
        if current != loaded:
            raise EditConflict(record.id, loaded, current, wanted)

    def _check_rules(
        self,
        record: CatalogRecord,
        product: dict[str, Any],
        variants: dict[str, dict[str, Any]],
    ) -> None:
        """Refuse the save when the row as it would be breaks a rule it did not break before
        (a problem the catalog already had is not this edit's to fix)."""

        def problems(row: Mapping[str, Any], rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
            found: list[Any] = []
            fields = check_product_row(row, found, currency=self.settings.currency)
            out = {(p.field, p.message) for p in found}
            if uses_variants(row):
                for v in rows:
                    vfound: list[Any] = []
                    check_variant_row(v, fields["price_cents"], vfound)
                    out |= {(f"variant {v['id']}: {p.field}", p.message) for p in vfound}
            return out

        old_rows = [dict(v) for v in record.variants]
        new_rows = [{**v, **variants.get(str(v["id"]), {})} for v in old_rows]
        new = problems({**record.product, **product}, new_rows) - problems(record.product, old_rows)
        if new:
            raise InvalidEditError(
                record.id, [EditProblem(field=f, message=m) for f, m in sorted(new)]
            )
