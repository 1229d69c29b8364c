"""The Adopt dialog's words: what adopting does, how a link was found, what a link reuses, and why
products named alike are left for a link by hand. One place, so the dialog and the window agree."""

from __future__ import annotations

from core.workspace import Ambiguous, Match

NOTHING_WRITTEN = (
    "Nothing is written to Stripe: the tool only records which Stripe product is which catalog "
    "product, and Stripe's current values as the starting point."
)

MATCHED_BY = {
    "name": "same name",
    "id": "its id",
    "metadata": "its local_id tag",
    "hand": "linked by hand",
}

_COUNT_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def prices_text(match: Match) -> str:
    """How many Stripe prices a link reuses, in words."""
    count = len(match.prices)
    if count == 0:
        return "none (the next sync adds one)"
    return f"{count} price" + ("" if count == 1 else "s")


def ambiguous_line(name: str, items: list[Ambiguous]) -> str:
    """Why some Stripe products named alike are not linked, and what to do."""
    if len(items) > 1:
        count = _COUNT_WORDS.get(len(items), str(len(items)))
        return f"{count} Stripe products are named “{name}”: link the right one by hand."
    shared = len(items[0].candidates)
    return (
        f"{shared} catalog products are named like the Stripe product “{name}”: link it to the "
        "right one by hand."
    )
