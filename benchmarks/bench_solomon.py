"""VRPTW: our PyVRP solve against OR-Tools' routing solver on Solomon's 56 instances.

In one run, on the same machine, with the same time limit per instance (10 s unless
``--time-limit``) and the same integer data (CVRPLIB convention: Euclidean distances
truncated to one decimal, in tenths; travel time = distance):

* **ours**: ``solve_vrptw`` (PyVRP's iterated local search, seed 0), see
  ``nevrural.core.routing.vrptw_solve``;
* **peer**: OR-Tools' ``RoutingModel`` with guided local search from a parallel
  cheapest-insertion first solution (the tutorials' ``PATH_CHEAPEST_ARC`` found no
  feasible start within 10 s on R101, R102, R103, R105 and R106), the same matrices
  registered natively (``RegisterTransitMatrix``), a time dimension (transit = service
  at the origin + travel, waiting as slack, the customers' windows and the depot's hours
  as cumul ranges), a capacity dimension,
  the file's vehicle count and the distance as the arc cost (no fixed vehicle cost).

Both results are checked by our independent checker (``check_routes``) and costed by
``route_cost``; gaps are to the CVRPLIB best-known solutions (distance only, same
convention) in ``../shared/data/benchmarks/solomon/bks_solutions_cvrplib``. Exit status
1 when our mean gap exceeds 0.5 % or one of our solutions is infeasible. Timings on a
shared 2-core machine are noisy: other jobs may run at the same time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nevrural.adapters.files.solomon import read_cvrplib_solution, read_solomon
from nevrural.core.routing.vrptw_check import check_routes, route_cost
from nevrural.core.routing.vrptw_solve import solve_vrptw

if TYPE_CHECKING:
    from nevrural.core.routing.vrptw import VrptwProblem

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "benchmarks" / "solomon"
MAX_MEAN_GAP_PCT = 0.5
PEER_NAME = "OR-Tools RoutingModel, PARALLEL_CHEAPEST_INSERTION + GUIDED_LOCAL_SEARCH"


@dataclass(frozen=True)
class Outcome:
    """One solver's routes on one instance: cost (instance units), feasibility, vehicles."""

    cost: float | None
    is_feasible: bool
    vehicles: int
    seconds: float

    def gap_pct(self, best_known: float) -> float | None:
        """Gap to the best-known cost, %, or None without a solution."""
        return None if self.cost is None else 100.0 * (self.cost - best_known) / best_known


def outcome_of(problem: VrptwProblem, routes: list[list[int]], seconds: float) -> Outcome:
    """Cost and feasibility of ``routes`` by our checker (not by the solver)."""
    used = [route for route in routes if route]
    is_feasible = not check_routes(problem, used)
    return Outcome(route_cost(problem, used), is_feasible, len(used), seconds)


def solve_ours(problem: VrptwProblem, time_limit_s: float, seed: int) -> Outcome:
    """Our PyVRP solve."""
    result = solve_vrptw(problem, time_limit_s, seed)
    return outcome_of(problem, [list(r) for r in result.routes], result.seconds)


