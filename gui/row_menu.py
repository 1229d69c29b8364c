"""What the table's context menu adds for the selected products: copy their ids or Stripe ids, and
open one in the Stripe Dashboard (test and live mode; the sandbox has no Dashboard)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMenu

from core.workspace import Mode, ProductRow
from gui.widgets.detail_pane import dashboard_url

Say = Callable[[str], None]


def open_url(url: str) -> None:
    """Open a web page in the browser (a seam the tests replace)."""
    QDesktopServices.openUrl(QUrl(url))


def copy_text(text: str) -> None:
    """Put text on the clipboard."""
    QGuiApplication.clipboard().setText(text)


def _copy(ids: list[str], what: str, say: Say) -> None:
    copy_text("\n".join(ids))
    shown = ids[0] if len(ids) == 1 else f"{len(ids)} {what}s"
    say(f"Copied {shown} to the clipboard.")


def add_row_actions(menu: QMenu, rows: Sequence[ProductRow], mode: Mode, say: Say) -> None:
    """Add "Copy product id", "Copy Stripe id" and (test/live) "Open in the Stripe Dashboard"
    for `rows` (the selection); each is disabled when it does not apply."""
    ids = [r.product_id for r in rows]
    stripe_ids = [r.stripe_product_id for r in rows if r.stripe_product_id]
    menu.addSeparator()
    copy_id = menu.addAction("Copy product id")
    copy_id.setEnabled(bool(ids))
    copy_id.triggered.connect(lambda: _copy(ids, "product id", say))
    copy_stripe = menu.addAction("Copy Stripe id")
    copy_stripe.setEnabled(bool(stripe_ids))
    copy_stripe.triggered.connect(lambda: _copy(stripe_ids, "Stripe id", say))
    if mode == "sandbox":
        return
    url = dashboard_url(mode, stripe_ids[0]) if len(rows) == 1 and stripe_ids else None
    dashboard = menu.addAction("Open in the Stripe Dashboard")
    dashboard.setEnabled(url is not None)
    if url is not None:
        dashboard.setToolTip(url)
        dashboard.triggered.connect(lambda: open_url(url))
    else:
        dashboard.setToolTip("Select one product that Stripe has")
