"""Test before live, side by side: what the tool last wrote for a product in test mode and in live
mode of one Stripe account, and what differs between the two. Pure."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from core.catalog.snapshots import Snapshot


class ModeDifference(BaseModel):
    """One owned field whose last-written value differs between test and live."""

    model_config = ConfigDict(frozen=True)

    field: str
    test: str | None
    live: str | None


class ModeComparison(BaseModel):
    """A product's last sync in test and in live mode (None: never synced there)."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    account_id: str
    test_synced_at: datetime | None = None
    live_synced_at: datetime | None = None
    differences: list[ModeDifference] = Field(default_factory=list)

    @property
    def same(self) -> bool:
        """Whether live holds what test holds (both synced, nothing different)."""
        return bool(self.test_synced_at and self.live_synced_at) and not self.differences

    def describe(self) -> str:
        """One line in plain words."""
        if self.test_synced_at is None and self.live_synced_at is None:
            return f"{self.product_id}: never synced to test or live mode"
        if self.test_synced_at is None:
            return f"{self.product_id}: in live mode, never tried in test mode"
        if self.live_synced_at is None:
            return f"{self.product_id}: tried in test mode, not in live mode yet"
        if not self.differences:
            return f"{self.product_id}: live holds what test holds"
        fields = ", ".join(d.field for d in self.differences)
        return f"{self.product_id}: test and live differ in {fields}"

    def record(self) -> dict[str, object]:
        """JSON-ready data."""
        return {
            "id": self.product_id,
            "account_id": self.account_id,
            "test_synced_at": self.test_synced_at.isoformat() if self.test_synced_at else None,
            "live_synced_at": self.live_synced_at.isoformat() if self.live_synced_at else None,
            "differences": [d.model_dump() for d in self.differences],
        }


def compare(
    product_id: str, account_id: str, test: Snapshot | None, live: Snapshot | None
) -> ModeComparison:
    """Compare the two modes' last-written values of one product."""
    differences: list[ModeDifference] = []
    if test is not None and live is not None:
        for field in sorted(set(test.fields) | set(live.fields)):
            a, b = test.fields.get(field), live.fields.get(field)
            if a != b:
                differences.append(ModeDifference(field=field, test=a, live=b))
    return ModeComparison(
        product_id=product_id,
        account_id=account_id,
        test_synced_at=test.synced_at if test is not None else None,
        live_synced_at=live.synced_at if live is not None else None,
        differences=differences,
    )
