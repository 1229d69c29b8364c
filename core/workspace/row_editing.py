"""Adding a product, duplicating one, adding or removing a variant — catalog only, never Stripe.

Values are typed as in `core.workspace.editing` (money as the maker writes it) and the new rows are
checked with the one set of row rules before anything is saved; the next sync's plan shows what
they mean in Stripe (a new product is created there; a removed variant's price is archived).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.catalog.records import CatalogRecord
from core.catalog.row_changes import delete_variant, insert_product, insert_variant
from core.domain.models import STRIPE_ID_RE
from core.reconcile.convert import Invalid, to_sync_input
from core.workspace.edit_values import EditProblem, InvalidEditError, typed_values
from core.workspace.editing import EditMethods

_PRODUCT_DEFAULTS: dict[str, Any] = {"sell_status": "available", "dev_status": 5, "is_live": True}


class RowMethods(EditMethods):
    """The workspace's calls that add or remove catalog rows; see the module docstring."""

    def add_product(self, product_id: str, values: Mapping[str, str]) -> CatalogRecord:
        """Add a product (`values`: field → text, as `edit` takes them; `name` and a price at
        least) to the catalog; InvalidEditError (nothing saved) when a value is refused."""
        self._check_id(product_id, "product")
        row = {"id": product_id, **_PRODUCT_DEFAULTS, "has_variants": False}
        row.update(self._typed(product_id, values, row))
        record = CatalogRecord(product=self._known(row))
        self._refuse_invalid(record)
        insert_product(self.catalog.engine, self.catalog, record.product, [], "added the product")
        return self.editable(product_id)

    def duplicate_product(
        self, product_id: str, new_id: str, *, name: str | None = None
    ) -> CatalogRecord:
        """Copy a product and its variants under `new_id` (variants as `<new_id>-<suffix>`),
        named `name` or "<name> (copy)"; its Stripe links are not copied."""
        self._check_id(new_id, "product")
        source = self.editable(product_id)
        product = {k: v for k, v in source.product.items() if not k.startswith("stripe_")}
        product.update(id=new_id, name=name or f"{source.product.get('name')} (copy)")
        for column in ("last_synced_at", "updated_at"):
            product.pop(column, None)
        variants = []
        for v in source.variants:
            suffix = str(v["id"]).removeprefix(product_id).lstrip("-_") or str(v["id"])
            variants.append({**v, "id": f"{new_id}-{suffix}", "product_id": new_id})
        record = CatalogRecord(product=product, variants=tuple(variants))
        self._refuse_invalid(record)
        insert_product(
            self.catalog.engine,
            self.catalog,
            product,
            variants,
            f"duplicated from {product_id}",
        )
        return self.editable(new_id)

    def add_variant(
        self, product_id: str, variant_id: str, values: Mapping[str, str]
    ) -> CatalogRecord:
        """Add a variant to a product (`values`: variant_type, variant_value, price or
        price_modifier, as `edit --variant` takes them)."""
        self._check_id(variant_id, "variant")
        record = self.editable(product_id)
        variant: dict[str, Any] = {"id": variant_id, "product_id": product_id, "price_modifier": 0}
        variant.update(typed_values(product_id, values, self._currency(record), record, variant))
        columns = set(self.catalog.variants.c.keys())
        variant = {k: v for k, v in variant.items() if k in columns}
        product = {**record.product}
        if "has_variants" in self.catalog.products.c:
            product["has_variants"] = True
        self._refuse_invalid(CatalogRecord(product=product, variants=(*record.variants, variant)))
        insert_variant(self.catalog.engine, self.catalog, product_id, variant)
        return self.editable(product_id)

    def remove_variant(self, product_id: str, variant_id: str) -> CatalogRecord:
        """Remove a variant from the catalog (its Stripe price is archived by the next sync)."""
        record = self.editable(product_id)
        variant = next((v for v in record.variants if str(v["id"]) == variant_id), None)
        if variant is None:
            raise InvalidEditError(
                product_id, [EditProblem(field=variant_id, message="no such variant")]
            )
        delete_variant(self.catalog.engine, self.catalog, product_id, variant)
        return self.editable(product_id)

    # -- helpers ----------------------------------------------------------------------------

    def _check_id(self, new_id: str, what: str) -> None:
        if not STRIPE_ID_RE.match(new_id) or len(new_id) > 100:
            raise InvalidEditError(
                new_id,
                [
                    EditProblem(
                        field="id",
                        message=f"a {what} id is letters, digits, '-' and '_' (at most 100)",
                    )
                ],
            )

    def _typed(
        self, product_id: str, values: Mapping[str, str], row: dict[str, Any]
    ) -> dict[str, Any]:
        record = CatalogRecord(product=row)
        return typed_values(product_id, values, self._currency(record), record, None)

    def _known(self, row: dict[str, Any]) -> dict[str, Any]:
        columns = set(self.catalog.products.c.keys())
        return {k: v for k, v in row.items() if k in columns}

    def _refuse_invalid(self, record: CatalogRecord) -> None:
        converted = to_sync_input(record, currency=self.settings.currency)
        if isinstance(converted, Invalid):
            problems = []
            for part in converted.error.split("; "):
                field, _, message = part.partition(": ")
                problems.append(EditProblem(field=field, message=message or part))
            raise InvalidEditError(record.id, problems)
