"""The demo's candidate cities for the linked car festival (an EXAMPLE, not an official list).

MOFCOM asks localities to recommend candidate cities and picks about N "with
distinctive characteristics and complementary advantages" (MOFCOM General Office
notice on automobile consumption promotion, 2023). This demo list of 62
prefecture-level cities and their themes was written by nevrural to exercise the
engine: themes are broad, commonly known characterisations (an NEV plant in the city,
a well-known tourist destination, a major grain-producing prefecture, a land border
port, a logistics hub, an energy base), not a ranking or an official designation.
Numeric features are aggregated at seed time from the atlas's county indicators, so
they carry the same source flags (mostly ``modelled``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.atlas.divisions import province_code_of

if TYPE_CHECKING:
    from nevrural.services.county_table import CountyTable
from nevrural.services.ports import CandidateColumns

__all__ = ["DEMO_CANDIDATE_THEMES", "demo_candidates"]

DEMO_CANDIDATE_THEMES: dict[str, tuple[str, ...]] = {
    "440300": ("automaker_base", "logistics_hub"),
    "610100": ("automaker_base", "tourism"),
    "340100": ("automaker_base",),
    "450200": ("automaker_base",),
    "430100": ("automaker_base", "tourism"),
    "320400": ("automaker_base",),
    "440100": ("automaker_base", "logistics_hub"),
    "330200": ("automaker_base", "logistics_hub"),
    "330100": ("automaker_base", "tourism"),
    "420100": ("automaker_base", "logistics_hub"),
    "410100": ("automaker_base", "logistics_hub"),
    "220100": ("automaker_base",),
    "370200": ("automaker_base", "tourism"),
    "371300": ("logistics_hub", "farming"),
    "330700": ("logistics_hub",),
    "520100": ("tourism",),
    "530100": ("tourism",),
    "450300": ("tourism",),
    "530700": ("tourism",),
    "430800": ("tourism",),
    "341000": ("tourism",),
    "460200": ("tourism",),
    "532900": ("tourism", "farming"),
    "511100": ("tourism",),
    "620200": ("energy",),
    "653100": ("border_trade", "farming"),
    "533100": ("border_trade",),
    "451400": ("border_trade", "farming"),
    "210600": ("border_trade",),
    "231100": ("border_trade", "farming"),
    "654000": ("border_trade", "farming"),
    "532500": ("border_trade",),
    "150700": ("border_trade", "tourism"),
    "411600": ("farming",),
    "411700": ("farming",),
    "231200": ("farming",),
    "371400": ("farming",),
    "411300": ("farming",),
    "230600": ("energy",),
    "150600": ("energy",),
    "610800": ("energy",),
    "620900": ("energy",),
    "650200": ("energy",),
    "360700": ("farming",),
    "430600": ("farming", "tourism"),
    "341200": ("farming",),
    "320300": ("logistics_hub",),
    "510700": ("automaker_base",),
    "360100": ("automaker_base",),
    "350200": ("tourism", "logistics_hub"),
    "370100": ("automaker_base",),
    "130100": ("farming",),
    "140100": ("energy",),
    "640100": ("energy",),
    "630100": ("energy", "tourism"),
    "540100": ("tourism",),
    "150100": ("farming",),
    "350500": ("logistics_hub",),
    "441900": ("logistics_hub",),
    "130600": ("automaker_base", "farming"),
    "610300": ("automaker_base",),
    "420600": ("automaker_base", "farming"),
}

FEATURE_NAMES = (
    "population",
    "nev_share",
    "charging_points_per_1000_cars",
    "rural_share",
    "car_owning_share",
)


def _prefecture_features(table: CountyTable) -> dict[str, tuple[float, ...]]:
    """Sum county indicators per prefecture, then ratios (shares, per 1,000 cars)."""
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    keys = (
        "population",
        "rural_population",
        "households",
        "car_owning_households",
        "vehicle_stock",
        "nev_stock",
        "public_charging_points",
    )
    for i, code in enumerate(table.codes):
        prefecture = code if code.endswith("00") else code[:4] + "00"
        for key in keys:
            sums[prefecture][key] += float(np.nan_to_num(table.indicators[key][i]))
    features: dict[str, tuple[float, ...]] = {}
    for prefecture, s in sums.items():
        cars = max(s["vehicle_stock"], 1.0)
        features[prefecture] = (
            s["population"],
            s["nev_stock"] / cars,
            1000.0 * s["public_charging_points"] / cars,
            s["rural_population"] / max(s["population"], 1.0),
            s["car_owning_households"] / max(s["households"], 1.0),
        )
    return features


def demo_candidates(
    table: CountyTable, names: dict[str, str], points: dict[str, tuple[float, float]]
) -> CandidateColumns:
    """The example candidates with features from the atlas (prefecture names and points)."""
    features = _prefecture_features(table)
    codes = tuple(c for c in DEMO_CANDIDATE_THEMES if c in names and c in points)
    return CandidateColumns(
        file_name="demo candidates (example)",
        codes=codes,
        names=tuple(names[c] for c in codes),
        province_codes=tuple(province_code_of(c) for c in codes),
        lon_deg=tuple(points[c][0] for c in codes),
        lat_deg=tuple(points[c][1] for c in codes),
        themes=tuple(frozenset(DEMO_CANDIDATE_THEMES[c]) for c in codes),
        feature_names=FEATURE_NAMES,
        features=tuple(features.get(c, (0.0,) * len(FEATURE_NAMES)) for c in codes),
    )
