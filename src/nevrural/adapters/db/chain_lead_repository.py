"""Lead storage in SQL: leads, their offers to dealers, and test drives.

Never commits. Every answer is one conditional ``UPDATE`` (an offer only while it is
pending, a lead only while it is in the expected state), so concurrent answers, sweeps
and closings cannot both apply. Bulk updates skip session synchronisation, so reads of
ORM rows use ``populate_existing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVarTuple

from sqlalchemy import func, select, update

from nevrural.adapters.db.chain_repository_base import count_affected, to_record
from nevrural.adapters.db.chain_rows import BuyerRow, LeadOfferRow, LeadRow, TestDriveRow
from nevrural.services.chain_lead_ports import LeadOfferRecord, LeadRecord, TestDriveRecord
from nevrural.services.chain_ports import BuyerRecord

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from sqlalchemy.orm import Session
    from sqlalchemy.sql import Select

__all__ = ["SqlLeadRepository"]

_Ts = TypeVarTuple("_Ts")
_FRESH: dict[str, Any] = {"populate_existing": True}
_NO_SYNC: dict[str, Any] = {"synchronize_session": False}
# Lead states that hold a dealer's attention (count against its lead capacity).
_OPEN_STATES = ("offered", "accepted")
_CONVERTED = "converted"
_PENDING = "pending"
_EXPIRED = "expired"


def _leads_scoped(
    query: Select[*_Ts],
    *,
    buyer_id: int | None,
    dealer_id: int | None,
    county_prefix: str | None,
    state: str | None,
) -> Select[*_Ts]:
    """``query`` limited to leads matching every given filter."""
    if buyer_id is not None:
        query = query.where(LeadRow.buyer_id == buyer_id)
    if dealer_id is not None:
        query = query.where(LeadRow.dealer_id == dealer_id)
    if county_prefix is not None:
        query = query.where(LeadRow.county_code.startswith(county_prefix, autoescape=True))
    if state is not None:
        query = query.where(LeadRow.state == state)
    return query


class SqlLeadRepository:
    """Leads, lead offers and test drives through one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

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
        """Store a lead given consent at ``now``; returns it with its id."""
        row = LeadRow(
            buyer_id=buyer_id,
            channel=channel,
            livestream_id=livestream_id,
            event_id=event_id,
            county_code=county_code,
            model_id=model_id,
            brand_id=brand_id,
            state=state,
            dealer_id=dealer_id,
            consent_scope=consent_scope,
            consent_at=now,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return to_record(LeadRecord, row)

    def get(self, lead_id: int) -> LeadRecord | None:
        """One lead, or None."""
        row = self._session.get(LeadRow, lead_id, populate_existing=True)
        return to_record(LeadRecord, row) if row is not None else None

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
        """Set state and dealer if the lead is in ``from_states`` (and with ``held_by``)."""
        query = update(LeadRow).where(LeadRow.id == lead_id, LeadRow.state.in_(list(from_states)))
        if held_by is not None:
            query = query.where(LeadRow.dealer_id == held_by)
        values: dict[str, Any] = {"state": to_state, "dealer_id": dealer_id}
        if closed_at is not None:
            values["closed_at"] = closed_at
        result = self._session.execute(query.values(**values).execution_options(**_NO_SYNC))
        return count_affected(result) == 1

    def mark_converted(self, lead_id: int, now: dt.datetime) -> None:
        """CONVERTED and closed at ``now``; a pending offer is settled as expired."""
        self._session.execute(
            update(LeadRow)
            .where(LeadRow.id == lead_id, LeadRow.state != _CONVERTED)
            .values(state=_CONVERTED, closed_at=now)
            .execution_options(**_NO_SYNC)
        )
        self._session.execute(
            update(LeadOfferRow)
            .where(LeadOfferRow.lead_id == lead_id, LeadOfferRow.outcome == _PENDING)
            .values(outcome=_EXPIRED, decided_at=now, note="lead converted to an order")
            .execution_options(**_NO_SYNC)
        )

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
        """Store a pending offer; returns it with its id."""
        row = LeadOfferRow(
            lead_id=lead_id,
            dealer_id=dealer_id,
            distance_km=distance_km,
            reason=reason[:300],
            offered_at=offered_at,
            deadline_at=deadline_at,
            outcome=_PENDING,
        )
        self._session.add(row)
        self._session.flush()
        return to_record(LeadOfferRecord, row)

    def decide_offer(
        self, offer_id: int, *, outcome: str, now: dt.datetime, note: str | None = None
    ) -> bool:
        """Answer the offer if it is still pending; False when it was answered already."""
        result = self._session.execute(
            update(LeadOfferRow)
            .where(LeadOfferRow.id == offer_id, LeadOfferRow.outcome == _PENDING)
            .values(outcome=outcome, decided_at=now, note=note)
            .execution_options(**_NO_SYNC)
        )
        return count_affected(result) == 1

    def pending_offer(self, lead_id: int) -> LeadOfferRecord | None:
        """The lead's pending offer (the newest, should there be two), or None."""
        query = (
            select(LeadOfferRow)
            .where(LeadOfferRow.lead_id == lead_id, LeadOfferRow.outcome == _PENDING)
            .order_by(LeadOfferRow.id.desc())
            .limit(1)
        )
        row = self._session.scalar(query.execution_options(**_FRESH))
        return to_record(LeadOfferRecord, row) if row is not None else None

    def offers_of(self, lead_ids: Sequence[int]) -> dict[int, list[LeadOfferRecord]]:
        """The offers of each lead, oldest first, in one query."""
        found: dict[int, list[LeadOfferRecord]] = {lead_id: [] for lead_id in lead_ids}
        if not found:
            return found
        query = (
            select(LeadOfferRow)
            .where(LeadOfferRow.lead_id.in_(list(found)))
            .order_by(LeadOfferRow.lead_id, LeadOfferRow.id)
        )
        for row in self._session.scalars(query.execution_options(**_FRESH)):
            found[row.lead_id].append(to_record(LeadOfferRecord, row))
        return found

    def expired_offers(self, now: dt.datetime, limit: int = 200) -> list[LeadOfferRecord]:
        """Pending offers with a deadline before ``now``, oldest deadline first."""
        query = (
            select(LeadOfferRow)
            .where(LeadOfferRow.outcome == _PENDING, LeadOfferRow.deadline_at < now)
            .order_by(LeadOfferRow.deadline_at, LeadOfferRow.id)
            .limit(limit)
        )
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return [to_record(LeadOfferRecord, r) for r in rows]

    def open_counts(self, dealer_ids: Sequence[int]) -> dict[int, int]:
        """Leads offered to or accepted by each dealer (one grouped query); 0 for none."""
        counts = dict.fromkeys(dealer_ids, 0)
        if not counts:
            return counts
        query = (
            select(LeadRow.dealer_id, func.count(LeadRow.id))
            .where(LeadRow.dealer_id.in_(list(counts)), LeadRow.state.in_(_OPEN_STATES))
            .group_by(LeadRow.dealer_id)
        )
        for dealer_id, count in self._session.execute(query):
            if dealer_id is not None:  # excluded by the IN filter; narrows the type
                counts[dealer_id] = int(count)
        return counts

    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many leads are in each state (states with none left out)."""
        query = _leads_scoped(
            select(LeadRow.state, func.count(LeadRow.id)),
            buyer_id=None,
            dealer_id=dealer_id,
            county_prefix=county_prefix,
            state=None,
        ).group_by(LeadRow.state)
        return {str(state): int(count) for state, count in self._session.execute(query)}

    def buyers(self, buyer_ids: Sequence[int]) -> dict[int, BuyerRecord]:
        """The buyers with these ids, in one query (missing ids left out)."""
        ids = sorted(set(buyer_ids))
        if not ids:
            return {}
        query = select(BuyerRow).where(BuyerRow.id.in_(ids))
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return {r.id: to_record(BuyerRecord, r) for r in rows}

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
    ) -> TestDriveRecord:
        """Store a test drive booking; returns it with its id."""
        row = TestDriveRow(
            buyer_id=buyer_id,
            dealer_id=dealer_id,
            model_id=model_id,
            lead_id=lead_id,
            event_id=event_id,
            county_code=county_code,
            slot_at=slot_at,
            state=state,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return to_record(TestDriveRecord, row)

    def test_drive(self, test_drive_id: int) -> TestDriveRecord | None:
        """One test drive, or None."""
        row = self._session.get(TestDriveRow, test_drive_id, populate_existing=True)
        return to_record(TestDriveRecord, row) if row is not None else None

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
        query = select(TestDriveRow)
        if buyer_id is not None:
            query = query.where(TestDriveRow.buyer_id == buyer_id)
        if dealer_id is not None:
            query = query.where(TestDriveRow.dealer_id == dealer_id)
        if county_prefix is not None:
            query = query.where(TestDriveRow.county_code.startswith(county_prefix, autoescape=True))
        if state is not None:
            query = query.where(TestDriveRow.state == state)
        query = query.order_by(TestDriveRow.slot_at, TestDriveRow.id).limit(limit).offset(offset)
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return [to_record(TestDriveRecord, r) for r in rows]

    def move_test_drive(self, test_drive_id: int, *, from_state: str, to_state: str) -> bool:
        """Change the state if it is still ``from_state``; False when it moved meanwhile."""
        result = self._session.execute(
            update(TestDriveRow)
            .where(TestDriveRow.id == test_drive_id, TestDriveRow.state == from_state)
            .values(state=to_state)
            .execution_options(**_NO_SYNC)
        )
        return count_affected(result) == 1

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
        query = _leads_scoped(
            select(LeadRow),
            buyer_id=buyer_id,
            dealer_id=dealer_id,
            county_prefix=county_prefix,
            state=state,
        )
        query = query.order_by(LeadRow.id.desc()).limit(limit).offset(offset)
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return [to_record(LeadRecord, r) for r in rows]
