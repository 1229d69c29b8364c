"""The window's actions, their shortcuts, and when each one makes sense."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from core.workspace import Mode, Operation, ProductPlan, ProductRow
from gui.models.change_marks import changed_in_stripe
from gui.models.row_prep import SYNCABLE_STATES

MODE_LABELS: dict[Mode, str] = {"sandbox": "Sandbox", "test": "Test", "live": "Live"}


@dataclass(frozen=True)
class ActionState:
    """What the enabled state of the actions depends on."""

    busy: bool
    connected: bool
    selection: tuple[ProductRow, ...]
    has_rows: bool
    has_changes: bool = True  # some product differs, is missing in Stripe or failed (the
    # model's `summary`: counted once per set of rows, not per selection change)
    mode: Mode | None = None  # the mode the window is in (the sandbox's own actions need it)


class WindowActions:
    """Creates the toolbar/menu actions with their shortcuts; `update` enables what makes sense."""

    def __init__(self, parent: QWidget) -> None:
        style = parent.style()
        icons = QStyle.StandardPixmap

        def make(
            text: str,
            shortcut: str | QKeySequence.StandardKey,
            tip: str,
            icon: QStyle.StandardPixmap | None = None,
        ) -> QAction:
            action = QAction(text, parent)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            action.setShortcut(QKeySequence(shortcut))
            keys = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({keys})" if keys else tip)
            action.setStatusTip(tip)
            parent.addAction(action)  # shortcuts work even when a toolbar is hidden
            return action

        self.refresh = make(
            "Refresh", "F5", "Read the catalog and Stripe again", icons.SP_BrowserReload
        )
        self.refresh_all = make(
            "Refresh all",
            "Shift+F5",
            "Read everything in Stripe again, not only what changed since the last check",
        )
        self.sync_selected = make(
            "Sync selected", "Ctrl+S", "Review and sync the selected products", icons.SP_ArrowUp
        )
        self.sync_all = make(
            "Sync all changes…",
            "Ctrl+Shift+S",
            "Review and sync every product that differs",
            icons.SP_DialogApplyButton,
        )
        self.archive = make(
            "Archive",
            "Ctrl+Shift+A",
            "Review and archive the selected products in Stripe",
            icons.SP_DialogDiscardButton,
        )
        self.take_stripe_edits = make(
            "Take Stripe's edits",
            "Ctrl+Shift+T",
            "Write the fields edited in Stripe into the catalog, for the selected products",
            icons.SP_ArrowDown,
        )
        self.adopt = make(
            "Adopt…",
            "",
            "Link products made by hand in Stripe to catalog products (writes nothing to Stripe)",
            icons.SP_FileDialogContentsView,
        )
        self.start_handmade = make(
            "Start from a hand-made Stripe catalog…",
            "",
            "Start the built-in sandbox afresh with a Stripe catalog made by hand for the sample "
            "products, to try Adopt",
        )
        self.reset_client = make(
            "Reset client",
            "Ctrl+Shift+R",
            "Reset the Stripe client, read the key again and re-check the account",
            icons.SP_DialogResetButton,
        )
        self.keys = make(
            "Keys…", "Ctrl+K", "Add, replace or remove the Stripe keys", icons.SP_DialogOpenButton
        )
        self.cancel = make("Cancel", "Esc", "Stop after the current Stripe operation")
        self.modes = {
            mode: make(label, f"Ctrl+{i}", f"Switch to {label} mode")
            for i, (mode, label) in enumerate(MODE_LABELS.items(), start=1)
        }
        self.find = make(
            "Find", QKeySequence.StandardKey.Find, "Search products by id, name or variant"
        )
        self.quit = make("Quit", QKeySequence.StandardKey.Quit, "Close the window")
        self.help = make("Help", "F1", "What the states and marks mean", icons.SP_DialogHelpButton)
        self.about = make("About Stripe Sync Admin", "", "The version and the licences")
        self.open_settings = make(
            "Settings…",
            "Ctrl+,",
            "Every setting of the window and the command line, with what each one means",
        )
        self.open_catalog_file = make(
            "Open SQLite file…", QKeySequence.StandardKey.Open, "Open a catalog kept in a file"
        )
        self.open_catalog_url = make(
            "Open database URL…", "", "Open a catalog kept on a database server (PostgreSQL)"
        )
        self.new_catalog = make(
            "New empty catalog…",
            QKeySequence.StandardKey.New,
            "Start a catalog file with no products",
        )
        self.show_catalog = make("Show where it lives", "", "Where the open catalog is kept")
        self.add_product = make("Add a product…", "", "A new product in the catalog")
        self.duplicate_product = make(
            "Duplicate product…", "", "Copy the selected product and its variants"
        )
        self.add_variant = make("Add a variant…", "", "A new variant of the selected product")
        self.remove_variant = make("Remove a variant…", "", "Remove a variant of the product")
        self.import_catalog = make(
            "Import…",
            "Ctrl+I",
            "Add or update products from a JSON or CSV file (all or nothing; Stripe is not touched)",
        )
        self.export_catalog = make("Export…", "Ctrl+E", "Write the catalog to a JSON or CSV file")
        self.export_diff = make(
            "Export differences…",
            "Ctrl+Shift+E",
            "Write how the catalog and Stripe differ, as last read, to a JSON or CSV file",
        )

    def update(self, state: ActionState) -> None:
        """Enable each action only when it can run and makes sense for the selection."""
        idle = not state.busy
        self.refresh.setEnabled(idle)
        self.refresh_all.setEnabled(idle)
        self.reset_client.setEnabled(idle)
        self.keys.setEnabled(idle)
        self.cancel.setEnabled(state.busy)
        live = idle and state.connected
        self.sync_all.setEnabled(live and state.has_rows and state.has_changes)
        for action in self.modes.values():
            action.setEnabled(idle)
        self.sync_selected.setEnabled(live and any(map(can_sync, state.selection)))
        archivable = any(can_archive(r) or not_in_stripe(r) for r in state.selection)
        self.archive.setEnabled(live and archivable)
        self.take_stripe_edits.setEnabled(live and any(map(has_stripe_edits, state.selection)))
        self.adopt.setEnabled(live)
        for action in (
            self.open_catalog_file,
            self.open_catalog_url,
            self.new_catalog,
            self.import_catalog,
            self.export_catalog,
        ):
            action.setEnabled(idle)
        self.export_diff.setEnabled(live and state.has_rows)
        sandbox = state.mode == "sandbox"
        self.start_handmade.setVisible(sandbox)
        self.start_handmade.setEnabled(live and sandbox)


def can_sync(row: ProductRow) -> bool:
    """Whether syncing this product could write: it differs, is missing or failed, or an
    operator's archive hold keeps it archived (syncing it by id releases the hold)."""
    return row.has_local and (row.state in SYNCABLE_STATES or row.held)


