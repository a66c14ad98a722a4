"""Pydantic schemas of the API (``*Read``); separate from rows and domain entities."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from nevrural.core.atlas.divisions import Division
from nevrural.core.atlas.indicators import INDICATORS, IndicatorValue

__all__ = [
    "AtlasStatsRead",
    "CampaignRead",
    "DivisionDetailRead",
    "DivisionListRead",
    "DivisionRead",
    "HealthRead",
    "IndicatorRead",
    "LevelName",
]

LevelName = Literal["province", "prefecture", "county", "township"]


class DivisionRead(BaseModel):
    """A division; ``lon``/``lat`` in degrees (WGS-84/CGCS2000)."""

    code: str = Field(examples=["130123"])
    name: str = Field(examples=["正定县"])
    level: LevelName
    parent_code: str | None
    lon: float | None
    lat: float | None
    location_quality: Literal["exact", "reference", "approximate"] | None

    @classmethod
    def of(cls, d: Division) -> DivisionRead:
        """From a domain division."""
        return cls(
            code=d.code,
            name=d.name,
            level=d.level.name.lower(),
            parent_code=d.parent_code,
            lon=d.lon,
            lat=d.lat,
            location_quality=d.location_quality.value if d.location_quality else None,
        )


class DivisionListRead(BaseModel):
    """A page of divisions."""

    count: int
    offset: int
    items: list[DivisionRead]


class IndicatorRead(BaseModel):
    """One indicator value with unit, labels and source flag."""

    key: str
    value: float
    unit: str | None
    label_zh: str | None
    label_en: str | None
    source: str = Field(description="modelled, imported:<file> or derived:<what>")

    @classmethod
    def of(cls, v: IndicatorValue) -> IndicatorRead:
        """From a domain value."""
        spec = INDICATORS.get(v.key)
        return cls(
            key=v.key,
            value=v.value,
            unit=spec.unit if spec else None,
            label_zh=spec.label_zh if spec else None,
            label_en=spec.label_en if spec else None,
            source=v.source,
        )


class DivisionDetailRead(DivisionRead):
    """A division with its ancestors, children count, coordinate source and indicators."""

    ancestors: list[DivisionRead]
    children: int
    location_source: str | None
    indicators: list[IndicatorRead]


class AtlasStatsRead(BaseModel):
    """Atlas counts and indicator coverage."""

    provinces: int
    prefectures: int
    counties: int
    townships: int
    county_boundaries: int
    indicators: dict[str, dict[str, object]]
    last_build: dict[str, object] | None


class CampaignRead(BaseModel):
    """A campaign."""

    slug: str
    name_zh: str
    name_en: str
    starts_on: dt.date
    ends_on: dt.date
    scope_code: str
    is_demo: bool


class HealthRead(BaseModel):
    """Liveness and database reachability."""

    status: Literal["ok"]
    database: str
    version: str
