"""`add`, `duplicate`, `add-variant`, `remove-variant`: catalog rows, never Stripe."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.output import Usage, done
from core.workspace import Workspace, plural

COMMANDS = ("add", "duplicate", "add-variant", "remove-variant")
_NEXT = "Nothing was written to Stripe: `plan {id}` shows what a sync would do."


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the row subcommands."""
    p = sub.add_parser("add", parents=[common], help="add a product to the catalog")
    p.add_argument("product_id", metavar="ID")
    p.add_argument(
        "assignments", nargs="+", metavar="FIELD=VALUE", help="name=… base_price=12.50 …"
    )
    p = sub.add_parser("duplicate", parents=[common], help="copy a product under a new id")
    p.add_argument("product_id", metavar="ID")
    p.add_argument("new_id", metavar="NEW_ID")
    p.add_argument("--name", help="the copy's name (default: '<name> (copy)')")
    p = sub.add_parser("add-variant", parents=[common], help="add a variant to a product")
    p.add_argument("product_id", metavar="ID")
    p.add_argument("variant_id", metavar="VARIANT_ID")
    p.add_argument(
        "assignments", nargs="*", metavar="FIELD=VALUE", help="variant_value=RED price=19.50 …"
    )
    p = sub.add_parser("remove-variant", parents=[common], help="remove a variant")
    p.add_argument("product_id", metavar="ID")
    p.add_argument("variant_id", metavar="VARIANT_ID")


def _pairs(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise Usage(f"{item!r} is not FIELD=VALUE (e.g. base_price=12.50)")
        out[name.strip()] = value
    return out


def run(ws: Workspace, ns: argparse.Namespace) -> int:
    """Run one row subcommand; returns the exit code."""
    if ns.command == "add":
        record = ws.add_product(ns.product_id, _pairs(ns.assignments))
        text = f"Added {record.id} “{record.product.get('name')}”. " + _NEXT.format(id=record.id)
    elif ns.command == "duplicate":
        record = ws.duplicate_product(ns.product_id, ns.new_id, name=ns.name)
        text = (
            f"Copied {ns.product_id} to {record.id} with {plural(len(record.variants), 'variant')}. "
            + _NEXT.format(id=record.id)
        )
    elif ns.command == "add-variant":
        record = ws.add_variant(ns.product_id, ns.variant_id, _pairs(ns.assignments))
        text = f"Added variant {ns.variant_id} to {record.id}. " + _NEXT.format(id=record.id)
    else:
        record = ws.remove_variant(ns.product_id, ns.variant_id)
        text = (
            f"Removed variant {ns.variant_id} from {record.id}; the next sync archives its "
            "price in Stripe. " + _NEXT.format(id=record.id)
        )
    done({"id": record.id, "product": record.product, "variants": list(record.variants)}, text, ns)
    return 0
