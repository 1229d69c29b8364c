"""Taking Stripe's edits back into the catalog (pull): the two-way half that writes locally only.

For each product asked for, Stripe's current values of the owned fields that differ are written
into the catalog row in one transaction per product, each change journaled (`pull`, before and
after), Stripe's value recorded as the last written one and a pulled price linked, so the next
sync neither overwrites the edit nor creates a new price. Nothing is written to Stripe. What the
catalog cannot hold is refused with the reason (`core.reconcile.pull` decides, field by field).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.catalog.edits import EditConflictError
from core.catalog.errors import CatalogError
from core.engine.types import CancelToken
from core.errors import ConfigurationError
from core.reconcile.pull import PRODUCT_FIELDS, RefusedField, decide_pull, is_pullable
from core.reconcile.pull_fields import PulledField
from core.workspace.base import WorkspaceBase

__all__ = ["PullMethods", "PullResult", "PulledField", "RefusedField"]


class PullResult(BaseModel):
    """What pulling one product took from Stripe (`pulled`) and could not take (`refused`)."""

    model_config = ConfigDict(frozen=True)

    id: str
    pulled: list[PulledField] = Field(default_factory=list)
    refused: list[RefusedField] = Field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """As `pull --json` prints it: {"id", "pulled": [{field, before, after}], "refused"}."""
        return {
            "id": self.id,
            "pulled": [p.record() for p in self.pulled],
            "refused": [r.record() for r in self.refused],
        }


class PullMethods(WorkspaceBase):
    """The workspace's pull call; see the module docstring."""

    def pull(
        self,
        ids: Sequence[str],
        *,
        fields: Sequence[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> list[PullResult]:
        """Take Stripe's values of the differing owned fields into the catalog, product by product.

        `fields` limits the pull to those fields ("name", "description", "price", "active",
        "metadata.sell_status", "variant:<id>.price"); by default every differing one. Every id
        must be a catalog product: an unknown one raises CatalogError naming it and nothing is
        done. A product whose catalog row someone else changed while this ran is left as it is
        (refused, saying so). One result per product; nothing is written to Stripe.
        """
        wanted = list(dict.fromkeys(ids))
        for name in fields or ():
            if not is_pullable(name):
                raise ConfigurationError(
                    f"There is no field {name!r} to take from Stripe.",
                    hint=f"Use {', '.join(PRODUCT_FIELDS)} or variant:<variant id>.price.",
                )
        if not wanted:
            return []
        # Read before Stripe and the evaluation: the values each decision starts from. A row
        # changed after this is caught when the edit is written (nothing written then).
        records = {r.id: r for r in self.catalog.list_records(wanted)}
        unknown = [i for i in wanted if i not in records]
        if unknown:
            raise CatalogError(
                f"No product {unknown[0]!r} in the catalog {self.catalog.display_url}.",
                hint="Check the id (the status command lists them all); nothing was done.",
            )
        with self._gateway.cancellable(cancel):
            account = self.account()
            read = self._read(wanted)
        rows = {row.product_id: row for row in read.evaluation.rows}
        own = self.settings.owns_catalog_columns(account.id, self.mode)
        results: list[PullResult] = []
        for pid in wanted:
            record = records[pid]
            existing = read.remote.find(pid, read.links.linked_product(pid))
            decision = decide_pull(
                record,
                rows[pid],
                existing,
                unit_prices=read.links.unit_prices(pid, [str(v["id"]) for v in record.variants]),
                currency=self.settings.currency,
                fields=fields,
                account_id=account.id,
                mode=self.mode,
                own_catalog_columns=own,
            )
            pulled, refused = list(decision.pulled), list(decision.refused)
            if decision.edit is not None:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                try:
                    self.catalog.write_edit(decision.edit)
                except EditConflictError as err:
                    pulled = []
                    refused = [RefusedField(field="product", reason=str(err)), *refused]
            results.append(PullResult(id=pid, pulled=pulled, refused=refused))
        return results
