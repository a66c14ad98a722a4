"""Use case: solve a VRPTW read from a file (Solomon's format), and summarise it.

No storage: the caller reads the file through its adapters and gets back one JSON-ready
summary. ``seconds`` is the solver's wall-clock time (PyVRP's own clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.routing.vrptw_solve import solve_vrptw

if TYPE_CHECKING:
    from nevrural.core.routing.vrptw import VrptwProblem

__all__ = ["RouteSolveRequest", "solve_route_file"]


@dataclass(frozen=True)
class RouteSolveRequest:
    """How to solve: time limit (s) and seed."""

    time_limit_s: float = 10.0
    seed: int = 0


def solve_route_file(problem: VrptwProblem, request: RouteSolveRequest) -> dict[str, Any]:
    """Solve and summarise: cost (instance units), routes, vehicles, seconds, feasibility.

    ``routes`` lists customer numbers as in the file (1-based); ``feasible`` is the
    independent checker's verdict and ``violations`` its messages.
    """
    result = solve_vrptw(problem, request.time_limit_s, request.seed)
    return {
        "name": problem.name,
        "cost": result.cost,
        "routes": [list(route) for route in result.routes],
        "vehicles": result.vehicles,
        "seconds": round(result.seconds, 4),
        "feasible": result.is_feasible,
        "violations": list(result.violations),
        "customers": problem.n_customers,
        "vehicles_available": problem.vehicle_count,
        "iterations": result.iterations,
        "seed": request.seed,
        "time_limit_s": request.time_limit_s,
    }