def can_archive(row: ProductRow) -> bool:
    """Whether Archive applies: an active Stripe product, with a catalog row or orphaned."""
    return row.stripe_status == "active" and row.stripe_product_id is not None


def not_in_stripe(row: ProductRow) -> bool:
    """A catalog product with no Stripe product in this mode: archiving it is answered with
    "nothing to archive" (and no hold)."""
    return row.has_local and row.stripe_product_id is None


def has_stripe_edits(row: ProductRow) -> bool:
    """Whether some field of this catalog product was edited in Stripe since the last sync."""
    return row.has_local and bool(changed_in_stripe(row.differences))


def archive_plans(rows: list[ProductRow]) -> list[ProductPlan]:
    """What archiving these products does: one archive per active Stripe product, in this account
    and mode only. The catalog is not changed: an operator's hold keeps the product archived here
    (Sync all leaves it archived) until it is synced by id again."""
    plans = []
    for row in rows:
        if not can_archive(row):
            continue
        if row.has_local:
            after = "Sync all keeps it archived here; syncing it by id brings it back"
        else:
            after = "it has no catalog row, so no sync brings it back"
        op = Operation(
            kind="archive_product",
            product_id=row.product_id,
            target_id=row.stripe_product_id,
            summary=f"archive {row.stripe_product_id} in Stripe, in this account and mode only "
            f"(it stays readable; its prices stop selling; the catalog is not changed; {after})",
        )
        plans.append(
            ProductPlan(
                product_id=row.product_id,
                action="archived",
                stripe_product_id=row.stripe_product_id,
                operations=[op],
            )
        )
    return plans
