"""City linkage invariants: the exact MILP equals brute force; greedy never beats it."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.linkage import (
    LinkageProblem,
    build_objective,
    solve_linkage_exact,
    solve_linkage_greedy,
)

__all__: list[str] = []

PROVINCES = ("110000", "230000", "320000", "420000", "440000", "510000", "650000")
THEME_KEYS = ("automaker_base", "tourism", "farming", "border_trade")


@st.composite
def problems(draw: st.DrawFn) -> LinkageProblem:
    """Random problems of 3-10 candidates in China, k up to 5, 0-3 features."""
    n = draw(st.integers(3, 10))
    k = draw(st.integers(1, min(n, 5)))
    d = draw(st.integers(0, 3))
    number = st.floats(-100.0, 100.0, allow_nan=False)
    weights = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=4, max_size=4))
    if not any(weights):
        weights[0] = 1.0
    provinces = draw(st.lists(st.sampled_from(PROVINCES), min_size=n, max_size=n))
    fields: dict[str, Any] = {
        "codes": tuple(f"{p[:2]}{i + 1:04d}" for i, p in enumerate(provinces)),
        "names": tuple(f"c{i}" for i in range(n)),
        "province_codes": tuple(provinces),
        "lon_deg": tuple(draw(st.lists(st.floats(73.0, 135.0), min_size=n, max_size=n))),
        "lat_deg": tuple(draw(st.lists(st.floats(18.0, 53.0), min_size=n, max_size=n))),
        "themes": tuple(
            frozenset(draw(st.sets(st.sampled_from(THEME_KEYS), max_size=3))) for _ in range(n)
        ),
        "k": k,
        "features": tuple(tuple(draw(st.lists(number, min_size=d, max_size=d))) for _ in range(n))
        if d
        else (),
        "feature_names": tuple(f"f{j}" for j in range(d)),
        "w_distinct": weights[0],
        "w_themes": weights[1],
        "w_regions": weights[2],
        "w_spread": weights[3],
    }
    return LinkageProblem(**fields)


@settings(max_examples=50, deadline=None)
@given(problems())
def test_exact_equals_brute_force_and_bounds_greedy(problem: LinkageProblem) -> None:
    """MILP objective = best of all k-subsets; greedy <= it; the bound covers both."""
    objective = build_objective(problem)
    best = max(
        objective.value(list(subset))
        for subset in itertools.combinations(range(problem.n), problem.k)
    )
    exact = solve_linkage_exact(problem)
    greedy = solve_linkage_greedy(problem)
    tolerance = 1e-6 * max(1.0, abs(best))
    assert exact.is_optimal
    assert abs(exact.objective - best) <= tolerance
    assert exact.bound is not None
    assert exact.bound >= best - tolerance
    assert greedy.objective <= exact.objective + tolerance
    for result in (exact, greedy):
        assert len(set(result.selected)) == problem.k == len(result.reasons)
        assert np.isclose(result.objective, objective.value(list(result.selected)))
