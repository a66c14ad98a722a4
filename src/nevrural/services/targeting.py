"""Use case: choose the host counties — score, filter, select exactly, store the scenario.

The event cost of a county is *modelled* unless given: a main venue at the county seat
plus one sub-event per township (乡镇街道), at ``event_cost_base_cny`` +
``event_cost_per_township_cny`` × townships. Both defaults are nevrural's planning
assumptions (flagged ``modelled`` in the result), not published prices.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from nevrural.core.atlas.indicators import WINTER_CLASSES
from nevrural.core.targeting.market import MarketParams
from nevrural.core.targeting.scoring import (
    NATIONAL_PENETRATION_END_2024,
    ScoreParams,
    ScoringResult,
    score_counties,
)
from nevrural.core.targeting.selection import SelectionProblem, SelectionResult, solve_selection
from nevrural.services.county_table import CountyTable, load_county_table, market_inputs
from nevrural.services.ports import Scenario, ScenarioDraft, UnitOfWork
from nevrural.services.scenarios import (
    get_scenario,
    latest_demo_scenario,
    list_scenarios,
    store_scenario,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "ASSUMED_EVENT_COST_BASE_CNY",
    "ASSUMED_EVENT_COST_PER_TOWNSHIP_CNY",
    "COUNTY_TYPES",
    "TargetingRequest",
    "get_targeting_scenario",
    "latest_demo_shortlist",
    "list_targeting_scenarios",
    "run_targeting",
]

KIND = "targeting"
# ASSUMPTIONS (nevrural's planning defaults, not published prices): a county main venue
# (stage, tents, demo cars, publicity) and one sub-event per township.
ASSUMED_EVENT_COST_BASE_CNY = Decimal("300000")
ASSUMED_EVENT_COST_PER_TOWNSHIP_CNY = Decimal("20000")
# County types for "typical" quotas: the GB 50176-2016 winter class of the county.
COUNTY_TYPES: dict[int, str] = {
    1: "severe_cold",
    2: "cold",
    3: "hot_summer_cold_winter",
    4: "temperate",
    5: "hot_summer_warm_winter",
}


@dataclass(frozen=True, slots=True)
class TargetingRequest:
    """What the organiser asks for: N counties under province, spacing, budget, type rules.

    Money in CNY, spacing in km, horizon in years, threshold as a share (0-1).
    """

    n_counties: int
    per_province_min: int = 0
    per_province_max: int | None = None
    min_spacing_km: float = 0.0
    budget_cny: Decimal | None = None
    horizon_years: float = 3.0
    penetration_threshold: float = NATIONAL_PENETRATION_END_2024
    type_min: Mapping[str, int] = field(default_factory=dict)
    type_max: Mapping[str, int] = field(default_factory=dict)
    event_cost_base_cny: Decimal = ASSUMED_EVENT_COST_BASE_CNY
    event_cost_per_township_cny: Decimal = ASSUMED_EVENT_COST_PER_TOWNSHIP_CNY
    time_limit_s: float = 10.0
    name: str = ""

    def __post_init__(self) -> None:
        if self.n_counties < 1:
            raise ValueError(f"n_counties must be >= 1, got {self.n_counties}")
        if not 1.0 <= self.horizon_years <= 5.0:
            raise ValueError(f"horizon_years must be within 1-5, got {self.horizon_years}")
        if self.per_province_min < 0:
            raise ValueError(f"per_province_min must be >= 0, got {self.per_province_min}")
        if self.per_province_max is not None and self.per_province_max < 1:
            raise ValueError(f"per_province_max must be >= 1, got {self.per_province_max}")
        if not self.min_spacing_km >= 0.0:
            raise ValueError(f"min_spacing_km must be >= 0, got {self.min_spacing_km}")
        if self.budget_cny is not None and self.budget_cny < 0:
            raise ValueError(f"budget_cny must be >= 0, got {self.budget_cny}")
        if not 0.0 < self.penetration_threshold <= 1.0:
            raise ValueError(
                f"penetration_threshold must be in (0, 1], got {self.penetration_threshold}"
            )
        if not self.time_limit_s > 0.0:
            raise ValueError(f"time_limit_s must be > 0, got {self.time_limit_s}")
        unknown = (set(self.type_min) | set(self.type_max)) - set(COUNTY_TYPES.values())
        if unknown:
            raise ValueError(
                f"unknown county types {sorted(unknown)}; known: {sorted(COUNTY_TYPES.values())}"
            )

    def as_params(self) -> dict[str, Any]:
        """JSON-ready parameters (money as strings of CNY)."""
        params = asdict(self)
        for key, value in params.items():
            if isinstance(value, Decimal):
                params[key] = str(value)
        params["type_min"], params["type_max"] = dict(self.type_min), dict(self.type_max)
        return params


def _event_costs(table: CountyTable, request: TargetingRequest) -> list[Decimal]:
    return [
        request.event_cost_base_cny + request.event_cost_per_township_cny * int(n)
        for n in table.townships
    ]


def _county_types(table: CountyTable) -> tuple[str, ...]:
    winter = table.indicators["winter_temperature_class"]
    return tuple(COUNTY_TYPES[int(k)] for k in winter)


def _row(
    table: CountyTable, scores: ScoringResult, i: int, cost: Decimal, county_type: str
) -> dict[str, Any]:
    county = scores.county(i)
    province = table.province_codes[i]
    return {
        "code": county.code,
        "name": table.names[i],
        "province": table.province_names.get(province, province),
        "province_code": province,
        "lon": float(table.lon_deg[i]),
        "lat": float(table.lat_deg[i]),
        "score": county.score,
        "penetration": county.penetration,
        "potential": county.potential,
        "contributions": county.contributions,
        "factors": county.factors,
        "county_type": county_type,
        "winter_class_zh": WINTER_CLASSES[int(table.indicators["winter_temperature_class"][i])][0],
        "event_cost_cny": str(cost),
        "townships": int(table.townships[i]),
        "data_sources": sorted({table.sources[k][i] for k in ("population", "nev_stock")}),
    }


def _solve(
    table: CountyTable, scores: ScoringResult, request: TargetingRequest, costs: list[Decimal]
) -> tuple[SelectionResult, np.ndarray]:
    eligible = np.flatnonzero(scores.is_eligible)
    types = _county_types(table)
    problem = SelectionProblem(
        codes=tuple(table.codes[i] for i in eligible),
        names=tuple(table.names[i] for i in eligible),
        province_codes=tuple(table.province_codes[i] for i in eligible),
        province_names=table.province_names,
        scores=np.maximum(scores.score[eligible], 0.0),
        lon_deg=table.lon_deg[eligible],
        lat_deg=table.lat_deg[eligible],
        n_select=request.n_counties,
        per_province_min=request.per_province_min,
        per_province_max=request.per_province_max,
        min_spacing_km=request.min_spacing_km,
        event_cost_cny=[costs[i] for i in eligible] if request.budget_cny is not None else None,
        budget_cny=request.budget_cny,
        county_types=tuple(types[i] for i in eligible)
        if (request.type_min or request.type_max)
        else None,
        type_min=request.type_min,
        type_max=request.type_max,
        time_limit_s=request.time_limit_s,
    )
    return solve_selection(problem), eligible


def run_targeting(
    uow_factory: Callable[[], UnitOfWork], request: TargetingRequest, *, is_demo: bool = False
) -> Scenario:
    """Score every county, select the best feasible set exactly, store and return it.

    Raises ``SelectionInfeasible`` (naming the numbers that clash) when the rules cannot
    all hold; nothing is stored then.
    """
    started = time.perf_counter()
    with uow_factory() as uow:
        table = load_county_table(uow)
    params = ScoreParams(
        market=MarketParams(horizon_years=request.horizon_years),
        penetration_threshold=request.penetration_threshold,
    )
    scores = score_counties(market_inputs(table), params)
    costs = _event_costs(table, request)
    solution, eligible = _solve(table, scores, request, costs)
    types = _county_types(table)
    chosen = sorted(
        (int(eligible[j]) for j in solution.selected), key=lambda i: -float(scores.score[i])
    )
    selected = [
        _row(table, scores, i, costs[i], types[i]) | {"rank": r + 1} for r, i in enumerate(chosen)
    ]
    result = {
        "selected": selected,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "seconds": solution.seconds,
        "status": solution.status,
        "method": solution.method,
        "eligible_counties": len(eligible),
        "counties_scored": len(table.codes),
        "total_event_cost_cny": str(sum((costs[i] for i in chosen), Decimal(0))),
        "event_cost_source": "modelled",
        "horizon_years": request.horizon_years,
        "penetration_threshold": request.penetration_threshold,
        "score_unit": "NEV buyers over the horizon (vehicles)",
    }
    name = request.name or f"{request.n_counties} counties"
    draft = ScenarioDraft(
        KIND, name, request.as_params(), result, time.perf_counter() - started, is_demo
    )
    return store_scenario(uow_factory, draft)


def get_targeting_scenario(
    uow_factory: Callable[[], UnitOfWork], scenario_id: int
) -> Scenario | None:
    """A stored targeting scenario."""
    return get_scenario(uow_factory, KIND, scenario_id)


def list_targeting_scenarios(uow_factory: Callable[[], UnitOfWork]) -> list[Scenario]:
    """Stored targeting scenarios, newest first."""
    return list_scenarios(uow_factory, KIND)


def latest_demo_shortlist(uow_factory: Callable[[], UnitOfWork]) -> Scenario | None:
    """The demo's targeting scenario, if seeded."""
    return latest_demo_scenario(uow_factory, KIND)
