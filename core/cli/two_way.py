"""Two-way commands: `pull` takes values edited in Stripe back into the catalog.

    stripe-sync-admin pull IDS… [--field F]… [--json]

Nothing is written to Stripe. Exit 1 when some field could not be taken (each refusal says why),
else 0.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.output import emit, out
from core.workspace import PullResult, Workspace

PULL_HELP = "take values edited in Stripe into the catalog (writes nothing to Stripe)"
PULL_DESCRIPTION = (
    "Take Stripe's current values of the owned fields that differ into the catalog: name, "
    "description, price, each variant's price, and the sell status (archived in Stripe → "
    "internal; for sale in Stripe while the catalog says internal → available). Each change is "
    "journaled; a value the catalog cannot hold (a subscription or tiered price, another "
    "currency, a name that is too long …) is refused with the reason. Nothing is written to Stripe."
)


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `pull` on the command's subparsers (`common`: the shared options)."""
    p = sub.add_parser("pull", parents=[common], help=PULL_HELP, description=PULL_DESCRIPTION)
    p.add_argument("ids", nargs="+", metavar="ID", help="catalog product ids")
    p.add_argument(
        "--field",
        action="append",
        metavar="F",
        help="only this field (repeatable): name, description, price, active, "
        "metadata.sell_status or variant:ID.price; default: every field that differs",
    )


def run_pull(ws: Workspace, ns: argparse.Namespace) -> int:
    """`pull`: one line per product (or the JSON list); 1 when something was refused."""
    results = ws.pull(ns.ids, fields=ns.field)
    if ns.json:
        emit([r.record() for r in results])
    else:
        for result in results:
            out(pull_line(result))
    return 1 if any(r.refused for r in results) else 0


def pull_line(result: PullResult) -> str:
    """'lamp: pulled name, price from Stripe; refused price: a subscription price (every month)'."""
    parts = []
    if result.pulled:
        parts.append(f"pulled {', '.join(p.field for p in result.pulled)} from Stripe")
    parts += [f"refused {r.field}: {r.reason}" for r in result.refused]
    if not parts:
        parts.append("nothing to pull: the catalog has Stripe's values")
    return f"{result.id}: {'; '.join(parts)}"
