"""Modelled default county indicators, allocated from cited province-level figures.

nevrural embeds no county statistics. Until a user imports real county tables, every
county indicator (except ``area_km2``, which is derived from geometry) is *modelled*
here from the province figures in :mod:`nevrural.core.atlas.province_facts` and the
county's township make-up and position, and flagged ``source="modelled"``.

Notes
-----
The profiles passed in are taken to be *all* counties of their provinces: each
province total is shared among the given counties of that province. Province ``p``
is the one of county ``c``. ``S``, ``T``, ``X`` are its numbers of subdistricts
(街道), towns (镇) and townships (乡; other kinds count as townships), and
``D = 1`` for an urban district (市辖区). Every ``A_*`` is a named ``ASSUMED_*``
constant below; each is a modelling choice, not a measured figure.

1. Population (census 2020-11-01). Urban weight
   ``w_u = (A_seat + A_us·S + A_ut·T) · (A_boost if D else 1)``; rural weight
   ``w_r = A_rs·S + A_rt·T + A_rx·X``. The province's urban and rural census
   populations are shared ∝ ``w_u`` and ∝ ``w_r``; population = urban + rural.
2. Households: the province's census family households, shared ∝ population (the
   province household size everywhere).
3. Car-owning households: ``rate_p · H_p`` (census long-form rate times family
   households) shared ∝ ``households · (1 + A_car · u)``, ``u`` = urban share of the
   county, capped at the county's households.
4. Car stock (end 2024): province stock = national MPS stock × the province's share
   of car-owning households; shared ∝ car-owning households.
5. NEV stock (end 2024): penetration index ``i = (1 + A_nev·u) · A_winter[class]``.
   Province NEV = national MPS NEV stock × share of ``i_p · cars_p`` over provinces
   (``i_p`` from the province urban share and anchor class); shared among counties
   ∝ ``i · cars``, capped at the county's car stock.
6. Public charging points (end 2024): national EVCIPA total shared over provinces,
   then counties, ∝ ``A_chg · (NEV share) + (1 - A_chg) · (urban-population share)``.
7. NEV service points: ``ASSUMED_SERVICE_POINTS_PER_10K_NEV · NEV / 10 000``.
8. January mean temperature: the province anchor (capital) minus
   ``A_lapse`` °C per degree of latitude north of the anchor, clipped to
   ``ASSUMED_JANUARY_TEMP_RANGE_C`` and rounded to 0.1 °C. Elevation is ignored.
9. Winter class: the anchor's class where the county's January mean falls in the same
   GB 50176-2016 coldest-month band as the anchor's (≤ -10, ≤ 0, ≤ 10, > 10 °C); else
   the class of the county's band (1, 2, 3 or 5; 4 stays 4 in a temperate province).

Integers are rounded by largest remainder within each province, so every integer
total equals the rounded province total (population exactly the census figure);
ties go to the earlier profile. The model is deterministic and vectorised: O(n log n)
for n counties.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.atlas.indicators import INDICATORS, SOURCE_MODELLED, IndicatorValue
from nevrural.core.atlas.province_facts import (
    ASSUMED_SERVICE_POINTS_PER_10K_NEV,
    NATIONAL_CAR_STOCK_END_2024_VEHICLES,
    NATIONAL_NEV_STOCK_END_2024_VEHICLES,
    NATIONAL_PUBLIC_CHARGING_POINTS_END_2024,
    PROVINCE_CLIMATE,
    PROVINCE_FACTS,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
    IntArray = npt.NDArray[np.int64]

__all__ = [
    "ASSUMED_CAR_OWNERSHIP_URBAN_GRADIENT",
    "ASSUMED_CHARGING_NEV_SHARE",
    "ASSUMED_JANUARY_LAPSE_C_PER_DEG_LAT",
    "ASSUMED_JANUARY_TEMP_RANGE_C",
    "ASSUMED_NEV_URBAN_GRADIENT",
    "ASSUMED_NEV_WINTER_FACTOR",
    "ASSUMED_RURAL_WEIGHT_PER_SUBDISTRICT",
    "ASSUMED_RURAL_WEIGHT_PER_TOWN",
    "ASSUMED_RURAL_WEIGHT_PER_TOWNSHIP",
    "ASSUMED_URBAN_DISTRICT_BOOST",
    "ASSUMED_URBAN_SEAT_WEIGHT",
    "ASSUMED_URBAN_WEIGHT_PER_SUBDISTRICT",
    "ASSUMED_URBAN_WEIGHT_PER_TOWN",
    "GB50176_COLDEST_MONTH_LIMITS_C",
    "MODELLED_KEYS",
    "CountyProfile",
    "ModelledIndicatorsResult",
    "model_county_indicators",
]

# --- Modelling ASSUMPTIONS (nevrural's choices, not measured figures) ---------------
# Urban population weight: the county seat, per subdistrict and per town (town seats),
# and the multiplier for urban districts, whose subdistricts are denser.
ASSUMED_URBAN_SEAT_WEIGHT = 2.0
ASSUMED_URBAN_WEIGHT_PER_SUBDISTRICT = 1.0
ASSUMED_URBAN_WEIGHT_PER_TOWN = 0.3
ASSUMED_URBAN_DISTRICT_BOOST = 1.5
# Rural population weight per subdistrict (peri-urban villages), town and township
# (a 乡 holds about half the rural population of a 镇).
ASSUMED_RURAL_WEIGHT_PER_SUBDISTRICT = 0.1
ASSUMED_RURAL_WEIGHT_PER_TOWN = 1.0
ASSUMED_RURAL_WEIGHT_PER_TOWNSHIP = 0.5
# A fully urban county's households own cars 1.5 times as often as a fully rural one's.
ASSUMED_CAR_OWNERSHIP_URBAN_GRADIENT = 0.5
# NEV penetration: fully urban 3 times fully rural; lower where winters are colder
# (battery range loss), by winter class 1..5.
ASSUMED_NEV_URBAN_GRADIENT = 2.0
ASSUMED_NEV_WINTER_FACTOR: dict[int, float] = {1: 0.4, 2: 0.8, 3: 1.0, 4: 1.0, 5: 1.15}
# Public charging points follow NEV stock (this share) and urban population (the rest).
ASSUMED_CHARGING_NEV_SHARE = 0.7
# January mean temperature falls 1.5 °C per degree of latitude northwards (a typical
# gradient of eastern China's January isotherms) and is kept within this range, °C.
ASSUMED_JANUARY_LAPSE_C_PER_DEG_LAT = 1.5
ASSUMED_JANUARY_TEMP_RANGE_C = (-32.0, 27.0)

# GB 50176-2016 zoning bounds on the coldest-month mean (here: the January mean), °C.
GB50176_COLDEST_MONTH_LIMITS_C = (-10.0, 0.0, 10.0)
_CLASS_OF_BAND = np.array([1, 2, 3, 5], dtype=np.int64)
_TEMPERATE_CLASS = 4
_TEMPERATE_BAND = 2

# Plausible position of a Chinese county (catches swapped lat/lon), degrees.
_LAT_RANGE_DEG = (0.0, 60.0)
_LON_RANGE_DEG = (70.0, 140.0)

MODELLED_KEYS: tuple[str, ...] = tuple(key for key in INDICATORS if key != "area_km2")


@dataclass(frozen=True, slots=True)
class CountyProfile:
    """What the model needs to know about one county from the atlas.

    Attributes
    ----------
    code
        Six-digit county code.
    province_code
        Six-digit code of its province (``PP0000``).
    n_subdistricts, n_towns, n_townships
        Numbers of subdistricts (街道), towns (镇) and townships (乡, 民族乡, 苏木 and
        other kinds), counts.
    lat_deg, lon_deg
        Position (seat or centroid), degrees north and east.
    area_km2
        Area, km²; 0 when the atlas has no polygon for it (not used by the current model).
    is_urban_district
        Whether it is an urban district (市辖区).
    """

    code: str
    province_code: str
    n_subdistricts: int
    n_towns: int
    n_townships: int
    lat_deg: float
    lon_deg: float
    area_km2: float
    is_urban_district: bool

    def __post_init__(self) -> None:
        if len(self.code) != 6 or not self.code.isdigit():
            raise ValueError(f"county code must be six digits, got {self.code!r}")
        if self.province_code != self.code[:2] + "0000":
            raise ValueError(
                f"county {self.code}: province code {self.province_code!r} should be "
                f"{self.code[:2] + '0000'!r}"
            )
        counts = (self.n_subdistricts, self.n_towns, self.n_townships)
        if any(n < 0 for n in counts):
            raise ValueError(
                f"county {self.code}: subdistrict/town/township counts {counts} must be >= 0"
            )
        _check_range(self.code, "lat_deg", self.lat_deg, _LAT_RANGE_DEG)
        _check_range(self.code, "lon_deg", self.lon_deg, _LON_RANGE_DEG)
        if not (math.isfinite(self.area_km2) and self.area_km2 >= 0):
            raise ValueError(f"county {self.code}: area {self.area_km2} km² must be >= 0")


def _check_range(code: str, name: str, value: float, bounds: tuple[float, float]) -> None:
    """Raise if ``value`` is not finite or outside ``bounds`` (inclusive)."""
    if not (math.isfinite(value) and bounds[0] <= value <= bounds[1]):
        raise ValueError(f"county {code}: {name} = {value} is outside {list(bounds)}")


@dataclass(frozen=True, slots=True)
class ModelledIndicatorsResult:
    """Modelled indicator values: every key of :data:`MODELLED_KEYS` for every county."""

    values: tuple[IndicatorValue, ...]
    _by_county: dict[str, dict[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_county: dict[str, dict[str, float]] = {}
        for value in self.values:
            by_county.setdefault(value.county_code, {})[value.key] = value.value
        object.__setattr__(self, "_by_county", by_county)

    @property
    def county_codes(self) -> tuple[str, ...]:
        """County codes in input order."""
        return tuple(self._by_county)

    def for_county(self, code: str) -> dict[str, float]:
        """One county's values by indicator key (a new dict)."""
        try:
            return dict(self._by_county[code])
        except KeyError:
            raise KeyError(f"county {code!r} is not in the modelled result") from None


