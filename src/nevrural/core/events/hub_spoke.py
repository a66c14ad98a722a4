"""Hub-and-spoke event plan: a county main venue and the township sub-events that reach most.

The campaign notices ask for a special event at the county seat "spreading to
surrounding towns". For one county this module chooses the townships that host a
sub-event, within the days, staff and demo cars available, so that the most people
live within reach of the main venue or a sub-event. Inputs are in
:mod:`~nevrural.core.events.hub_spoke_problem`, results in
:mod:`~nevrural.core.events.hub_spoke_result`; this module re-exports both.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from nevrural.core.events.hub_spoke_model import (
    build_reach,
    covered_persons,
    main_reaches,
    prepare_sets,
    solve_greedy,
    solve_highs,
)
from nevrural.core.events.hub_spoke_problem import (
    HubSpokeParams,
    HubSpokeProblem,
    estimate_road_km,
)
from nevrural.core.events.hub_spoke_result import HubSpokeResult, SubEvent, TownshipReach

if TYPE_CHECKING:
    from scipy import sparse

    from nevrural.core.events.hub_spoke_model import ReachSets
    from nevrural.core.events.hub_spoke_problem import IntArray

__all__ = [
    "HubSpokeParams",
    "HubSpokeProblem",
    "HubSpokeResult",
    "SubEvent",
    "TownshipReach",
    "estimate_road_km",
    "solve_hub_spoke",
]


def solve_hub_spoke(
    problem: HubSpokeProblem, params: HubSpokeParams | None = None
) -> HubSpokeResult:
    """Choose the township sub-events that reach the most people around the main venue.

    Parameters
    ----------
    problem
        Townships, population (persons), road distances (km), reach radii (road km) and
        the day, staff and demo-car budgets.
    params
        Path, HiGHS time limit (s), gap and seed; None = defaults.

    Returns
    -------
    HubSpokeResult
        The sub-events (most persons added first), who reaches each township, the
        population reached, persons, a proven upper bound, persons, and the gap.

    Notes
    -----
    A budgeted maximal covering location problem (Church & ReVelle, "The maximal
    covering location problem", Papers of the Regional Science Association 32 (1974)
    101-118) with three knapsack rows. With ``a_ij = 1`` when a sub-event in township
    ``j`` reaches township ``i`` (road km ``<= reach_km``, and ``a_jj = 1``), ``m_i = 1``
    when the main venue reaches ``i`` (seat road km ``<= main_reach_km``) and
    population ``P_i``, persons::

        max  sum_i P_i y_i
        s.t. y_i <= m_i + sum_j a_ij x_j       each township counted once (y_i <= 1)
             sum_j d_j x_j <= D                sub-event days, days
             sum_j s_j x_j <= S - s_main       staff, persons
             sum_j c_j x_j <= C - c_main       demo cars, cars
             x_j in {0, 1}, x_j = 0 if j is not eligible;  0 <= y_i <= 1

    Townships with ``m_i = 1`` are a constant; the others merge into groups by their
    set of coverers, so the MIP has one binary per useful candidate and one continuous
    ``u_g`` per group (integral at an optimum), and the ``a_ij`` are sparse pairs.
    Path ``"exact"`` runs HiGHS warm-started by the greedy of `solve_greedy` (and
    returns the greedy plan if HiGHS finds nothing better in time); ``"greedy"`` runs
    only the greedy and proves an upper bound with the LP relaxation; ``"auto"`` is
    exact up to ``params.max_exact_pairs`` pairs. Chosen events that add no one are
    dropped. The MIP is NP-hard; the reduction is O(pairs) and the greedy
    O(k · candidates + pairs) for ``k`` events.

    Examples
    --------
    Five townships on a road, 10 km apart, the seat at the first; one 2-day sub-event:

    >>> km = np.abs(np.subtract.outer(np.arange(5.0), np.arange(5.0))) * 10.0
    >>> problem = HubSpokeProblem(
    ...     township_codes=("A", "B", "C", "D", "E"),
    ...     population_persons=np.array([5000.0, 3000.0, 4000.0, 6000.0, 2000.0]),
    ...     seat_road_km=km[0], road_km=km, reach_km=10.0, sub_event_days=2,
    ...     event_days=2, staff_per_event=4, staff_available=10,
    ...     demo_cars_per_event=3, demo_cars_available=8)
    >>> result = solve_hub_spoke(problem)
    >>> result.event_codes, result.main_venue_persons, result.objective_persons
    (('D',), 8000.0, 20000.0)
    >>> [t.credited_event for t in result.townships]
    [None, None, 'D', 'D', 'D']
    """
    params = params or HubSpokeParams()
    reach = build_reach(problem)
    sets = prepare_sets(problem, reach)
    path: Literal["exact", "greedy"] = (
        "greedy"
        if params.path == "greedy"
        or (params.path == "auto" and sets.matrix.nnz > params.max_exact_pairs)
        else "exact"
    )
    greedy = solve_greedy(sets)
    chosen, bound, status, seconds = greedy, None, "heuristic", 0.0
    if sets.n_columns and sets.n_groups:
        run = solve_highs(
            sets,
            is_integer=path == "exact",
            time_limit_s=params.time_limit_s,
            mip_rel_gap=params.mip_rel_gap,
            seed=params.seed,
            start=greedy if path == "exact" else None,
        )
        bound, seconds = run.bound_persons, run.seconds
        if path == "exact":
            status = run.status
            if run.chosen is not None and _fits(sets, run.chosen):
                better = covered_persons(sets, run.chosen) >= covered_persons(sets, greedy)
                chosen = run.chosen if better else greedy
    else:
        status = "optimal"  # nothing left to choose: the greedy's empty plan is optimal
    chosen = _drop_idle(sets, chosen)
    objective = covered_persons(sets, chosen)
    if status == "optimal" and bound is None:
        bound = objective
    upper = min(sets.coverable_persons, math.inf if bound is None else bound)
    upper = max(upper, objective)
    details = {
        "n_groups": float(sets.n_groups),
        "n_candidates": float(sets.n_columns),
        "n_pairs": float(sets.matrix.nnz),
        "greedy_persons": covered_persons(sets, greedy),
        "coverable_persons": sets.coverable_persons,
    }
    townships = np.sort(sets.township_of[chosen]).astype(np.int64)
    return _assemble(problem, reach, townships, (path, status, objective, upper, seconds), details)


def _fits(sets: ReachSets, chosen: IntArray) -> bool:
    """True when the `chosen` columns keep every budget (exact integer check)."""
    return bool(np.all(sets.needs[:, chosen].sum(axis=1) <= sets.caps))


def _drop_idle(sets: ReachSets, chosen: IntArray) -> IntArray:
    """Drop chosen columns that add nobody, highest column first (deterministic).

    A column adds nobody when every group it reaches is reached by another kept
    column; counts are updated as columns go, O(pairs of the chosen columns).
    """
    csc = sets.matrix.tocsc()
    is_open = np.zeros(sets.n_columns)
    is_open[chosen] = 1.0
    count = np.asarray(sets.matrix @ is_open, dtype=np.float64).ravel()
    kept = {int(c) for c in chosen}
    for column in sorted(kept, reverse=True):
        groups = csc.indices[csc.indptr[column] : csc.indptr[column + 1]]
        if np.all(count[groups] >= 2):
            count[groups] -= 1
            kept.discard(column)
    return np.array(sorted(kept), dtype=np.int64)


def _assemble(
    problem: HubSpokeProblem,
    reach: sparse.csr_matrix,
    townships: IntArray,
    outcome: tuple[Literal["exact", "greedy"], str, float, float, float],
    details: dict[str, float],
) -> HubSpokeResult:
    """The result for sub-events at `townships` (sorted township indices)."""
    path, status, objective, bound, seconds = outcome
    population = problem.population_persons
    main = main_reaches(problem)
    is_open = np.zeros(problem.n_townships, dtype=np.bool_)
    is_open[townships] = True
    reaching: list[tuple[int, ...]] = []
    for i in range(problem.n_townships):
        cols = reach.indices[reach.indptr[i] : reach.indptr[i + 1]]
        km = reach.data[reach.indptr[i] : reach.indptr[i + 1]]
        mask = is_open[cols]
        order = np.lexsort((cols[mask], km[mask]))
        reaching.append(tuple(int(j) for j in cols[mask][order]))
    credited = np.array(
        [-1 if main[i] or not by else by[0] for i, by in enumerate(reaching)], dtype=np.int64
    )
    codes = problem.township_codes
    reports = tuple(
        TownshipReach(
            township_code=codes[i],
            population_persons=float(population[i]),
            is_reached_by_main_venue=bool(main[i]),
            reaching_events=tuple(codes[j] for j in by),
            credited_event=None if credited[i] < 0 else codes[int(credited[i])],
        )
        for i, by in enumerate(reaching)
    )
    events = _events(problem, townships, reaching, credited)
    days, staff, cars = (int(need[townships].sum()) for need in problem.needs())
    gap = (bound - objective) / max(objective, 1e-9)
    return HubSpokeResult(
        path=path,
        status=status,
        events=events,
        townships=reports,
        objective_persons=objective,
        bound_persons=bound,
        gap=gap,
        seconds=seconds,
        main_venue_persons=float(population[main].sum()),
        total_persons=float(population.sum()),
        days_used=days,
        staff_used=staff,
        demo_cars_used=cars,
        details=details,
    )


def _events(
    problem: HubSpokeProblem,
    townships: IntArray,
    reaching: list[tuple[int, ...]],
    credited: IntArray,
) -> tuple[SubEvent, ...]:
    """The sub-events, most persons added first, then nearest the seat, then index."""
    population = problem.population_persons
    added = np.bincount(
        credited[credited >= 0], weights=population[credited >= 0], minlength=problem.n_townships
    )
    reach_persons = np.zeros(problem.n_townships)
    for i, by in enumerate(reaching):
        for j in by:
            reach_persons[j] += population[i]
    days, staff, cars = problem.needs()
    seat_km = problem.seat_road_km
    order = sorted(townships.tolist(), key=lambda j: (-added[j], seat_km[j], j))
    return tuple(
        SubEvent(
            township_code=problem.township_codes[j],
            township_index=j,
            seat_km=float(seat_km[j]),
            event_days=int(days[j]),
            staff=int(staff[j]),
            demo_cars=int(cars[j]),
            reach_persons=float(reach_persons[j]),
            added_persons=float(added[j]),
        )
        for j in order
    )
