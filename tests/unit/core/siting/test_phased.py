"""Phased build-out on a hand-checkable line: three towns, four sites, two years.

Towns at km 0, 5 and 10 (one demand point each) and sites A, B, C, D at km 0, 5, 10 and
20. Year 1 demand (1.2, 2, 1) sits in the middle, year 2 demand (10, 1, 10) at the ends;
one new site a year. Weighted distances (demand-unit-km):

* year 1 alone: A 20, B 11, C 22, D 64, so the myopic plan opens B;
* year 2 with B open: + A 50, + C 50, so the myopic plan totals 11 + 50 = 61;
* A then C: 20 + 5 = 25 (optimal); C then A: 22 + 5 = 27;
* bound of the heuristic: year 1 alone 11, plus year 2 alone with two sites
  ({A, C}: 5) = 16.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from nevrural.core.siting.phased import (
    PhasedInfeasible,
    PhasedParams,
    PhasedProblem,
    PhasedResult,
    solve_phased,
)
from nevrural.core.siting.problem import SitingProblem

TOWN_KM = np.array([0.0, 5.0, 10.0])
SITE_KM = np.array([0.0, 5.0, 10.0, 20.0])
YEARS = np.array([[1.2, 2.0, 1.0], [10.0, 1.0, 10.0]])
EXACT = PhasedParams(path="exact")
MYOPIC = PhasedParams(path="heuristic", has_backward_pass=False)
HEURISTIC = PhasedParams(path="heuristic")


def line_base(**rules: object) -> SitingProblem:
    """The line's base problem (every pair allowed) with optional site rules."""
    rows, cols = np.divmod(np.arange(12), 4)
    km = np.abs(TOWN_KM[rows] - SITE_KM[cols])
    distance = csr_matrix((km, (rows, cols)), shape=(3, 4))
    return SitingProblem(demand_weight=np.ones(3), distance_km=distance, **rules)  # type: ignore[arg-type]


def line(
    new: tuple[int, ...] = (1, 1), demand: np.ndarray | None = None, **kwargs: object
) -> PhasedProblem:
    """The two-year line problem; keyword arguments go to `PhasedProblem` or the base."""
    base_keys = {"is_existing", "has_land", "capacity", "cost_cny", "budget_cny"}
    base = line_base(**{k: v for k, v in kwargs.items() if k in base_keys})
    rest = {k: v for k, v in kwargs.items() if k not in base_keys}
    return PhasedProblem(
        base=base,
        demand_by_period=YEARS if demand is None else demand,
        new_sites_per_period=new,
        **rest,  # type: ignore[arg-type]
    )


def costs(*cny: int) -> tuple[Decimal, ...]:
    """Site costs in CNY."""
    return tuple(Decimal(c) for c in cny)


def test_exact_plan_beats_myopic_plan() -> None:
    """The exact MIP opens A then C (25); the myopic pass opens B then A (61)."""
    exact = solve_phased(line(), "p-median", EXACT)
    assert exact.path == "exact"
    assert exact.status == "optimal"
    assert exact.new_by_period == ((0,), (2,))
    assert exact.objective_by_period == pytest.approx((20.0, 5.0))
    assert exact.objective == pytest.approx(25.0)
    assert exact.lower_bound == pytest.approx(25.0)
    assert exact.gap == 0.0
    myopic = solve_phased(line(), "p-median", MYOPIC)
    assert myopic.path == "heuristic"
    assert myopic.new_by_period[0] == (1,)
    assert myopic.objective_by_period == pytest.approx((11.0, 50.0))
    assert myopic.objective == pytest.approx(61.0)
    assert myopic.lower_bound == pytest.approx(16.0)
    assert myopic.gap == pytest.approx((61.0 - 16.0) / 61.0)


def test_backward_pass_recovers_the_optimum() -> None:
    """Backward from year 2's best pair {A, C}, the heuristic finds the plan of 25."""
    result = solve_phased(line(), "p-median", HEURISTIC)
    assert result.new_by_period == ((0,), (2,))
    assert result.objective == pytest.approx(25.0)
    assert result.details["forward_objective"] == pytest.approx(61.0)
    assert result.details["backward_objective"] == pytest.approx(25.0)
    assert result.lower_bound == pytest.approx(16.0)


