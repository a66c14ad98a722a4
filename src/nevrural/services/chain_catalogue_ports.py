"""Ports of the catalogue side of the service chain: models, stock, service points, events.

Stock changes are single conditional statements in the adapter
(``reserved_units + 1 ≤ on_hand_units``), so concurrent buyers can never oversell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from decimal import Decimal

__all__ = [
    "CatalogueRepository",
    "LivestreamRecord",
    "SalesEventRecord",
    "ServicePointRecord",
    "StockRecord",
    "VehicleModelRecord",
]


@dataclass(frozen=True, slots=True)
class VehicleModelRecord:
    """A vehicle model with its rural-fit attributes (payload kg, winter range km, price CNY)."""

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
    price_cny: Decimal
    is_demo: bool


@dataclass(frozen=True, slots=True)
class StockRecord:
    """Units of a model at a dealer; available = on hand − reserved."""

    dealer_id: int
    model_id: int
    on_hand_units: int
    reserved_units: int

    @property
    def available_units(self) -> int:
        """Units an order can still reserve."""
        return self.on_hand_units - self.reserved_units


@dataclass(frozen=True, slots=True)
class ServicePointRecord:
    """A maintenance point or mobile repair station (degrees)."""

    id: int
    enterprise_id: int
    kind: str
    name_zh: str
    county_code: str
    lon: float
    lat: float
    is_open: bool


@dataclass(frozen=True, slots=True)
class SalesEventRecord:
    """A campaign event where cars are shown, test-driven and delivered."""

    id: int
    plan_event_ref: str
    county_code: str
    venue_zh: str
    held_on: dt.date
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class LivestreamRecord:
    """A live-streamed sales session."""

    id: int
    enterprise_id: int
    title_zh: str
    county_code: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class CatalogueRepository(Protocol):
    """Models, dealer stock, service points, sales events and livestreams. Never commits."""

    def add_model(
        self,
        *,
        automaker_id: int,
        code: str,
        name_zh: str,
        name_en: str,
        vehicle_class: str,
        powertrain: str,
        seats: int,
        payload_kg: int,
        winter_range_km: int,
        price_cny: Decimal,
        is_demo: bool,
    ) -> VehicleModelRecord: ...
    def model(self, model_id: int) -> VehicleModelRecord | None: ...
    def models(self, automaker_id: int | None = None) -> list[VehicleModelRecord]: ...
    def set_stock(self, dealer_id: int, model_id: int, on_hand_units: int) -> StockRecord:
        """Set the units on hand (refused below the reserved units: ValueError)."""

    def stock(self, dealer_id: int, model_id: int) -> StockRecord | None: ...
    def stock_of(self, dealer_id: int) -> list[StockRecord]: ...
    def available_by_dealer(self, model_id: int, dealer_ids: Sequence[int]) -> dict[int, int]:
        """Units of the model each dealer can still reserve."""

    def reserve(self, dealer_id: int, model_id: int) -> bool:
        """Reserve one unit if one is free (one conditional UPDATE); False when none is."""

    def change_stock(self, dealer_id: int, model_id: int, reserved: int, on_hand: int) -> None:
        """Apply deltas to reserved and on-hand units (a release or a handover)."""

    def add_service_point(
        self,
        *,
        enterprise_id: int,
        kind: str,
        name_zh: str,
        county_code: str,
        lon: float,
        lat: float,
        is_open: bool,
    ) -> ServicePointRecord: ...
    def service_points(
        self, county_prefix: str = "", enterprise_id: int | None = None
    ) -> list[ServicePointRecord]: ...
    def service_point(self, point_id: int) -> ServicePointRecord | None: ...
    def set_service_point_open(self, point_id: int, is_open: bool) -> None: ...
    def add_event(
        self,
        *,
        plan_event_ref: str,
        county_code: str,
        venue_zh: str,
        held_on: dt.date,
        lon: float,
        lat: float,
    ) -> SalesEventRecord: ...
    def event(self, event_id: int) -> SalesEventRecord | None: ...
    def events(self, county_prefix: str = "", limit: int = 200) -> list[SalesEventRecord]: ...
    def add_livestream(
        self,
        *,
        enterprise_id: int,
        title_zh: str,
        county_code: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
    ) -> LivestreamRecord: ...
    def livestream(self, livestream_id: int) -> LivestreamRecord | None: ...
    def livestreams(self, enterprise_id: int | None = None) -> list[LivestreamRecord]: ...
