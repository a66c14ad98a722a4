"""Explainable county score: potential × (1 − penetration), with named contributions.

Notes
-----
For each county, with Bass forecast ``Φ(m) = m (F(t0 + h) − F(t0))`` of NEV buyers over
``h`` years for a market of ``m`` vehicles (``F(t0) = N / m``, ``N`` the NEV stock; see
:mod:`nevrural.core.targeting.market`):

* ``Φ0 = Φ(B)`` with the base market ``B`` (households at the ownership ceiling);
* ``Φ1 = Φ(B · w)`` after the winter factor ``w``;
* ``Φ2 = Φ(B · w · g)`` after the charging-access factor ``g`` — the *potential*;
* score ``S = Φ2 · (1 − π)``, ``π`` the NEV share of the car stock.

The contributions are the steps of that sequence, so they sum to ``S`` exactly:

=====================  ===========================
``market_potential``    ``Φ0``
``winter_suitability``  ``Φ1 − Φ0`` (≤ 0 in cold zones)
``charging_access``     ``Φ2 − Φ1``
``penetration_gap``     ``− Φ2 · π``
=====================  ===========================

The unit of every term is NEV buyers over the horizon (vehicles), so a score reads
"buyers still to win". Counties whose penetration exceeds ``penetration_threshold``
are not eligible (the notice targets a *low* promotion ratio). The default threshold
is the national NEV share of the car stock at end-2024, 31.40 / 353 million = 8.9 %
(Ministry of Public Security, press release 2025-01-17). Work is O(n).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy
from nevrural.core.atlas.province_facts import (
    NATIONAL_CAR_STOCK_END_2024_VEHICLES,
    NATIONAL_NEV_STOCK_END_2024_VEHICLES,
)
from nevrural.core.targeting.bass import forecast_adopters
from nevrural.core.targeting.market import MarketInputs, MarketParams, estimate_market

__all__ = [
    "CONTRIBUTIONS",
    "NATIONAL_PENETRATION_END_2024",
    "CountyScore",
    "ScoreParams",
    "ScoringResult",
    "score_counties",
]

FloatArray = npt.NDArray[np.float64]

NATIONAL_PENETRATION_END_2024 = (
    NATIONAL_NEV_STOCK_END_2024_VEHICLES / NATIONAL_CAR_STOCK_END_2024_VEHICLES
)
CONTRIBUTIONS = ("market_potential", "winter_suitability", "charging_access", "penetration_gap")


@dataclass(frozen=True, slots=True)
class ScoreParams:
    """Scoring parameters: the market model and the eligibility threshold (share, 0–1)."""

    market: MarketParams = field(default_factory=MarketParams)
    penetration_threshold: float = NATIONAL_PENETRATION_END_2024

    def __post_init__(self) -> None:
        if not 0.0 < self.penetration_threshold <= 1.0:
            raise ValueError(
                f"penetration_threshold must be in (0, 1], got {self.penetration_threshold}"
            )


@dataclass(frozen=True, slots=True)
class CountyScore:
    """One county's score (vehicles), its parts and the market figures behind it."""

    code: str
    score: float
    potential: float
    penetration: float
    is_eligible: bool
    contributions: dict[str, float]
    factors: dict[str, float]


@dataclass(frozen=True, slots=True, eq=False)
class ScoringResult:
    """Scores of every county, in input order; arrays are read-only."""

    codes: tuple[str, ...]
    score: FloatArray
    potential: FloatArray
    penetration: FloatArray
    is_eligible: npt.NDArray[np.bool_]
    contributions: dict[str, FloatArray]
    factors: dict[str, FloatArray]
    horizon_years: float

    def county(self, i: int) -> CountyScore:
        """The ``i``-th county as plain Python values."""
        return CountyScore(
            code=self.codes[i],
            score=float(self.score[i]),
            potential=float(self.potential[i]),
            penetration=float(self.penetration[i]),
            is_eligible=bool(self.is_eligible[i]),
            contributions={k: float(v[i]) for k, v in self.contributions.items()},
            factors={k: float(v[i]) for k, v in self.factors.items()},
        )


def score_counties(inputs: MarketInputs, params: ScoreParams | None = None) -> ScoringResult:
    """Score every county and decompose each score into named contributions.

    Examples
    --------
    >>> inputs = MarketInputs(
    ...     county_codes=("130102", "230101"),
    ...     households=np.array([1000.0, 2000.0]),
    ...     car_owning_households=np.array([400.0, 500.0]),
    ...     vehicle_stock=np.array([600.0, 700.0]),
    ...     nev_stock=np.array([60.0, 20.0]),
    ...     public_charging_points=np.array([12.0, 1.0]),
    ...     winter_class=np.array([3, 1]),
    ...     population=np.array([3000.0, 6000.0]),
    ... )
    >>> result = score_counties(inputs)
    >>> [bool(e) for e in result.is_eligible]  # 10 % > 8.9 % national share
    [False, True]
    >>> parts = result.county(1).contributions
    >>> round(sum(parts.values()), 6) == round(result.county(1).score, 6)
    True
    """
    params = ScoreParams() if params is None else params
    market = estimate_market(inputs, params.market)
    bass, horizon = params.market.bass, params.market.horizon_years

    def buyers(size: FloatArray) -> FloatArray:
        return np.asarray(forecast_adopters(size, inputs.nev_stock, bass, horizon), float)

    phi0 = buyers(market.base_market_vehicles)
    phi1 = buyers(market.base_market_vehicles * market.winter_factor)
    phi2 = market.forecast_buyers
    gap = -phi2 * market.penetration
    contributions = {
        "market_potential": phi0,
        "winter_suitability": phi1 - phi0,
        "charging_access": phi2 - phi1,
        "penetration_gap": gap,
    }
    factors = {
        "base_market_vehicles": market.base_market_vehicles,
        "winter_factor": market.winter_factor,
        "charging_factor": market.charging_factor,
        "charging_points_per_1000_vehicles": market.charging_points_per_1000_vehicles,
        "market_vehicles": market.market_vehicles,
        "remaining_market_vehicles": market.remaining_market_vehicles,
    }
    frozen = {k: readonly_copy(v) for k, v in contributions.items()}
    return ScoringResult(
        codes=market.county_codes,
        score=readonly_copy(phi2 + gap),
        potential=readonly_copy(phi2),
        penetration=market.penetration,
        is_eligible=readonly_copy(market.penetration <= params.penetration_threshold),
        contributions=frozen,
        factors={k: readonly_copy(v) for k, v in factors.items()},
        horizon_years=float(horizon),
    )
