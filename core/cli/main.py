"""The `stripe-sync-admin` command: no arguments opens the window; subcommands work headless.

    stripe-sync-admin status [IDS…]        local vs Stripe, what differs
    stripe-sync-admin plan [IDS…]          exactly what a sync would write (writes nothing)
    stripe-sync-admin sync IDS…|--all      apply (live mode asks first, or needs --yes)
    stripe-sync-admin archive IDS…         archive in Stripe, in this mode only (catalog untouched)
    stripe-sync-admin pull IDS… [--field F] take values edited in Stripe into the catalog
    stripe-sync-admin watch [--json]        print each change made in Stripe as it is seen
    stripe-sync-admin set ID FIELD=VALUE…  change catalog fields (writes nothing to Stripe)
    stripe-sync-admin history ID           a product's changes and prices over time
    stripe-sync-admin revert ID --to ENTRY take the catalog back to a history entry
    stripe-sync-admin import FILE          JSON or CSV catalog into the database
    stripe-sync-admin export FILE [--diff] catalog (or the differences) to JSON or CSV
    stripe-sync-admin sandbox …            run the Stripe sandbox server
    stripe-sync-admin install-desktop-entry [--remove]  add (or take out) the menu entry

Exit codes: 0 all good, 1 some products failed, 2 bad usage or configuration (or a bad import file).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Sequence

from core.cli import (
    adopt_commands,
    compare_command,
    desktop_entry,
    edit_commands,
    row_commands,
    two_way,
    watch_command,
)
from core.cli.commands import run_command
from core.cli.output import PROG, Usage, say
from core.errors import (
    ConfigurationError,
    StripeAuthError,
    StripePermissionError,
    SyncAdminError,
)
from core.workspace import SyncCancelledError

OVERWRITE_HELP = (
    "replace values someone edited in Stripe since the last sync with the catalog's (by default "
    "a sync keeps them and says so)"
)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="catalog database (SQLAlchemy URL)")
    common.add_argument("--mode", choices=["sandbox", "test", "live"], help="default: settings")
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--yes", action="store_true", help="confirm live writes without asking")
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Keep a shop's catalog mirrored in Stripe, safely. With no command (or only "
        "--db and --mode), opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parsers = []
    for name, text in (("status", "local vs Stripe"), ("plan", "what a sync would do")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("ids", nargs="*", metavar="ID", help="product ids (default: all)")
        parsers.append(p)
    for p in parsers:
        p.add_argument("--overwrite-stripe-edits", action="store_true", help=OVERWRITE_HELP)
    p = sub.add_parser("sync", parents=[common], help="apply the changes to Stripe")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every product")
    p.add_argument("--overwrite-stripe-edits", action="store_true", help=OVERWRITE_HELP)
    p = sub.add_parser(
        "archive",
        parents=[common],
        help="archive products in Stripe in this mode only; the catalog is not changed",
        description="Archive products in Stripe for this account and mode only. The shop's "
        "catalog is not changed (other modes are not affected); `sync --all` keeps them "
        "archived here until each is synced explicitly with `sync ID`.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="catalog ids, or Stripe ids of orphans")
    p = sub.add_parser("import", parents=[common], help="import a .json or .csv catalog")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("export", parents=[common], help="export the catalog to .json or .csv")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--diff", action="store_true", help="export the differences with Stripe")
    adopt_commands.add_parsers(sub, common)
    edit_commands.add_parsers(sub, common)
    row_commands.add_parsers(sub, common)
    compare_command.add_parsers(sub, common)
    two_way.add_parsers(sub, common)
    watch_command.add_parsers(sub, common)
    desktop_entry.add_parsers(sub, common)
    sub.add_parser("sandbox", help="run the local Stripe sandbox (see: sandbox --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stripe-sync-admin` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _open_window()
    if args[0].startswith("-") and args[0] not in ("-h", "--help", "--version"):
        # Options without a command are the window's (`stripe-sync-admin --db URL --mode test`).
        window = _window_parser()
        try:
            options = window.parse_args(args)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else 2
        forwarded = [f"--db-url={options.db}"] if options.db else []
        forwarded += [f"--mode={options.mode}"] if options.mode else []
        return _open_window(forwarded)
    if args[0] == "sandbox":
        from core.sandbox.cli import main as sandbox_main

        code: int = sandbox_main(args[1:])
        return code
    try:
        ns = _parser().parse_args(args)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    if ns.command is None:
        return _open_window()
    try:
        return run_command(ns)
    except Usage as err:
        say(f"{PROG} {ns.command}: {err}")
        return 2
    except SyncCancelledError as err:
        say(str(err))
        return 1
    except (ConfigurationError, StripeAuthError, StripePermissionError) as err:
        say(str(err))
        return 2
    except SyncAdminError as err:
        say(str(err))
        return 1
    except KeyboardInterrupt:
        say("Interrupted; products already synced were recorded.")
        return 130
    except Exception as err:  # noqa: BLE001 - one clear line, never a traceback
        say(f"Unexpected error ({type(err).__name__}): {err}. Please report this.")
        return 1


def version() -> str:
    """The installed version of the tool."""
    try:
        return importlib.metadata.version("stripe-sync-admin")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _window_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open the window. Commands (status, plan, sync, …) come first: see --help.",
    )
    parser.add_argument("--db", "--db-url", dest="db", metavar="URL", help="catalog database")
    parser.add_argument("--mode", choices=["sandbox", "test", "live"], help="start in this mode")
    return parser


def _open_window(argv: Sequence[str] = ()) -> int:
    try:
        # Imported by name: core/ never imports gui/ statically; this entry point only hands over.
        app = importlib.import_module("gui.app")
    except ImportError as err:
        say(f"The window cannot start: {err}. Install PySide6, or use a subcommand (--help).")
        return 2
    code: int = app.main(list(argv))
    return code
