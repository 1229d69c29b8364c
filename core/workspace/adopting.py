"""Adopting what exists in Stripe: link hand-made products (and their prices) to catalog rows.

Adopting writes nothing to Stripe: it records links and the last-written values (Stripe's values
as they are), so the next sync writes only what differs and reuses the prices it adopted. The
matching itself is `core.reconcile.adopt` (pure); this module reads both sides and records.
"""

from __future__ import annotations

from collections.abc import Collection

from core import paths
from core.catalog.errors import CatalogError
from core.engine.fetch import fetch_remote
from core.engine.types import CancelToken, RemoteCatalog
from core.errors import ConfigurationError
from core.reconcile.adopt import (
    AdoptionPlan,
    Match,
    adoption_write_back,
    plan_adoption,
    unit_prices,
)
from core.workspace.base import WorkspaceBase
from core.workspace.edit_values import owned_columns
from core.workspace.opening import SANDBOX_LOG_LIMIT, publish_sandbox_url


class AdoptMethods(WorkspaceBase):
    """The workspace's adopt and link calls; see the module docstring."""

    def adopt(
        self,
        *,
        dry_run: bool = False,
        import_unmatched: bool = False,
        only: Collection[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> AdoptionPlan:
        """Match unlinked Stripe products to unlinked catalog products and record the links.

        `dry_run`: work it out and store nothing. `import_unmatched`: Stripe products that match
        nothing become catalog rows, with Stripe's values of the optional fields the catalog
        owns (those the catalog cannot express are listed as unsupported). `only`: record just
        these proposed links (Stripe product ids), e.g. the ones the operator ticked in the Adopt
        dialog; the returned plan lists what was recorded. All is recorded in one transaction;
        nothing is written to Stripe.
        """
        with self._gateway.cancellable(cancel):
            account = self.account()
            remote = fetch_remote(self._gateway)
        records = self.catalog.list_records()
        links = self.catalog.links(account.id, self.mode)
        plan = plan_adoption(
            records,
            remote,
            linked_products=links.products,
            currency=self.settings.currency,
            import_unmatched=import_unmatched,
            owned=owned_columns(self.catalog, self.settings.owned_fields),
        )
        if only is not None:
            plan = _only(plan, set(only))
        if not dry_run and (plan.linked or plan.imported):
            self._record(plan.linked + plan.imported, remote, plan.new_rows)
        return plan

    def apply_sandbox_preset(self, name: str = "handmade", *, fresh: bool = False) -> list[str]:
        """Fill the built-in sandbox (sandbox mode only) with a preset Stripe catalog, e.g. the
        "handmade" one made by hand for the sample catalog; returns the ids it created.

        `fresh`: start from an empty sandbox first (its state file is replaced, and this tool's
        links and last-written values for the sandbox are forgotten; the catalog is kept), so
        the preset is exactly what a maker who built their catalog by hand would have.
        """
        if self._sandbox is None:
            raise ConfigurationError(
                "Presets fill the built-in sandbox only.",
                hint="Switch to Sandbox mode to try adopting a hand-made catalog.",
            )
        if fresh:
            account = self.account()
            self._sandbox.stop()
            state = paths.sandbox_state_file()
            for leftover in (state, *state.parent.glob(state.name + "-*")):
                leftover.unlink(missing_ok=True)
            from core.sandbox import SandboxServer

            self._sandbox = SandboxServer(
                port=0, state_file=state, log_limit=SANDBOX_LOG_LIMIT
            ).start()
            self._api_base = self._sandbox.url
            publish_sandbox_url(self._sandbox.url)
            self._gateway = self._new_gateway()
            self._mirror.forget(account.id)
            self.catalog.forget(
                account.id, self.mode, f"sandbox started afresh with the {name!r} preset"
            )
        created: list[str] = self._sandbox.apply_preset(name)
        return created

    def link(self, local_id: str, stripe_product_id: str) -> Match:
        """Link one catalog product to one Stripe product by hand (and its prices, as adopt does).

        Refused, with the reason and nothing recorded, when either id does not exist, or either
        side is linked to something else in this account and mode.
        """
        account = self.account()
        record = self.catalog.get_record(local_id)
        if record is None:
            raise CatalogError(
                f"No product {local_id!r} in the catalog {self.catalog.display_url}.",
                hint="Check the id (the status command lists them all); nothing was linked.",
            )
        product = self._gateway.retrieve_product(stripe_product_id)
        if product is None:
            raise ConfigurationError(
                f"No Stripe product {stripe_product_id!r} in this account ({self.mode} mode).",
                hint="Check the id in the Stripe Dashboard (it starts with prod_, or is an id you "
                "chose); nothing was linked.",
            )
        links = self.catalog.links(account.id, self.mode)
        current = links.products.get(local_id)
        if current is not None and current != stripe_product_id:
            raise ConfigurationError(
                f"{local_id!r} is already linked to Stripe product {current!r} in {self.mode} "
                "mode.",
                hint="A catalog product has one Stripe product per mode; nothing was linked.",
            )
        owner = next((k for k, v in links.products.items() if v == stripe_product_id), None)
        if owner is not None and owner != local_id:
            raise ConfigurationError(
                f"Stripe product {stripe_product_id!r} is already linked to {owner!r} in "
                f"{self.mode} mode.",
                hint="A Stripe product belongs to one catalog product; nothing was linked.",
            )
        prices = tuple(self._gateway.list_prices(product=product.id))
        product = product.model_copy(update={"prices": prices})
        match = Match(
            local_id,
            product.id,
            "hand",
            unit_prices(record, product, self.settings.currency),
            product.name,
        )
        self._record([match], RemoteCatalog(products={product.id: product}), [])
        return match

    def _record(
        self, matches: list[Match], remote: RemoteCatalog, new_rows: list[dict[str, object]]
    ) -> None:
        account = self.account()
        own = self.settings.owns_catalog_columns(account.id, self.mode)
        manages_description = self.catalog.has_column("products", "description")
        owned = owned_columns(self.catalog, self.settings.owned_fields)
        write_backs = [
            adoption_write_back(
                match,
                remote.products[match.stripe_product_id],
                account_id=account.id,
                mode=self.mode,
                own_columns=own,
                manages_description=manages_description,
                owned=owned,
            )
            for match in matches
        ]
        self.catalog.record_adoption(write_backs, new_rows)


def _only(plan: AdoptionPlan, chosen: set[str]) -> AdoptionPlan:
    """The plan with just the chosen links (and imports) kept."""
    kept = {m.local_id for m in plan.imported if m.stripe_product_id in chosen}
    return AdoptionPlan(
        linked=[m for m in plan.linked if m.stripe_product_id in chosen],
        imported=[m for m in plan.imported if m.stripe_product_id in chosen],
        new_rows=[r for r in plan.new_rows if r["id"] in kept],
        ambiguous=plan.ambiguous,
        unmatched_stripe=plan.unmatched_stripe,
        unmatched_local=plan.unmatched_local,
        unsupported=plan.unsupported,
    )
