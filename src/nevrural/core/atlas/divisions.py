"""Administrative divisions: levels, codes and the kinds of township.

Codes follow the Ministry of Civil Affairs scheme (GB/T 2260 for the first six digits):
``PPCCXX`` for provinces (``PP0000``), prefectures (``PPCC00``) and counties, and nine
digits ``PPCCXXTTT`` for townships, where the township part ``TTT`` tells the kind:
``0xx`` subdistrict (街道), ``1xx`` town (镇), ``2xx``-``3xx`` township (乡, 民族乡, 苏木).

>>> province_code_of("420704001")
'420000'
>>> classify_township("420704100", "某某镇")
<TownshipKind.TOWN: 'town'>
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "Division",
    "Level",
    "LocationQuality",
    "TownshipKind",
    "classify_township",
    "is_urban_district",
    "prefecture_code_of",
    "province_code_of",
]


class Level(IntEnum):
    """Level of a division in the hierarchy."""

    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3
    TOWNSHIP = 4

    @classmethod
    def from_name(cls, name: str) -> Level:
        """Parse ``province``/``prefecture``/``county``/``township`` (case-insensitive)."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            allowed = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"unknown level {name!r}; expected one of {allowed}") from None


class TownshipKind(StrEnum):
    """Kind of township-level division, from the code and the name."""

    SUBDISTRICT = "subdistrict"  # 街道: urban
    TOWN = "town"  # 镇: rural market town
    TOWNSHIP = "township"  # 乡, 民族乡, 苏木: rural
    OTHER = "other"  # farms, development zones and similar units


class LocationQuality(StrEnum):
    """How trustworthy a division's coordinates are."""

    EXACT = "exact"  # imported real coordinates
    REFERENCE = "reference"  # from a published data package (county seat or centroid)
    APPROXIMATE = "approximate"  # placed by nevrural's model inside the real county polygon


@dataclass(frozen=True, slots=True)
class Division:
    """One division with its position (WGS-84/CGCS2000 degrees; the two differ by < 1 m)."""

    code: str
    name: str
    level: Level
    parent_code: str | None
    lon: float | None
    lat: float | None
    location_quality: LocationQuality | None


def province_code_of(code: str) -> str:
    """Six-digit code of the province a division belongs to."""
    return code[:2] + "0000"


def prefecture_code_of(code: str) -> str:
    """Six-digit code of the prefecture a division belongs to (``PPCC00``)."""
    return code[:4] + "00"


def is_urban_district(county_code: str, name: str) -> bool:
    """Whether a county-level division is an urban district (市辖区, codes ``PPCC01``-``PPCC20``).

    >>> is_urban_district("110101", "东城区")
    True
    >>> is_urban_district("130123", "正定县")
    False
    """
    return name.endswith("区") and 1 <= int(county_code[4:6]) <= 20


def classify_township(code: str, name: str) -> TownshipKind:
    """Kind of a township from its nine-digit code and its name.

    The name wins where it is explicit (a few towns carry ``2xx`` codes); the code
    decides otherwise.
    """
    if name.endswith("街道"):
        return TownshipKind.SUBDISTRICT
    if name.endswith("镇"):
        return TownshipKind.TOWN
    if name.endswith(("乡", "苏木")):
        return TownshipKind.TOWNSHIP
    head = code[6:7] if len(code) == 9 else ""
    return {"0": TownshipKind.SUBDISTRICT, "1": TownshipKind.TOWN, "2": TownshipKind.TOWNSHIP}.get(
        head, TownshipKind.OTHER
    )
