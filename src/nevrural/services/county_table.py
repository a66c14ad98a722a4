"""Use case helper: the county-level units of the atlas with their indicators.

County-level units are the counties plus the prefectures that govern townships
directly; they are the units that carry indicators and that planning selects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.atlas.divisions import Level, province_code_of
from nevrural.core.targeting.market import MarketInputs

if TYPE_CHECKING:
    from nevrural.services.ports import UnitOfWork

__all__ = ["CountyTable", "load_county_table", "market_inputs"]

_REQUIRED = (
    "households",
    "car_owning_households",
    "vehicle_stock",
    "nev_stock",
    "public_charging_points",
    "winter_temperature_class",
    "population",
)


@dataclass(frozen=True)
class CountyTable:
    """Every county-level unit with a full set of indicators, ordered by code."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_codes: tuple[str, ...]
    province_names: dict[str, str]
    lon_deg: np.ndarray
    lat_deg: np.ndarray
    townships: np.ndarray  # number of townships (乡镇街道) under each unit
    indicators: dict[str, np.ndarray]
    sources: dict[str, tuple[str, ...]]

    def index(self) -> dict[str, int]:
        """Code to row."""
        return {code: i for i, code in enumerate(self.codes)}


def load_county_table(uow: UnitOfWork) -> CountyTable:
    """Read the units that have every indicator the planning models need."""
    values: dict[str, dict[str, float]] = defaultdict(dict)
    sources: dict[str, dict[str, str]] = defaultdict(dict)
    for v in uow.atlas.indicator_snapshot():
        values[v.county_code][v.key] = v.value
        sources[v.county_code][v.key] = v.source
    provinces = {d.code: d.name for d in uow.atlas.divisions(level=Level.PROVINCE)}
    units = [
        d
        for level in (Level.PREFECTURE, Level.COUNTY)
        for d in uow.atlas.divisions(level=level)
        if d.lon is not None and d.lat is not None and all(k in values[d.code] for k in _REQUIRED)
    ]
    units.sort(key=lambda d: d.code)
    townships = uow.atlas.child_counts(Level.TOWNSHIP)
    keys = sorted({k for d in units for k in values[d.code]})
    return CountyTable(
        codes=tuple(d.code for d in units),
        names=tuple(d.name for d in units),
        province_codes=tuple(province_code_of(d.code) for d in units),
        province_names=provinces,
        lon_deg=np.array([d.lon for d in units], dtype=float),
        lat_deg=np.array([d.lat for d in units], dtype=float),
        townships=np.array([townships.get(d.code, 0) for d in units], dtype=float),
        indicators={
            k: np.array([values[d.code].get(k, np.nan) for d in units], dtype=float) for k in keys
        },
        sources={k: tuple(sources[d.code].get(k, "") for d in units) for k in keys},
    )


def market_inputs(table: CountyTable) -> MarketInputs:
    """The market model's inputs from the county table."""
    ind = table.indicators
    return MarketInputs(
        county_codes=table.codes,
        households=ind["households"],
        car_owning_households=np.minimum(ind["car_owning_households"], ind["households"]),
        vehicle_stock=ind["vehicle_stock"],
        nev_stock=np.minimum(ind["nev_stock"], ind["vehicle_stock"]),
        public_charging_points=ind["public_charging_points"],
        winter_class=ind["winter_temperature_class"].astype(np.int64),
        population=ind["population"],
    )
