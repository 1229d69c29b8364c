"""The workspace's side of the Stripe mirror: which file, who made each change, what to say.

`status`, `plan` and a sync's first read take Stripe's side from the mirror (`core.engine.mirror`,
one file per account and mode in the user data folder), brought up to date from Stripe's events by
`core.engine.refresh.refresh_remote`. After a full read, a refresh that finds k changes costs
ceil(k/100) requests, plus the account check a fresh process makes. A sync still re-reads what it
is about to write when someone wrote it since (`core.workspace.writes`); the tool's own writes come
back as events on the next refresh, attributed to it.

Attribution: a change is "this tool" when Stripe's request id for it is in the journal (every
write is journaled with its request id), or when its idempotency key is of the tool's own recipe
(`ssa1-…`; keys are not journaled, but no one else makes keys of that shape — this also covers a
write another process of the tool made whose journal row is not written yet); else "elsewhere".
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from core import paths
from core.catalog.store import CatalogStore
from core.domain.text import terminal_safe
from core.engine.events import AppliedEvent
from core.engine.gateway import StripeGateway
from core.engine.mirror import StripeMirror
from core.engine.refresh import Refresh, refresh_remote
from core.engine.types import AccountInfo, RemoteCatalog
from core.reconcile.report import change_record
from core.reconcile.rows import FieldChange, StripeChange

__all__ = ["MirrorKeeper", "StripeChange", "StripeRefresh", "change_record", "stripe_change"]

log = logging.getLogger(__name__)

# How many request ids one journal query looks up (well under any database's parameter limit).
_CHUNK = 500


def _to_stderr(text: str) -> None:
    sys.stderr.write(terminal_safe(text) + "\n")


# Where a refresh says why it fell back to a full read, or what would make it cheaper (the command
# line's stderr; the window reads `Workspace.last_refresh` instead).
refresh_notice: Callable[[str], None] = _to_stderr


@dataclass(frozen=True)
class StripeRefresh:
    """What bringing Stripe's side up to date did (see `Workspace.refresh_stripe`).

    `summary`: "full read", "events: 3 changes" or "fell back to a full read because …";
    `notice`: what would make refreshes cheaper, if anything; `changes`: what the events showed,
    oldest first (none after a full read); `requests`: the requests it sent.
    """

    summary: str
    full: bool
    requests: int
    reason: str | None = None
    notice: str | None = None
    changes: list[StripeChange] = field(default_factory=list)


def stripe_change(done: AppliedEvent) -> StripeChange:
    """An applied event in the rows' words."""
    event = done.event
    return StripeChange(
        at=datetime.fromtimestamp(event.created, UTC),
        by="this tool" if done.by_tool else "elsewhere",
        object=event.kind,
        id=event.object_id,
        change=event.change,
        product_id=event.product_id,
        local_id=done.local_id or None,
        fields={name: FieldChange(old=c.old, new=c.new) for name, c in done.fields.items()},
        event_id=event.id,
    )


class MirrorKeeper:
    """One workspace's mirror: opened for its account and mode on first use."""

    def __init__(self, catalog: CatalogStore, mode: str) -> None:
        self._catalog = catalog
        self._mode = mode
        self._mirror: StripeMirror | None = None
        self._account_id: str | None = None
        self.last: StripeRefresh | None = None
        self._said: set[str] = set()  # each notice once per workspace, not on every refresh

    def _open(self, account: AccountInfo) -> StripeMirror:
        if self._mirror is None or self._account_id != account.id:
            self.close()
            self._mirror = StripeMirror(paths.mirror_file(account.id, self._mode))
            self._account_id = account.id
        return self._mirror

    def forget(self, account_id: str) -> None:
        """Drop the mirror of one account in this mode (its Stripe was replaced, e.g. a sandbox
        started afresh): the next read is a full one."""
        self.close()
        path = paths.mirror_file(account_id, self._mode)
        for leftover in (path, *path.parent.glob(path.name + "-*")):
            leftover.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the mirror file."""
        if self._mirror is not None:
            self._mirror.close()
            self._mirror = None

    def refresh(
        self, gateway: StripeGateway, account: AccountInfo, *, full: bool = False
    ) -> tuple[Refresh, StripeRefresh]:
        """Bring the mirror up to date (events, or a full read) and say what happened."""
        done = refresh_remote(
            gateway,
            self._open(account),
            full=full,
            ours=self._ours,
            options_matter=self._sells_in_other_currencies(),
        )
        said = StripeRefresh(
            summary=done.summary,
            full=done.full,
            requests=done.requests,
            reason=done.reason,
            notice=done.notice,
            changes=[stripe_change(a) for a in done.applied],
        )
        self.last = said
        for text in (f"Stripe was read in full: {done.reason}." if done.reason else None,
                     done.notice):  # fmt: skip
            if text and text not in self._said:
                self._said.add(text)
                log.info("%s", text)
                refresh_notice(text)
        return done, said

    def _sells_in_other_currencies(self) -> bool:
        """Whether the catalog has any amount in another currency (then a price an event made or
        changed is read on its own, for its currency_options)."""
        table = self._catalog.amounts_table
        with self._catalog.engine.connect() as conn:
            return conn.execute(sa.select(table.c[0]).limit(1)).first() is not None

    def remote(
        self, gateway: StripeGateway, account: AccountInfo, *, full: bool = False
    ) -> RemoteCatalog:
        """Stripe's catalog as the mirror holds it once brought up to date."""
        return self.refresh(gateway, account, full=full)[0].catalog

    def changes(self, account: AccountInfo) -> Mapping[str, StripeChange]:
        """Stripe product id → the newest change made to it elsewhere than this tool."""
        kept = self._open(account).external_changes()
        return {pid: stripe_change(done) for pid, done in kept.items()}

    def _ours(self, request_ids: Collection[str]) -> set[str]:
        """Which of these Stripe request ids the journal holds (writes this tool made)."""
        table = self._catalog.journal_table
        wanted = sorted(request_ids)
        found: set[str] = set()
        with self._catalog.engine.connect() as conn:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = sa.select(table.c.request_id).where(table.c.request_id.in_(chunk))
                found.update(str(row[0]) for row in conn.execute(query))
        return found