def solve_peer(problem: VrptwProblem, time_limit_s: float) -> Outcome:
    """OR-Tools' routing solver with guided local search on the same integer data."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    size, fleet = problem.size, problem.vehicle_count
    manager = pywrapcp.RoutingIndexManager(size, fleet, 0)
    routing = pywrapcp.RoutingModel(manager)
    distance = routing.RegisterTransitMatrix(problem.distance_tenths.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(distance)
    service = problem.service_tenths[:, None]
    travel = routing.RegisterTransitMatrix((problem.duration_tenths + service).tolist())
    horizon = int(problem.due_tenths[0])
    routing.AddDimension(travel, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    for node in range(1, size):
        index = manager.NodeToIndex(node)
        clock.CumulVar(index).SetRange(
            int(problem.ready_tenths[node]), int(problem.due_tenths[node])
        )
    for vehicle in range(fleet):
        for index in (routing.Start(vehicle), routing.End(vehicle)):
            clock.CumulVar(index).SetRange(int(problem.ready_tenths[0]), horizon)
    load = routing.RegisterUnaryTransitVector(problem.demand.tolist())
    routing.AddDimensionWithVehicleCapacity(load, 0, [problem.capacity] * fleet, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(round(time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    seconds = time.perf_counter() - started
    if solution is None:
        return Outcome(None, False, 0, seconds)
    routes = []
    for vehicle in range(fleet):
        index, route = solution.Value(routing.NextVar(routing.Start(vehicle))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return outcome_of(problem, routes, seconds)


def cell(outcome: Outcome | None, best_known: float) -> str:
    """Cost, gap, feasibility and vehicles of one solver, or blanks."""
    if outcome is None:
        return f"{'-':>9} {'-':>7} {'-':>4} {'-':>3}"
    gap = outcome.gap_pct(best_known)
    cost = f"{outcome.cost:9.1f}" if outcome.cost is not None else f"{'none':>9}"
    gap_text = f"{gap:7.2f}" if gap is not None else f"{'-':>7}"
    return f"{cost} {gap_text} {'yes' if outcome.is_feasible else 'NO':>4} {outcome.vehicles:3d}"


def mean_gap(results: list[tuple[float, Outcome | None]]) -> str:
    """Mean gap (%) of one solver over its feasible solutions, and how many those are."""
    gaps = [
        gap
        for best_known, outcome in results
        if outcome is not None and outcome.is_feasible
        for gap in (outcome.gap_pct(best_known),)
        if gap is not None
    ]
    if not gaps:
        return "-"
    return f"{statistics.fmean(gaps):.2f} % over {len(gaps)}/{len(results)} feasible"


def main() -> None:
    """Run every instance, print the table and check the acceptance criterion."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", default="", help="comma-separated names (default: all)")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per solve")
    parser.add_argument("--seed", type=int, default=0, help="our seed")
    parser.add_argument("--no-peer", action="store_true", help="ours only")
    args = parser.parse_args()
    names = sorted(p.stem for p in (DATA / "instances").glob("*.txt"))
    if args.instances:
        wanted = [n.strip().upper() for n in args.instances.split(",") if n.strip()]
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown instances: {', '.join(unknown)}")
        names = wanted
    print(f"ours: nevrural solve_vrptw (PyVRP), seed {args.seed}; peer: {PEER_NAME};")
    print(f"{args.time_limit:g} s per solve; cost = total distance, CVRPLIB convention")
    print(
        f"{'instance':<8} {'BKS':>8} | {'ours':>9} {'gap %':>7} {'feas':>4} {'veh':>3}"
        f" | {'OR-Tools':>9} {'gap %':>7} {'feas':>4} {'veh':>3}"
    )
    rows: list[tuple[str, float, Outcome, Outcome | None]] = []
    for name in names:
        problem = read_solomon(DATA / "instances" / f"{name}.txt")
        best_known = read_cvrplib_solution(DATA / "bks_solutions_cvrplib" / f"{name}.sol").cost
        ours = solve_ours(problem, args.time_limit, args.seed)
        peer = None if args.no_peer else solve_peer(problem, args.time_limit)
        rows.append((name, best_known, ours, peer))
        print(f"{name:<8} {best_known:8.1f} | {cell(ours, best_known)} | {cell(peer, best_known)}")
        sys.stdout.flush()
    print(f"mean gap, ours:     {mean_gap([(row[1], row[2]) for row in rows])}")
    if not args.no_peer:
        print(f"mean gap, OR-Tools: {mean_gap([(row[1], row[3]) for row in rows])}")
    ours_gaps = [row[2].gap_pct(row[1]) for row in rows]
    failures = [f"{row[0]} infeasible" for row in rows if not row[2].is_feasible]
    mean = statistics.fmean(g for g in ours_gaps if g is not None)
    if mean > MAX_MEAN_GAP_PCT:
        failures.append(f"mean gap {mean:.2f} % > {MAX_MEAN_GAP_PCT} %")
    if failures:
        print(f"FAILED: {'; '.join(failures)}")
        sys.exit(1)
    print(f"ok: mean gap {mean:.2f} % <= {MAX_MEAN_GAP_PCT} %, every solution of ours feasible")


if __name__ == "__main__":
    main()
