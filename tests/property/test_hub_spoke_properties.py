"""Hub-and-spoke invariants: on <= 10 townships the MIP equals brute force, budgets hold,
each township is counted once and the main venue's own reach is always counted."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.events.hub_spoke import (
    HubSpokeParams,
    HubSpokeProblem,
    HubSpokeResult,
    solve_hub_spoke,
)

__all__: list[str] = []


@dataclass(frozen=True)
class Case:
    """A random problem with its reach matrix and main-venue reach, for brute force."""

    problem: HubSpokeProblem
    reaches: np.ndarray  # reaches[i, j]: an event at j reaches township i
    by_main: np.ndarray


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Up to 10 townships on a 40 km grid, random needs, budgets, eligibility and radii."""
    n = draw(st.integers(1, 10))
    point = st.tuples(st.integers(0, 40), st.integers(0, 40))
    xy = np.array(draw(st.lists(point, min_size=n, max_size=n)), dtype=float)
    seat = np.array(draw(point), dtype=float)
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * 1.3
    if draw(st.booleans()):  # some roads unknown
        hidden = np.array(draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n)))
        km = np.where(hidden.reshape(n, n), np.inf, km)
    seat_km = np.hypot(*(xy - seat).T) * 1.3
    small = st.integers(0, 4)
    needs = st.lists(small, min_size=n, max_size=n)
    population = draw(
        st.lists(st.sampled_from([0.0, 500.0, 1200.0, 3000.0]), min_size=n, max_size=n)
    )
    eligible = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    reach_km = float(draw(st.sampled_from([5.0, 12.0, 20.0, 35.0])))
    main_reach = draw(st.sampled_from([None, 8.0, 25.0]))
    staff = draw(st.integers(0, 12))
    problem = HubSpokeProblem(
        township_codes=tuple(f"T{i:02d}" for i in range(n)),
        population_persons=np.array(population),
        seat_road_km=seat_km,
        road_km=km,
        reach_km=reach_km,
        main_reach_km=main_reach,
        sub_event_days=draw(st.integers(0, 8)),
        event_days=np.array(draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))),
        staff_per_event=np.array(draw(needs)),
        staff_available=staff,
        demo_cars_per_event=np.array(draw(needs)),
        demo_cars_available=draw(st.integers(0, 12)),
        main_venue_staff=min(draw(st.integers(0, 2)), staff) if draw(st.booleans()) else 0,
        is_eligible=eligible if draw(st.booleans()) else None,
    )
    reaches = (km <= reach_km) | np.eye(n, dtype=bool)
    by_main = seat_km <= (reach_km if main_reach is None else main_reach)
    return Case(problem, reaches, by_main)


def fits(problem: HubSpokeProblem, chosen: tuple[int, ...]) -> bool:
    """True when the sub-events at `chosen` keep every budget."""
    days, staff, cars = (need[list(chosen)].sum() for need in problem.needs())
    return bool(
        days <= problem.sub_event_days
        and staff <= problem.staff_for_sub_events
        and cars <= problem.demo_cars_for_sub_events
    )


def reached(case: Case, chosen: tuple[int, ...]) -> np.ndarray:
    """Townships reached by the main venue or the sub-events at `chosen`."""
    return case.by_main | case.reaches[:, list(chosen)].any(axis=1)


def brute_force(case: Case) -> float:
    """Most persons reachable by any eligible subset within the budgets."""
    problem = case.problem
    candidates = np.flatnonzero(problem.eligible).tolist()
    best = 0.0
    for size in range(len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            if fits(problem, chosen):
                best = max(best, float(problem.population_persons[reached(case, chosen)].sum()))
    return best


def check_plan(case: Case, result: HubSpokeResult) -> None:
    """Budgets, eligibility, single counting and the main venue's reach."""
    problem = case.problem
    chosen = tuple(event.township_index for event in result.events)
    assert len(set(chosen)) == len(chosen)
    assert all(problem.eligible[j] for j in chosen)
    assert fits(problem, chosen)
    is_reached = reached(case, chosen)
    population = problem.population_persons
    assert result.objective_persons == float(population[is_reached].sum())
    assert result.main_venue_persons == float(population[case.by_main].sum())
    added = sum(event.added_persons for event in result.events)
    assert abs(result.main_venue_persons + added - result.objective_persons) < 1e-6
    for i, township in enumerate(result.townships):
        assert township.is_reached == bool(is_reached[i])
        assert township.is_reached_by_main_venue == bool(case.by_main[i])
        if case.by_main[i]:
            assert township.credited_event is None
    for j in chosen:  # no idle event: each one adds someone
        rest = tuple(c for c in chosen if c != j)
        assert float(population[reached(case, rest)].sum()) < result.objective_persons
    assert result.bound_persons >= result.objective_persons
    assert result.objective_persons <= problem.population_persons.sum()


@settings(max_examples=150, deadline=None)
@given(cases())
def test_exact_equals_brute_force(case: Case) -> None:
    """The MIP's population reached equals brute force over all eligible subsets."""
    result = solve_hub_spoke(case.problem)
    check_plan(case, result)
    assert result.status == "optimal"
    assert abs(result.objective_persons - brute_force(case)) < 1e-6
    assert result.gap < 1e-6


@settings(max_examples=100, deadline=None)
@given(cases())
def test_greedy_feasible_and_bounded(case: Case) -> None:
    """The greedy path keeps every rule and its bound is at least the optimum."""
    result = solve_hub_spoke(case.problem, HubSpokeParams(path="greedy"))
    check_plan(case, result)
    best = brute_force(case)
    assert result.objective_persons <= best + 1e-6
    assert result.bound_persons >= best - 1e-6
