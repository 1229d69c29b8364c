"""When the table is not what Stripe holds now, the window says so in the mode banner's notice.

- Stripe could not be read at all (no key, a locked keyring, a refused key, Stripe out of reach,
  or opening was cancelled): the session lists the catalog anyway (`gui.session_offline`); its
  Stripe cells say "unknown" in grey italics (`gui.models.cell_roles.STRIPE_COLUMNS`), the notice says why
  and what to do, with "Enter keys…" (for a key problem) and "Try again". The actions that need
  Stripe stay disabled, their tooltips saying why.
- A refresh failed (F5, Shift+F5 or the automatic one): the rows stay, and the notice says when
  it failed, why, and how old the rows are (`gui.widgets.stripe_checked`), until a check works.

`OfflineFlows` is mixed into `gui.main_window.MainWindow`; `_wire_offline` runs after
`_wire_watch` (it uses the status bar's "Stripe checked" corner).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView

from core.workspace import ProductRow
from gui.actions import WindowActions
from gui.connection_view import ConnectionView, short_reason
from gui.session import CatalogOnly, Opened, Session
from gui.theme import DiffColors
from gui.widgets.mode_banner import ModeBanner
from gui.widgets.stripe_checked import StripeCheckedLabel


class OfflineFlows:
    """The window's side of a table that is not current (see the module docstring)."""

    # Provided by MainWindow.
    session: Session
    actions: WindowActions
    banner: ModeBanner
    connection: ConnectionView
    checked_label: StripeCheckedLabel
    table: QTableView
    colors: DiffColors
    refresh: Callable[[], None]
    _on_rows: Callable[[list[ProductRow]], None]

    def _wire_offline(self) -> None:
        self._stripe_tips: dict[QAction, str] = {}
        s = self.session
        s.catalog_listed.connect(self._on_catalog_listed)
        s.opened.connect(self._stripe_known)
        self.banner.keys_wanted.connect(self.actions.keys.trigger)
        self.banner.retry_wanted.connect(self.refresh)
        self.checked_label.stale_changed.connect(self._on_stale)

    def _needs_stripe(self) -> tuple[QAction, ...]:
        a = self.actions
        return (a.sync_selected, a.sync_all, a.archive, a.take_stripe_edits, a.adopt, a.export_diff)

    def _on_catalog_listed(self, listed: CatalogOnly) -> None:
        if self.session.account is not None or listed.mode != self.session.mode:
            return
        self._on_rows(listed.rows)
        self.connection.catalog_only(listed.mode, listed.reason, len(listed.rows))
        why = "opening was cancelled" if listed.reason is None else short_reason(listed.reason)
        for action in self._needs_stripe():
            self._stripe_tips.setdefault(action, action.toolTip())
            action.setToolTip(f"Needs Stripe, which could not be read: {why}.")

    def _stripe_known(self, _opened: Opened) -> None:
        for action, tip in self._stripe_tips.items():
            action.setToolTip(tip)
        self._stripe_tips.clear()

    def _on_stale(self, text: str) -> None:
        if self.session.account is not None:  # not connected: the notice says why already
            self.connection.stale(text)
