"""County targeting as a use case on the full atlas, on SQLite and PostgreSQL.

On PostgreSQL the scenarios stay in the shared database, so the tests look only at the
scenarios they created (by id), never at how many there are.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from nevrural.core.geo import haversine_km
from nevrural.core.targeting.market import MarketParams
from nevrural.core.targeting.scoring import ScoreParams, score_counties
from nevrural.core.targeting.selection_checks import SelectionInfeasible
from nevrural.services.county_table import load_county_table, market_inputs
from nevrural.services.demo import DEMO_LINKAGE, DEMO_SHORTLIST, seed_demo
from nevrural.services.targeting import (
    ASSUMED_EVENT_COST_BASE_CNY,
    ASSUMED_EVENT_COST_PER_TOWNSHIP_CNY,
    TargetingRequest,
    get_targeting_scenario,
    list_targeting_scenarios,
    run_targeting,
)

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

__all__: list[str] = []

KINDS = ("targeting", "linkage")
NATIONAL = TargetingRequest(n_counties=300, per_province_min=1, min_spacing_km=30.0)


def eligible_provinces(container: Container, request: TargetingRequest) -> dict[str, str]:
    """Code to province code of every county eligible under the request's threshold."""
    with container.uow() as uow:
        table = load_county_table(uow)
    params = ScoreParams(
        market=MarketParams(horizon_years=request.horizon_years),
        penetration_threshold=request.penetration_threshold,
    )
    scores = score_counties(market_inputs(table), params)
    return {table.codes[i]: table.province_codes[i] for i in np.flatnonzero(scores.is_eligible)}


def stored_ids(container: Container, kind: str) -> list[int]:
    """Ids of the newest stored scenarios of ``kind``."""
    with container.uow() as uow:
        return [s.id for s in uow.scenarios.list(kind)]


def check_contributions(rows: list[dict[str, Any]]) -> None:
    """Every row's named contributions sum to its score."""
    for row in rows:
        total = math.fsum(row["contributions"].values())
        assert total == pytest.approx(row["score"], rel=1e-9, abs=1e-9), row["code"]


def test_national_selection_meets_every_rule(any_container: Container) -> None:
    """N = 300, one per province, 30 km apart: optimal, eligible, spaced, explainable."""
    result = run_targeting(any_container.uow, NATIONAL).result
    assert result["status"] == "optimal"
    assert result["method"] == "mip"
    assert 0.0 <= result["gap"] <= 1e-6
    assert result["objective"] <= result["bound"] * (1 + 1e-9)
    rows = result["selected"]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 300
    assert [row["rank"] for row in rows] == list(range(1, 301))
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
    eligible = eligible_provinces(any_container, NATIONAL)
    assert result["eligible_counties"] == len(eligible)
    assert set(codes) <= set(eligible)
    threshold = result["penetration_threshold"]
    assert all(0.0 <= row["penetration"] <= threshold for row in rows)
    assert {row["province_code"] for row in rows} == set(eligible.values())
    assert math.fsum(row["score"] for row in rows) == pytest.approx(result["objective"], rel=1e-9)
    lon = np.array([row["lon"] for row in rows])
    lat = np.array([row["lat"] for row in rows])
    distance_km = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    np.fill_diagonal(distance_km, np.inf)
    assert float(np.min(distance_km)) >= 30.0
    check_contributions(rows)


def test_budget_caps_the_event_cost(any_container: Container) -> None:
    """With a budget the modelled event costs of the chosen counties stay within it."""
    budget_cny = Decimal("15000000")
    request = TargetingRequest(n_counties=30, budget_cny=budget_cny)
    result = run_targeting(any_container.uow, request).result
    assert result["status"] == "optimal"
    assert result["gap"] <= 1e-6
    rows = result["selected"]
    assert len(rows) == 30
    costs = [Decimal(row["event_cost_cny"]) for row in rows]
    assert sum(costs) <= budget_cny
    assert Decimal(result["total_event_cost_cny"]) == sum(costs)
    assert result["event_cost_source"] == "modelled"
    for row, cost in zip(rows, costs, strict=True):
        modelled = (
            ASSUMED_EVENT_COST_BASE_CNY + ASSUMED_EVENT_COST_PER_TOWNSHIP_CNY * row["townships"]
        )
        assert cost == modelled, row["code"]
    check_contributions(rows)


