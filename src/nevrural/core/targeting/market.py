"""County NEV market size and current penetration, with every factor visible.

Notes
-----
For county ``i`` with family households ``H``, car-owning households ``C``, car stock
``V``, NEV stock ``N``, public charging points ``P`` and winter class ``k`` (GB 50176,
1 severe cold ... 5 hot summer, warm winter):

1. Penetration ``pi = N / V`` (0 when ``V = 0``): NEV share of the car stock.
2. Vehicles per car-owning household ``v = clip(V / C, 1, v_max)`` (1 when ``C = 0``);
   the cap ``v_max`` (`ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD`) keeps fleet
   cars registered in a district from multiplying its household market.
3. Base market ``B = max(H · c · v, V)``, vehicles: the car stock when the share ``c``
   (`ASSUMED_OWNERSHIP_CEILING`) of households owns cars at today's vehicles per
   owning household; never below today's stock.
4. Winter factor ``w = W[k]`` (`ASSUMED_WINTER_FACTORS`): battery range loss in cold
   winters makes a share of the market unsuited to an NEV.
5. Charging access ``d = 1000 · P / V`` public points per 1,000 cars (0 when ``V < 1``)
   and factor ``g = clip(g_min + (1 - g_min) · d / d_ref, g_min, g_max)``: ``g_min``
   (`ASSUMED_CHARGING_FACTOR_MIN`) with no public points, 1 at the national density
   ``d_ref`` (`REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES`), at most ``g_max``
   (`ASSUMED_CHARGING_FACTOR_MAX`).
6. NEV market ``m = B · w · g``, vehicles: the Bass market potential of the county.
7. Remaining market ``max(m - N, 0)`` and forecast NEV buyers over ``h`` years,
   ``m (F(t0 + h) - F(t0))`` with ``F(t0) = N / m`` on the Bass curve of the given
   ``p`` and ``q`` (:func:`nevrural.core.targeting.bass.forecast_adopters`).

The Bass coefficients default to the national fit (`NATIONAL_BASS_CHINA`), which was
fitted to new-car sales; using the NEV *stock* as the county's adopters ignores
scrappage and repeat purchases, a fair approximation while the NEV fleet is young.
Population is carried for per-capita reporting and does not enter the formulas. Every
``ASSUMED_*`` constant is nevrural's modelling choice, not a measured figure, and can be
replaced through `MarketParams`. Work is O(n) for n counties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy
from nevrural.core.atlas.province_facts import (
    NATIONAL_CAR_STOCK_END_2024_VEHICLES,
    NATIONAL_PUBLIC_CHARGING_POINTS_END_2024,
)
from nevrural.core.targeting.bass import (
    MAX_FORECAST_HORIZON_YEARS,
    NATIONAL_BASS_CHINA,
    BassParams,
    forecast_adopters,
)

__all__ = [
    "ASSUMED_CHARGING_FACTOR_MAX",
    "ASSUMED_CHARGING_FACTOR_MIN",
    "ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD",
    "ASSUMED_OWNERSHIP_CEILING",
    "ASSUMED_WINTER_FACTORS",
    "DEFAULT_HORIZON_YEARS",
    "REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES",
    "MarketInputs",
    "MarketParams",
    "MarketResult",
    "estimate_market",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# --- Modelling ASSUMPTIONS (nevrural's choices, not measured figures) ---------------
# Share of households owning a car at saturation. Mature car markets level off near
# 80-90 % of households (about 90 % in the US and just under 80 % in Germany in recent
# household surveys); rural China has dispersed villages and thin public transport,
# which push towards the top of that range, and low incomes, which pull down: 0.85.
ASSUMED_OWNERSHIP_CEILING = 0.85
# Cap on cars per car-owning household. Nationally the end-2024 car stock (353 million,
# MPS) over the census-2020 car-owning households (about 206 million) is about 1.7,
# company and fleet cars included; where a county's ratio exceeds 3 the excess is taken
# to be fleet registrations rather than household demand.
ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD = 3.0
# Share of the market suited to an NEV by winter class 1..5 (GB 50176-2016 zones).
# Battery range falls steeply in the cold (AAA, "Electric Vehicle Range Testing", 2019:
# about 41 % less range at -6.7 °C with the cabin heated); in severe-cold zones (January
# mean <= -10 °C) heat pumps and plug-in hybrids soften but do not remove the loss:
# 0.75. Cold zones 0.9; hot-summer-cold-winter and temperate zones neutral; hot-summer-
# warm-winter zones, with no winter loss, 1.05.
ASSUMED_WINTER_FACTORS: tuple[float, float, float, float, float] = (0.75, 0.9, 1.0, 1.0, 1.05)
# Charging-access factor with no public charging points. Most rural households live in
# houses with a yard where a car can charge at home, so a county without public points
# keeps most of its market; public points matter for long trips and for buyers without
# a private parking place: 0.7.
ASSUMED_CHARGING_FACTOR_MIN = 0.7
# Charging-access factor cap: a network denser than the national one adds little: 1.1.
ASSUMED_CHARGING_FACTOR_MAX = 1.1

# Derived from cited figures: national public charging points per 1,000 cars at the end
# of 2024 (EVCIPA 3.579 million points; MPS 353 million cars), about 10.14. A county at
# this density gets a charging factor of exactly 1.
REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES = (
    1000.0 * NATIONAL_PUBLIC_CHARGING_POINTS_END_2024 / NATIONAL_CAR_STOCK_END_2024_VEHICLES
)
# Forecast horizon of the campaign plan, years.
DEFAULT_HORIZON_YEARS = 3.0

_N_WINTER_CLASSES = 5
_INPUT_FIELDS = (
    "households",
    "car_owning_households",
    "vehicle_stock",
    "nev_stock",
    "public_charging_points",
    "population",
)


@dataclass(frozen=True, slots=True, eq=False)
class MarketInputs:
    """County indicators that size the NEV market, one array entry per county.

    Arrays are copied to read-only float64 (``winter_class`` to int64) arrays.

    Attributes
    ----------
    county_codes
        Six-digit county codes, unique.
    households
        Family households, households.
    car_owning_households
        Households owning a car, households.
    vehicle_stock
        Car stock, vehicles.
    nev_stock
        NEV stock, vehicles (at most `vehicle_stock`).
    public_charging_points
        Public charging points, points.
    winter_class
        GB 50176 winter temperature class, 1 (severe cold) to 5 (hot summer, warm
        winter).
    population
        Resident population, persons.
    """

    county_codes: tuple[str, ...]
    households: FloatArray
    car_owning_households: FloatArray
    vehicle_stock: FloatArray
    nev_stock: FloatArray
    public_charging_points: FloatArray
    winter_class: IntArray
    population: FloatArray

    def __post_init__(self) -> None:
        codes = tuple(self.county_codes)
        object.__setattr__(self, "county_codes", codes)
        if len(set(codes)) != len(codes):
            duplicate = next(code for code in codes if codes.count(code) > 1)
            raise ValueError(f"MarketInputs.county_codes lists county {duplicate} twice")
        for name in (*_INPUT_FIELDS, "winter_class"):
            values = _readonly_float(getattr(self, name), f"MarketInputs.{name}", len(codes))
            bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0.0)))
            if bad.size:
                raise ValueError(
                    f"MarketInputs.{name} must be finite and >= 0; county {codes[bad[0]]} "
                    f"has {values[bad[0]]}"
                )
            object.__setattr__(self, name, values)
        classes = self.winter_class
        bad = np.flatnonzero((classes != np.round(classes)) | (classes < 1) | (classes > 5))
        if bad.size:
            raise ValueError(
                f"MarketInputs.winter_class must be an integer 1..5; county "
                f"{codes[bad[0]]} has {classes[bad[0]]}"
            )
        object.__setattr__(self, "winter_class", readonly_copy(classes.astype(np.int64)))
        bad = np.flatnonzero(self.nev_stock > self.vehicle_stock)
        if bad.size:
            i = bad[0]
            raise ValueError(
                f"MarketInputs.nev_stock exceeds vehicle_stock: county {codes[i]} has "
                f"{self.nev_stock[i]} NEVs but {self.vehicle_stock[i]} cars"
            )

    def __len__(self) -> int:
        return len(self.county_codes)


@dataclass(frozen=True, slots=True)
class MarketParams:
    """Assumptions of the market model; each default is a documented constant.

    Attributes
    ----------
    ownership_ceiling
        Share of households owning a car at saturation, in (0, 1].
    max_vehicles_per_car_owning_household
        Cap on cars per car-owning household, vehicles per household (>= 1).
    winter_factors
        Market suitability factor for winter classes 1..5 (index ``k - 1``), each > 0.
    charging_factor_min
        Charging-access factor with no public charging points, in (0, 1].
    charging_factor_max
        Upper cap of the charging-access factor, >= 1.
    charging_reference_points_per_1000_vehicles
        Public charging points per 1,000 cars at which the factor is 1, points (> 0).
    bass
        Bass coefficients of the forecast, per year.
    horizon_years
        Forecast horizon, years, in (0, 30].
    """

    ownership_ceiling: float = ASSUMED_OWNERSHIP_CEILING
    max_vehicles_per_car_owning_household: float = ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD
    winter_factors: tuple[float, ...] = ASSUMED_WINTER_FACTORS
    charging_factor_min: float = ASSUMED_CHARGING_FACTOR_MIN
    charging_factor_max: float = ASSUMED_CHARGING_FACTOR_MAX
    charging_reference_points_per_1000_vehicles: float = REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES
    bass: BassParams = NATIONAL_BASS_CHINA
    horizon_years: float = DEFAULT_HORIZON_YEARS

    def __post_init__(self) -> None:
        if not (math.isfinite(self.ownership_ceiling) and 0.0 < self.ownership_ceiling <= 1.0):
            raise ValueError(f"ownership_ceiling must be in (0, 1], got {self.ownership_ceiling}")
        cap = self.max_vehicles_per_car_owning_household
        if not (math.isfinite(cap) and cap >= 1.0):
            raise ValueError(
                f"max_vehicles_per_car_owning_household must be finite and >= 1, got {cap}"
            )
        factors = tuple(float(value) for value in self.winter_factors)
        if len(factors) != _N_WINTER_CLASSES or not all(
            math.isfinite(value) and value > 0.0 for value in factors
        ):
            raise ValueError(
                f"winter_factors needs 5 finite factors > 0 (classes 1..5), got {factors}"
            )
        object.__setattr__(self, "winter_factors", factors)
        low, high = self.charging_factor_min, self.charging_factor_max
        if not (math.isfinite(low) and math.isfinite(high) and 0.0 < low <= 1.0 <= high):
            raise ValueError(
                f"charging factors need 0 < min <= 1 <= max, got min {low} and max {high}"
            )
        reference = self.charging_reference_points_per_1000_vehicles
        if not (math.isfinite(reference) and reference > 0.0):
            raise ValueError(
                f"charging_reference_points_per_1000_vehicles must be finite and > 0, "
                f"got {reference}"
            )
        horizon = self.horizon_years
        if not (math.isfinite(horizon) and 0.0 < horizon <= MAX_FORECAST_HORIZON_YEARS):
            raise ValueError(
                f"horizon_years must be in (0, {MAX_FORECAST_HORIZON_YEARS}] years, got {horizon}"
            )


@dataclass(frozen=True, slots=True, eq=False)
class MarketResult:
    """Each county's penetration, market factors, market size and forecast buyers.

    Arrays are read-only and in the order of `county_codes`.

    Attributes
    ----------
    county_codes
        Six-digit county codes.
    penetration
        NEV share of the car stock, in [0, 1].
    vehicles_per_car_owning_household
        Cars per car-owning household, capped, vehicles per household (>= 1).
    base_market_vehicles
        Car stock at the ownership ceiling, vehicles.
    winter_factor
        Winter suitability factor, dimensionless.
    charging_points_per_1000_vehicles
        Public charging points per 1,000 cars, points.
    charging_factor
        Charging-access factor, dimensionless.
    market_vehicles
        NEV market size ``m``, vehicles: base × winter × charging.
    remaining_market_vehicles
        ``max(m - NEV stock, 0)``, vehicles.
    forecast_buyers
        NEV buyers expected over `horizon_years`, vehicles.
    horizon_years
        Forecast horizon, years.
    """

    county_codes: tuple[str, ...]
    penetration: FloatArray
    vehicles_per_car_owning_household: FloatArray
    base_market_vehicles: FloatArray
    winter_factor: FloatArray
    charging_points_per_1000_vehicles: FloatArray
    charging_factor: FloatArray
    market_vehicles: FloatArray
    remaining_market_vehicles: FloatArray
    forecast_buyers: FloatArray
    horizon_years: float
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        codes = tuple(self.county_codes)
        object.__setattr__(self, "county_codes", codes)
        object.__setattr__(self, "_index", {code: i for i, code in enumerate(codes)})
        for name in _RESULT_ARRAYS:
            values = _readonly_float(getattr(self, name), f"MarketResult.{name}", len(codes))
            if not np.all(np.isfinite(values) & (values >= 0.0)):
                raise ValueError(f"MarketResult.{name} must be finite and >= 0")
            object.__setattr__(self, name, values)
        if not np.all(self.penetration <= 1.0):
            raise ValueError("MarketResult.penetration must be <= 1")
        excess = self.forecast_buyers - self.remaining_market_vehicles
        if np.any(excess > 1e-9 * np.maximum(self.remaining_market_vehicles, 1.0)):
            raise ValueError("MarketResult.forecast_buyers exceeds the remaining market")

    def __len__(self) -> int:
        return len(self.county_codes)

    def for_county(self, code: str) -> dict[str, float]:
        """Every factor and output of one county as Python floats, keyed by field name.

        Raises
        ------
        KeyError
            If `code` is not among `county_codes`.
        """
        try:
            i = self._index[code]
        except KeyError:
            raise KeyError(f"county {code!r} is not in this market result") from None
        row = {name: float(getattr(self, name)[i]) for name in _RESULT_ARRAYS}
        row["horizon_years"] = float(self.horizon_years)
        return row


_RESULT_ARRAYS = tuple(
    item.name
    for item in fields(MarketResult)
    if item.name not in {"county_codes", "horizon_years", "_index"}
)


def estimate_market(inputs: MarketInputs, params: MarketParams | None = None) -> MarketResult:
    """Size each county's NEV market and forecast its buyers over the horizon.

    Parameters
    ----------
    inputs
        County indicators.
    params
        Model assumptions; the documented defaults when None.

    Returns
    -------
    MarketResult
        Penetration, every factor, market size (vehicles) and forecast NEV buyers
        (vehicles over ``params.horizon_years``) per county. See the module Notes.

    Examples
    --------
    >>> inputs = MarketInputs(
    ...     county_codes=("130102", "230101", "460101"),
    ...     households=np.array([1000.0, 2000.0, 100.0]),
    ...     car_owning_households=np.array([400.0, 0.0, 100.0]),
    ...     vehicle_stock=np.array([600.0, 0.0, 500.0]),
    ...     nev_stock=np.array([60.0, 0.0, 200.0]),
    ...     public_charging_points=np.array([12.0, 0.0, 2.0]),
    ...     winter_class=np.array([3, 1, 5]),
    ...     population=np.array([3000.0, 6000.0, 300.0]),
    ... )
    >>> params = MarketParams(charging_reference_points_per_1000_vehicles=10.0)
    >>> result = estimate_market(inputs, params)
    >>> result.penetration.tolist()
    [0.1, 0.0, 0.4]
    >>> result.market_vehicles.round(1).tolist()  # 1275 x 1.1, 1700 x 0.75 x 0.7, ...
    [1402.5, 892.5, 430.5]
    >>> round(result.for_county("460101")["charging_factor"], 6)  # 0.7 + 0.3 x 4 / 10
    0.82
    """
    params = MarketParams() if params is None else params
    vehicles = inputs.vehicle_stock
    has_owners = inputs.car_owning_households > 0.0
    has_vehicles = vehicles > 0.0
    per_household = np.ones_like(vehicles)
    np.divide(vehicles, inputs.car_owning_households, out=per_household, where=has_owners)
    per_household = np.clip(per_household, 1.0, params.max_vehicles_per_car_owning_household)
    base = np.maximum(inputs.households * params.ownership_ceiling * per_household, vehicles)
    winter = np.asarray(params.winter_factors, dtype=np.float64)[inputs.winter_class - 1]
    density = np.zeros_like(vehicles)
    # Per 1,000 cars only where there is at least one car: a fraction of a car (modelled
    # or rounding residue) would turn a handful of charging points into an infinite density.
    has_a_car = vehicles >= 1.0
    np.divide(1000.0 * inputs.public_charging_points, vehicles, out=density, where=has_a_car)
    low = params.charging_factor_min
    charging = np.clip(
        low + (1.0 - low) * density / params.charging_reference_points_per_1000_vehicles,
        low,
        params.charging_factor_max,
    )
    market = base * winter * charging
    penetration = np.zeros_like(vehicles)
    np.divide(inputs.nev_stock, vehicles, out=penetration, where=has_vehicles)
    buyers = forecast_adopters(market, inputs.nev_stock, params.bass, params.horizon_years)
    return MarketResult(
        county_codes=inputs.county_codes,
        penetration=penetration,
        vehicles_per_car_owning_household=per_household,
        base_market_vehicles=base,
        winter_factor=winter,
        charging_points_per_1000_vehicles=density,
        charging_factor=charging,
        market_vehicles=market,
        remaining_market_vehicles=np.maximum(market - inputs.nev_stock, 0.0),
        forecast_buyers=np.asarray(buyers, dtype=np.float64),
        horizon_years=float(params.horizon_years),
    )


def _readonly_float(values: object, name: str, n_counties: int) -> FloatArray:
    """A read-only 1-D float64 copy of ``values``, checked to have one entry per county."""
    array = np.array(values, dtype=np.float64)
    if array.shape != (n_counties,):
        raise ValueError(f"{name} has shape {array.shape} but there are {n_counties} county codes")
    return readonly_copy(array)