def test_mclp_exact_plan_beats_myopic_plan() -> None:
    """Within 4 km each site covers its own town: exact 1.2 + 20, myopic 2 + 11."""
    params = PhasedParams(radius_km=4.0, path="exact")
    exact = solve_phased(line(), "mclp", params)
    assert exact.model == "phased-mclp"
    assert exact.new_by_period == ((0,), (2,))
    assert exact.objective == pytest.approx(21.2)
    assert exact.upper_bound == pytest.approx(21.2)
    assert exact.lower_bound is None
    myopic = PhasedParams(radius_km=4.0, path="heuristic", has_backward_pass=False)
    assert solve_phased(line(), "mclp", myopic).objective == pytest.approx(13.0)


def test_budget_per_period_binds() -> None:
    """Budgets 150 then 50 CNY: year 2 can only afford B or D, so A then B (70)."""
    problem = line(cost_cny=costs(100, 50, 100, 10), budget_by_period_cny=costs(150, 50))
    exact = solve_phased(problem, "p-median", EXACT)
    assert exact.new_by_period == ((0,), (1,))
    assert exact.spent_by_period_cny == (Decimal(100), Decimal(50))
    assert exact.objective == pytest.approx(70.0)
    # Myopic: B (11), then only D fits (100); backward {A, C} breaks year 2's budget.
    heuristic = solve_phased(problem, "p-median", HEURISTIC)
    assert heuristic.new_by_period == ((1,), (3,))
    assert heuristic.spent_by_period_cny == (Decimal(50), Decimal(10))
    assert heuristic.objective == pytest.approx(111.0)


def test_unspent_budget_carries_over() -> None:
    """With carry-over the 50 CNY left in year 1 lets year 2 afford C: A then C (25)."""
    problem = line(
        cost_cny=costs(100, 50, 100, 10), budget_by_period_cny=costs(150, 50), carry_over=True
    )
    result = solve_phased(problem, "p-median", EXACT)
    assert result.new_by_period == ((0,), (2,))
    assert result.spent_by_period_cny == (Decimal(100), Decimal(100))


def test_horizon_budget_caps_the_total() -> None:
    """A base budget of 160 CNY rules out A and C together; B then A or C (61) is best."""
    problem = line(cost_cny=costs(100, 50, 100, 10), budget_cny=Decimal(160))
    result = solve_phased(problem, "p-median", EXACT)
    assert result.objective == pytest.approx(61.0)
    assert sum(result.spent_by_period_cny) <= Decimal(160)


def test_existing_site_stays_open_and_landless_site_never_opens() -> None:
    """B existing and C without land: A then D (5 + 50), B open throughout."""
    problem = line(
        is_existing=np.array([False, True, False, False]),
        has_land=np.array([True, True, False, True]),
    )
    for params in (EXACT, HEURISTIC):
        result = solve_phased(problem, "p-median", params)
        assert result.new_by_period == ((0,), (3,))
        assert result.open_by_period == ((0, 1), (0, 1, 3))
        assert result.objective == pytest.approx(55.0)
        assert result.summary.new_sites == (0, 3)


def test_opened_sites_stay_open_over_three_periods() -> None:
    """Every period's open sites contain the previous period's, new ones are the rest."""
    demand = np.vstack([YEARS, [[5.0, 5.0, 5.0]]])
    problem = line(new=(1, 1, 1), demand=demand)
    for params in (EXACT, HEURISTIC, MYOPIC):
        result = solve_phased(problem, "p-median", params)
        previous: set[int] = set()
        for opened, new in zip(result.open_by_period, result.new_by_period, strict=True):
            assert previous <= set(opened)
            assert set(opened) - previous == set(new)
            assert len(new) == 1
            previous = set(opened)


def test_year_without_openings_keeps_the_existing_sites() -> None:
    """With B existing and no opening in year 1, year 1 costs 11 and year 2 opens A, C."""
    problem = line(new=(0, 2), is_existing=np.array([False, True, False, False]))
    result = solve_phased(problem, "p-median", EXACT)
    assert result.new_by_period == ((), (0, 2))
    assert result.objective_by_period == pytest.approx((11.0, 0.0))


def test_discount_weighs_later_periods_less() -> None:
    """At 10 % a year the total is 20 + 5 / 1.1."""
    result = solve_phased(line(discount_rate=0.1), "p-median", EXACT)
    assert result.objective == pytest.approx(20.0 + 5.0 / 1.1)
    assert result.objective_by_period == pytest.approx((20.0, 5.0))


