"""What the command prints: one voice for stderr and stdout, JSON that is always valid, a progress
bar, and the live-mode confirmation. Catalog and Stripe text may hold control characters (an ESC
sequence, BEL, a right-to-left override …): everything printed goes through `terminal_safe`, and keys
and database passwords are masked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from typing import Any, TextIO

from core.domain.text import json_safe, terminal_safe
from core.keys.shape import mask_key
from core.workspace import ProgressEvent, Workspace, format_money, mask_url

PROG = "stripe-sync-admin"
_KEY_RE = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]+")


class Usage(Exception):
    """Bad usage detected after parsing (exit 2)."""


def say(text: str, stream: TextIO | None = None) -> None:
    """One line on stderr, with any key and any database password masked and any control
    character (ESC, BEL, RLO …, e.g. in a product id an error repeats) shown escaped."""
    clean = _KEY_RE.sub(lambda m: mask_key(m.group(0)), mask_url(" ".join(text.split())))
    (stream or sys.stderr).write(terminal_safe(clean) + "\n")


def confirm_live(ws: Workspace, ns: argparse.Namespace, what: str) -> None:
    """In live mode, ask for the account name (or LIVE) before writing; --yes skips the question."""
    if ws.mode != "live" or ns.yes:
        return
    if not sys.stdin.isatty():
        raise Usage(f"live mode: about to {what}; add --yes (no terminal to ask for confirmation)")
    account = ws.account()
    sys.stderr.write(
        terminal_safe(f"LIVE mode, account {account.name} ({account.id}): about to {what}.")
        + "\nType the account name or LIVE to continue: "
    )
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    if answer not in ("LIVE", account.name):
        raise Usage("not confirmed; nothing was written")


def out(text: str) -> None:
    """One line on stdout; catalog and Stripe text in it may hold control characters (an ESC
    sequence, BEL, a right-to-left override …): they are shown escaped, never sent raw."""
    sys.stdout.write(terminal_safe(text) + "\n")


def emit(data: Any) -> None:
    """`--json` output: valid JSON whose strings carry control characters only as escapes
    (json.dumps escapes C0 itself; `json_safe` the DEL, C1 and bidi ones it leaves raw)."""
    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")


def done(data: Any, text: str, ns: argparse.Namespace) -> None:
    """`data` as JSON with --json, else `text`."""
    if ns.json:
        emit(data)
    else:
        out(text)


def money(cents: int | None, currency: str) -> str:
    """An amount for a table cell ("-" for none)."""
    return format_money(cents, currency) if cents is not None else "-"


def progress_bar() -> Callable[[ProgressEvent], None] | None:
    """A progress bar on a terminal (stderr), else nothing."""
    if not sys.stderr.isatty():
        return None

    def show(event: ProgressEvent) -> None:
        total = max(event.total, 1)
        filled = int(30 * event.done / total)
        bar = "#" * filled + "." * (30 - filled)
        label = terminal_safe(event.product_id or "")[:30]
        sys.stderr.write(f"\r[{bar}] {event.done}/{event.total} {label:<30}")
        if event.done >= event.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
