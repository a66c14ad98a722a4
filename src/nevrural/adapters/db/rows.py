"""ORM rows (``*Row``). Domain entities live in ``core``; API schemas in ``interfaces``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "AtlasBuildRow",
    "AtlasImportRow",
    "Base",
    "CampaignRow",
    "CountyBoundaryRow",
    "DivisionRow",
    "IndicatorValueRow",
    "OfferClaimRow",
    "OfferQuoteRow",
    "PolicyRuleVersionRow",
    "ScenarioRow",
    "as_utc",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its UTC zone; SQLite stores timestamps without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable Alembic names)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class DivisionRow(Base):
    """A province, prefecture, county or township; coordinates in degrees (CGCS2000)."""

    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(SmallInteger, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    location_quality: Mapped[str | None] = mapped_column(String(16))
    location_source: Mapped[str | None] = mapped_column(String(200))


class CountyBoundaryRow(Base):
    """A county's boundary as GeoJSON geometry text, full and simplified; area in km²."""

    __tablename__ = "county_boundaries"

    code: Mapped[str] = mapped_column(
        ForeignKey("divisions.code", ondelete="CASCADE"), primary_key=True
    )
    geojson: Mapped[str] = mapped_column(Text)
    geojson_simplified: Mapped[str] = mapped_column(Text)
    area_km2: Mapped[float] = mapped_column(Float)


class IndicatorValueRow(Base):
    """One county indicator value and its source flag (``modelled``, ``imported:<file>``)."""

    __tablename__ = "indicator_values"

    county_code: Mapped[str] = mapped_column(
        ForeignKey("divisions.code", ondelete="CASCADE"), primary_key=True
    )
    indicator: Mapped[str] = mapped_column(String(48), primary_key=True, index=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))


class AtlasBuildRow(Base):
    """One atlas build: when, from which pinned files, with what counts."""

    __tablename__ = "atlas_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    built_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sources: Mapped[list[Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class AtlasImportRow(Base):
    """One applied import: the file, its checksum, what it changed and what did not match."""

    __tablename__ = "atlas_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    values_applied: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


class CampaignRow(Base):
    """A promotion campaign: name (zh/en), dates and the division that scopes it."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    scope_code: Mapped[str] = mapped_column(String(12))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ScenarioRow(Base):
    """A stored planning scenario: kind (targeting, linkage, ...), parameters and result."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class PolicyRuleVersionRow(Base):
    """A rule version added by a user or the demo: its mapping as given (dates as ISO text).

    The packaged catalogues are not copied here; the catalogue in use is the packaged
    rules plus these versions.
    """

    __tablename__ = "policy_rule_versions"
    __table_args__ = (
        UniqueConstraint("rule_id", "version", name="uq_policy_rule_versions_rule_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16))
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OfferQuoteRow(Base):
    """A stored quote: the request as given, the rendered quote, net price (CNY) and the
    amount (CNY, text) of each applied rule, with the rule versions it evaluated."""

    __tablename__ = "offer_quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_ref: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    purchase_date: Mapped[dt.date] = mapped_column(Date, index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    net_price_cny: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    rule_versions: Mapped[dict[str, Any]] = mapped_column(JSON)
    amounts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class OfferClaimRow(Base):
    """A buyer's subsidy claim on one applied item of a stored quote (amount in CNY)."""

    __tablename__ = "offer_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("offer_quotes.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    rule_version: Mapped[int] = mapped_column(Integer)
    amount_cny: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
