"""Request and response bodies of sign-in, orders, follow-ups and the catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nevrural.interfaces.api.deps import RecordId

__all__ = [
    "ApiKeyCreate",
    "ApiKeyRead",
    "AuditRead",
    "BuyerRegister",
    "EnterpriseCreate",
    "EnterpriseRead",
    "FollowUpComplete",
    "FollowUpDue",
    "MeRead",
    "ModelCreate",
    "ModelRead",
    "OrderActionCreate",
    "OrderCreate",
    "OrderRead",
    "RetentionRead",
    "StockRead",
    "StockSet",
    "TokenRead",
]

CountyCode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRead(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: str
    expires_in: int
    role: str


class BuyerRegister(_Request):
    """A buyer signs up: a login, a phone (the buyer's key), a name and a county."""

    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=8, max_length=128)
    phone: str = Field(min_length=11, max_length=20)
    name: str | None = Field(default=None, min_length=1, max_length=40)
    county_code: CountyCode


class MeRead(BaseModel):
    """Who the caller is: role and tenancy (buyer fields masked)."""

    role: str
    subject: str
    scope_code: str
    enterprise_id: int | None
    buyer_id: int | None
    buyer: dict[str, Any] | None


class ApiKeyCreate(_Request):
    """A name for a new API key of the caller's enterprise."""

    name: str = Field(min_length=1, max_length=80)


class ApiKeyRead(BaseModel):
    """An API key; ``token`` is only present in the response that creates it."""

    key_id: str
    name: str
    enterprise_id: int
    token: str | None = None
    created_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class OrderCreate(_Request):
    """Order one vehicle of a model from a dealer (optionally from a quote or a lead)."""

    dealer_id: RecordId
    model_id: RecordId
    quote_id: RecordId | None = None
    lead_id: RecordId | None = None


class OrderActionCreate(_Request):
    """An action on an order and the fields that action needs."""

    action: Literal[
        "pay_deposit", "allocate", "schedule_delivery", "deliver", "close", "cancel", "refund"
    ]
    deposit_cny: Decimal | None = Field(default=None, gt=0, le=1_000_000, decimal_places=2)
    vin: str | None = Field(default=None, max_length=17)
    delivery_on: dt.date | None = None
    delivery_place: Literal["dealer", "event"] | None = None
    event_id: RecordId | None = None
    proof_ref: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=300)


class _DeliveryRead(BaseModel):
    place: str
    event_id: int | None
    scheduled_on: dt.date
    delivered_at: dt.datetime | None
    proof_ref: str | None


class _FollowUpRead(BaseModel):
    id: int
    offset_days: int
    due_on: dt.date
    done_at: dt.datetime | None
    satisfaction: int | None


class OrderRead(BaseModel):
    """An order with its delivery, follow-ups and the actions open to the caller."""

    id: int
    state: str
    buyer_id: int
    dealer_id: int
    model_id: int
    lead_id: int | None
    quote_id: int | None
    county_code: str
    price_cny: str
    deposit_cny: str
    vin: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    allowed_actions: list[str]
    delivery: _DeliveryRead | None
    follow_ups: list[_FollowUpRead]


class FollowUpComplete(_Request):
    """The outcome of a follow-up call."""

    satisfaction: int = Field(ge=1, le=5)
    note: str | None = Field(default=None, max_length=500)


class FollowUpDue(BaseModel):
    """An open follow-up on the work list."""

    id: int
    order_id: int
    offset_days: int
    due_on: dt.date
    overdue: bool


class ContactRead(BaseModel):
    """A buyer's unmasked contact (every read is in the audit log)."""

    buyer_id: int
    name: str | None
    phone: str | None
    erased: bool


class EnterpriseCreate(_Request):
    """Register an enterprise at a county seat, with the counties it serves."""

    kind: Literal["automaker", "dealer", "finance", "charging", "after_sales"]
    name_zh: str = Field(min_length=1, max_length=120)
    name_en: str = Field(min_length=1, max_length=120)
    county_code: CountyCode
    lead_capacity: int = Field(default=0, ge=0, le=10_000)
    service_counties: list[CountyCode] = Field(default_factory=list, max_length=500)
    brand_ids: list[RecordId] = Field(default_factory=list, max_length=50)


class EnterpriseRead(BaseModel):
    """An enterprise (public business facts)."""

    id: int
    kind: str
    name_zh: str
    name_en: str
    county_code: str
    lon: float
    lat: float
    lead_capacity: int
    service_counties: list[str]
    brand_ids: list[int]
    is_demo: bool


class ModelCreate(_Request):
    """A vehicle model of the caller's automaker."""

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    name_zh: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    vehicle_class: Literal["micro_van", "micro_truck", "light_truck", "small_car", "compact_suv"]
    powertrain: Literal["bev", "phev", "erev"]
    seats: int = Field(ge=1, le=9)
    payload_kg: int = Field(ge=0, le=10_000)
    winter_range_km: int = Field(ge=0, le=2_000)
    price_cny: Decimal = Field(ge=1000, le=10_000_000, decimal_places=2)


class ModelRead(BaseModel):
    """A vehicle model with its rural-fit attributes."""

    id: int
    automaker_id: int
    code: str
    name_zh: str
    name_en: str
    vehicle_class: str
    powertrain: str
    seats: int
    payload_kg: int
    winter_range_km: int
    price_cny: str
    is_demo: bool


class StockSet(_Request):
    """Units of the model on hand at the dealership."""

    on_hand_units: int = Field(ge=0, le=100_000)


class StockRead(BaseModel):
    """Units free; counts for the dealer and organisers."""

    dealer_id: int
    model_id: int
    available_units: int
    on_hand_units: int | None = None
    reserved_units: int | None = None


class AuditRead(BaseModel):
    """One line of the audit log."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    county_code: str | None
    enterprise_id: int | None
    detail: dict[str, Any]


class RetentionRead(BaseModel):
    """What the retention job erased."""

    erased_buyers: int
    inactive_since: dt.datetime
