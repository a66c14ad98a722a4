"""What an organiser asks of the siting use cases: charging and after-sales requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ChargingRequest", "RepairRequest"]


@dataclass(frozen=True, slots=True)
class ChargingRequest:
    """Where to add rural public chargers (distances road km, horizon years)."""

    county_codes: tuple[str, ...] = ()
    targeting_scenario_id: int | None = None
    stations_per_county: int = 4
    radius_km: float = 10.0
    horizon_years: float = 3.0
    demand: Literal["forecast", "population"] = "forecast"
    model: Literal["mclp", "p-median"] = "mclp"
    charger_kw: float = 60.0
    name: str = ""

    def __post_init__(self) -> None:
        if self.stations_per_county < 1:
            raise ValueError(f"stations_per_county must be >= 1, got {self.stations_per_county}")
        if not self.radius_km > 0:
            raise ValueError(f"radius_km must be > 0, got {self.radius_km}")
        if not 1.0 <= self.horizon_years <= 5.0:
            raise ValueError(f"horizon_years must be within 1-5, got {self.horizon_years}")
        if not self.charger_kw > 0:
            raise ValueError(f"charger_kw must be > 0, got {self.charger_kw}")


@dataclass(frozen=True, slots=True)
class RepairRequest:
    """Maintenance points, mobile repair stations and technician quotas."""

    county_codes: tuple[str, ...] = ()
    targeting_scenario_id: int | None = None
    response_time_min: float = 45.0
    mobile_response_time_min: float = 120.0
    rural_speed_kmh: float = 40.0
    fixed_points_per_county: int | None = 2
    technicians_total: int | None = None
    horizon_years: float = 3.0
    name: str = ""

    def __post_init__(self) -> None:
        for field_name in ("response_time_min", "mobile_response_time_min", "rural_speed_kmh"):
            if not getattr(self, field_name) > 0:
                raise ValueError(f"{field_name} must be > 0, got {getattr(self, field_name)}")
        if self.mobile_response_time_min < self.response_time_min:
            raise ValueError(
                f"mobile_response_time_min {self.mobile_response_time_min} is below "
                f"response_time_min {self.response_time_min}"
            )
        if self.fixed_points_per_county is not None and self.fixed_points_per_county < 0:
            raise ValueError(
                f"fixed_points_per_county must be >= 0, got {self.fixed_points_per_county}"
            )
        if self.technicians_total is not None and self.technicians_total < 0:
            raise ValueError(f"technicians_total must be >= 0, got {self.technicians_total}")
