"""Hypothesis invariants of constrained county selection against brute force.

For random instances of at most 15 counties, brute force over all subsets of size
``n_select`` (itertools.combinations) decides feasibility and the optimum. The
contract checked here: when brute force finds a feasible subset, `solve_selection`
returns an optimal selection of the same objective; when it finds none,
`solve_selection` raises `SelectionInfeasible` (a pre-check or HiGHS's proof), never a
result. The greedy returns a feasible selection with ``objective <= optimum <= bound``,
or raises `SelectionNotFound` (a dead end) or `SelectionInfeasible`.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import Counter
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from nevrural.core.geo import haversine_km
from nevrural.core.targeting.selection import (
    SelectionInfeasible,
    SelectionNotFound,
    SelectionProblem,
    SelectionResult,
    greedy_selection,
    solve_selection,
)

__all__: list[str] = []

PROVINCES = ("110000", "120000", "130000")
TYPES = ("plain", "mountain", "cold")

FloatArray = npt.NDArray[np.float64]


@st.composite
def problems(draw: st.DrawFn) -> SelectionProblem:
    """Random valid problems of 1-15 counties within about 60 km of each other."""
    n = draw(st.integers(1, 15))
    coordinate = st.floats(0.0, 0.5, allow_nan=False)
    has_costs = draw(st.booleans())
    costs = [Decimal(draw(st.integers(0, 10_000))) / 100 for _ in range(n)] if has_costs else None
    types = tuple(draw(st.sampled_from(TYPES)) for _ in range(n))
    quota = st.dictionaries(st.sampled_from(TYPES), st.integers(0, 2), max_size=1)
    fields: dict[str, Any] = {
        "codes": tuple(f"{i:06d}" for i in range(n)),
        "names": tuple(f"county {i}" for i in range(n)),
        "province_codes": tuple(draw(st.sampled_from(PROVINCES)) for _ in range(n)),
        "province_names": {"110000": "北京市"},
        "scores": [draw(st.floats(0.0, 100.0, allow_nan=False)) for _ in range(n)],
        "lon_deg": [110.0 + draw(coordinate) for _ in range(n)],
        "lat_deg": [30.0 + draw(coordinate) for _ in range(n)],
        "n_select": draw(st.integers(1, n)),
        "per_province_min": draw(st.sampled_from([0, 0, 1, 2])),
        "per_province_max": draw(st.one_of(st.none(), st.integers(1, 4))),
        "min_spacing_km": draw(st.one_of(st.just(0.0), st.floats(1.0, 40.0))),
        "event_cost_cny": costs,
        "budget_cny": (
            Decimal(draw(st.integers(0, 60_000))) / 100 if costs and draw(st.booleans()) else None
        ),
        "county_types": types,
        "type_min": draw(quota),
        "type_max": draw(quota),
    }
    return SelectionProblem(**fields)


def distances_km(problem: SelectionProblem) -> FloatArray:
    """Great-circle distance matrix of the counties, km."""
    lon, lat = problem.lon_deg, problem.lat_deg
    return np.asarray(haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :]))


def violations(
    problem: SelectionProblem, chosen: tuple[int, ...], distance_km: FloatArray | None = None
) -> list[str]:
    """Every constraint `chosen` breaks, checked independently of the solver."""
    broken = []
    if len(set(chosen)) != problem.n_select or len(chosen) != problem.n_select:
        broken.append(f"{len(chosen)} selected")
    per_province = Counter(problem.province_codes[i] for i in chosen)
    for province in set(problem.province_codes):
        most = math.inf if problem.per_province_max is None else problem.per_province_max
        if not problem.per_province_min <= per_province[province] <= most:
            broken.append(f"province {province}: {per_province[province]}")
    assert problem.county_types is not None
    per_type = Counter(problem.county_types[i] for i in chosen)
    for kind in TYPES:
        lower, upper = problem.type_min.get(kind, 0), problem.type_max.get(kind, math.inf)
        if not lower <= per_type[kind] <= upper:
            broken.append(f"type {kind}: {per_type[kind]}")
    if problem.budget_cny is not None and problem.event_cost_cny is not None:
        spent = sum((Decimal(problem.event_cost_cny[i]) for i in chosen), Decimal(0))
        if spent > problem.budget_cny:
            broken.append(f"cost {spent} > budget {problem.budget_cny}")
    distance_km = distances_km(problem) if distance_km is None else distance_km
    for i, j in itertools.combinations(chosen, 2):
        if distance_km[i, j] < problem.min_spacing_km:
            broken.append(f"{i}, {j} only {distance_km[i, j]} km apart")
    return broken


def brute_force_optimum(problem: SelectionProblem) -> float | None:
    """Best total score over all feasible subsets, or None when there is none."""
    distance_km = distances_km(problem)
    best = None
    for chosen in itertools.combinations(range(len(problem.codes)), problem.n_select):
        if not violations(problem, chosen, distance_km):
            total = math.fsum(problem.scores[list(chosen)].tolist())
            best = total if best is None else max(best, total)
    return best


def assert_close(value: float, expected: float) -> None:
    """Equal within the MIP's relative gap, 1e-6."""
    assert value == pytest.approx(expected, rel=1e-6, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_mip_matches_brute_force(problem: SelectionProblem) -> None:
    """The MIP's objective is the brute-force optimum, or both say infeasible."""
    optimum = brute_force_optimum(problem)
    event("feasible" if optimum is not None else "infeasible")
    event(f"spacing {problem.min_spacing_km > 0}, budget {problem.budget_cny is not None}")
    if optimum is None:
        with pytest.raises(SelectionInfeasible):
            solve_selection(problem)
        return
    result = solve_selection(problem)
    assert violations(problem, result.selected) == []
    assert result.status == "optimal"
    assert_close(result.objective, optimum)
    assert result.bound >= result.objective
    assert result.gap <= 1e-6
    assert result.selected_codes == tuple(problem.codes[i] for i in result.selected)


@settings(max_examples=80, deadline=None)
@given(problems())
def test_greedy_is_feasible_and_bounded(problem: SelectionProblem) -> None:
    """The greedy is feasible, at most the optimum, and its bound at least the optimum."""
    optimum = brute_force_optimum(problem)
    try:
        greedy: SelectionResult = greedy_selection(problem)
    except SelectionInfeasible:
        assert optimum is None
        return
    except SelectionNotFound:
        event("greedy dead end")
        return
    assert optimum is not None
    assert violations(problem, greedy.selected) == []
    assert greedy.objective <= optimum * (1 + 1e-9) + 1e-9
    assert greedy.bound >= optimum * (1 - 1e-6) - 1e-9
    assert greedy.gap == pytest.approx(
        (greedy.bound - greedy.objective) / max(abs(greedy.objective), 1e-9)
    )


@settings(max_examples=30, deadline=None)
@given(problems(), st.integers(0, 1000))
def test_same_seed_same_selection(problem: SelectionProblem, seed: int) -> None:
    """Solving twice with one seed gives the same selection."""
    seeded = dataclasses.replace(problem, seed=seed)
    try:
        first = solve_selection(seeded)
    except SelectionInfeasible:
        return
    assert solve_selection(seeded).selected == first.selected
