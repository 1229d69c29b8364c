"""The `stripe-sync-admin` command: no arguments opens the window; subcommands work headless.

    stripe-sync-admin status [IDS…]        local vs Stripe, what differs
    stripe-sync-admin plan [IDS…]          exactly what a sync would write (writes nothing)
    stripe-sync-admin sync IDS…|--all      apply (live mode asks first, or needs --yes)
    stripe-sync-admin archive IDS…         archive in Stripe, in this mode only (catalog untouched)
    stripe-sync-admin import FILE          JSON or CSV catalog into the database
    stripe-sync-admin export FILE [--diff] catalog (or the differences) to JSON or CSV
    stripe-sync-admin sandbox …            run the Stripe sandbox server

Exit codes: 0 all good, 1 some products failed, 2 bad usage or configuration (or a bad import file).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from core.domain.models import StripeSyncResult, SyncSummary
from core.engine.types import ProgressEvent, SyncCancelledError
from core.errors import (
    ConfigurationError,
    StripeAuthError,
    StripePermissionError,
    SyncAdminError,
)
from core.keys.shape import mask_key
from core.reconcile.rows import ProductRow
from core.settings import Mode

PROG = "stripe-sync-admin"
_KEY_RE = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+")


_VERB = {"created": "create", "updated": "update", "archived": "archive"}


class _Usage(Exception):
    """Bad usage detected after parsing (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="URL", help="catalog database (SQLAlchemy URL)")
    common.add_argument("--mode", choices=["sandbox", "test", "live"], help="default: settings")
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--yes", action="store_true", help="confirm live writes without asking")
    parser = argparse.ArgumentParser(
        prog=PROG, description="Keep a shop's catalog mirrored in Stripe, safely."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in (("status", "local vs Stripe"), ("plan", "what a sync would do")):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("ids", nargs="*", metavar="ID", help="product ids (default: all)")
    p = sub.add_parser("sync", parents=[common], help="apply the changes to Stripe")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--all", action="store_true", help="every product")
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
    sub.add_parser("sandbox", help="run the local Stripe sandbox (see: sandbox --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `stripe-sync-admin` console script; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _open_window()
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
        return _run(ns)
    except _Usage as err:
        _say(f"{PROG} {ns.command}: {err}")
        return 2
    except SyncCancelledError as err:
        _say(str(err))
        return 1
    except (ConfigurationError, StripeAuthError, StripePermissionError) as err:
        _say(str(err))
        return 2
    except SyncAdminError as err:
        _say(str(err))
        return 1
    except KeyboardInterrupt:
        _say("Interrupted; products already synced were recorded.")
        return 130
    except Exception as err:  # noqa: BLE001 - one clear line, never a traceback
        _say(f"Unexpected error ({type(err).__name__}): {err}. Please report this.")
        return 1


def _say(text: str, stream: TextIO | None = None) -> None:
    """One line on stderr, with any key and any database password masked."""
    from core.catalog.db import mask_url

    clean = _KEY_RE.sub(lambda m: mask_key(m.group(0)), mask_url(" ".join(text.split())))
    (stream or sys.stderr).write(clean + "\n")


def _open_window() -> int:
    try:
        # Imported by name: core/ never imports gui/ statically; this entry point only hands over.
        app = importlib.import_module("gui.app")
    except ImportError as err:
        _say(f"The window cannot start: {err}. Install PySide6, or use a subcommand (--help).")
        return 2
    code: int = app.main()
    return code


def _run(ns: argparse.Namespace) -> int:
    from core.catalog.store import CatalogStore
    from core.settings import load_settings

    if ns.command == "import":
        from core.catalog.importer import import_file

        # An import may start a catalog: into an empty database, or the default file on a fresh
        # machine (then without the sample products: only the file's).
        store = CatalogStore.open(ns.db or load_settings().db_url, create=True, fill_sample=False)
        try:
            report = import_file(store, ns.file)
            created, where = store.created_tables, store.display_url
        finally:
            store.close()
        if ns.json:
            _emit(
                {
                    "file": report.file,
                    "created_tables": created,
                    "products": vars(report.products),
                    "variants": vars(report.variants),
                    "ignored_columns": report.ignored_columns,
                    "ignored_stripe_columns": report.ignored_stripe_columns,
                }
            )
        else:
            if created:
                _out(f"Created the catalog tables (products, variants) in {where}.")
            _out(report.describe())
        return 0
    if ns.command == "export" and not ns.diff:
        from core.catalog.export import export_catalog

        store = CatalogStore.open(ns.db or load_settings().db_url, create=False)
        try:
            count = export_catalog(store, ns.file)
        finally:
            store.close()
        _done({"file": ns.file, "products": count}, f"Exported {count} products to {ns.file}.", ns)
        return 0
    return _with_workspace(ns)


def _with_workspace(ns: argparse.Namespace) -> int:
    from core.settings import load_settings
    from core.workspace import Workspace

    if ns.command == "sync" and not ns.ids and not ns.all:
        raise _Usage("give product ids, or --all to sync every product")
    if ns.command == "sync" and ns.ids and ns.all:
        raise _Usage("give product ids or --all, not both")
    mode: Mode = ns.mode or load_settings().mode
    ws = Workspace.open(db_url=ns.db, mode=mode)
    try:
        ids = list(ns.ids) if getattr(ns, "ids", None) else None
        if ns.command == "status":
            return _status(ws.status(ids), ns)
        if ns.command == "plan":
            # Ids: what `sync IDS` would do (releasing the operator's archive holds on them).
            return _plan(ws.status(ids, release_holds=ids is not None), ns)
        if ns.command == "export":
            from core.catalog.export import export_diff

            count = export_diff(ws.status(), ns.file)
            _done({"file": ns.file, "products": count}, f"Exported {count} rows to {ns.file}.", ns)
            return 0
        if ns.command == "archive":
            _confirm_live(ws, ns, f"archive {len(ns.ids)} product(s) in Stripe")
            return _report(ws.archive(ns.ids, progress=_progress_bar()), ns)
        # sync
        if mode == "live":
            # One read of Stripe for what is shown and confirmed; the sync re-checks each
            # product against Stripe's state before writing it and writes nothing else.
            rows = ws.status(ids, release_holds=ids is not None)
            writes = sum(
                r.plan.writes for r in rows if r.plan is not None and (r.has_local or r.held)
            )
            if writes:
                if not ns.json:
                    _plan(rows, ns)
                changing = sum(
                    1 for r in rows if r.plan and r.plan.operations and (r.has_local or r.held)
                )
                _confirm_live(ws, ns, f"make {writes} write(s) for {changing} product(s)")
            results = ws.sync_reviewed(
                rows, release_holds=ids is not None, progress=_progress_bar()
            )
            return _report(results, ns)
        return _report(ws.sync(ids, progress=_progress_bar()), ns)
    finally:
        ws.close()


def _confirm_live(ws: Any, ns: argparse.Namespace, what: str) -> None:
    if ws.mode != "live" or ns.yes:
        return
    if not sys.stdin.isatty():
        raise _Usage(f"live mode: about to {what}; add --yes (no terminal to ask for confirmation)")
    account = ws.account()
    sys.stderr.write(
        f"LIVE mode, account {account.name} ({account.id}): about to {what}.\n"
        f"Type the account name or LIVE to continue: "
    )
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    if answer not in ("LIVE", account.name):
        raise _Usage("not confirmed; nothing was written")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _emit(data: Any) -> None:
    _out(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _done(data: Any, text: str, ns: argparse.Namespace) -> None:
    if ns.json:
        _emit(data)
    else:
        _out(text)


def _money(cents: int | None, currency: str) -> str:
    from core.domain.money import format_money

    return format_money(cents, currency) if cents is not None else "-"


def _status(rows: list[ProductRow], ns: argparse.Namespace) -> int:
    from core.catalog.export import diff_records

    if ns.json:
        _emit(diff_records(rows))
        return _failed_exit(rows)
    width = max([len(r.product_id) for r in rows] + [10])
    _out(f"{'PRODUCT':<{width}}  {'STATE':<9}  {'LOCAL':>11}  {'STRIPE':>11}  WHAT DIFFERS")
    for r in rows:
        what = ", ".join(d.field for d in r.differences)
        if r.not_ready_reason:
            what = r.not_ready_reason
        elif r.error and r.plan is None and r.has_local:
            what = f"invalid catalog row: {r.error}"
        elif r.error:
            what = f"{what} — last error: {r.error}" if what else f"last error: {r.error}"
        if r.note:
            what = f"{what} — {r.note}" if what else r.note
        local = _money(r.local_price_cents, r.currency) if r.has_local else "-"
        stripe = _money(r.stripe_price_cents, r.currency)
        _out(f"{r.product_id:<{width}}  {r.state:<9}  {local:>11}  {stripe:>11}  {what}")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    _out(", ".join(f"{n} {state.replace('_', ' ')}" for state, n in sorted(counts.items())))
    return _failed_exit(rows)


def _failed_exit(rows: list[ProductRow]) -> int:
    """1 when some product failed (its last sync, or its catalog row is invalid), else 0."""
    return 1 if any(r.state == "failed" for r in rows) else 0


def _plan(rows: list[ProductRow], ns: argparse.Namespace) -> int:
    changing = [r for r in rows if r.plan is not None and r.plan.operations]
    if ns.json:
        operations = [
            {
                "product_id": op.product_id,
                "op": op.kind,
                "summary": op.summary,
                "variant_id": op.variant_id,
                "target_id": op.target_id,
                "params": op.params,
            }
            for r in changing
            for op in (r.plan.operations if r.plan else [])
        ]
        not_ready = [
            {"id": r.product_id, "reason": r.not_ready_reason} for r in rows if r.not_ready_reason
        ]
        invalid = [{"id": r.product_id, "error": r.error} for r in _invalid(rows)]
        _emit({"operations": operations, "not_ready": not_ready, "failed": invalid})
        return 1 if invalid else 0
    for r in changing:
        assert r.plan is not None
        _out(f"{r.product_id}: {_VERB.get(r.plan.action, r.plan.action)}")
        for op in r.plan.operations:
            _out(f"  - {op.summary}")
    for r in rows:
        if r.not_ready_reason:
            _out(f"{r.product_id}: not ready ({r.not_ready_reason}); will be skipped")
    for r in _invalid(rows):
        _out(f"{r.product_id}: invalid catalog row ({r.error}); will fail")
    writes = sum(r.plan.writes for r in changing if r.plan)
    if changing:
        _out(f"{len(changing)} product(s) would change with {writes} write(s); nothing written.")
    else:
        _out("Nothing to do: Stripe matches the catalog.")
    return 1 if _invalid(rows) else 0


def _invalid(rows: list[ProductRow]) -> list[ProductRow]:
    """Rows whose catalog data cannot be synced (state failed, no plan)."""
    return [r for r in rows if r.has_local and r.state == "failed" and r.plan is None]


def _report(results: list[StripeSyncResult], ns: argparse.Namespace) -> int:
    summary = SyncSummary.of(results)
    if ns.json:
        _emit(
            {
                "summary": summary.model_dump(),
                "results": [r.model_dump(mode="json") for r in results],
            }
        )
    else:
        for r in results:
            line = f"{r.action:<8} {r.product_id}"
            if r.stripe_product_id:
                line += f" → {r.stripe_product_id}"
            if r.error:
                line += f": {r.error}"
            elif r.changes and r.action == "skipped":
                line += f" ({'; '.join(r.changes)})"
            _out(line)
        _out(
            f"Created {summary.created}, updated {summary.updated}, archived {summary.archived}, "
            f"skipped {summary.skipped}, failed {summary.failed}."
        )
    return 1 if summary.failed else 0


def _progress_bar() -> Callable[[ProgressEvent], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(event: ProgressEvent) -> None:
        total = max(event.total, 1)
        filled = int(30 * event.done / total)
        bar = "#" * filled + "." * (30 - filled)
        label = (event.product_id or "")[:30]
        sys.stderr.write(f"\r[{bar}] {event.done}/{event.total} {label:<30}")
        if event.done >= event.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
