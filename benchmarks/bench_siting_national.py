"""National siting: all ~38,700 townships as demand, township and county seats as sites.

The instance: every township of the pinned atlas (modelled positions, ~38,700) is a
demand point with a seeded population-like weight (log-normal, median 20,000 persons,
sigma 0.8, seed 0) and a candidate site, and every county seat (~2,850) is a candidate
too. A point may use every site within 50 road km (great circle x 1.35) plus its 50
nearest sites (remote townships); a point left beyond its stored sites gets its true
road distance to the nearest open site (so the objective is the true cost and the
lower bound stays valid).

Each case runs with a 120 s limit on the wall clock and prints seconds, objective,
lower bound, gap and peak memory (``ru_maxrss`` of this process so far). Acceptance:
gap <= 1 % to the solver's own bound, <= 120 s, <= 8 GB; exit status 1 otherwise.
Add a case by writing ``run_<model>(instance) -> CaseResult`` and listing it in
``CASES``. Timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.adapters.packages.atlas_source import PackageAtlasSource
from nevrural.core.atlas.assembly import assemble_atlas
from nevrural.core.atlas.divisions import Level
from nevrural.core.siting.pmedian import PMedianParams, solve_p_median
from nevrural.core.siting.points import PointSites, siting_problem_from_points

if TYPE_CHECKING:
    from collections.abc import Callable

P_SITES = 2_000
RADIUS_KM = 50.0
K_NEAREST = 50
TIME_LIMIT_S = 120.0
MAX_GAP = 0.01
MAX_MEMORY_GB = 8.0


@dataclass(frozen=True)
class NationalInstance:
    """Townships (demand and sites) and county seats (sites), with the built problem."""

    points: PointSites
    n_townships: int
    n_county_seats: int
    build_seconds: float


@dataclass(frozen=True)
class CaseResult:
    """What one case reports."""

    seconds: float
    objective: float
    lower_bound: float | None
    gap: float
    status: str
    path: str
    extra: str


def national_points(
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Township positions and seeded weights, and candidate positions (townships +
    county seats), from the pinned atlas."""
    atlas = assemble_atlas(PackageAtlasSource().load())
    towns = [d for d in atlas.divisions if d.level == Level.TOWNSHIP and d.lon is not None]
    seats = [d for d in atlas.divisions if d.level == Level.COUNTY and d.lon is not None]
    t_lon = np.array([d.lon for d in towns], dtype=float)
    t_lat = np.array([d.lat for d in towns], dtype=float)
    s_lon = np.concatenate([t_lon, [d.lon for d in seats]])
    s_lat = np.concatenate([t_lat, [d.lat for d in seats]])
    weight = np.round(np.random.default_rng(seed).lognormal(np.log(20_000), 0.8, len(towns)))
    return t_lon, t_lat, weight, s_lon, s_lat


def build_instance(seed: int = 0) -> NationalInstance:
    """The atlas's townships and county seats as a radius-sparse siting problem."""
    t_lon, t_lat, weight, s_lon, s_lat = national_points(seed)
    started = time.perf_counter()
    points = siting_problem_from_points(
        t_lon, t_lat, weight, s_lon, s_lat, radius_km=RADIUS_KM, k_nearest=K_NEAREST
    )
    return NationalInstance(
        points, t_lon.size, s_lon.size - t_lon.size, time.perf_counter() - started
    )


def run_p_median(instance: NationalInstance) -> CaseResult:
    """p = 2,000 new sites, heuristic path with the Lagrangian bound."""
    params = PMedianParams(
        p=P_SITES,
        path="heuristic",
        time_limit_s=TIME_LIMIT_S,
        is_truncated=True,
        beyond_km=RADIUS_KM,
    )
    started = time.perf_counter()
    result = solve_p_median(
        instance.points.problem,
        params,
        clock=time.perf_counter,
        nearest_open=instance.points.nearest_open,
    )
    seconds = time.perf_counter() - started
    extra = f"beyond points {int(result.details['beyond_points'])}"
    return CaseResult(
        seconds, result.objective, result.lower_bound, result.gap, result.status, result.path, extra
    )


CASES: dict[str, Callable[[NationalInstance], CaseResult]] = {"p-median": run_p_median}


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far, GB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    """Build once, run every case, print and check."""
    instance = build_instance()
    problem = instance.points.problem
    print(
        f"{instance.n_townships:,} townships, {problem.n_sites:,} sites"
        f" ({instance.n_county_seats:,} county seats), {problem.distance_km.nnz:,} pairs"
        f" (<= {RADIUS_KM:g} road km + {K_NEAREST} nearest), built in"
        f" {instance.build_seconds:.1f} s; p = {P_SITES:,}, limit {TIME_LIMIT_S:g} s"
    )
    failures = []
    for name, case in CASES.items():
        outcome = case(instance)
        memory = peak_memory_gb()
        bound = f"{outcome.lower_bound:,.0f}" if outcome.lower_bound is not None else "-"
        print(
            f"{name}: {outcome.seconds:.1f} s, objective {outcome.objective:,.0f}, lower bound"
            f" {bound}, gap {outcome.gap:.3%}, {outcome.status} ({outcome.path}),"
            f" peak memory {memory:.2f} GB, {outcome.extra}",
            flush=True,
        )
        if outcome.gap > MAX_GAP or outcome.seconds > TIME_LIMIT_S or memory > MAX_MEMORY_GB:
            failures.append(
                f"{name}: gap {outcome.gap:.3%}, {outcome.seconds:.0f} s, {memory:.1f} GB"
            )
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