def model_county_indicators(profiles: Sequence[CountyProfile]) -> ModelledIndicatorsResult:
    """Model every county indicator except area from province figures; see the Notes above.

    Parameters
    ----------
    profiles
        All counties of the provinces to model, one profile each, unique codes.

    Returns
    -------
    ModelledIndicatorsResult
        Counts in persons, households, vehicles and points; temperature in °C; every
        value flagged ``modelled``.

    Raises
    ------
    ValueError
        If a code repeats or a profile's province has no embedded facts.

    Examples
    --------
    >>> profiles = [
    ...     CountyProfile("330102", "330000", 10, 0, 0, 30.25, 120.17, 26.0, True),
    ...     CountyProfile("330122", "330000", 2, 8, 3, 29.80, 119.69, 1829.0, False),
    ...     CountyProfile("330127", "330000", 0, 5, 10, 29.61, 119.04, 4452.0, False),
    ... ]
    >>> result = model_county_indicators(profiles)
    >>> sum(result.for_county(p.code)["population"] for p in profiles)
    64567588.0
    >>> result.for_county("330102")["winter_temperature_class"]
    3.0
    """
    codes = [profile.code for profile in profiles]
    repeated = sorted(code for code, count in Counter(codes).items() if count > 1)
    if repeated:
        raise ValueError(f"county codes repeat: {', '.join(repeated)}")
    if not profiles:
        return ModelledIndicatorsResult(values=())
    provinces, group = _province_groups(profiles)
    lat = np.array([profile.lat_deg for profile in profiles], dtype=np.float64)
    temp_c, winter = _model_climate(lat, provinces, group)
    urban, rural = _model_population(profiles, provinces, group)
    columns = _model_stocks(provinces, group, urban, rural, winter)
    columns["winter_temperature_class"] = winter.astype(np.float64)
    columns["january_mean_temp_c"] = temp_c
    return ModelledIndicatorsResult(values=_to_values(codes, columns))


