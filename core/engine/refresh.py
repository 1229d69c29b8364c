"""Refreshing the mirror: the events since its cursor, or a full read when they cannot serve.

After a full read, a refresh that finds k changes costs ceil(k/100) list requests (one when there is
none), whatever the catalog's size; the caller's account check makes it ceil(k/100) + 2 at most for
a fresh process. A full read is made when asked (Refresh all), when the mirror is empty, when
events cannot be listed (a restricted key without rak_event_read), when the cursor is gone (older
than the 30 days Stripe keeps events) or the mirror was not refreshed for 29 days.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from core.engine.events import AppliedEvent, CursorExpiredError, events_since, newest_event
from core.engine.fetch import fetch_remote
from core.engine.gateway import StripeGateway
from core.engine.mirror import Ours, StripeMirror
from core.engine.types import RemoteCatalog
from core.errors import StripePermissionError

# Stripe keeps events 30 days (stripe-facts §4.9); a mirror not brought up to date for longer may
# have missed some, so it is read in full (a day's margin for clocks that disagree).
STALE_AFTER_S = 29 * 24 * 3600
NO_EVENT_READ = (
    "Events could not be read with this key: give it 'Events: Read' (rak_event_read) "
    "to make refreshes cheaper"
)
EXPIRED = "the last change it saw is older than the 30 days Stripe keeps events"
STALE = "it was last brought up to date more than 29 days ago (Stripe keeps events 30 days)"
# Another process refreshing the same mirror at the same moment: go on from its cursor, a few times.
_RACES = 5


@dataclass(frozen=True)
class Refresh:
    """What a refresh did: the catalog as now known, how it was read and what changed.

    `full`: everything was read (`reason` says why when the caller did not ask for it and the
    mirror was not empty); else the events since the cursor were applied (`applied`, oldest
    first). `notice`: what would make refreshes cheaper (events not readable), if anything.
    `requests`: the requests the refresh sent.
    """

    catalog: RemoteCatalog
    full: bool
    applied: list[AppliedEvent]
    requests: int
    reason: str | None = None
    notice: str | None = None

    @property
    def summary(self) -> str:
        """One line: "full read", "events: 3 changes" or "fell back to a full read because …"."""
        if self.full:
            return f"fell back to a full read because {self.reason}" if self.reason else "full read"
        count = len(self.applied)
        return f"events: {count} change{'' if count == 1 else 's'}"


def _no_one(_ids: Collection[str]) -> Collection[str]:
    return ()


def refresh_remote(
    gateway: StripeGateway,
    mirror: StripeMirror,
    *,
    full: bool = False,
    ours: Ours = _no_one,
    clock: Callable[[], float] = time.time,
    options_matter: bool = False,
) -> Refresh:
    """Bring `mirror` up to date with Stripe and return the catalog it holds.

    After a full read, k changes cost ceil(k/100) list requests (one when there is none). A full
    read is made when asked (`full`: Refresh all), when the mirror is empty, when events cannot
    be listed (a restricted key without rak_event_read), when the cursor is gone (older than
    Stripe's 30 days) or the mirror was not refreshed for 29 days. A full read notes the newest
    event *before* reading, so a change made during the read is applied again later: harmless.
    `ours`: which request ids this tool made (the journal), for attribution. `options_matter`:
    the catalog sells in other currencies, so a price an event made or changed is read on its
    own (one request each), since events do not show its currency_options.
    """
    before = gateway.stats.reads
    state = mirror.state()
    reason: str | None = None
    if not full and state.filled:
        if not state.events_readable:
            reason = NO_EVENT_READ[0].lower() + NO_EVENT_READ[1:]
        elif clock() - state.refreshed_at > STALE_AFTER_S:
            reason = STALE
        else:
            try:
                applied = _follow(gateway, mirror, state.cursor, ours, clock)
            except CursorExpiredError:
                reason = EXPIRED
            except StripePermissionError:
                reason = NO_EVENT_READ[0].lower() + NO_EVENT_READ[1:]
            else:
                if options_matter:
                    _read_unknown_options(gateway, mirror, applied)
                reads = gateway.stats.reads - before
                return Refresh(mirror.catalog(reads), False, applied, reads)
    notice: str | None = None
    try:
        newest = newest_event(gateway)
        readable = True
    except StripePermissionError:
        newest, readable, notice = None, False, NO_EVENT_READ + "."
    remote = fetch_remote(gateway)
    mirror.replace(remote, cursor=newest, events_readable=readable, at=clock())
    reads = gateway.stats.reads - before
    return Refresh(mirror.catalog(reads), True, [], reads, reason=reason, notice=notice)


def _read_unknown_options(
    gateway: StripeGateway, mirror: StripeMirror, applied: list[AppliedEvent]
) -> None:
    touched = [a.event.object_id for a in applied if a.event.kind == "price"]
    missing = mirror.unknown_options(list(dict.fromkeys(touched)))
    fresh = [p for p in (gateway.retrieve_price(i) for i in missing) if p is not None]
    if fresh:
        mirror.put_prices(fresh)


def _follow(
    gateway: StripeGateway,
    mirror: StripeMirror,
    cursor: str | None,
    ours: Ours,
    clock: Callable[[], float],
) -> list[AppliedEvent]:
    applied: list[AppliedEvent] = []
    for _ in range(_RACES):
        raced = False
        for page in events_since(gateway, cursor):
            done = mirror.apply(page, expected=cursor, ours=ours, at=clock())
            if done is None:  # another process moved the cursor: go on from there
                raced = True
                break
            applied.extend(done)
            cursor = page[-1].id if page else cursor
        if not raced:
            return applied
        cursor = mirror.state().cursor
    return applied
