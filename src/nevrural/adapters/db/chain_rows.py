"""ORM rows of the service chain: enterprises, people, catalogue, leads, orders, after-sales.

Personal fields (names, phone numbers, ID card numbers) are stored only as AES-GCM
blobs (``*_sealed``) with a keyed-hash blind index (``*_index``) where search needs one;
no column holds them in clear text. Money is ``Numeric(14, 2)`` CNY.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nevrural.adapters.db.rows import Base

__all__ = [
    "ApiKeyRow",
    "AuditRow",
    "BuyerRow",
    "DeliveryRow",
    "EnterpriseBrandRow",
    "EnterpriseRow",
    "FollowUpRow",
    "IdempotencyRow",
    "LeadOfferRow",
    "LeadRow",
    "LivestreamRow",
    "OrderRow",
    "SalesEventRow",
    "ServiceAreaRow",
    "ServicePointRow",
    "StockRow",
    "TestDriveRow",
    "TicketRow",
    "TradeInRow",
    "UserRow",
    "VehicleModelRow",
]

_MONEY = Numeric(14, 2)
_MOMENT = DateTime(timezone=True)


class EnterpriseRow(Base):
    """An automaker, dealer, finance, charging or after-sales company at a place (degrees)."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    lead_capacity: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class ServiceAreaRow(Base):
    """A county an enterprise serves."""

    __tablename__ = "enterprise_service_areas"

    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True, index=True)


class EnterpriseBrandRow(Base):
    """A brand (automaker enterprise) a dealer sells."""

    __tablename__ = "enterprise_brands"

    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)
    automaker_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), primary_key=True)


class BuyerRow(Base):
    """A rural buyer: personal fields sealed, phone searchable by its blind index."""

    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    name_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_card_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_card_index: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    last_active_at: Mapped[dt.datetime] = mapped_column(_MOMENT, index=True)
    erased_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)


class UserRow(Base):
    """A person who signs in: organiser (scope), enterprise staff or buyer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    scope_code: Mapped[str] = mapped_column(String(6), default="000000")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class ApiKeyRow(Base):
    """An enterprise system's API key: its public id and the SHA-256 of its secret."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)


class VehicleModelRow(Base):
    """A vehicle model with its rural-fit attributes; price in CNY."""

    __tablename__ = "vehicle_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    automaker_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    vehicle_class: Mapped[str] = mapped_column(String(20))
    powertrain: Mapped[str] = mapped_column(String(8))
    seats: Mapped[int] = mapped_column(Integer)
    payload_kg: Mapped[int] = mapped_column(Integer)
    winter_range_km: Mapped[int] = mapped_column(Integer)
    price_cny: Mapped[Decimal] = mapped_column(_MONEY)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class StockRow(Base):
    """Units of a model at a dealer; ``reserved_units`` are held by open orders."""

    __tablename__ = "dealer_stock"
    __table_args__ = (
        UniqueConstraint("dealer_id", "model_id"),
        CheckConstraint("reserved_units >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved_units <= on_hand_units", name="never_oversold"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("vehicle_models.id"))
    on_hand_units: Mapped[int] = mapped_column(Integer)
    reserved_units: Mapped[int] = mapped_column(Integer, default=0)


class ServicePointRow(Base):
    """A maintenance point or mobile repair station of an after-sales enterprise."""

    __tablename__ = "service_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_zh: Mapped[str] = mapped_column(String(120))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)


class SalesEventRow(Base):
    """A campaign event where cars are shown, test-driven and delivered (from an event plan)."""

    __tablename__ = "sales_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_event_ref: Mapped[str] = mapped_column(String(80), unique=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    venue_zh: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[dt.date] = mapped_column(Date)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class LivestreamRow(Base):
    """A live-streamed sales session of an enterprise."""

    __tablename__ = "livestream_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title_zh: Mapped[str] = mapped_column(String(120))
    county_code: Mapped[str] = mapped_column(String(6))
    starts_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    ends_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class LeadRow(Base):
    """A sales lead with its channel and the buyer's consent; ``dealer_id`` holds it now."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    livestream_id: Mapped[int | None] = mapped_column(ForeignKey("livestream_sessions.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("sales_events.id"))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    model_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle_models.id"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    consent_scope: Mapped[str] = mapped_column(String(200))
    consent_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    closed_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)


class LeadOfferRow(Base):
    """One offer of a lead to a dealer, answered (or expired) within the SLA."""

    __tablename__ = "lead_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    distance_km: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(300))
    offered_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    deadline_at: Mapped[dt.datetime] = mapped_column(_MOMENT, index=True)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)
    note: Mapped[str | None] = mapped_column(String(300))


class TestDriveRow(Base):
    """A booked test drive at a dealer or at a campaign event."""

    __tablename__ = "test_drives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("vehicle_models.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("sales_events.id"))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    slot_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class OrderRow(Base):
    """An order of one vehicle from a dealer; ``state`` follows ``core.service.orders``."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("vehicle_models.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("offer_quotes.id"))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    price_cny: Mapped[Decimal] = mapped_column(_MONEY)
    deposit_cny: Mapped[Decimal] = mapped_column(_MONEY, default=Decimal("0.00"))
    state: Mapped[str] = mapped_column(String(20), index=True)
    vin: Mapped[str | None] = mapped_column(String(17))
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    updated_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class IdempotencyRow(Base):
    """The first response to a request with an ``Idempotency-Key``, per caller."""

    __tablename__ = "idempotency_keys"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class DeliveryRow(Base):
    """Where and when an order is handed over, and the proof once it is."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    place: Mapped[str] = mapped_column(String(8))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("sales_events.id"))
    scheduled_on: Mapped[dt.date] = mapped_column(Date)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)
    proof_ref: Mapped[str | None] = mapped_column(String(200))


class FollowUpRow(Base):
    """A follow-up call due some days after delivery."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    offset_days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(500))


class TicketRow(Base):
    """An after-sales ticket at the nearest open service point, with its SLA clock."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), index=True)
    distance_km: Mapped[float | None] = mapped_column(Float)
    opened_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    due_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)
    closed_at: Mapped[dt.datetime | None] = mapped_column(_MOMENT)


class TradeInRow(Base):
    """A trade-in: the old car's appraisal, scrappage certificate and subsidy claim."""

    __tablename__ = "trade_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("offer_quotes.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("offer_claims.id"))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(20), index=True)
    old_vehicle: Mapped[dict[str, Any]]
    appraisal_cny: Mapped[Decimal | None] = mapped_column(_MONEY)
    certificate_no: Mapped[str | None] = mapped_column(String(60))
    subsidy_cny: Mapped[Decimal | None] = mapped_column(_MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(_MOMENT)
    updated_at: Mapped[dt.datetime] = mapped_column(_MOMENT)


class AuditRow(Base):
    """Who did or read what, when: every write and every unmasked personal read."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(_MOMENT, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(40))
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int | None] = mapped_column(Integer)
    county_code: Mapped[str | None] = mapped_column(String(6), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]]