def test_capacity_splits_demand() -> None:
    """Capacity 8 at A and C: year 2's 10 units at each end spill 2 units each to B."""
    problem = line(capacity=np.array([8.0, math.inf, 8.0, math.inf]), new=(1, 2))
    result = solve_phased(problem, "p-median", EXACT)
    # B first (11), then A and C: 2 units of each end travel 5 km to B, 2 * 5 * 2 = 20.
    assert result.new_by_period == ((1,), (0, 2))
    assert result.objective_by_period[1] == pytest.approx(20.0)


def test_result_summary_describes_the_plan() -> None:
    """The summary is a `SitingResult` of the last period with the total objective."""
    result = solve_phased(line(period_labels=("2026", "2027")), "p-median", EXACT)
    assert isinstance(result, PhasedResult)
    summary = result.summary
    assert summary.model == "phased-p-median"
    assert summary.open_sites == (0, 2)
    assert summary.new_sites == (0, 2)
    assert summary.assignment.tolist() == [0, 0, 2]
    assert summary.objective == result.objective
    assert result.period_labels == ("2026", "2027")
    assert result.details["objective_period_2027"] == pytest.approx(5.0)
    assert result.assignment_by_period.tolist() == [[0, 0, 0], [0, 0, 2]]


def test_auto_path_follows_the_size_limit() -> None:
    """``auto`` runs the MIP on the small line and the heuristic when the limit is 0."""
    assert solve_phased(line(), "p-median", PhasedParams()).path == "exact"
    small = PhasedParams(max_exact_pairs=0)
    assert solve_phased(line(), "p-median", small).path == "heuristic"


def test_same_seed_gives_same_plan() -> None:
    """Two runs with the same seed return the same plan and numbers."""
    problem = line(cost_cny=costs(100, 50, 100, 10), budget_by_period_cny=costs(150, 150))
    first = solve_phased(problem, "p-median", PhasedParams(path="heuristic", seed=7))
    again = solve_phased(problem, "p-median", PhasedParams(path="heuristic", seed=7))
    assert first.open_by_period == again.open_by_period
    assert first.objective == again.objective
    assert first.lower_bound == again.lower_bound


def test_truncated_pairs_charge_beyond_distance() -> None:
    """A town with no stored pair costs beyond_km per unit with truncation, else is refused."""
    distance = csr_matrix(([0.0, 5.0], ([0, 1], [0, 0])), shape=(3, 2))
    base = SitingProblem(demand_weight=np.ones(3), distance_km=distance)
    demand = np.array([[1.0, 1.0, 2.0]])
    problem = PhasedProblem(base=base, demand_by_period=demand, new_sites_per_period=(1,))
    truncated = PhasedParams(path="exact", is_truncated=True, beyond_km=30.0)
    result = solve_phased(problem, "p-median", truncated)
    assert result.objective == pytest.approx(5.0 + 2.0 * 30.0)
    with pytest.raises(PhasedInfeasible, match=r"1 demand points with weight > 0 .*demand 2\)"):
        solve_phased(problem, "p-median", EXACT)


