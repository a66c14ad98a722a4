"""Rural siting inputs: township demand, charger capacity and technician quotas.

All figures here are *modelled* (flagged as such wherever they are shown):

* **Township share of a county's NEVs.** Township populations are not published with
  the atlas, so a county's forecast NEVs are shared among its townships by kind:
  weight 2 for an urban subdistrict (街道), 1 for a town (镇), 0.6 for a township
  (乡), 0.3 for other units (farms, development zones) — ``ASSUMED_TOWNSHIP_WEIGHTS``.
* **Charging capacity of a site.** Chargers = ⌊grid headroom (kVA) × power factor ÷
  charger power (kW)⌋; a county seat has more headroom than a township seat
  (``ASSUMED_HEADROOM_KVA``: typical 10 kV distribution transformers of 2,000, 630 and
  315 kVA with 30 % spare). Each public charging point serves the national ratio of
  NEVs per public point: 31.40 million NEVs (MPS, 2025-01-17) over 3.579 million
  public points (EVCIPA bulletin 2024-12) = 8.77 NEVs per point.
* **Technician quotas.** A national training target split over counties in proportion
  to NEV stock by largest remainder (every quota a whole person).

>>> [round(s, 3) for s in township_demand_shares(["subdistrict", "town", "township"])]
[0.556, 0.278, 0.167]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.atlas.province_facts import (
    NATIONAL_NEV_STOCK_END_2024_VEHICLES,
    NATIONAL_PUBLIC_CHARGING_POINTS_END_2024,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ASSUMED_CHARGER_KW",
    "ASSUMED_HEADROOM_KVA",
    "ASSUMED_POWER_FACTOR",
    "ASSUMED_TOWNSHIP_WEIGHTS",
    "NEVS_PER_PUBLIC_POINT",
    "apportion",
    "chargers_from_headroom",
    "township_demand_shares",
]

ASSUMED_TOWNSHIP_WEIGHTS: dict[str, float] = {
    "subdistrict": 2.0,
    "town": 1.0,
    "township": 0.6,
    "other": 0.3,
}
# Spare capacity of the 10 kV distribution transformer at each kind of site, kVA:
# 30 % of a 2,000 kVA (county seat), 630 kVA (town) or 315 kVA (township) unit.
ASSUMED_HEADROOM_KVA: dict[str, float] = {
    "county_seat": 600.0,
    "subdistrict": 600.0,
    "town": 189.0,
    "township": 94.5,
    "other": 94.5,
}
ASSUMED_POWER_FACTOR = 0.95
ASSUMED_CHARGER_KW = 60.0  # a common public DC charger
NEVS_PER_PUBLIC_POINT = (
    NATIONAL_NEV_STOCK_END_2024_VEHICLES / NATIONAL_PUBLIC_CHARGING_POINTS_END_2024
)


def township_demand_shares(kinds: Sequence[str]) -> tuple[float, ...]:
    """Each township's share of its county's NEVs, from the kinds of its townships."""
    weights = [
        ASSUMED_TOWNSHIP_WEIGHTS.get(kind, ASSUMED_TOWNSHIP_WEIGHTS["other"]) for kind in kinds
    ]
    total = sum(weights)
    if total <= 0:
        return tuple(0.0 for _ in kinds)
    return tuple(w / total for w in weights)


def chargers_from_headroom(
    headroom_kva: float,
    charger_kw: float = ASSUMED_CHARGER_KW,
    power_factor: float = ASSUMED_POWER_FACTOR,
) -> int:
    """Whole chargers a site's spare transformer capacity can feed.

    >>> chargers_from_headroom(600.0)
    9
    """
    if charger_kw <= 0 or not 0 < power_factor <= 1:
        raise ValueError(
            f"charger_kw {charger_kw} must be > 0, power_factor {power_factor} in (0, 1]"
        )
    if headroom_kva < 0:
        raise ValueError(f"headroom_kva {headroom_kva} must be >= 0")
    return math.floor(headroom_kva * power_factor / charger_kw + 1e-9)


def apportion(total: int, weights: Sequence[float]) -> tuple[int, ...]:
    """Split ``total`` whole units in proportion to ``weights`` (largest remainder).

    >>> apportion(10, [1.0, 1.0, 2.0])  # 2.5, 2.5, 5: the tie goes to the first
    (3, 2, 5)
    """
    if total < 0:
        raise ValueError(f"total {total} must be >= 0")
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0:
        return ()
    if np.any(~np.isfinite(w) | (w < 0)):
        raise ValueError("weights must be finite and >= 0")
    if w.sum() <= 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    base = np.floor(exact).astype(np.int64)
    remainder = total - int(base.sum())
    order = np.lexsort((np.arange(w.size), -(exact - base)))  # largest remainder, then index
    base[order[:remainder]] += 1
    return tuple(int(v) for v in base)
