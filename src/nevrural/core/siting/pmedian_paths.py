"""The three p-median paths behind :func:`~nevrural.core.siting.pmedian.solve_p_median`.

* exact without capacities: local search start, then Benders (or the compact radius
  model) on HiGHS;
* heuristic without capacities: local search, Lagrangian bound, a second local search
  from the Lagrangian's sites (Beasley's Lagrangian heuristic);
* with capacities: the strong ``x_ij`` model (exact) or its LP rounding (heuristic).

Each returns a :class:`PathOutcome`; see the solver modules for formulations and sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.pmedian_benders import solve_benders
from nevrural.core.siting.pmedian_bound import lagrangian_bound
from nevrural.core.siting.pmedian_capacitated import solve_capacitated
from nevrural.core.siting.pmedian_data import PMedianInfeasible, model_cost, nearest_two
from nevrural.core.siting.pmedian_heuristic import (
    greedy_open,
    heuristic_weights,
    improve_by_swaps,
    round_open,
)
from nevrural.core.siting.pmedian_radius import solve_radius

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.pmedian_master import HighsRun
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = ["PathOutcome", "solve_capacitated_path", "solve_exact_path", "solve_heuristic_path"]


@dataclass(frozen=True, eq=False)
class PathOutcome:
    """What a path found: open flags, bound, HiGHS seconds and counters."""

    is_open: BoolArray
    lower_bound: float
    seconds: float
    is_proven: bool
    assignment: IntArray | None
    objective: float | None
    details: dict[str, float]


def _local_search(data: PMedianData, clock: Clock | None, deadline: float | None) -> BoolArray:
    """Greedy start, then batched interchange to a local optimum (or the deadline)."""
    weight, penalty = heuristic_weights(data)
    start = greedy_open(data, weight, penalty)
    return improve_by_swaps(data, weight, penalty, start, clock=clock, deadline=deadline).is_open


def _polisher(data: PMedianData) -> Callable[[FloatArray], BoolArray]:
    """Round LP site values, then swap to a local optimum."""
    weight, penalty = heuristic_weights(data)

    def polish(y: FloatArray) -> BoolArray:
        return improve_by_swaps(data, weight, penalty, round_open(data, y)).is_open

    return polish


def _is_valid_start(data: PMedianData, is_open: BoolArray) -> bool:
    """Whether `is_open` has exactly p new sites within the budget."""
    new = is_open & data.can_open
    if int(new.sum()) != data.p:
        return False
    return data.budget_fen is None or int(data.cost_fen[new].sum()) <= data.budget_fen


def solve_heuristic_path(
    data: PMedianData, run: HighsRun, clock: Clock | None, deadline: float | None
) -> PathOutcome:
    """Local search, Lagrangian bound, and a second local search from its sites."""
    is_open = _local_search(data, clock, deadline)
    upper = model_cost(data, is_open)
    if not math.isfinite(upper):  # no cover found: the caller names the unserved points
        return PathOutcome(is_open, 0.0, 0.0, False, None, None, {})
    near = nearest_two(data, is_open, data.beyond_km)
    bound = lagrangian_bound(
        data, near, upper, target=run.cutoff(upper), clock=clock, deadline=deadline
    )
    if _is_valid_start(data, bound.chosen):
        weight, penalty = heuristic_weights(data)
        again = improve_by_swaps(
            data, weight, penalty, bound.chosen, clock=clock, deadline=deadline
        )
        if model_cost(data, again.is_open) < upper:
            is_open, upper = again.is_open, model_cost(data, again.is_open)
    lower = bound.bound
    lower = run.rounded_bound(lower)
    details = {"lagrangian_iterations": float(bound.iterations)}
    return PathOutcome(
        is_open, min(lower, upper), 0.0, run.is_closed(upper, lower), None, None, details
    )


def solve_exact_path(
    data: PMedianData,
    formulation: str,
    run: HighsRun,
    clock: Clock | None,
    deadline: float | None,
) -> PathOutcome:
    """The Benders (or compact radius) model from the local search's solution."""
    start = _local_search(data, clock, deadline)
    if formulation == "radius":
        found = solve_radius(data, start, run, clock=clock, deadline=deadline)
    else:
        found = solve_benders(
            data, start, run, polish=_polisher(data), clock=clock, deadline=deadline
        )
    details = {
        "lp_rounds": float(found.lp_rounds),
        "nodes": float(found.nodes),
        "mip_rounds": float(found.mip_rounds),
        "cuts": float(found.n_cuts),
    }
    return PathOutcome(
        found.is_open, found.lower_bound, found.seconds, found.is_optimal, None, None, details
    )


def solve_capacitated_path(
    data: PMedianData, capacity: FloatArray, run: HighsRun, is_exact: bool
) -> PathOutcome:
    """The capacitated model (exact) or its LP rounding (heuristic)."""
    found = solve_capacitated(data, capacity, run, is_exact=is_exact)
    if not found.is_feasible:
        raise PMedianInfeasible(
            f"no assignment within the capacities was found in {run.time_limit_s:g} s"
            f" (total demand {float(data.weight.sum()):g},"
            f" total capacity {float(np.sum(capacity[data.existing | data.can_open])):g})"
        )
    return PathOutcome(
        found.is_open,
        found.lower_bound,
        found.seconds,
        found.is_optimal,
        found.assignment,
        found.objective,
        {},
    )
