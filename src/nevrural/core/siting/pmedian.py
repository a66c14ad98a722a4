"""p-median: open p new sites so that demand travels the least weighted distance.

Existing sites stay open (and do not count towards ``p``), sites without land never
open, the new sites' cost keeps within the budget, and with capacities a demand point
may be split over several open sites. The objective is the weighted distance
``sum_i w_i d_i`` in demand-unit-km, where ``d_i`` is the distance to the point's
serving site(s).

Paths (see the modules for formulations and sources):

* **exact**: without capacities, the radius formulation solved by Benders
  decomposition with a light branch and bound (:mod:`.pmedian_benders`; the compact
  chained radius model of :mod:`.pmedian_radius` on request); with capacities, the
  strong ``x_ij`` model (:mod:`.pmedian_capacitated`). HiGHS proves the bound.
* **heuristic**: greedy start and batched fast vertex substitution
  (:mod:`.pmedian_heuristic`), with a Lagrangian lower bound (:mod:`.pmedian_bound`);
  with capacities, LP rounding with the LP bound.
* **auto**: exact when the allowed pairs are at most ``max_exact_pairs`` (a tenth of
  that with capacities), else heuristic.

**Truncated pairs.** By default a pair that is not stored is not allowed, and every
demand point must be served by one of its stored sites. With ``is_truncated`` the
stored pairs of each point are instead all its sites up to some distance (a radius, or
its k nearest): a point none of whose stored sites is open is then served farther away,
at least ``max(beyond_km, its farthest stored distance)`` km. The model charges exactly
that, so its optimum is a valid lower bound of the full problem; a ``nearest_open``
callback gives such points their true nearest open site and distance, and the reported
objective is then the true cost of the solution.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from nevrural.core.siting.pmedian_data import (
    PMedianInfeasible,
    model_cost,
    nearest_bound,
    nearest_two,
    prepare_p_median,
)
from nevrural.core.siting.pmedian_master import INTEGRAL_ABS_GAP, HighsRun
from nevrural.core.siting.pmedian_paths import (
    PathOutcome,
    solve_capacitated_path,
    solve_exact_path,
    solve_heuristic_path,
)
from nevrural.core.siting.problem import SitingResult

if TYPE_CHECKING:
    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.problem import Clock, FloatArray, IntArray, SitingProblem

__all__ = ["NearestOpen", "PMedianInfeasible", "PMedianParams", "solve_p_median"]

# Given demand points and the open sites, each point's nearest open site (an index
# into all sites) and its true distance, km: how truncated pairs are completed.
NearestOpen = Callable[["IntArray", "IntArray"], tuple["IntArray", "FloatArray"]]

_CAPACITATED_PAIRS_SHARE = 10


@dataclass(frozen=True)
class PMedianParams:
    """Parameters of a p-median solve.

    Attributes
    ----------
    p
        Number of new sites to open (existing sites are open in addition).
    path
        ``auto``, ``exact`` or ``heuristic``.
    time_limit_s
        Time limit, s: HiGHS's own clock, and the injected clock when one is given.
    mip_rel_gap
        Relative gap at which a solve may stop (0 = prove optimality).
    seed
        Seed of HiGHS and of every random choice.
    max_exact_pairs
        Largest number of allowed pairs for which ``auto`` takes the exact path. Tuned
        on this project's 2-core machine: dense Euclidean 2,000 x 300 (600 k pairs) is
        proven in about 3 s and 4,000 x 250 (1 M) in about 11 s, while sparse township
        instances cost more per pair (12,000 points, 710 k pairs: about 63 s) and the
        heuristic reaches 0.1-0.2 % in seconds; the exact path keeps the time limit.
    formulation
        Exact uncapacitated model: ``benders`` (fast) or ``radius`` (compact chained).
    is_truncated, beyond_km
        Whether the stored pairs are a nearest-first truncation of the full distances,
        and a distance, km, that every unstored site is known to exceed (a radius).
    """

    p: int
    path: Literal["auto", "exact", "heuristic"] = "auto"
    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.0
    seed: int = 0
    max_exact_pairs: int = 1_000_000
    formulation: Literal["benders", "radius"] = "benders"
    is_truncated: bool = False
    beyond_km: float = 0.0

    def __post_init__(self) -> None:
        for name in ("p", "seed", "max_exact_pairs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
        if self.path not in ("auto", "exact", "heuristic"):
            raise ValueError(f"path must be auto, exact or heuristic, got {self.path!r}")
        if self.formulation not in ("benders", "radius"):
            raise ValueError(f"formulation must be benders or radius, got {self.formulation!r}")
        if not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0):
            raise ValueError(f"time_limit_s must be finite and > 0, got {self.time_limit_s}")
        if not 0.0 <= self.mip_rel_gap < 1.0:
            raise ValueError(f"mip_rel_gap must lie in [0, 1), got {self.mip_rel_gap}")
        if not (math.isfinite(self.beyond_km) and self.beyond_km >= 0):
            raise ValueError(f"beyond_km must be finite and >= 0, got {self.beyond_km}")


def _check_rules(problem: SitingProblem, params: PMedianParams) -> None:
    """Refuse a p that the sites, land or budget cannot meet, naming the numbers."""
    n_free, n_existing = int(problem.can_open.sum()), int(problem.existing.sum())
    if params.p > n_free:
        raise PMedianInfeasible(
            f"p = {params.p} new sites asked, but only {n_free} of {problem.n_sites} sites can"
            f" open ({n_existing} existing, {problem.n_sites - n_free - n_existing} without land)"
        )
    if params.p + n_existing == 0:
        raise PMedianInfeasible("p = 0 and no existing site: nothing would be open")
    budget = problem.budget_fen
    if budget is not None and params.p:
        cheapest = int(np.sort(problem.cost_fen[problem.can_open])[: params.p].sum())
        if cheapest > budget:
            raise PMedianInfeasible(
                f"the {params.p} cheapest new sites cost {cheapest / 100:.2f} CNY,"
                f" budget {budget / 100:.2f} CNY"
            )


def _check_servable(data: PMedianData) -> None:
    """Without truncation every point needs a stored site that can be open."""
    if not data.is_forbidden_beyond:
        return
    lonely = np.flatnonzero(np.diff(data.indptr) == 0)
    if lonely.size:
        raise PMedianInfeasible(
            f"demand point {lonely[0]} (and {lonely.size - 1} more) has no allowed site that"
            " is existing or can open (set is_truncated if the pairs are a radius cut)"
        )


def _is_integral(data: PMedianData) -> bool:
    """Whether every weighted distance of the model is a whole number."""
    values = [data.weight, data.level_dist_km, data.beyond_km[np.isfinite(data.beyond_km)]]
    return all(bool(np.all(v == np.round(v))) for v in values)


def _complete(
    data: PMedianData, outcome: PathOutcome, nearest_open: NearestOpen | None
) -> tuple[IntArray, float, int]:
    """Assignment, objective (true cost when `nearest_open` completes the beyond points)."""
    near = nearest_two(data, outcome.is_open, data.beyond_km)
    assignment = near.site1 if outcome.assignment is None else outcome.assignment
    objective = (
        model_cost(data, outcome.is_open) if outcome.objective is None else outcome.objective
    )
    beyond = np.flatnonzero((assignment < 0) & (data.weight > 0))
    if data.is_forbidden_beyond and np.any(near.site1 < 0):
        lonely = np.flatnonzero(near.site1 < 0)
        raise PMedianInfeasible(
            f"{lonely.size} demand points (e.g. {lonely[0]}) have no open allowed site with"
            f" p = {data.p}; the heuristic found no cover (the exact path decides)"
        )
    if nearest_open is None or beyond.size == 0 or outcome.assignment is not None:
        return assignment, float(objective), int(beyond.size)
    sites, dist_km = nearest_open(beyond, np.flatnonzero(outcome.is_open))
    assignment = assignment.copy()
    assignment[beyond] = sites
    served = (assignment >= 0) & (data.weight > 0)
    served[beyond] = False
    true_cost = float(np.dot(data.weight[served], near.dist1_km[served]))
    true_cost += float(np.dot(data.weight[beyond], np.asarray(dist_km, dtype=np.float64)))
    return assignment, true_cost, int(beyond.size)


def solve_p_median(
    problem: SitingProblem,
    params: PMedianParams,
    *,
    clock: Clock | None = None,
    nearest_open: NearestOpen | None = None,
) -> SitingResult:
    """Open ``params.p`` new sites minimising the weighted distance to demand.

    Parameters
    ----------
    problem
        Demand, allowed pairs with distances (km) and site rules.
    params
        p, path, time limit (s), gap, seed, truncation.
    clock
        Optional clock (s) for the time limit of the pure-Python parts; with it,
        ``seconds`` is the whole solve's time on that clock, else HiGHS's time.
    nearest_open
        With ``is_truncated``: the true nearest open site and distance (km) of points
        left beyond their stored sites.

    Returns
    -------
    SitingResult
        ``objective``: weighted distance, demand-unit-km (the model's, with beyond points
        at their lower bound, unless `nearest_open` gives their true distance);
        ``lower_bound``: proven; ``gap``; ``path``; ``status`` ``optimal``, ``feasible``
        (heuristic, gap open) or ``time_limit``.

    Raises
    ------
    PMedianInfeasible
        When p, land, budget, capacities or the allowed pairs cannot be met.

    Notes
    -----
    Preparation sorts the pairs, O(pairs log pairs). The heuristic path is O(pairs)
    per interchange round and per Lagrangian iteration; the exact paths are MIPs
    (exponential in the worst case) on models of O(pairs) size at most.

    Examples
    --------
    Three towns on a road at km 0, 1 and 10, each 1 demand unit; one site to open:

    >>> from scipy import sparse
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> km = np.array([0.0, 1.0, 10.0])
    >>> d = sparse.csr_matrix(np.abs(km[:, None] - km[None, :]) + np.eye(3) * 1e-9)
    >>> result = solve_p_median(SitingProblem(demand_weight=np.ones(3), distance_km=d),
    ...                         PMedianParams(p=1))
    >>> result.open_sites, round(result.objective, 3), result.gap, result.status
    ((1,), 10.0, 0.0, 'optimal')
    """
    _check_rules(problem, params)
    start = clock() if clock is not None else None
    deadline = None if start is None else start + params.time_limit_s
    capacity = problem.site_capacity
    is_capacitated = bool(np.isfinite(capacity).any())
    data = prepare_p_median(
        problem,
        params.p,
        is_truncated=params.is_truncated,
        beyond_km=params.beyond_km,
        cut_at_existing=not is_capacitated,
    )
    _check_servable(data)
    limit = params.max_exact_pairs // (_CAPACITATED_PAIRS_SHARE if is_capacitated else 1)
    is_exact = params.path == "exact" or (params.path == "auto" and data.n_pairs <= limit)
    run = HighsRun(
        params.time_limit_s,
        params.mip_rel_gap,
        INTEGRAL_ABS_GAP if _is_integral(data) else 1e-6,
        params.seed,
    )
    if is_capacitated:
        outcome = solve_capacitated_path(data, capacity, run, is_exact)
    elif is_exact:
        outcome = solve_exact_path(data, params.formulation, run, clock, deadline)
    else:
        outcome = solve_heuristic_path(data, run, clock, deadline)
    return _result(data, outcome, nearest_open, is_exact, clock, start)


def _result(
    data: PMedianData,
    outcome: PathOutcome,
    nearest_open: NearestOpen | None,
    is_exact: bool,
    clock: Clock | None,
    start: float | None,
) -> SitingResult:
    """The shared result with Python scalars."""
    assignment, objective, n_beyond = _complete(data, outcome, nearest_open)
    lower = min(max(outcome.lower_bound, nearest_bound(data)), objective)
    gap = abs(objective - lower) / max(abs(objective), 1e-9) if math.isfinite(lower) else math.inf
    if outcome.is_proven and gap <= 1e-9:
        gap = 0.0
    status = "optimal" if outcome.is_proven else ("time_limit" if is_exact else "feasible")
    seconds = outcome.seconds if clock is None or start is None else clock() - start
    open_sites = np.flatnonzero(outcome.is_open)
    details = {**outcome.details, "pairs": float(data.n_pairs), "beyond_points": float(n_beyond)}
    return SitingResult(
        model="p-median",
        path="exact" if is_exact else "heuristic",
        status=status,
        open_sites=tuple(int(j) for j in open_sites),
        new_sites=tuple(int(j) for j in open_sites if not data.existing[j]),
        assignment=np.asarray(assignment, dtype=np.int64),
        objective=float(objective),
        lower_bound=float(lower) if math.isfinite(lower) else None,
        upper_bound=None,
        gap=float(gap),
        seconds=float(seconds),
        details=details,
    )
