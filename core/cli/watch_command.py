"""`watch`: print each change made in Stripe to products and prices as it is seen, until Ctrl+C.

Every interval the workspace brings its mirror of Stripe up to date from Stripe's events (one or
two requests when nothing changed) and each change is printed: with `--json` one JSON object per
line ("at", "object", "id", "local_id", "fields", "by": "this tool" or "elsewhere", …), else one
readable line. Ctrl+C ends it cleanly (exit 0).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from core.cli.output import say
from core.domain.text import json_safe, terminal_safe
from core.workspace import Workspace
from core.workspace.mirroring import StripeChange, change_record

COMMAND = "watch"
SANDBOX_INTERVAL = 3.0
INTERVAL = 30.0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 3600:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the `watch` subcommand."""
    p = sub.add_parser(
        COMMAND,
        parents=[common],
        help="print each change made in Stripe as it is seen, until Ctrl+C",
        description="Follow Stripe's events for products and prices and print each change as "
        "it is seen: when, what, which fields (old → new), and whether this tool made it or it "
        "was made elsewhere (the Dashboard, another program). Writes nothing. Ctrl+C stops.",
    )
    p.add_argument(
        "--interval",
        type=_seconds,
        metavar="SECONDS",
        help=f"seconds between looks (default: {INTERVAL:g}; {SANDBOX_INTERVAL:g} in sandbox mode)",
    )


def run(ws: Workspace, ns: argparse.Namespace) -> int:
    """Watch until interrupted; returns 0 when stopped with Ctrl+C."""
    interval = ns.interval or (SANDBOX_INTERVAL if ws.mode == "sandbox" else INTERVAL)
    try:
        first = ws.refresh_stripe()
        account = ws.account()
        say(
            f"Watching Stripe ({ws.mode} mode, {account.name}) every {interval:g} s "
            f"({first.summary}); Ctrl+C stops."
        )
        _show(first.changes, ns.json)
        while True:
            time.sleep(interval)
            _show(ws.refresh_stripe().changes, ns.json)
    except KeyboardInterrupt:
        say("Stopped watching.")
        return 0


def _show(changes: list[StripeChange], as_json: bool) -> None:
    for change in changes:
        if as_json:
            line = json_safe(json.dumps(change_record(change), ensure_ascii=False, default=str))
        else:
            line = terminal_safe(describe(change))
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def describe(change: StripeChange) -> str:
    """One readable line, e.g. "14:02:05 product lamp (lamp) updated elsewhere: name 'Lamp' →
    'Desk lamp'"."""
    when = change.at.astimezone().strftime("%H:%M:%S")
    local = f" ({change.local_id})" if change.local_id else ""
    by = "by this tool" if change.by == "this tool" else "elsewhere"
    line = f"{when} {change.object} {change.id}{local} {change.change} {by}"
    moved = [f"{name} {c.old!r} → {c.new!r}" for name, c in change.fields.items()]
    return f"{line}: {'; '.join(moved)}" if moved else line