def test_type_quotas_hold(any_container: Container) -> None:
    """Minimums and maximums per county type (winter class) hold in the selection."""
    request = TargetingRequest(
        n_counties=30,
        type_min={"severe_cold": 5, "hot_summer_warm_winter": 2},
        type_max={"cold": 15},
    )
    result = run_targeting(any_container.uow, request).result
    assert result["status"] == "optimal"
    assert result["gap"] <= 1e-6
    counts = Counter(row["county_type"] for row in result["selected"])
    assert counts.total() == 30
    assert counts["severe_cold"] >= 5
    assert counts["hot_summer_warm_winter"] >= 2
    assert counts["cold"] <= 15


def test_infeasible_minimum_names_the_province_and_stores_nothing(
    any_container: Container,
) -> None:
    """A per-province minimum above a province's eligible count names both; nothing is kept."""
    per_province = Counter(eligible_provinces(any_container, NATIONAL).values())
    fewest = min(per_province.values())
    province = min(code for code, count in per_province.items() if count == fewest)
    with any_container.uow() as uow:
        division = uow.atlas.get_division(province)
    assert division is not None
    before = stored_ids(any_container, "targeting")
    request = TargetingRequest(
        n_counties=(fewest + 1) * len(per_province), per_province_min=fewest + 1
    )
    with pytest.raises(SelectionInfeasible) as clash:
        run_targeting(any_container.uow, request)
    message = str(clash.value)
    assert f"{division.name} ({province})" in message
    assert f"has {fewest} eligible counties, minimum {fewest + 1}" in message
    assert stored_ids(any_container, "targeting") == before


def test_budget_below_the_cheapest_events_is_infeasible(any_container: Container) -> None:
    """A budget below the cheapest events is refused with both amounts; nothing is kept."""
    before = stored_ids(any_container, "targeting")
    request = TargetingRequest(n_counties=50, budget_cny=Decimal("1000"))
    with pytest.raises(SelectionInfeasible, match=r"budget 1,000\.00 CNY") as clash:
        run_targeting(any_container.uow, request)
    assert "the 50 cheapest events cost" in str(clash.value)
    assert stored_ids(any_container, "targeting") == before


def test_stored_scenario_reads_back(any_container: Container) -> None:
    """``get_targeting_scenario`` and the list return what ``run_targeting`` stored."""
    request = TargetingRequest(n_counties=10, name="read-back test")
    scenario = run_targeting(any_container.uow, request)
    assert scenario.kind == "targeting"
    assert scenario.name == "read-back test"
    assert scenario.is_demo is False
    assert scenario.seconds > 0.0
    assert scenario.params == request.as_params()
    assert get_targeting_scenario(any_container.uow, scenario.id) == scenario
    listed = [s for s in list_targeting_scenarios(any_container.uow) if s.id == scenario.id]
    assert listed == [scenario]
    assert len(scenario.result["selected"]) == 10


def test_unknown_county_type_is_refused() -> None:
    """A quota on a type that does not exist is refused, listing the known types."""
    with pytest.raises(ValueError, match=r"unknown county types \['arctic'\]"):
        TargetingRequest(n_counties=5, type_min={"arctic": 1})


def test_seed_demo_adds_one_shortlist_and_one_linkage_once(any_container: Container) -> None:
    """The demo holds one 100-county shortlist and one 12-city linkage; reseeding adds none."""
    seed_demo(any_container.uow)
    with any_container.uow() as uow:
        demos = {kind: [s for s in uow.scenarios.list(kind) if s.is_demo] for kind in KINDS}
    assert [len(demos[kind]) for kind in KINDS] == [1, 1]
    shortlist, linkage = demos["targeting"][0], demos["linkage"][0]
    assert shortlist.name == DEMO_SHORTLIST.name
    assert len(shortlist.result["selected"]) == DEMO_SHORTLIST.n_counties == 100
    assert linkage.name == DEMO_LINKAGE.name
    assert len(linkage.result["selected"]) == DEMO_LINKAGE.k == 12
    before = {kind: stored_ids(any_container, kind) for kind in KINDS}
    assert seed_demo(any_container.uow) is False
    assert {kind: stored_ids(any_container, kind) for kind in KINDS} == before


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"per_province_min": -1}, "per_province_min"),
        ({"per_province_max": 0}, "per_province_max"),
        ({"min_spacing_km": -5.0}, "min_spacing_km"),
        ({"penetration_threshold": 2.0}, "penetration_threshold"),
        ({"time_limit_s": 0.0}, "time_limit_s"),
        ({"budget_cny": Decimal("-1")}, "budget_cny"),
    ],
)
def test_request_refuses_bad_fields_naming_them(fields: dict[str, object], named: str) -> None:
    """A targeting request with an impossible field value is refused naming that field."""
    with pytest.raises(ValueError, match=named):
        TargetingRequest(n_counties=10, **fields)  # type: ignore[arg-type]