def _province_groups(profiles: Sequence[CountyProfile]) -> tuple[list[str], IntArray]:
    """Sorted province codes present and each profile's index into them."""
    province_codes = [profile.province_code for profile in profiles]
    missing = sorted(
        {c for c in province_codes if c not in PROVINCE_FACTS or c not in PROVINCE_CLIMATE}
    )
    if missing:
        raise ValueError(
            f"no embedded province facts for province code(s) {', '.join(missing)}; "
            f"known: {len(PROVINCE_FACTS)} mainland provinces"
        )
    provinces = sorted(set(province_codes))
    position = {code: index for index, code in enumerate(provinces)}
    group = np.array([position[code] for code in province_codes], dtype=np.int64)
    return provinces, group


def _model_climate(
    lat_deg: FloatArray, provinces: list[str], group: IntArray
) -> tuple[FloatArray, IntArray]:
    """January mean temperature (°C, 0.1 °C) and winter class (1-5) by latitude."""
    anchors = [PROVINCE_CLIMATE[code] for code in provinces]
    anchor_temp = np.array([a.january_mean_temp_c for a in anchors], dtype=np.float64)[group]
    anchor_lat = np.array([a.anchor_lat_deg for a in anchors], dtype=np.float64)[group]
    anchor_class = np.array([a.winter_class for a in anchors], dtype=np.int64)[group]
    low, high = ASSUMED_JANUARY_TEMP_RANGE_C
    raw = anchor_temp - ASSUMED_JANUARY_LAPSE_C_PER_DEG_LAT * (lat_deg - anchor_lat)
    temp: FloatArray = np.round(np.clip(raw, low, high), 1).astype(np.float64)
    limits = np.array(GB50176_COLDEST_MONTH_LIMITS_C)
    band = np.digitize(temp, limits, right=True)
    anchor_band = np.digitize(anchor_temp, limits, right=True)
    band_class = _CLASS_OF_BAND[band]
    is_temperate = (band == _TEMPERATE_BAND) & (anchor_class == _TEMPERATE_CLASS)
    band_class = np.where(is_temperate, _TEMPERATE_CLASS, band_class)
    winter = np.where(band == anchor_band, anchor_class, band_class).astype(np.int64)
    return temp, winter


