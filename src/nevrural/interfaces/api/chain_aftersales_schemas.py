"""Request and response bodies of after-sales tickets, trade-ins and service points.

Requests forbid unknown fields; ids are positive 32-bit integers, texts have maximum
lengths, money is CNY with at most two decimals. Responses give money as CNY text with
two decimals and moments as ISO 8601 with the UTC offset; buyers appear masked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from nevrural.interfaces.api.deps import RecordId

__all__ = [
    "BuyerMaskedRead",
    "OldVehicleIn",
    "ServicePointRead",
    "TicketActionCreate",
    "TicketContactRead",
    "TicketCreate",
    "TicketRead",
    "TradeInActionCreate",
    "TradeInCreate",
    "TradeInRead",
]

Note = Annotated[str, Field(min_length=1, max_length=500)]
MoneyText = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["12000.00"])]
Severity = Literal["breakdown", "repair", "routine"]
TicketState = Literal["open", "unassigned", "in_progress", "resolved", "closed"]
TradeInKind = Literal["scrappage", "replacement"]
TradeInState = Literal[
    "submitted",
    "appraised",
    "certified",
    "claim_submitted",
    "claim_approved",
    "claim_paid",
    "rejected",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(_Request):
    """A buyer's after-sales request; without ``lon``/``lat`` the county seat is used."""

    severity: Severity = Field(
        description="breakdown (cannot drive, 4 h SLA), repair (24 h) or routine (72 h)"
    )
    summary: str = Field(min_length=1, max_length=1000, description="what is wrong")
    lon: float | None = Field(
        default=None, ge=-180, le=180, allow_inf_nan=False, description="degrees"
    )
    lat: float | None = Field(
        default=None, ge=-90, le=90, allow_inf_nan=False, description="degrees"
    )
    order_id: RecordId | None = Field(default=None, description="the buyer's own order, if any")


class TicketActionCreate(_Request):
    """An action on a ticket: the enterprise starts and resolves, the buyer closes or reopens."""

    action: Literal["start", "resolve", "close", "reopen"]
    note: Note | None = None


class BuyerMaskedRead(BaseModel):
    """The buyer of a record, masked (138****1234)."""

    id: int
    county_code: str
    name: str | None
    phone: str | None
    id_card_no: str | None
    erased: bool


class ServicePointRead(BaseModel):
    """A maintenance point or mobile repair station (degrees)."""

    id: int
    enterprise_id: int
    kind: str
    name_zh: str
    county_code: str
    lon: float
    lat: float
    is_open: bool


class TicketRead(BaseModel):
    """A ticket with its service point, distance (great circle, km) and SLA clock."""

    id: int
    state: TicketState
    severity: Severity
    summary: str
    buyer: BuyerMaskedRead | None
    order_id: int | None
    county_code: str
    lon: float
    lat: float
    service_point: ServicePointRead | None
    enterprise_id: int | None
    distance_km: float | None
    opened_at: dt.datetime
    sla_due_at: dt.datetime
    sla_breached: bool
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    allowed_actions: list[str]


class TicketContactRead(BaseModel):
    """The buyer's unmasked name and phone (each read is audited)."""

    buyer_id: int
    name: str | None
    phone: str | None
    erased: bool


class OldVehicleIn(_Request):
    """The old vehicle: no plate number or VIN is taken."""

    fuel: Literal["petrol", "diesel", "nev"]
    first_registration_year: int = Field(ge=1950, le=2100)
    mileage_km: int = Field(ge=0, le=3_000_000)
    emission_standard: Literal["国一", "国二", "国三", "国四", "国五", "国六"] | None = Field(
        default=None, description="China emission stage; leave out for an NEV"
    )


class TradeInCreate(_Request):
    """A trade-in application by the buyer, or by the dealer for the buyer's order."""

    kind: TradeInKind
    dealer_id: RecordId
    order_id: RecordId | None = Field(default=None, description="required when the dealer submits")
    quote_id: RecordId | None = Field(default=None, description="the offer engine's quote")
    old_vehicle: OldVehicleIn


class TradeInActionCreate(_Request):
    """An action on a trade-in with the field it needs (appraise, certify)."""

    action: Literal["appraise", "certify", "submit_claim", "approve_claim", "pay_claim", "reject"]
    appraisal_cny: Decimal | None = Field(
        default=None, ge=0, max_digits=12, decimal_places=2, description="CNY; to appraise"
    )
    certificate_no: str | None = Field(
        default=None, min_length=1, max_length=60, description="scrappage certificate number"
    )
    note: Note | None = None


class TradeInRead(BaseModel):
    """A trade-in with its appraisal, certificate and subsidy claim (CNY as text)."""

    id: int
    state: TradeInState
    kind: TradeInKind
    buyer: BuyerMaskedRead | None
    dealer_id: int
    order_id: int | None
    quote_id: int | None
    claim_id: int | None
    claim_status: Literal["submitted", "approved", "paid", "rejected"] | None
    county_code: str
    old_vehicle: dict[str, str | int | None]
    appraisal_cny: MoneyText | None
    certificate_no: str | None
    subsidy_cny: MoneyText | None
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_actions: list[str]
