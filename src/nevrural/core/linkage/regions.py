"""Macro-regions of China by province code, for the region-coverage term of city linkage.

Two published groupings are embedded as literals; each maps the two-digit province
prefix of a six-digit division code to a region key, and each key has a Chinese and an
English label.

- ``"seven"`` (default): the seven traditional geographic regions (七大地理分区) of
  Chinese school geography and regional reporting: 华北, 东北, 华东, 华中, 华南, 西南,
  西北. Inner Mongolia is counted in North China, as in the usual convention; Taiwan
  is in East China and Hong Kong and Macao in South China.
- ``"nbs4"``: the four economic regions of the National Bureau of Statistics, "东西中部
  和东北地区划分方法" (NBS, stats.gov.cn, 2011-06-13): East (10 provinces), Central (6),
  West (12) and Northeast (3). It covers the 31 mainland provinces only.

>>> region_of_province("650000"), region_of_province("650000", "nbs4")
('northwest', 'west')
>>> REGION_LABELS["northwest"]
('西北地区', 'the Northwest')
"""

from __future__ import annotations

from typing import Literal, TypeAlias

__all__ = [
    "REGION_LABELS",
    "REGION_SCHEMES",
    "RegionScheme",
    "region_label",
    "region_of_province",
]

RegionScheme: TypeAlias = Literal["seven", "nbs4"]

_SEVEN: dict[str, tuple[str, ...]] = {
    "north_china": ("11", "12", "13", "14", "15"),
    "northeast": ("21", "22", "23"),
    "east_china": ("31", "32", "33", "34", "35", "36", "37", "71"),
    "central_china": ("41", "42", "43"),
    "south_china": ("44", "45", "46", "81", "82"),
    "southwest": ("50", "51", "52", "53", "54"),
    "northwest": ("61", "62", "63", "64", "65"),
}

_NBS4: dict[str, tuple[str, ...]] = {
    "east": ("11", "12", "13", "31", "32", "33", "35", "37", "44", "46"),
    "central": ("14", "34", "36", "41", "42", "43"),
    "west": ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
    "northeast": ("21", "22", "23"),
}

# Region key -> province prefix, per scheme (built once from the tables above).
REGION_SCHEMES: dict[str, dict[str, str]] = {
    "seven": {prefix: region for region, prefixes in _SEVEN.items() for prefix in prefixes},
    "nbs4": {prefix: region for region, prefixes in _NBS4.items() for prefix in prefixes},
}

# Region key -> (Chinese label, English label used after "from").
REGION_LABELS: dict[str, tuple[str, str]] = {
    "north_china": ("华北地区", "North China"),
    "northeast": ("东北地区", "the Northeast"),
    "east_china": ("华东地区", "East China"),
    "central_china": ("华中地区", "Central China"),
    "south_china": ("华南地区", "South China"),
    "southwest": ("西南地区", "the Southwest"),
    "northwest": ("西北地区", "the Northwest"),
    "east": ("东部地区", "the Eastern region"),
    "central": ("中部地区", "the Central region"),
    "west": ("西部地区", "the Western region"),
}


def region_of_province(province_code: str, scheme: RegionScheme = "seven") -> str:
    """Region key of a province, from its six-digit code (only the first two digits count).

    Raises
    ------
    ValueError
        When the code is not six digits or its prefix is not a province of the scheme.

    Examples
    --------
    >>> region_of_province("440000"), region_of_province("440300")
    ('south_china', 'south_china')
    """
    if len(province_code) != 6 or not province_code.isdigit():
        raise ValueError(f"province code {province_code!r} is not 6 digits")
    table = REGION_SCHEMES.get(scheme)
    if table is None:
        raise ValueError(f"unknown region scheme {scheme!r}; known: {', '.join(REGION_SCHEMES)}")
    region = table.get(province_code[:2])
    if region is None:
        raise ValueError(
            f"province code {province_code} (prefix {province_code[:2]}) is not a province "
            f"of the {scheme!r} region scheme"
        )
    return region


def region_label(region: str) -> tuple[str, str]:
    """Chinese and English label of a region key; the key itself for both when unknown.

    >>> region_label("southwest"), region_label("moon")
    (('西南地区', 'the Southwest'), ('moon', 'moon'))
    """
    return REGION_LABELS.get(region, (region, region))
