"""Whether a product is for sale, said in one plain sentence the window, the command line and the
README share.

The rule itself is `off_sale_reasons` (sell status internal, not live, dev status below 5 unless
live), which `ProductSyncInput.not_for_sale_reason` and the sync go by; the sentence puts it
into words, with what a sync then does:

- off sale because of the sell status or the live flag: a sync archives the product in Stripe
  (and creates nothing if Stripe does not have it);
- off sale only because it is not ready yet (a dev status below 5, or no price): a sync leaves it
  alone, creating nothing and changing nothing Stripe already has;
- sold out (sell status `sold-out`, or as many sold as there are): still for sale. Neither the sync
  nor Stripe counts stock, so the product stays active and its links can still sell it; setting
  the sell status to internal is what archives it.
"""

from __future__ import annotations

from typing import Literal

from core.domain.models import READY_DEV_STATUS

OffSale = Literal["internal", "not_live", "dev_status"]

LEAVES_ALONE = (
    "A sync leaves it alone until it is ready: nothing is created, and what Stripe already has "
    "is not changed."
)
ARCHIVES = "A sync archives it in Stripe (and creates nothing if Stripe does not have it)."
SOLD_OUT_STAYS = (
    "still for sale in Stripe: neither the sync nor Stripe counts stock, so the product stays "
    "active and its links can still sell it. Set the sell status to internal to archive it."
)


def off_sale_reasons(
    sell_status: str | None, is_live: bool | None, dev_status: int | None
) -> list[OffSale]:
    """The one rule for whether a product is for sale: every reason it is not, in this order
    (an empty list: for sale). `ProductSyncInput.not_for_sale_reason` and the sync go by it.

    Sell status `internal`; `is_live` False; a `dev_status` below 5 (the seed syncs only products
    "ready to sell", dev_status 5) unless `is_live` is True. Nothing here looks at stock: a
    sold-out product is still for sale.
    """
    reasons: list[OffSale] = []
    if sell_status == "internal":
        reasons.append("internal")
    if is_live is False:
        reasons.append("not_live")
    if dev_status is not None and dev_status < READY_DEV_STATUS and not is_live:
        reasons.append("dev_status")
    return reasons


def waits_for_dev_status(reasons: list[OffSale]) -> bool:
    """Whether a product off sale for `reasons` is only *not ready yet* (a dev status below 5,
    not internal): a sync then leaves it alone instead of archiving it."""
    return "dev_status" in reasons and "internal" not in reasons


def dev_status_words(dev_status: int | None) -> str:
    """A dev status against the one that sells: "3 of 5" ("" when there is none)."""
    return "" if dev_status is None else f"{dev_status} of {READY_DEV_STATUS}"


def stock_text(sold: int | None, max_quantity: int | None) -> str:
    """Stock as a cell shows it: "137 / 500"; "137 sold" without a maximum; "" when unknown.
    With a maximum and no count sold, none is sold yet (as a variant's stock counts it)."""
    if max_quantity is None:
        return "" if sold is None else f"{sold} sold"
    return f"{sold or 0} / {max_quantity}"


def is_sold_out(sell_status: str | None, sold: int | None, max_quantity: int | None) -> bool:
    """Whether the product is sold out: its sell status says so, or as many are sold as there
    are."""
    return sell_status == "sold-out" or (max_quantity is not None and (sold or 0) >= max_quantity)


def _reason_words(reason: OffSale, dev_status: int | None) -> str:
    if reason == "internal":
        return "sell status internal"
    if reason == "not_live":
        return "not live"
    return f"dev status {dev_status_words(dev_status)} (needs {READY_DEV_STATUS})"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def for_sale_sentence(
    sell_status: str | None,
    is_live: bool | None,
    dev_status: int | None,
    *,
    sold: int | None = None,
    max_quantity: int | None = None,
    priced: bool = True,
) -> str:
    """Why a catalog product is or is not for sale, and what a sync does about it, e.g.
    "For sale: sell status available, dev status 5 of 5, live; 137 of 500 sold." or
    "Not for sale: dev status 3 of 5 (needs 5) and not live. A sync leaves it alone …".

    `priced`: whether the product has a price (without one it is not ready to sell either).
    """
    reasons = off_sale_reasons(sell_status, is_live, dev_status)
    # Said in the order a maker reads the row: sell status, dev status, live.
    order: tuple[OffSale, ...] = ("internal", "dev_status", "not_live")
    why = [_reason_words(r, dev_status) for r in order if r in reasons]
    if not priced:
        why.append("no price yet")
    if why:
        then = LEAVES_ALONE if not priced or waits_for_dev_status(reasons) else ARCHIVES
        return f"Not for sale: {_joined(why)}. {then}"
    stock = stock_text(sold, max_quantity)
    if is_sold_out(sell_status, sold, max_quantity):
        said = [f"sell status {sell_status}"] if sell_status == "sold-out" else []
        if max_quantity is not None:
            said.append(f"{sold or 0} of {max_quantity} sold")
        return f"Sold out ({', '.join(said)}), but {SOLD_OUT_STAYS}"
    parts = [f"sell status {sell_status}"]
    if dev_status is not None:
        dev = f"dev status {dev_status_words(dev_status)}"
        parts.append(f"{dev} but live" if dev_status < READY_DEV_STATUS else dev)
    if is_live and (dev_status is None or dev_status >= READY_DEV_STATUS):
        parts.append("live")
    sentence = f"For sale: {', '.join(parts)}"
    if max_quantity is not None:
        sentence += f"; {sold or 0} of {max_quantity} sold"
    elif stock:
        sentence += f"; {stock}"
    return sentence + "."
