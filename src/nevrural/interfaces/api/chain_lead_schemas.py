"""Pydantic schemas of the lead API: leads, offers, contact, test drives, livestreams.

Requests forbid unknown fields and check types and bounds (ids are positive 32-bit
integers, text has a length limit, moments carry a time zone); the use cases check the
meaning and name the field when they refuse. The buyer is always shown masked, except
in ``LeadContactRead`` (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from nevrural.core.service.leads import LeadChannel, LeadState, OfferOutcome
from nevrural.interfaces.api.deps import RecordId

__all__ = [
    "BuyerMaskedRead",
    "LeadClose",
    "LeadContactRead",
    "LeadCreate",
    "LeadDecline",
    "LeadOfferRead",
    "LeadRead",
    "LivestreamCreate",
    "LivestreamRead",
    "TestDriveCancel",
    "TestDriveCreate",
    "TestDriveRead",
    "TestDriveStateName",
]

CountyCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", examples=["130123"])]
TestDriveStateName = Literal["booked", "cancelled", "done"]


def _utc(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC; refused when that leaves the calendar (year 1-9999)."""
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("moment out of range once converted to UTC") from None


Moment = Annotated[AwareDatetime, AfterValidator(_utc)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadCreate(_In):
    """A lead: by a buyer for themself, or by enterprise staff with the buyer's phone."""

    channel: LeadChannel
    consent: bool = Field(
        description="the buyer consents to be contacted about this purchase (required: true)"
    )
    consent_scope: str = Field(
        "contact by the dealer about this purchase", min_length=1, max_length=200
    )
    livestream_id: RecordId | None = Field(None, description="required for channel livestream")
    event_id: RecordId | None = Field(None, description="required for channel event")
    county_code: CountyCode | None = Field(
        None, description="the buyer's county (required when staff submit; a buyer's default)"
    )
    model_id: RecordId | None = None
    brand_id: RecordId | None = Field(None, description="automaker enterprise id")
    phone: str | None = Field(
        None, max_length=20, description="the buyer's mobile number (staff submissions only)"
    )
    name: str | None = Field(None, max_length=40, description="the buyer's name (staff only)")


class LeadDecline(_In):
    """Why the dealer declines the offer."""

    note: str = Field(min_length=1, max_length=300)


class LeadClose(_In):
    """Why the lead is closed (optional)."""

    reason: str | None = Field(None, max_length=300)


class BuyerMaskedRead(BaseModel):
    """The buyer, masked (138****5678)."""

    id: int
    county_code: str
    name: str | None
    phone: str | None
    id_card_no: str | None
    erased: bool


class LeadOfferRead(BaseModel):
    """One offer of a lead to a dealer; distance great-circle, km."""

    id: int
    lead_id: int
    dealer_id: int
    distance_km: float
    reason: str
    offered_at: dt.datetime
    deadline_at: dt.datetime
    outcome: OfferOutcome
    decided_at: dt.datetime | None
    note: str | None


class LeadRead(BaseModel):
    """A lead as the caller may see it; a dealer sees only its own offers."""

    id: int
    state: LeadState
    channel: LeadChannel
    livestream_id: int | None
    event_id: int | None
    county_code: str
    model_id: int | None
    brand_id: int | None
    dealer_id: int | None
    consent_scope: str
    consent_at: dt.datetime
    created_at: dt.datetime
    closed_at: dt.datetime | None
    deadline_at: dt.datetime | None = Field(description="when the pending offer expires")
    buyer: BuyerMaskedRead | None
    offers: list[LeadOfferRead]
    allowed_actions: list[str]


class LeadContactRead(BaseModel):
    """The buyer's unmasked contact (this read is written to the audit log)."""

    buyer_id: int
    name: str | None
    phone: str | None
    erased: bool


class TestDriveCreate(_In):
    """A booking at a dealer (or at one of its campaign events) for a future slot."""

    __test__ = False  # not a pytest test class, despite its name

    dealer_id: RecordId
    model_id: RecordId
    slot_at: Moment
    event_id: RecordId | None = None
    lead_id: RecordId | None = None


class TestDriveCancel(_In):
    """Why the test drive is cancelled (optional)."""

    __test__ = False

    reason: str | None = Field(None, max_length=300)


class TestDriveRead(BaseModel):
    """A test drive; the buyer masked."""

    __test__ = False

    id: int
    state: TestDriveStateName
    dealer_id: int
    model_id: int
    lead_id: int | None
    event_id: int | None
    county_code: str
    slot_at: dt.datetime
    created_at: dt.datetime
    buyer: BuyerMaskedRead | None
    allowed_actions: list[str]


class LivestreamCreate(_In):
    """A livestream session of the caller's enterprise."""

    title_zh: str = Field(min_length=1, max_length=120)
    county_code: CountyCode
    starts_at: Moment
    ends_at: Moment


class LivestreamRead(BaseModel):
    """A livestream session."""

    id: int
    enterprise_id: int
    title_zh: str
    county_code: str
    starts_at: dt.datetime
    ends_at: dt.datetime
