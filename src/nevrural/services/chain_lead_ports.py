"""Ports of the lead side of the service chain: leads, their offers to dealers, test drives.

A lead is offered to one dealer at a time. Each answer is one conditional statement in
the adapter (``UPDATE lead_offers … WHERE id = ? AND outcome = 'pending'``, and for the
lead ``… WHERE id = ? AND state = ?``), so of a dealer's answer, a sweep of expired
offers and the buyer closing the lead, only one applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from nevrural.services.chain_ports import BuyerRecord

__all__ = [
    "LeadOfferRecord",
    "LeadRecord",
    "LeadRepository",
    "TestDriveRecord",
]


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """A sales lead: where it came from, what it wants, the consent, who holds it now."""

    id: int
    buyer_id: int
    channel: str
    livestream_id: int | None
    event_id: int | None
    county_code: str
    model_id: int | None
    brand_id: int | None
    state: str
    dealer_id: int | None
    consent_scope: str
    consent_at: dt.datetime
    created_at: dt.datetime
    closed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LeadOfferRecord:
    """One offer of a lead to a dealer (great-circle distance, km) and what became of it."""

    id: int
    lead_id: int
    dealer_id: int
    distance_km: float
    reason: str
    offered_at: dt.datetime
    deadline_at: dt.datetime
    outcome: str
    decided_at: dt.datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class TestDriveRecord:
    """A test drive booked at a dealer (or at a campaign event) for a moment."""

    __test__ = False  # not a pytest test class, despite its name

    id: int
    buyer_id: int
    dealer_id: int
    model_id: int
    lead_id: int | None
    event_id: int | None
    county_code: str
    slot_at: dt.datetime
    state: str
    created_at: dt.datetime


class LeadRepository(Protocol):
    """Leads, lead offers and test drives. Never commits."""

    def add(
        self,
        *,
        buyer_id: int,
        channel: str,
        livestream_id: int | None,
        event_id: int | None,
        county_code: str,
        model_id: int | None,
        brand_id: int | None,
        state: str,
        dealer_id: int | None,
        consent_scope: str,
        now: dt.datetime,
    ) -> LeadRecord:
        """Store a lead given consent at ``now`` (also its creation time)."""

    def get(self, lead_id: int) -> LeadRecord | None: ...
    def move(
        self,
        lead_id: int,
        *,
        from_states: Sequence[str],
        to_state: str,
        dealer_id: int | None,
        held_by: int | None = None,
        closed_at: dt.datetime | None = None,
    ) -> bool:
        """Set state and dealer if the lead is in one of ``from_states`` (and, when
        ``held_by`` is given, still with that dealer); False when it moved meanwhile."""

    def mark_converted(self, lead_id: int, now: dt.datetime) -> None:
        """The lead became an order: CONVERTED, closed at ``now``, pending offers settled."""

    def add_offer(
        self,
        *,
        lead_id: int,
        dealer_id: int,
        distance_km: float,
        reason: str,
        offered_at: dt.datetime,
        deadline_at: dt.datetime,
    ) -> LeadOfferRecord:
        """Store a pending offer of the lead to the dealer."""

    def decide_offer(
        self, offer_id: int, *, outcome: str, now: dt.datetime, note: str | None = None
    ) -> bool:
        """Answer a pending offer (one conditional UPDATE); False when it was answered."""

    def pending_offer(self, lead_id: int) -> LeadOfferRecord | None:
        """The lead's pending offer, or None."""

    def offers_of(self, lead_ids: Sequence[int]) -> dict[int, list[LeadOfferRecord]]:
        """The offers of each lead, oldest first (every given lead is a key)."""

    def expired_offers(self, now: dt.datetime, limit: int = 200) -> list[LeadOfferRecord]:
        """Pending offers whose deadline is before ``now``, oldest deadline first."""

    def open_counts(self, dealer_ids: Sequence[int]) -> dict[int, int]:
        """Open leads (offered to or accepted by) each dealer; 0 for none."""

    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]: ...
    def buyers(self, buyer_ids: Sequence[int]) -> dict[int, BuyerRecord]:
        """The buyers of some leads or test drives, in one query."""

    def add_test_drive(
        self,
        *,
        buyer_id: int,
        dealer_id: int,
        model_id: int,
        lead_id: int | None,
        event_id: int | None,
        county_code: str,
        slot_at: dt.datetime,
        state: str,
        now: dt.datetime,
    ) -> TestDriveRecord: ...
    def test_drive(self, test_drive_id: int) -> TestDriveRecord | None: ...
    def test_drives(
        self,
        *,
        buyer_id: int | None = None,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[TestDriveRecord]:
        """Test drives matching every given filter, by slot then id."""

    def move_test_drive(self, test_drive_id: int, *, from_state: str, to_state: str) -> bool:
        """Change the state if it is still ``from_state``; False when it moved meanwhile."""

    def list(
        self,
        *,
        buyer_id: int | None = None,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[LeadRecord]:
        """Leads matching every given filter, newest first."""
