"""Pydantic schemas of the event-plan API: the plan request and its parts.

The schema checks types and broad ranges; the service request then checks the meaning
(window order and length, working hours, depots per caravan) and names the field.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BlackoutIn", "EventPlanCreate"]


class BlackoutIn(BaseModel):
    """Dates without events, both ends included; a province code limits it to one province."""

    model_config = ConfigDict(extra="forbid")

    start: dt.date
    end: dt.date
    reason: str = Field("", max_length=200)
    province_code: str | None = Field(None, pattern=r"^\d{2}0000$")


class EventPlanCreate(BaseModel):
    """A caravan campaign: counties (or a targeting scenario, or the demo shortlist),
    window, caravans, calendar rules and event sizes. Times of day are minutes from
    midnight; distances road km; durations minutes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    start: dt.date
    end: dt.date
    caravans: int = Field(3, ge=1, le=50)
    county_codes: list[str] = Field(default_factory=list, max_length=500)
    targeting_scenario_id: int | None = None
    depot_codes: list[str] = Field(default_factory=list, max_length=50)
    blackouts: list[BlackoutIn] = Field(default_factory=list, max_length=100)
    market_days: dict[str, str] = Field(
        default_factory=dict, description="Township code -> ten-day cycle such as 逢一四七"
    )
    preferred_weekdays: list[int] = Field(default_factory=lambda: [5, 6], max_length=7)
    work_start_min: int = Field(8 * 60, ge=0, le=1440)
    work_end_min: int = Field(18 * 60, ge=0, le=1440)
    speed_kmh: float = Field(40.0, gt=0.0, le=120.0)
    max_events_per_day: int = Field(2, ge=1, le=6)
    sub_events_per_county: int = Field(6, ge=0, le=60)
    reach_km: float = Field(12.0, gt=0.0, le=100.0)
    main_reach_km: float = Field(15.0, gt=0.0, le=100.0)
    main_duration_min: int = Field(360, ge=1, le=1440)
    sub_duration_min: int = Field(180, ge=1, le=1440)
    repair_period_days: int = Field(14, ge=0, le=90)
    repair_cluster_km: float = Field(15.0, gt=0.0, le=100.0)
    repair_vans_per_county: int = Field(1, ge=1, le=20)
    repair_stop_min: int = Field(90, ge=1, le=600)
