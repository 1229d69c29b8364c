"""The subcommands that read or write: import, export, status, plan, sync, archive (and the
menu entry's install, which opens no catalog)."""

from __future__ import annotations

import argparse
import sys

from core.cli import (
    adopt_commands,
    compare_command,
    desktop_entry,
    edit_commands,
    row_commands,
    two_way,
    watch_command,
)
from core.cli.output import Usage, confirm_live, done, emit, out, progress_bar, say
from core.cli.views import NEVER_TRIED, show_plan, show_results, show_status, untried_writes
from core.settings import Mode, load_settings
from core.workspace import Workspace, changes_in_stripe, export_catalog, import_catalog, plural


def run_command(ns: argparse.Namespace) -> int:
    """Run one parsed subcommand; returns the exit code (errors raise, `main` reports them)."""
    if ns.command == desktop_entry.COMMAND:  # needs no catalog: nothing is opened for it
        return desktop_entry.run(ns)
    if ns.command == "import":
        outcome = import_catalog(ns.db, ns.file)
        if ns.json:
            emit(outcome.record)
        else:
            if outcome.created_tables:
                out(f"Created the catalog tables (products, variants) in {outcome.where}.")
            out(outcome.description)
        return 0
    if ns.command == "export" and not ns.diff:
        count = export_catalog(ns.db, ns.file)
        done({"file": ns.file, "products": count}, f"Exported {count} products to {ns.file}.", ns)
        return 0
    return _with_workspace(ns)


def _with_workspace(ns: argparse.Namespace) -> int:
    if ns.command == "sync" and not ns.ids and not ns.all:
        raise Usage("give product ids, or --all to sync every product")
    if ns.command == "sync" and ns.ids and ns.all:
        raise Usage("give product ids or --all, not both")
    mode: Mode = ns.mode or load_settings().mode
    ws = Workspace.open(db_url=ns.db, mode=mode)
    try:
        ids = list(ns.ids) if getattr(ns, "ids", None) else None
        overwrite = bool(getattr(ns, "overwrite_stripe_edits", False))
        if ns.command in ("adopt", "link", "sandbox-preset"):
            return adopt_commands.run(ws, ns)
        if ns.command == compare_command.COMMAND:
            return compare_command.run(ws, ns)
        if ns.command in row_commands.COMMANDS:
            return row_commands.run(ws, ns)
        if ns.command in edit_commands.COMMANDS:
            return edit_commands.run(ws, ns)
        if ns.command == "pull":
            return two_way.run_pull(ws, ns)
        if ns.command == watch_command.COMMAND:
            return watch_command.run(ws, ns)
        if ns.command == "status":
            return show_status(ws.status(ids, overwrite_stripe_edits=overwrite), ns)
        if ns.command == "plan":
            # Ids: what `sync IDS` would do (releasing the operator's archive holds on them).
            rows = ws.status(ids, release_holds=ids is not None, overwrite_stripe_edits=overwrite)
            return show_plan(rows, ns)
        if ns.command == "export":
            count = ws.export_diff(ns.file)
            done({"file": ns.file, "products": count}, f"Exported {count} rows to {ns.file}.", ns)
            return 0
        if ns.command == "archive":
            confirm_live(ws, ns, f"archive {plural(len(ns.ids), 'product')} in Stripe")
            return show_results(ws.archive(ns.ids, progress=progress_bar()), ns)
        # sync
        if mode == "live":
            # One read of Stripe for what is shown and confirmed; the sync re-checks each
            # product against Stripe's state before writing it and writes nothing else.
            rows = ws.status(ids, release_holds=ids is not None, overwrite_stripe_edits=overwrite)
            writes = sum(
                r.plan.writes for r in rows if r.plan is not None and (r.has_local or r.held)
            )
            if writes:
                if not ns.json:
                    show_plan(rows, ns, preview=True)
                writing = [
                    r for r in rows if r.plan and r.plan.operations and (r.has_local or r.held)
                ]
                untried = untried_writes(writing)
                what = f"make {changes_in_stripe(writes)} for {plural(len(writing), 'product')}"
                confirm_live(ws, ns, what + (f", {untried} {NEVER_TRIED}" if untried else ""))
                _confirm_untried(untried, ns)
            results = ws.sync_reviewed(
                rows,
                release_holds=ids is not None,
                overwrite_stripe_edits=overwrite,
                progress=progress_bar(),
            )
            _say_settled(ws)
            return show_results(results, ns)
        results = ws.sync(ids, overwrite_stripe_edits=overwrite, progress=progress_bar())
        _say_settled(ws)
        return show_results(results, ns)
    finally:
        ws.close()


def _confirm_untried(untried: int, ns: argparse.Namespace) -> None:
    """Test before live: with the setting on, ask once more before writes never synced to test
    mode (only on a terminal; --yes goes on). The maker may always go on."""
    if not untried or ns.yes or not sys.stdin.isatty() or not load_settings().confirm_untried_live:
        return
    were = "was" if untried == 1 else "were"
    sys.stderr.write(
        f"{untried} of these changes {were} never synced to test mode first. Go on anyway? [y/N] "
    )
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise Usage(
            "not confirmed; nothing was written. Sync to test mode first (--mode test) to try "
            "these changes there"
        )


def _say_settled(ws: Workspace) -> None:
    """Writes an interrupted run left unrecorded, as this run settled them (on stderr)."""
    settled = getattr(ws, "last_settled", [])
    if settled:
        say(f"Settled {plural(len(settled), 'write')} an interrupted run had not recorded:")
        for item in settled:
            say(f"  {item.describe()}")
