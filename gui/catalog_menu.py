"""The Catalog menu: which catalog the window works on, and its files.

Open a SQLite file or a database URL, the recent catalogs, a new empty catalog, where the open one
lives; import a JSON or CSV file into it, export it, or export the differences the table shows.
Switching catalogs reopens the workspace in the current mode (`WindowCommands.switch_catalog`).
Imports and exports run on the session's task runner, like every workspace call; they follow the
command line's rules and words: an import is all or nothing, and a refused one lists every
problem found in the file.

`CatalogFlows` is mixed into `gui.main_window.MainWindow`, which builds the menu bar.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenuBar, QMessageBox, QWidget

from core.errors import SyncAdminError
from core.workspace import (
    ImportFileError,
    ImportOutcome,
    ProductRow,
    catalog_location,
    create_catalog,
    export_catalog,
    export_differences,
    import_catalog,
    mask_url,
)
from gui.actions import WindowActions
from gui.dialogs.database_url_dialog import DatabaseUrlDialog
from gui.models.product_table import ProductTableModel
from gui.session import Session
from gui.settings_store import DEFAULT_CATALOG, SettingsStore
from gui.tasks import Task
from gui.widgets.status_panel import StatusPanel, describe_error

log = logging.getLogger(__name__)

CATALOG_FILES = "SQLite catalogs (*.sqlite3 *.sqlite *.db);;All files (*)"
IMPORT_FILES = "Catalog files (*.json *.csv);;JSON (*.json);;CSV (*.csv)"
EXPORT_FILES = "JSON, with variants (*.json);;CSV, products only (*.csv)"
DIFF_FILES = "JSON (*.json);;CSV, one line per field (*.csv)"
_PROBLEMS = re.compile(r"\A([\d,]+) problems: (.*)\Z", re.DOTALL)


def ask_open_file(parent: QWidget, title: str, filters: str) -> str:
    """The file the operator chose to open ("" when cancelled); a seam the tests replace."""
    return QFileDialog.getOpenFileName(parent, title, "", filters)[0]


def ask_save_file(parent: QWidget, title: str, filters: str, *, overwrite: bool = True) -> str:
    """The file the operator chose to write ("" when cancelled). A name typed without .json or
    .csv takes the chosen kind's. A seam the tests replace."""
    options = QFileDialog.Option(0) if overwrite else QFileDialog.Option.DontConfirmOverwrite
    path, chosen = QFileDialog.getSaveFileName(parent, title, "", filters, options=options)
    if path and not Path(path).suffix:
        match = re.search(r"\*(\.\w+)", chosen)
        path += match.group(1) if match else ""
    return path