def _model_population(
    profiles: Sequence[CountyProfile], provinces: list[str], group: IntArray
) -> tuple[IntArray, IntArray]:
    """Urban and rural population (persons) shared from the province census totals."""
    n_sub = np.array([p.n_subdistricts for p in profiles], dtype=np.float64)
    n_town = np.array([p.n_towns for p in profiles], dtype=np.float64)
    n_tship = np.array([p.n_townships for p in profiles], dtype=np.float64)
    is_district = np.array([p.is_urban_district for p in profiles], dtype=bool)
    urban_weight = (
        ASSUMED_URBAN_SEAT_WEIGHT
        + ASSUMED_URBAN_WEIGHT_PER_SUBDISTRICT * n_sub
        + ASSUMED_URBAN_WEIGHT_PER_TOWN * n_town
    ) * np.where(is_district, ASSUMED_URBAN_DISTRICT_BOOST, 1.0)
    rural_weight = (
        ASSUMED_RURAL_WEIGHT_PER_SUBDISTRICT * n_sub
        + ASSUMED_RURAL_WEIGHT_PER_TOWN * n_town
        + ASSUMED_RURAL_WEIGHT_PER_TOWNSHIP * n_tship
    )
    facts = [PROVINCE_FACTS[code] for code in provinces]
    urban_total = np.array([f.urban_population for f in facts], dtype=np.float64)
    rural_total = np.array([f.rural_population for f in facts], dtype=np.float64)
    return _allocate(urban_total, urban_weight, group), _allocate(rural_total, rural_weight, group)


def _model_stocks(
    provinces: list[str], group: IntArray, urban: IntArray, rural: IntArray, winter: IntArray
) -> dict[str, FloatArray]:
    """Population, households, car-owning households, car, NEV, charger and service stocks."""
    facts = [PROVINCE_FACTS[code] for code in provinces]
    population = urban + rural
    urban_share = np.divide(
        urban, population, out=np.zeros(len(urban), dtype=np.float64), where=population > 0
    )
    household_total = np.array([f.family_households for f in facts], dtype=np.float64)
    households = _allocate(household_total, population.astype(np.float64), group)
    car_total = np.array([f.car_ownership_rate * f.family_households for f in facts])
    car_weight = households * (1.0 + ASSUMED_CAR_OWNERSHIP_URBAN_GRADIENT * urban_share)
    cars = _allocate(car_total, car_weight, group, cap=households.astype(np.float64))
    vehicle_total, nev_total, charging_total = _province_fleet_totals(provinces)
    vehicles = _allocate(vehicle_total, cars.astype(np.float64), group)
    nev_weight = vehicles * _nev_index(urban_share, winter)
    nev = _allocate(nev_total, nev_weight, group, cap=vehicles.astype(np.float64))
    charging_weight = _charging_weight(
        _group_shares(nev.astype(np.float64), group, len(provinces)),
        _group_shares(urban.astype(np.float64), group, len(provinces)),
    )
    charging = _allocate(charging_total, charging_weight, group)
    service_quota = (ASSUMED_SERVICE_POINTS_PER_10K_NEV / 10_000.0 * nev).astype(np.float64)
    service = _round_in_groups(service_quota, group)
    stocks = {
        "population": population,
        "rural_population": rural,
        "households": households,
        "car_owning_households": cars,
        "vehicle_stock": vehicles,
        "nev_stock": nev,
        "public_charging_points": charging,
        "service_points": service,
    }
    return {key: column.astype(np.float64) for key, column in stocks.items()}


