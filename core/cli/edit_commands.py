"""Editing the catalog from the command line: `set`, `history` and `revert`. None writes to Stripe.

    stripe-sync-admin set ID FIELD=VALUE… [--variant VID] [--json]
    stripe-sync-admin history ID [--prices] [--json]
    stripe-sync-admin revert ID --to ENTRY [--json]

`set` takes values as an import does (money as `12.50`, `12,50` or `$12.50` in the catalog
currency); any invalid value or unknown field saves nothing and exits 2. The next `plan` shows
what a sync would change in Stripe.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.output import Usage, done, emit, out
from core.workspace import EditResult, HistoryEntry, PricePeriod, Workspace, format_money

COMMANDS = ("set", "history", "revert")
_MONEY = ("base_price_cents", "price_modifier")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register `set`, `history` and `revert` (`common`: the shared options)."""
    p = sub.add_parser(
        "set",
        parents=[common],
        help="change catalog fields of one product or variant (writes nothing to Stripe)",
        description="Change catalog fields: name, description, sell_status, dev_status, "
        "is_live, base_price (money, e.g. 12.50) or base_price_cents; with --variant VID: "
        "variant_type, variant_value, price (money) or price_modifier. Values are checked by "
        "the rules an import applies: any invalid one saves nothing. Each change is journaled; "
        "nothing is written to Stripe until the next sync.",
    )
    p.add_argument("product_id", metavar="ID", help="catalog product id")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--variant", metavar="VID", help="change this variant of the product")
    p = sub.add_parser(
        "history",
        parents=[common],
        help="a product's edits, imports, pulls and Stripe writes, and its prices over time",
    )
    p.add_argument("product_id", metavar="ID", help="catalog product id")
    p.add_argument(
        "--prices", action="store_true", help="with --json: the price timeline, not the entries"
    )
    p = sub.add_parser(
        "revert",
        parents=[common],
        help="take the catalog back to a history entry's values (writes nothing to Stripe)",
        description="Take the product's catalog values back to what they were before a history "
        "entry (for a Stripe write: to the values it sent). Journaled; the next plan shows "
        "what it means in Stripe.",
    )
    p.add_argument("product_id", metavar="ID", help="catalog product id")
    p.add_argument("--to", dest="entry", type=int, required=True, metavar="ENTRY")


def run(ws: Workspace, ns: argparse.Namespace) -> int:
    """Run `set`, `history` or `revert`; returns the exit code."""
    if ns.command == "set":
        changes: dict[str, str] = {}
        for item in ns.assignments:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise Usage(f"{item!r} is not FIELD=VALUE (e.g. base_price=12.50)")
            changes[name.strip()] = value
        result = ws.edit(ns.product_id, changes, variant_id=ns.variant)
        done(result.record(), saved_line(result, "saved", _currency(ws, ns.product_id)), ns)
        return 0
    if ns.command == "revert":
        result = ws.revert(ns.product_id, ns.entry)
        verb = f"reverted to entry {ns.entry}"
        done(result.record(), saved_line(result, verb, _currency(ws, ns.product_id)), ns)
        return 0
    entries = ws.history(ns.product_id)
    prices = ws.price_history(ns.product_id)
    if ns.json:
        emit([p.record() for p in prices] if ns.prices else [e.record() for e in entries])
        return 0
    for entry in entries:
        out(history_line(entry))
    if not entries:
        out(f"{ns.product_id}: no history yet")
    if prices:
        out("Prices:")
        for period in prices:
            out(price_line(period))
    return 0


def _currency(ws: Workspace, product_id: str) -> str:
    code = ws.editable(product_id).product.get("currency")
    return str(code).lower() if code else ws.settings.currency


def saved_line(result: EditResult, verb: str, currency: str) -> str:
    """'lamp: saved name 'A' → 'B', base_price_cents $45.00 → $50.00. Nothing was written…'."""
    if not result.changed:
        return f"{result.product_id}: nothing to change: the catalog already holds those values."
    parts = []
    for c in result.changed:
        label = f"variant {c.variant_id} {c.field}" if c.variant_id else c.field
        before, after = _shown(c.field, c.before, currency), _shown(c.field, c.after, currency)
        parts.append(f"{label} {before} → {after}")
    return (
        f"{result.product_id}: {verb} {', '.join(parts)}. Nothing was written to Stripe: "
        f"`plan {result.product_id}` shows what a sync would change."
    )


def _shown(field: str, value: Any, currency: str) -> str:
    if field == "base_price_cents" and isinstance(value, int):
        return format_money(value, currency)
    return repr(value)


def history_line(e: HistoryEntry) -> str:
    """'#17 2026-12-02 12:12 edit by alice: base_price_cents $50.00 → $45.00'."""
    who = f" by {e.user}" if e.user else ""
    where = f" [{e.mode}]" if e.mode else ""
    failed = f" — failed: {e.error}" if e.error else ""
    return f"#{e.id} {e.at:%Y-%m-%d %H:%M:%S} {e.kind}{where}{who}: {e.summary}{failed}"


def price_line(p: PricePeriod) -> str:
    """'  test acct_1…: $45.00 from 2026-12-02 12:12 to now (price_123)'."""
    unit = f" variant {p.variant_id}" if p.variant_id else ""
    until = f"{p.until:%Y-%m-%d %H:%M:%S}" if p.until else "now"
    price = p.stripe_price_id or "price id not recorded"
    return (
        f"  {p.mode} {p.account_id}{unit}: {format_money(p.amount, p.currency)} "
        f"from {p.since:%Y-%m-%d %H:%M:%S} to {until} ({price})"
    )
