"""The catalogue of county indicators and their source flags.

Every stored indicator value carries a *source flag*: ``modelled`` when nevrural
estimated it from cited province-level public figures, ``imported:<file>`` when a
user imported it from a file, ``derived:<what>`` when computed from atlas geometry.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "INDICATORS",
    "SOURCE_MODELLED",
    "WINTER_CLASSES",
    "IndicatorSpec",
    "IndicatorValue",
    "derived_source",
    "imported_source",
    "indicator_spec",
]

SOURCE_MODELLED = "modelled"


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """What one indicator measures, its unit and its valid range (inclusive)."""

    key: str
    unit: str
    label_zh: str
    label_en: str
    is_integer: bool
    min_value: float = 0.0
    max_value: float = 2.0e9


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One county's value of one indicator, with where it came from."""

    county_code: str
    key: str
    value: float
    source: str


# GB 50176-2016 "Code for thermal design of civil building", thermal climate zones,
# numbered from the coldest. Battery range in winter depends on this class.
WINTER_CLASSES: dict[int, tuple[str, str]] = {
    1: ("严寒", "severe cold"),
    2: ("寒冷", "cold"),
    3: ("夏热冬冷", "hot summer, cold winter"),
    4: ("温和", "temperate"),
    5: ("夏热冬暖", "hot summer, warm winter"),
}

_SPECS = (
    IndicatorSpec("population", "persons", "常住人口", "resident population", True),
    IndicatorSpec("rural_population", "persons", "乡村人口", "rural population", True),
    IndicatorSpec("households", "households", "家庭户数", "family households", True),
    IndicatorSpec(
        "car_owning_households", "households", "拥有家用汽车的户数", "car-owning households", True
    ),
    IndicatorSpec("vehicle_stock", "vehicles", "汽车保有量", "car stock", True),
    IndicatorSpec("nev_stock", "vehicles", "新能源汽车保有量", "NEV stock", True),
    IndicatorSpec("public_charging_points", "points", "公共充电桩", "public charging points", True),
    IndicatorSpec(
        "service_points", "points", "新能源汽车售后服务网点", "NEV after-sales service points", True
    ),
    IndicatorSpec(
        "winter_temperature_class",
        "class 1-5 (GB 50176)",
        "建筑热工气候分区",
        "winter temperature class",
        True,
        1.0,
        5.0,
    ),
    IndicatorSpec(
        "january_mean_temp_c", "°C", "一月平均气温", "January mean temperature", False, -60.0, 40.0
    ),
    IndicatorSpec("area_km2", "km²", "面积", "area", False, 0.0, 1.0e7),
)

INDICATORS: dict[str, IndicatorSpec] = {spec.key: spec for spec in _SPECS}


def indicator_spec(key: str) -> IndicatorSpec:
    """Look up an indicator, with an error that lists the known ones."""
    try:
        return INDICATORS[key]
    except KeyError:
        known = ", ".join(INDICATORS)
        raise KeyError(f"unknown indicator {key!r}; known indicators: {known}") from None


def imported_source(file_name: str) -> str:
    """Source flag for a value imported from ``file_name`` (base name only)."""
    return f"imported:{file_name}"


def derived_source(what: str) -> str:
    """Source flag for a value computed from atlas data (e.g. polygon area)."""
    return f"derived:{what}"
