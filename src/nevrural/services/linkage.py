"""Use case: pick the linked-festival cities from the localities' candidates, and store it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from nevrural.core.atlas.divisions import Level
from nevrural.core.linkage import (
    LinkageProblem,
    LinkageResult,
    region_label,
    solve_linkage,
    theme_label,
)
from nevrural.services.county_table import load_county_table
from nevrural.services.demo_linkage import demo_candidates
from nevrural.services.ports import (
    CandidateColumns,
    LinkageCandidates,
    Scenario,
    ScenarioDraft,
    UnitOfWork,
)
from nevrural.services.scenarios import (
    get_scenario,
    latest_demo_scenario,
    list_scenarios,
    store_scenario,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "LinkageRequest",
    "UnknownCandidateError",
    "get_linkage_scenario",
    "latest_demo_linkage",
    "list_linkage_scenarios",
    "load_demo_candidates",
    "run_linkage",
]

KIND = "linkage"


class UnknownCandidateError(ValueError):
    """Candidates without coordinates whose codes the atlas does not know."""


@dataclass(frozen=True, slots=True)
class LinkageRequest:
    """How many cities and how to weigh distinctiveness, themes, regions and spread."""

    k: int
    w_distinct: float = 1.0
    w_themes: float = 1.0
    w_regions: float = 1.0
    w_spread: float = 1.0
    method: Literal["auto", "exact", "greedy"] = "auto"
    time_limit_s: float = 60.0
    must_include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    name: str = ""
    candidate_source: str = field(default="", compare=False)

    def as_params(self) -> dict[str, Any]:
        """JSON-ready parameters."""
        params = asdict(self)
        params["must_include"], params["exclude"] = list(self.must_include), list(self.exclude)
        return params


def _coordinates(
    uow: UnitOfWork, candidates: LinkageCandidates
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The candidates' coordinates, from the file or else from the atlas."""
    if candidates.lon_deg is not None and candidates.lat_deg is not None:
        return candidates.lon_deg, candidates.lat_deg
    lon, lat, unknown = [], [], []
    for code in candidates.codes:
        division = uow.atlas.get_division(code)
        if division is None or division.lon is None or division.lat is None:
            unknown.append(code)
            continue
        lon.append(division.lon)
        lat.append(division.lat)
    if unknown:
        raise UnknownCandidateError(
            f"{candidates.file_name} has no lon/lat columns and the atlas has no division "
            f"with code {', '.join(unknown[:10])}" + (" …" if len(unknown) > 10 else "")
        )
    return tuple(lon), tuple(lat)


def _rows(
    candidates: LinkageCandidates, problem: LinkageProblem, result: LinkageResult
) -> list[dict[str, Any]]:
    rows = []
    for i, reason in zip(result.selected, result.reasons, strict=True):
        themes = sorted(candidates.themes[i])
        rows.append(
            {
                "code": candidates.codes[i],
                "name": candidates.names[i],
                "province_code": candidates.province_codes[i],
                "region": reason.region,
                "region_zh": region_label(reason.region)[0],
                "themes": themes,
                "themes_zh": [theme_label(t)[0] for t in themes],
                "lon": problem.lon_deg[i],
                "lat": problem.lat_deg[i],
                "unique_themes": list(reason.unique_themes),
                "nearest_km": reason.nearest_km,
                "reason_zh": reason.reason_zh,
                "reason_en": reason.reason_en,
            }
        )
    return rows


def run_linkage(
    uow_factory: Callable[[], UnitOfWork],
    candidates: LinkageCandidates,
    request: LinkageRequest,
    *,
    is_demo: bool = False,
) -> Scenario:
    """Solve the linkage selection and store it; raises ``ValueError`` naming bad inputs."""
    started = time.perf_counter()
    with uow_factory() as uow:
        lon, lat = _coordinates(uow, candidates)
    problem = LinkageProblem(
        codes=candidates.codes,
        names=candidates.names,
        province_codes=candidates.province_codes,
        lon_deg=lon,
        lat_deg=lat,
        themes=candidates.themes,
        k=request.k,
        features=candidates.features,
        feature_names=candidates.feature_names,
        w_distinct=request.w_distinct,
        w_themes=request.w_themes,
        w_regions=request.w_regions,
        w_spread=request.w_spread,
        must_include=frozenset(request.must_include),
        exclude=frozenset(request.exclude),
    )
    solve_started = time.perf_counter()
    solution = solve_linkage(problem, request.method, time_limit_s=request.time_limit_s)
    solve_seconds = time.perf_counter() - solve_started
    result = {
        "selected": _rows(candidates, problem, solution),
        "objective": solution.objective,
        "terms": asdict(solution.terms),
        "bound": solution.bound,
        "gap": solution.gap,
        "is_optimal": solution.is_optimal,
        "seconds": solve_seconds,
        "solver_seconds": solution.seconds,
        "method": solution.method,
        "iterations": solution.iterations,
        "covered_themes": list(solution.covered_themes),
        "covered_regions": list(solution.covered_regions),
        "candidates": len(candidates.codes),
        "candidate_source": candidates.file_name,
    }
    params = request.as_params() | {"candidate_source": candidates.file_name}
    draft = ScenarioDraft(
        KIND,
        request.name or f"{request.k} linked cities",
        params,
        result,
        time.perf_counter() - started,
        is_demo,
    )
    return store_scenario(uow_factory, draft)


def load_demo_candidates(uow_factory: Callable[[], UnitOfWork]) -> CandidateColumns:
    """The demo's example candidate cities with features aggregated from the atlas."""
    with uow_factory() as uow:
        table = load_county_table(uow)
        prefectures = uow.atlas.divisions(level=Level.PREFECTURE)
    names = {d.code: d.name for d in prefectures}
    points = {
        d.code: (d.lon, d.lat) for d in prefectures if d.lon is not None and d.lat is not None
    }
    return demo_candidates(table, names, points)


def get_linkage_scenario(
    uow_factory: Callable[[], UnitOfWork], scenario_id: int
) -> Scenario | None:
    """A stored linkage scenario."""
    return get_scenario(uow_factory, KIND, scenario_id)


def list_linkage_scenarios(uow_factory: Callable[[], UnitOfWork]) -> list[Scenario]:
    """Stored linkage scenarios, newest first."""
    return list_scenarios(uow_factory, KIND)


def latest_demo_linkage(uow_factory: Callable[[], UnitOfWork]) -> Scenario | None:
    """The demo's linkage scenario, if seeded."""
    return latest_demo_scenario(uow_factory, KIND)