def _province_fleet_totals(provinces: list[str]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Car, NEV and public-charger stock of each given province, from national totals."""
    every = sorted(PROVINCE_FACTS)
    facts = [PROVINCE_FACTS[code] for code in every]
    car_owning = np.array([f.car_ownership_rate * f.family_households for f in facts])
    urban_population = np.array([f.urban_population for f in facts], dtype=np.float64)
    urban_share = np.array([f.urban_share for f in facts], dtype=np.float64)
    winter = np.array([PROVINCE_CLIMATE[code].winter_class for code in every], dtype=np.int64)
    vehicles = NATIONAL_CAR_STOCK_END_2024_VEHICLES * car_owning / car_owning.sum()
    nev_weight = vehicles * _nev_index(urban_share, winter)
    nev = NATIONAL_NEV_STOCK_END_2024_VEHICLES * nev_weight / nev_weight.sum()
    charging_weight = _charging_weight(nev / nev.sum(), urban_population / urban_population.sum())
    charging = NATIONAL_PUBLIC_CHARGING_POINTS_END_2024 * charging_weight
    index = np.array([every.index(code) for code in provinces], dtype=np.int64)
    return vehicles[index], nev[index], charging[index]


def _nev_index(urban_share: FloatArray, winter: IntArray) -> FloatArray:
    """Relative NEV penetration from urban share (fraction) and winter class (1-5)."""
    factor = np.array([0.0, *(ASSUMED_NEV_WINTER_FACTOR[k] for k in range(1, 6))])
    result: FloatArray = (1.0 + ASSUMED_NEV_URBAN_GRADIENT * urban_share) * factor[winter]
    return result


def _charging_weight(nev_share: FloatArray, urban_share: FloatArray) -> FloatArray:
    """Charging-point weight from shares of NEV stock and of urban population."""
    result: FloatArray = (
        ASSUMED_CHARGING_NEV_SHARE * nev_share + (1.0 - ASSUMED_CHARGING_NEV_SHARE) * urban_share
    )
    return result


def _group_shares(weight: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    """Each weight over its group's sum; equal shares in a group whose weights sum to 0."""
    weight_sum = np.bincount(group, weights=weight, minlength=n_groups)[group]
    count = np.bincount(group, minlength=n_groups)[group].astype(np.float64)
    equal = 1.0 / count
    shares: FloatArray = np.divide(weight, weight_sum, out=equal, where=weight_sum > 0)
    return shares


def _allocate(
    total: FloatArray, weight: FloatArray, group: IntArray, cap: FloatArray | None = None
) -> IntArray:
    """Share each group's ``total`` ∝ ``weight`` (at most ``cap``), as integers."""
    quota = total[group] * _group_shares(weight, group, len(total))
    if cap is not None:
        quota = np.minimum(quota, cap)
    return _round_in_groups(quota, group)


def _round_in_groups(quota: FloatArray, group: IntArray) -> IntArray:
    """Largest-remainder rounding: floor or ceil of each quota, group sums rounded.

    >>> _round_in_groups(np.array([0.5, 0.5, 1.4, 1.6]), np.array([0, 0, 1, 1]))
    array([1, 0, 1, 2])
    """
    n_groups = int(group.max()) + 1 if len(group) else 0
    floor = np.floor(quota)
    target = np.rint(np.bincount(group, weights=quota, minlength=n_groups))
    extra = target - np.bincount(group, weights=floor, minlength=n_groups)
    order = np.lexsort((np.arange(len(quota)), floor - quota, group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, np.arange(n_groups))
    rank = np.empty(len(quota), dtype=np.int64)
    rank[order] = np.arange(len(quota)) - starts[sorted_group]
    rounded: IntArray = floor.astype(np.int64) + (rank < extra[group]).astype(np.int64)
    return rounded


def _to_values(codes: list[str], columns: dict[str, FloatArray]) -> tuple[IndicatorValue, ...]:
    """Indicator values county by county, in catalogue order."""
    lists = [columns[key].tolist() for key in MODELLED_KEYS]
    return tuple(
        IndicatorValue(code, key, float(column[row]), SOURCE_MODELLED)
        for row, code in enumerate(codes)
        for key, column in zip(MODELLED_KEYS, lists, strict=True)
    )
