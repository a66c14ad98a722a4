"""Constrained county selection, exact: a MIP on HiGHS with a greedy fallback.

Choose ``n_select`` counties maximising their total score under per-province minimums
and maximums, a minimum great-circle spacing, an optional event budget and optional
quotas per county type (e.g. plain / mountain / cold), so that the shortlist is both
promising and "typical".

Notes
-----
Formulation, with binary :math:`x_i` (county *i* selected)::

    maximise    sum_i s_i x_i                      s_i: score
    subject to  sum_i x_i = N
                L_p <= sum_{i in p} x_i <= U_p     every province p with a quota
                L_t <= sum_{i in t} x_i <= U_t     every county type t with a quota
                sum_i c_i x_i <= B                 event cost and budget, whole fen
                sum_{i in K} x_i <= 1              every clique K of the cover

Two counties *conflict* when they are closer than ``min_spacing_km`` (great circle),
so selected counties are at least that far apart. The conflict edges are covered by
cliques found greedily: for each county *i*, while an edge *(i, j)* is uncovered, start
from *{i, j}* and add the common neighbour that covers most uncovered edges until the
clique is maximal. Any clique set covering every edge has the same integer solutions
as one row per pair, but its LP relaxation is much tighter (pair rows let a triangle
take 3 × 1/2; its clique row allows 1) (Padberg, Math. Programming 5 (1973) 199-215).

Money is integer fen inside, so the budget row holds exact integers (< 2**53) and a
solution HiGHS accepts within its absolute tolerance meets the budget exactly; every
returned selection is re-checked in exact arithmetic.

The problem contains maximum-weight independent set, so it is NP-hard; the conflict
pairs cost O(n log n + E) (KD-tree) and the cover O(E d^2), d the largest degree. On
county data the clique LP is nearly integral: the national instance (2,705 counties
with coordinates, N = 300, minimum 1 per province, 30 km: 2,579 pairs, 955 cliques)
is proven optimal in 0.1-0.3 s of HiGHS time.

HiGHS (Huangfu & Hall, Math. Prog. Comp. 10 (2018) 119-142) starts from the greedy
selection of `nevrural.core.targeting.selection_greedy`. The greedy's stated upper
bound is the LP relaxation's (or the MIP's dual bound after a time limit), never above
the sum of the ``N`` best scores. Pre-checks and their messages live in
`nevrural.core.targeting.selection_checks`, the model and the infeasibility proofs in
`nevrural.core.targeting.selection_model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import highspy
import numpy as np
import numpy.typing as npt

from nevrural.core.targeting.selection_checks import (
    SelectionInfeasible,
    check_inputs,
    checked_budget,
    exact_costs,
    frozen_floats,
)
from nevrural.core.targeting.selection_greedy import select_greedily
from nevrural.core.targeting.selection_model import (
    build_selection_lp,
    explain_infeasible,
    find_violation,
    prepare_selection,
    run_highs,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nevrural.core.targeting.selection_model import PreparedSelection

__all__ = [
    "SelectionInfeasible",
    "SelectionMethod",
    "SelectionNotFound",
    "SelectionProblem",
    "SelectionResult",
    "SelectionStatus",
    "greedy_selection",
    "solve_selection",
]

FloatArray = npt.NDArray[np.float64]
SelectionStatus = Literal["optimal", "time_limit", "heuristic"]
SelectionMethod = Literal["mip", "greedy"]

_INFEASIBLE = {
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kUnboundedOrInfeasible,
}
_STATUS: dict[highspy.HighsModelStatus, SelectionStatus] = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kIterationLimit: "time_limit",
}


class SelectionNotFound(RuntimeError):  # noqa: N818
    """No selection was found in time, though none was proven impossible."""


@dataclass(frozen=True, eq=False, kw_only=True)
class SelectionProblem:
    """Choose `n_select` counties with the largest total score under quotas and spacing.

    Attributes
    ----------
    codes
        County codes, unique: the eligible counties (exclusions happen upstream).
    names
        County names, for messages.
    province_codes
        Province code of each county.
    province_names
        Province code to name, for messages; a missing name shows the code alone.
    scores
        Score of each county, unitless, finite and >= 0; the objective is their sum.
    lon_deg, lat_deg
        County coordinates, degrees.
    n_select
        Number of counties to select, >= 1.
    per_province_min, per_province_max
        Counties to select in every province present in the problem, at least and at
        most (None: no maximum).
    province_min, province_max
        Overrides per province code, counties. A province listed in `province_min`
        with no county in the problem has 0 eligible counties.
    min_spacing_km
        Least great-circle distance between two selected counties, km; 0 for none.
    event_cost_cny
        Event cost in each county, CNY, in whole fen (Decimal, int or float; stored
        as Decimal), or None.
    budget_cny
        Most the selected events may cost together, CNY; needs `event_cost_cny`.
    county_types
        Type of each county (e.g. "plain", "mountain", "cold"), or None.
    type_min, type_max
        Quotas per county type, counties; need `county_types`.
    time_limit_s
        Limit of each HiGHS run, s.
    mip_rel_gap
        Relative gap, unitless, at which HiGHS stops and calls the selection optimal.
    seed
        HiGHS random seed; the same seed gives the same result.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_codes: tuple[str, ...]
    province_names: Mapping[str, str]
    scores: FloatArray
    lon_deg: FloatArray
    lat_deg: FloatArray
    n_select: int
    per_province_min: int = 0
    per_province_max: int | None = None
    province_min: Mapping[str, int] = field(default_factory=dict)
    province_max: Mapping[str, int] = field(default_factory=dict)
    min_spacing_km: float = 0.0
    event_cost_cny: Sequence[Decimal | int | float] | None = None
    budget_cny: Decimal | None = None
    county_types: tuple[str, ...] | None = None
    type_min: Mapping[str, int] = field(default_factory=dict)
    type_max: Mapping[str, int] = field(default_factory=dict)
    time_limit_s: float = 10.0
    mip_rel_gap: float = 1e-6
    seed: int = 0

    def __post_init__(self) -> None:
        """Copy the inputs into immutable values and check them."""
        n = len(self.codes)
        for name in ("codes", "names", "province_codes", "county_types"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("scores", "lon_deg", "lat_deg"):
            object.__setattr__(self, name, frozen_floats(getattr(self, name), name, n))
        for name in ("province_names", "province_min", "province_max", "type_min", "type_max"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        check_inputs(self)
        if self.event_cost_cny is not None:
            object.__setattr__(self, "event_cost_cny", exact_costs(self.event_cost_cny, self))
        if self.budget_cny is not None:
            object.__setattr__(self, "budget_cny", checked_budget(self))


@dataclass(frozen=True, kw_only=True)
class SelectionResult:
    """The selected counties with the proof of their quality.

    Attributes
    ----------
    selected, selected_codes
        Indices into the problem (ascending) and the matching county codes.
    objective
        Total score of the selection, unitless.
    bound
        Best known upper bound on the total score of any feasible selection.
    gap
        ``(bound - objective) / max(|objective|, 1e-9)``, unitless.
    seconds
        Run time HiGHS reports, s (the greedy's own few ms are not counted).
    status
        "optimal" (gap within `mip_rel_gap`), "time_limit" or "heuristic" (greedy on
        request).
    method
        "mip" when the selection comes from HiGHS, "greedy" otherwise.
    n_conflict_pairs, n_cliques
        County pairs closer than the spacing, and clique rows covering them.
    cost_cny
        Total event cost of the selection, CNY, or None without costs.
    """

    selected: tuple[int, ...]
    selected_codes: tuple[str, ...]
    objective: float
    bound: float
    gap: float
    seconds: float
    status: SelectionStatus
    method: SelectionMethod
    n_conflict_pairs: int
    n_cliques: int
    cost_cny: Decimal | None

    def __post_init__(self) -> None:
        """Check that the fields agree."""
        if len(self.selected) != len(self.selected_codes):
            raise ValueError(
                f"{len(self.selected)} indices but {len(self.selected_codes)} selected codes"
            )
        if list(self.selected) != sorted(set(self.selected)):
            raise ValueError(f"selected must be ascending and unique, got {self.selected}")
        if not (math.isfinite(self.objective) and self.bound >= self.objective):
            raise ValueError(f"bound {self.bound} must be >= objective {self.objective}")
        if not (self.gap >= 0.0 and self.seconds >= 0.0):
            raise ValueError(f"gap {self.gap} and seconds {self.seconds} must be >= 0")
        if self.status not in ("optimal", "time_limit", "heuristic"):
            raise ValueError(f"unknown status {self.status!r}")
        if self.method not in ("mip", "greedy"):
            raise ValueError(f"unknown method {self.method!r}")


def solve_selection(
    problem: SelectionProblem, *, method: SelectionMethod = "mip"
) -> SelectionResult:
    """Select the counties with the largest total score, exactly (MIP) or greedily.

    Parameters
    ----------
    problem
        The counties, their scores and the constraints.
    method
        "mip" solves the clique formulation with HiGHS, starting from the greedy
        selection; "greedy" returns the greedy selection with the LP bound.

    Returns
    -------
    SelectionResult
        The selection, its objective, the upper bound and the gap.

    Raises
    ------
    SelectionInfeasible
        When no selection exists: by a pre-check, or proven by HiGHS (then the message
        says whether the spacing is the cause).
    SelectionNotFound
        When the time limit ends with neither a HiGHS nor a greedy selection.

    Notes
    -----
    See the module notes for the formulation, complexity and sources. With a time limit
    and an incumbent the status is "time_limit" and the gap is HiGHS's; without an
    incumbent the greedy selection is returned with HiGHS's dual bound.

    Examples
    --------
    Two counties 5 km apart in one province, two far apart in another:

    >>> problem = SelectionProblem(
    ...     codes=("A", "B", "C", "D"), names=("a", "b", "c", "d"),
    ...     province_codes=("11", "11", "12", "12"), province_names={"11": "P1", "12": "P2"},
    ...     scores=[5.0, 4.0, 3.0, 1.0], lon_deg=[116.40, 116.45, 117.20, 117.70],
    ...     lat_deg=[39.90, 39.92, 39.08, 39.00], n_select=3, min_spacing_km=30.0)
    >>> result = solve_selection(problem)
    >>> result.selected_codes, result.objective, result.status, result.n_conflict_pairs
    (('A', 'C', 'D'), 9.0, 'optimal', 1)
    """
    if method not in ("mip", "greedy"):
        raise ValueError(f"method must be 'mip' or 'greedy', got {method!r}")
    prep = prepare_selection(problem)
    start = select_greedily(problem, prep)
    if method == "greedy":
        return _greedy_result(problem, prep, start)
    highs = run_highs(build_selection_lp(problem, prep), problem, start)
    model_status = highs.getModelStatus()
    if model_status in _INFEASIBLE:
        explain_infeasible(problem, prep)
    if model_status not in _STATUS:
        raise RuntimeError(f"HiGHS stopped with {highs.modelStatusToString(model_status)}")
    info = highs.getInfo()
    seconds, status = highs.getRunTime(), _STATUS[model_status]
    if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        chosen = tuple(np.flatnonzero(np.asarray(highs.getSolution().col_value) > 0.5).tolist())
        return _result(problem, prep, chosen, info.mip_dual_bound, seconds, status, "mip")
    if start is None:
        raise SelectionNotFound(
            f"no selection of {problem.n_select} counties within time_limit_s "
            f"{problem.time_limit_s:g}: HiGHS has no incumbent and the greedy stopped early"
        )
    return _result(problem, prep, start, info.mip_dual_bound, seconds, status, "greedy")


def greedy_selection(problem: SelectionProblem) -> SelectionResult:
    """Select counties greedily, with the LP relaxation as the stated upper bound.

    The same as ``solve_selection(problem, method="greedy")``: fast and feasible, but
    it may stop early (`SelectionNotFound`) where the MIP would still find a selection.

    >>> problem = SelectionProblem(
    ...     codes=("A", "B", "C"), names=("a", "b", "c"), province_codes=("11",) * 3,
    ...     province_names={}, scores=[3.0, 2.0, 1.0], lon_deg=[116.0, 117.0, 118.0],
    ...     lat_deg=[40.0, 40.0, 40.0], n_select=2)
    >>> greedy_selection(problem).selected_codes
    ('A', 'B')
    """
    return solve_selection(problem, method="greedy")


def _result(
    problem: SelectionProblem,
    prep: PreparedSelection,
    chosen: tuple[int, ...],
    bound: float,
    seconds: float,
    status: SelectionStatus,
    method: SelectionMethod,
) -> SelectionResult:
    """The result for `chosen`, re-checked exactly.

    The bound is capped by the sum of the ``N`` best scores and raised to the objective
    (HiGHS's tolerances can leave it a hair below).
    """
    violation = find_violation(problem, prep, chosen)
    if violation is not None:
        raise RuntimeError(
            f"internal error: the {method} selection breaks a constraint: {violation}"
        )
    objective = math.fsum(problem.scores[list(chosen)].tolist())
    best = math.fsum(np.sort(problem.scores)[::-1][: problem.n_select].tolist())
    bound = max(min(bound, best), objective)
    costs = problem.event_cost_cny
    return SelectionResult(
        selected=chosen,
        selected_codes=tuple(problem.codes[i] for i in chosen),
        objective=objective,
        bound=bound,
        gap=(bound - objective) / max(abs(objective), 1e-9),
        seconds=float(seconds),
        status=status,
        method=method,
        n_conflict_pairs=prep.n_pairs,
        n_cliques=len(prep.cliques),
        cost_cny=None if costs is None else sum((_cny(costs[i]) for i in chosen), Decimal(0)),
    )


def _cny(amount: Decimal | int | float) -> Decimal:
    """A cost already normalised to Decimal by `SelectionProblem`."""
    return amount if isinstance(amount, Decimal) else Decimal(repr(amount))


def _greedy_result(
    problem: SelectionProblem, prep: PreparedSelection, chosen: tuple[int, ...] | None
) -> SelectionResult:
    """The greedy selection with the LP relaxation bound (HiGHS's run time as seconds)."""
    highs = run_highs(build_selection_lp(problem, prep, is_integer=False), problem)
    lp_status = highs.getModelStatus()
    if lp_status in _INFEASIBLE:
        explain_infeasible(problem, prep)
    if chosen is None:
        raise SelectionNotFound(
            f"the greedy dead-ended before {problem.n_select} counties"
            f" (spacing {problem.min_spacing_km:g} km, budget or quotas); use the MIP"
        )
    is_solved = lp_status == highspy.HighsModelStatus.kOptimal
    bound = highs.getInfo().objective_function_value if is_solved else math.inf
    return _result(problem, prep, chosen, bound, highs.getRunTime(), "heuristic", "greedy")
