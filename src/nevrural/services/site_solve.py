"""Use case: solve a p-median read from a file (OR-Library or points), and summarise it.

No storage: the caller reads the file through its adapters and gets back one JSON-ready
summary. The whole solve is timed on the wall clock (``time.perf_counter``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from nevrural.core.siting.pmedian import NearestOpen, PMedianParams, solve_p_median

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.siting.problem import SitingProblem

__all__ = ["SiteSolveRequest", "solve_site_file"]


@dataclass(frozen=True)
class SiteSolveRequest:
    """What to solve: p new sites, path, time limit (s), gap, seed and truncation."""

    p: int
    path: Literal["auto", "exact", "heuristic"] = "auto"
    time_limit_s: float = 60.0
    mip_rel_gap: float = 0.0
    seed: int = 0
    is_truncated: bool = False
    beyond_km: float = 0.0


def solve_site_file(
    problem: SitingProblem,
    request: SiteSolveRequest,
    site_labels: Sequence[str | int],
    *,
    nearest_open: NearestOpen | None = None,
) -> dict[str, Any]:
    """Solve and summarise: objective, bound, gap, seconds, open sites (as labelled).

    ``lower_bound`` and ``gap`` are None when no bound was proven in the time limit.
    """
    params = PMedianParams(
        p=request.p,
        path=request.path,
        time_limit_s=request.time_limit_s,
        mip_rel_gap=request.mip_rel_gap,
        seed=request.seed,
        is_truncated=request.is_truncated,
        beyond_km=request.beyond_km,
    )
    result = solve_p_median(problem, params, clock=time.perf_counter, nearest_open=nearest_open)
    return {
        "model": result.model,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "gap": result.gap if math.isfinite(result.gap) else None,
        "seconds": round(result.seconds, 4),
        "open_sites": [site_labels[j] for j in result.open_sites],
        "new_sites": [site_labels[j] for j in result.new_sites],
        "p": request.p,
        "path": result.path,
        "status": result.status,
        "demand_points": problem.n_demand,
        "candidate_sites": problem.n_sites,
        "pairs": int(problem.distance_km.nnz),
        "beyond_points": int(result.details.get("beyond_points", 0)),
    }