def open_folder(folder: Path) -> None:
    """Show a folder in the file manager (a seam the tests replace)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def catalog_label(url: str | None) -> str:
    """A catalog as the menu names it: its file, or its URL with the password masked."""
    if not url:
        return "The catalog in your data folder"
    try:
        return catalog_location(url).shown
    except SyncAdminError:
        return mask_url(url)


def import_problems(err: ImportFileError) -> tuple[int, list[str]]:
    """How many problems an ImportFileError counts, and each it lists, one per line (the last
    says how many more there are when it lists only the first 50)."""
    match = _PROBLEMS.match(err.detail)
    if match is None:
        return 1, [err.message]
    count = int(match.group(1).replace(",", ""))
    return count, [f"{problem.rstrip('.')}." for problem in match.group(2).split("; ")]


class CatalogFlows:
    """The Catalog menu's actions and what they start (see the module docstring)."""

    # Provided by MainWindow.
    session: Session
    settings: SettingsStore
    actions: WindowActions
    status: StatusPanel
    menuBar: Callable[[], QMenuBar]
    switch_catalog: Callable[[str | None], None]
    refresh: Callable[[], None]
    model: ProductTableModel

    def _catalog_menu(self) -> None:
        self.catalog_box: QMessageBox | None = None
        self.url_dialog: DatabaseUrlDialog | None = None
        a = self.actions
        menu = self.menuBar().addMenu("&Catalog")
        menu.addActions([a.open_catalog_file, a.open_catalog_url])
        self.recent_menu = menu.addMenu("Recent catalogs")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._fill_recent()
        menu.addAction(a.new_catalog)
        menu.addAction(a.show_catalog)
        menu.addSeparator()
        menu.addActions([a.add_product, a.duplicate_product, a.add_variant, a.remove_variant])
        menu.addSeparator()
        menu.addActions([a.import_catalog, a.export_catalog, a.export_diff])
        menu.addSeparator()
        menu.addAction(a.open_settings)
        menu.addSeparator()
        menu.addAction(a.quit)
        self.catalog_menu = menu
        a.open_catalog_file.triggered.connect(self.open_catalog_file)
        a.open_catalog_url.triggered.connect(lambda: self.open_catalog_url())
        a.new_catalog.triggered.connect(self.new_catalog)
        a.add_product.triggered.connect(self.add_product)  # gui.window_rows
        a.duplicate_product.triggered.connect(self.duplicate_product)
        a.add_variant.triggered.connect(self.add_variant)
        a.remove_variant.triggered.connect(self.remove_variant)
        a.show_catalog.triggered.connect(self.show_catalog)
        a.import_catalog.triggered.connect(self.import_file)
        a.export_catalog.triggered.connect(self.export_file)
        a.export_diff.triggered.connect(self.export_diff)
        self.session.opened.connect(lambda _opened: self._remember_catalog())
        self.session.disconnected.connect(self._password_refused)

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    # -- choosing the catalog -------------------------------------------------------------------

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_catalogs
        for url in recent:
            action = self.recent_menu.addAction(catalog_label(url))
            current = (url or None) == self.settings.catalog_url
            action.setCheckable(True)
            action.setChecked(current)
            action.setEnabled(self.actions.open_catalog_file.isEnabled())
            action.triggered.connect(lambda _=False, u=url: self.open_recent(u or None))
        if not recent:
            self.recent_menu.addAction("No catalog opened yet").setEnabled(False)
            return
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear the list", self._forget_recent)

    def _forget_recent(self) -> None:
        self.settings.forget_recent_catalogs()
        self._fill_recent()

    def _remember_catalog(self) -> None:
        """The catalog opened: first in the recent list."""
        self.settings.add_recent_catalog(self.settings.catalog_url or DEFAULT_CATALOG)

    def open_catalog_file(self) -> None:
        """Choose a SQLite catalog file and open it in the current mode."""
        path = ask_open_file(self._parent(), "Open a catalog file", CATALOG_FILES)
        if path:
            self.switch_catalog(f"sqlite:///{Path(path).resolve()}")

    def open_recent(self, url: str | None) -> None:
        """Open a recent catalog; a PostgreSQL one whose password is not known this run asks for
        it first (passwords are never saved)."""
        if url and self.settings.needs_password(url):
            self.open_catalog_url(url, ask_password=True)
            return
        self.switch_catalog(self.settings.full_catalog_url(url) if url else None)

    def _password_refused(self, exc: object) -> None:
        """The saved catalog could not be opened for want of its password (it is never saved):
        ask for it."""
        url = self.settings.catalog_url
        if exc is None or self.url_dialog is not None or not self.settings.needs_password(url):
            return
        if "password" in describe_error(exc).lower():
            self.open_catalog_url(url, ask_password=True)

    def open_catalog_url(self, address: str | None = None, *, ask_password: bool = False) -> None:
        """Ask for a database URL (its password never shown) and open it in the current mode.
        `address`: the URL to start from; `ask_password`: say its password must be typed again."""
        dialog = DatabaseUrlDialog(self._parent(), address=address or "", ask_password=ask_password)
        dialog.accepted.connect(lambda: self.switch_catalog(dialog.url()))
        dialog.finished.connect(lambda _r: setattr(self, "url_dialog", None))
        self.url_dialog = dialog
        dialog.open()

    def new_catalog(self) -> None:
        """Choose where a new, empty catalog file goes; create it, then open it."""
        path = ask_save_file(self._parent(), "New empty catalog", CATALOG_FILES, overwrite=False)
        if not path:
            return
        self._run(
            lambda: create_catalog(path),
            "Creating an empty catalog",
            self._on_created,
            "Could not create the catalog",
        )

    def _on_created(self, url: str) -> None:
        self.switch_catalog(url)
        self.status.show_busy(
            f"Opening the new, empty catalog {catalog_label(url)} (fill it with Catalog ▸ Import…)"
        )

    def show_catalog(self) -> None:
        """Say where the open catalog lives; for a file, offer to open its folder."""
        url = self.settings.catalog_url
        try:
            where = catalog_location(url)
        except SyncAdminError as err:
            self._tell("Where the catalog lives", describe_error(err), warn=True)
            return
        kind = "file" if where.file is not None else "database"
        box = self._tell("Where the catalog lives", f"The catalog is the {kind} {where.shown}")
        if where.file is not None:
            folder = where.file.parent
            button = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: open_folder(folder))

    # -- files ----------------------------------------------------------------------------------

    def import_file(self) -> None:
        """Import a JSON or CSV file into the open catalog (all or nothing), then read again."""
        path = ask_open_file(self._parent(), "Import a catalog file", IMPORT_FILES)
        if not path:
            return
        url = self.settings.catalog_url
        self._run(
            lambda: import_catalog(url, path),
            f"Importing {Path(path).name}",
            self._on_imported,
            "Could not import",
        )

    def _on_imported(self, outcome: ImportOutcome) -> None:
        lines = [outcome.description]
        if outcome.created_tables:
            lines.insert(0, f"Created the catalog tables (products, variants) in {outcome.where}.")
        log.info("Imported %s", outcome.record.get("file"))
        if self.session.account is None:
            self.refresh()  # not connected: reopen (the message below stays after the read)
        else:
            self.session.refresh()
        self.status.show_message(" ".join(lines))

    def export_file(self) -> None:
        """Write the open catalog to a JSON (with variants) or CSV (products) file."""
        path = ask_save_file(self._parent(), "Export the catalog", EXPORT_FILES)
        if not path:
            return
        url = self.settings.catalog_url
        self._run(
            lambda: export_catalog(url, path),
            "Exporting the catalog",
            lambda count: self.status.show_message(f"Exported {count} products to {path}."),
            "Could not export",
        )

    def export_diff(self) -> None:
        """Write the differences with Stripe, as the table shows them (the last read)."""
        path = ask_save_file(self._parent(), "Export the differences", DIFF_FILES)
        if not path:
            return
        rows: list[ProductRow] = list(self.model.rows())
        self._run(
            lambda: export_differences(rows, path),
            "Exporting the differences",
            lambda count: self.status.show_message(
                f"Exported {count} rows to {path} (as read last: Refresh first for Stripe now)."
            ),
            "Could not export the differences",
        )

    # -- plumbing -------------------------------------------------------------------------------

    def _run(
        self,
        work: Callable[[], Any],
        name: str,
        on_done: Callable[[Any], None],
        context: str,
    ) -> None:
        """Run `work` on the session's worker thread (behind any task already queued)."""
        if self.session.shutting_down:
            return
        task = Task(lambda _task: work(), name=name)
        task.signals.succeeded.connect(on_done)
        task.signals.failed.connect(lambda exc: self._file_failed(context, exc))
        task.signals.cancelled.connect(lambda: self.status.show_message(f"{name}: cancelled."))
        self.status.show_busy(name)
        self.session.runner.start(task)

    def _file_failed(self, context: str, exc: object) -> None:
        if isinstance(exc, ImportFileError):
            count, problems = import_problems(exc)
            many = count > 1
            text = (
                f"{exc.file}: {count:,} problems. Nothing was imported; fix them all and import "
                "the file again."
                if many
                else str(exc)
            )
            box = self._tell("Import refused", text, warn=True)
            if many:
                box.setInformativeText("\n".join(f"• {p}" for p in problems))
            self.status.show_message("Nothing was imported.", problems)
            return
        self.status.show_error(context, exc)
        self._tell(context, describe_error(exc), warn=True)

    def _tell(self, title: str, text: str, *, warn: bool = False) -> QMessageBox:
        """A message beside the window (not blocking it); kept in `catalog_box` while open."""
        if self.catalog_box is not None:
            self.catalog_box.close()
        icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent())
        box.finished.connect(lambda _r: setattr(self, "catalog_box", None))
        self.catalog_box = box
        box.open()
        return box
