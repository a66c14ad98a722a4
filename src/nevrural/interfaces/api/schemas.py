"""Pydantic schemas of the API (``*Read``); separate from rows and domain entities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nevrural.core.atlas.divisions import Division
from nevrural.core.atlas.indicators import INDICATORS, IndicatorValue

__all__ = [
    "AtlasStatsRead",
    "CampaignRead",
    "ChargingScenarioCreate",
    "DivisionDetailRead",
    "DivisionListRead",
    "DivisionRead",
    "HealthRead",
    "IndicatorRead",
    "LevelName",
    "LinkageCandidateIn",
    "LinkageScenarioCreate",
    "RepairScenarioCreate",
    "ScenarioRead",
    "ScenarioSummaryRead",
    "TargetingScenarioCreate",
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


class ScenarioRead(BaseModel):
    """A stored planning scenario with its parameters and result."""

    id: int
    kind: str
    name: str
    created_at: dt.datetime
    is_demo: bool
    seconds: float = Field(description="Wall time of the whole run, s")
    params: dict[str, Any]
    result: dict[str, Any]


class ScenarioSummaryRead(BaseModel):
    """A stored scenario without its full result."""

    id: int
    kind: str
    name: str
    created_at: dt.datetime
    is_demo: bool
    seconds: float
    objective: float | None
    gap: float | None
    selected: int


class TargetingScenarioCreate(BaseModel):
    """Parameters of a county-targeting run (money in CNY, distance in km)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    n_counties: int = Field(ge=1, le=3000, examples=[100])
    per_province_min: int = Field(0, ge=0, le=100)
    per_province_max: int | None = Field(None, ge=1, le=3000)
    min_spacing_km: float = Field(0.0, ge=0.0, le=1000.0)
    budget_cny: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    horizon_years: float = Field(3.0, ge=1.0, le=5.0)
    penetration_threshold: float | None = Field(None, gt=0.0, le=1.0)
    type_min: dict[str, int] = Field(default_factory=dict)
    type_max: dict[str, int] = Field(default_factory=dict)
    time_limit_s: float = Field(10.0, gt=0.0, le=120.0)


class LinkageCandidateIn(BaseModel):
    """One candidate city: code, name, themes and numeric features (coordinates optional)."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[0-9]{6}$", examples=["440300"])
    name: str = Field(min_length=1, max_length=80, examples=["深圳市"])
    province_code: str | None = Field(None, pattern=r"^[0-9]{2}0000$")
    lon: float | None = Field(None, ge=73.0, le=136.0)
    lat: float | None = Field(None, ge=3.0, le=54.0)
    themes: list[str] = Field(default_factory=list, examples=[["automaker_base"]])
    features: dict[str, float] = Field(default_factory=dict, examples=[{"population": 1.7e7}])


class LinkageScenarioCreate(BaseModel):
    """Parameters of a linkage run; ``candidates`` or ``use_demo_candidates``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    k: int = Field(ge=1, le=500, examples=[12])
    w_distinct: float = Field(1.0, ge=0.0, le=100.0)
    w_themes: float = Field(1.0, ge=0.0, le=100.0)
    w_regions: float = Field(1.0, ge=0.0, le=100.0)
    w_spread: float = Field(1.0, ge=0.0, le=100.0)
    method: Literal["auto", "exact", "greedy"] = "auto"
    time_limit_s: float = Field(60.0, gt=0.0, le=300.0)
    must_include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    candidates: list[LinkageCandidateIn] | None = Field(None, min_length=1, max_length=5000)
    use_demo_candidates: bool = False


class ChargingScenarioCreate(BaseModel):
    """Rural charging siting: counties (or a targeting scenario, or the demo shortlist)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    county_codes: list[str] = Field(default_factory=list, max_length=3000)
    targeting_scenario_id: int | None = None
    stations_per_county: int = Field(4, ge=1, le=100)
    radius_km: float = Field(10.0, gt=0.0, le=200.0)
    horizon_years: float = Field(3.0, ge=1.0, le=5.0)
    demand: Literal["forecast", "population"] = "forecast"
    model: Literal["mclp", "p-median"] = "mclp"
    charger_kw: float = Field(60.0, gt=0.0, le=1000.0)


class RepairScenarioCreate(BaseModel):
    """After-sales network: maintenance points, mobile repair bases, technician quotas."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    county_codes: list[str] = Field(default_factory=list, max_length=3000)
    targeting_scenario_id: int | None = None
    response_time_min: float = Field(45.0, gt=0.0, le=600.0)
    mobile_response_time_min: float = Field(120.0, gt=0.0, le=1440.0)
    rural_speed_kmh: float = Field(40.0, gt=0.0, le=150.0)
    fixed_points_per_county: int | None = Field(2, ge=0, le=100)
    technicians_total: int | None = Field(None, ge=0, le=1_000_000)
    horizon_years: float = Field(3.0, ge=1.0, le=5.0)