def test_budgets_no_schedule_meets_are_proven_infeasible() -> None:
    """Budgets 60 and 60 CNY with sites at 50 and 70+: year 2 cannot afford any site."""
    problem = line(cost_cny=costs(50, 70, 100, 100), budget_by_period_cny=costs(60, 60))
    with pytest.raises(PhasedInfeasible, match="HiGHS proved that no schedule"):
        solve_phased(problem, "p-median", EXACT)
    with pytest.raises(PhasedInfeasible, match="the heuristic found no feasible schedule"):
        solve_phased(problem, "p-median", HEURISTIC)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"new": (2, 3)}, "5 new sites over the horizon, but only 4 of the 4 sites can open"),
        (
            {"cost_cny": costs(10, 10, 10, 10), "budget_by_period_cny": costs(5, 50)},
            r"period 1: the 1 cheapest new sites cost 10.00 CNY, budget 5.00 CNY",
        ),
        (
            {"cost_cny": costs(10, 10, 10, 10), "budget_cny": Decimal(15)},
            r"periods up to 2: the 2 cheapest new sites cost 20.00 CNY, budgets allow 15.00",
        ),
        ({"new": (0, 1)}, "period 1 has demand 4.2 but no site is open"),
    ],
)
def test_rules_no_schedule_meets_are_named(kwargs: dict[str, object], message: str) -> None:
    """Counts and budgets that no schedule can meet raise with the clashing numbers."""
    with pytest.raises(PhasedInfeasible, match=message):
        solve_phased(line(**kwargs), "p-median", EXACT)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"demand": np.ones((2, 2))}, "demand_by_period has 2 columns, base has 3 demand points"),
        ({"demand": np.ones(3)}, r"demand_by_period has shape \(3,\), expected"),
        ({"demand": -YEARS}, r"demand_by_period\[0, 0\] = -1.2 must be finite, >= 0"),
        ({"new": (1,)}, "new_sites_per_period has 1 entries, demand_by_period 2 periods"),
        ({"new": (1, -1)}, r"new_sites_per_period\[1\] = -1 must be an integer >= 0"),
        ({"budget_by_period_cny": costs(1, 1)}, "budget_by_period_cny needs base.cost_cny"),
        (
            {"cost_cny": costs(1, 1, 1, 1), "budget_by_period_cny": costs(1)},
            "budget_by_period_cny has 1 entries, expected 2",
        ),
        (
            {"cost_cny": costs(1, 1, 1, 1), "budget_by_period_cny": (Decimal(1), Decimal(-1))},
            r"budget_by_period_cny\[1\] = Decimal\('-1'\) must be a Decimal >= 0",
        ),
        ({"period_labels": ("2026",)}, "period_labels has 1 entries, expected 2"),
        ({"discount_rate": -0.1}, "discount_rate = -0.1 must be finite and >= 0"),
    ],
)
def test_invalid_problem_is_refused(kwargs: dict[str, object], message: str) -> None:
    """Bad shapes and numbers raise errors that name the field and the value."""
    with pytest.raises(ValueError, match=message):
        line(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit_s": 0.0}, "time_limit_s = 0.0 must be finite and > 0"),
        ({"radius_km": -1.0}, "radius_km = -1.0 must be finite and >= 0"),
        ({"path": "fast"}, "path = 'fast' must be one of auto, exact, heuristic"),
        ({"mip_rel_gap": 1.0}, r"mip_rel_gap = 1.0 must lie in \[0, 1\)"),
        ({"seed": -1}, "seed = -1 must be an integer >= 0"),
        ({"beyond_km": math.inf}, "beyond_km = inf must be finite and >= 0"),
    ],
)
def test_invalid_params_are_refused(kwargs: dict[str, object], message: str) -> None:
    """Bad parameters raise errors that name the parameter and the value."""
    with pytest.raises(ValueError, match=message):
        PhasedParams(**kwargs)  # type: ignore[arg-type]


def test_model_and_radius_must_fit() -> None:
    """MCLP needs a radius, the p-median takes none, and other models are refused."""
    with pytest.raises(ValueError, match=r"model='mclp' needs params\.radius_km"):
        solve_phased(line(), "mclp", EXACT)
    with pytest.raises(ValueError, match=r"radius_km = 4\.0 applies to model='mclp' only"):
        solve_phased(line(), "p-median", PhasedParams(radius_km=4.0))
    with pytest.raises(ValueError, match="model = 'lscp' must be"):
        solve_phased(line(), "lscp", EXACT)  # type: ignore[arg-type]


def test_schedule_clash_names_the_broken_rule() -> None:
    """`schedule_clash` names closed existing sites, land, counts and budgets."""
    problem = line(
        is_existing=np.array([False, True, False, False]),
        has_land=np.array([True, True, False, True]),
        cost_cny=costs(100, 50, 100, 10),
        budget_by_period_cny=costs(150, 50),
    )
    open_a = [True, True, False, False]
    assert problem.schedule_clash(np.array([open_a, [True, False, False, True]])) == (
        "existing site 1 is closed in period 2"
    )
    assert problem.schedule_clash(np.array([open_a, [True, True, True, False]])) == (
        "site 2 has no land but is open in period 2"
    )
    assert problem.schedule_clash(np.array([open_a, open_a])) == (
        "1 new sites open by period 2, expected 2"
    )
    assert problem.schedule_clash(
        np.array([[False, True, False, True], [True, True, False, True]])
    ) == ("period 2 spends 100.00 CNY, budget 50.00 CNY")
    assert problem.schedule_clash(np.array([open_a, [True, True, False, True]])) is None
