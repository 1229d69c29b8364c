"""Test vs Live: for each product, what was last synced to test and to live mode, side by side."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import ConfigurationError
from core.reconcile.modes import ModeComparison, compare
from core.workspace.base import WorkspaceBase


class CompareMethods(WorkspaceBase):
    """The workspace's Test vs Live comparison; see the module docstring."""

    def test_and_live(self, ids: Sequence[str] | None = None) -> list[ModeComparison]:
        """Each product's last sync in test and in live mode of this account (the same account
        id in both), and the owned fields that differ. Reads only the catalog's own records:
        nothing is asked of Stripe but the account."""
        if self.mode == "sandbox":
            raise ConfigurationError(
                "Test vs Live compares the test and live modes of one Stripe account.",
                hint="Switch to Test or Live mode (the sandbox has neither).",
            )
        account = self.account().id
        test = self.catalog.snapshots(account, "test")
        live = self.catalog.snapshots(account, "live")
        wanted = list(ids) if ids is not None else [r.id for r in self.catalog.list_records()]
        return [compare(pid, account, test.get(pid), live.get(pid)) for pid in wanted]
