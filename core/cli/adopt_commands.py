"""`adopt` and `link`: take over a Stripe catalog made by hand, writing nothing to Stripe."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.output import done, emit, out
from core.workspace import Workspace, plural


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register the `adopt` and `link` subcommands."""
    p = sub.add_parser(
        "adopt",
        parents=[common],
        help="link products made by hand in Stripe to catalog products (writes nothing to Stripe)",
        description="Match each Stripe product not linked yet to a catalog product: by its "
        "metadata.local_id, by its id, or by a name that only one product on each side has "
        "(case and spacing ignored). Its one-time prices in the catalog currency are reused. "
        "Only links and Stripe's current values are recorded; nothing is written to Stripe.",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be linked; store nothing"
    )
    p.add_argument(
        "--import-unmatched",
        action="store_true",
        help="Stripe products that match nothing become catalog rows",
    )
    p = sub.add_parser(
        "sandbox-preset",
        parents=[common],
        help="start the built-in sandbox afresh from a preset Stripe catalog (e.g. handmade)",
        description="Replace everything in the built-in sandbox with a preset Stripe catalog: "
        "'handmade' is a catalog made by hand in the Dashboard for the sample products, to try "
        "`adopt` on. The tool's sandbox links are forgotten; your catalog is not changed.",
    )
    p.add_argument("preset", nargs="?", default="handmade", choices=["handmade"])
    p = sub.add_parser(
        "link",
        parents=[common],
        help="link one catalog product to one Stripe product by hand",
    )
    p.add_argument("local_id", metavar="LOCAL_ID")
    p.add_argument("stripe_product_id", metavar="STRIPE_PRODUCT_ID")


def run(ws: Workspace, ns: argparse.Namespace) -> int:
    """Run `adopt`, `link` or `sandbox-preset`; returns the exit code."""
    if ns.command == "sandbox-preset":
        created = ws.apply_sandbox_preset(ns.preset, fresh=True)
        done(
            {"preset": ns.preset, "created": created},
            f"The built-in sandbox now holds the {ns.preset!r} Stripe catalog ({len(created)} "
            "objects); your catalog is unchanged. Next: `stripe-sync-admin adopt --dry-run`.",
            ns,
        )
        return 0
    if ns.command == "link":
        match = ws.link(ns.local_id, ns.stripe_product_id)
        prices = ", ".join(p.stripe_price_id for p in match.prices) or "no price yet"
        done(
            match.record(),
            f"Linked {match.local_id} to {match.stripe_product_id} (prices: {prices}). Nothing "
            "was written to Stripe; `plan` shows what a sync would change.",
            ns,
        )
        return 0
    plan = ws.adopt(dry_run=ns.dry_run, import_unmatched=ns.import_unmatched)
    if ns.json:
        emit(plan.record())
        return 0
    verb = "Would link" if ns.dry_run else "Linked"
    for match in plan.linked:
        out(
            f"{verb} {match.local_id} → {match.stripe_product_id} (by {match.by}, "
            f"{plural(len(match.prices), 'price')} reused)"
        )
    for match in plan.imported:
        out(
            f"{'Would import' if ns.dry_run else 'Imported'} {match.stripe_product_id} as "
            f"catalog product {match.local_id}"
        )
    for item in plan.ambiguous:
        out(
            f"Ambiguous: {item.stripe_product_id} “{item.name}” could be "
            f"{', '.join(item.candidates)}; link it by hand with `link LOCAL_ID "
            f"{item.stripe_product_id}`"
        )
    for refused in plan.unsupported:
        out(f"Not imported: {refused.stripe_product_id}: {refused.reason}")
    if plan.unmatched_stripe:
        out(
            f"In Stripe only (not linked): {', '.join(plan.unmatched_stripe)}"
            " — add --import-unmatched to make them catalog products"
        )
    if plan.unmatched_local:
        out(f"In the catalog only: {', '.join(plan.unmatched_local)} (the next sync creates them)")
    stored = "nothing stored (dry run)" if ns.dry_run else "nothing was written to Stripe"
    out(
        f"{len(plan.linked)} linked, {len(plan.imported)} imported, {len(plan.ambiguous)} "
        f"ambiguous; {stored}."
    )
    return 0
