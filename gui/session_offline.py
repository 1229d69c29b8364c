"""The catalog without Stripe: when opening a mode fails (no key, a locked keyring, a refused key,
Stripe out of reach) or is cancelled, the session still lists the catalog, which is local.

After `disconnected`, a background task reads the catalog (`core.workspace.catalog_only_rows`
through the `ListCatalog` the session was given) and `catalog_listed(CatalogOnly)` hands the rows
to the window, their Stripe side unknown. A catalog that cannot be read either sends nothing (the
window keeps saying why it is not connected). Rows that arrive after another open or reset started
are dropped: that one says what is current.

`CatalogOnlyFlows` is mixed into `gui.session.Session`, which owns the signal and the runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import SignalInstance

from core.workspace import AccountInfo, Mode, ProductRow
from gui.connection_view import short_reason
from gui.models.row_prep import prepare_rows
from gui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

# Reads the catalog the next open would use, each row's Stripe side unknown; the argument says
# why Stripe was not read (for the rows' notes).
ListCatalog = Callable[[str], list[ProductRow]]


@dataclass(frozen=True)
class CatalogOnly:
    """The catalog listed without Stripe: the mode, why Stripe was not read (the exception, or
    None when opening was cancelled) and the rows (state and Stripe status "unknown")."""

    mode: Mode
    reason: object
    rows: list[ProductRow]


class CatalogOnlyFlows:
    """`_list_catalog_after(mode, reason)` → `catalog_listed(CatalogOnly)`."""

    # Provided by Session.
    catalog_listed: SignalInstance
    runner: TaskRunner
    account: AccountInfo | None
    shutting_down: bool

    def _init_offline(self, list_catalog: ListCatalog | None) -> None:
        self._list_catalog = list_catalog
        self._connects = 0  # opens and resets started: a listing for an older one is dropped

    def _connect_started(self) -> None:
        self._connects += 1

    def _list_catalog_after(self, mode: Mode, reason: object) -> None:
        """Opening `mode` failed (`reason`) or was cancelled (None): list the catalog anyway."""
        lister = self._list_catalog
        if lister is None or self.shutting_down:
            return
        serial = self._connects

        def work(_task: Task) -> CatalogOnly:
            why = "opening was cancelled" if reason is None else short_reason(reason)
            return CatalogOnly(mode, reason, prepare_rows(lister(why)))

        def listed(result: CatalogOnly) -> None:
            if serial != self._connects or self.account is not None or self.shutting_down:
                log.info("Catalog listed without Stripe dropped: another open started")
                return
            self.catalog_listed.emit(result)

        task = Task(work, name="Listing the catalog", foreground=False)
        task.signals.succeeded.connect(listed)
        task.signals.failed.connect(lambda exc: log.info("The catalog cannot be listed: %s", exc))
        self.runner.start(task)
