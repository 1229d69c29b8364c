"""`compare-modes [IDS…]`: what was last synced to test and to live mode, side by side."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.output import emit, out
from core.workspace import Workspace

COMMAND = "compare-modes"


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `compare-modes`."""
    p = sub.add_parser(
        COMMAND,
        parents=[common],
        help="test vs live: what was last synced to each mode, and what differs",
        description="For each product, when it was last synced to test and to live mode of "
        "this Stripe account, and which owned fields differ between the two. Run it in test or "
        "live mode; nothing is written.",
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="product ids (default: all)")


def run(ws: Workspace, ns: argparse.Namespace) -> int:
    """Print the comparison; 0."""
    views = ws.test_and_live(list(ns.ids) or None)
    if ns.json:
        emit([v.record() for v in views])
        return 0
    for view in views:
        out(view.describe())
        for diff in view.differences:
            out(f"  {diff.field}: test {diff.test or '(none)'} · live {diff.live or '(none)'}")
    return 0
