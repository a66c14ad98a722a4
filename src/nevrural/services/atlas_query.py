"""Use cases that read the atlas: statistics, listings, one division in detail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nevrural.core.atlas.divisions import Division, Level
from nevrural.core.atlas.indicators import INDICATORS, IndicatorValue

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import BoundaryFeature, UnitOfWork

__all__ = [
    "AtlasStats",
    "DivisionDetail",
    "atlas_stats",
    "county_boundaries",
    "division_detail",
    "list_divisions",
]


@dataclass(frozen=True, slots=True)
class AtlasStats:
    """Counts per level, boundaries, and per indicator the counties covered by source."""

    provinces: int
    prefectures: int
    counties: int
    townships: int
    county_boundaries: int
    indicators: dict[str, dict[str, object]] = field(default_factory=dict)
    last_build: dict[str, object] | None = None

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready form (integer counts at the top level)."""
        return {
            "provinces": self.provinces,
            "prefectures": self.prefectures,
            "counties": self.counties,
            "townships": self.townships,
            "county_boundaries": self.county_boundaries,
            "indicators": self.indicators,
            "last_build": self.last_build,
        }


@dataclass(frozen=True, slots=True)
class DivisionDetail:
    """A division with its parent chain, child count, coordinate source and indicators."""

    division: Division
    ancestors: tuple[Division, ...]
    children: int
    location_source: str | None
    indicators: tuple[IndicatorValue, ...]


def atlas_stats(uow_factory: Callable[[], UnitOfWork]) -> AtlasStats:
    """Counts of the stored atlas."""
    with uow_factory() as uow:
        counts = uow.atlas.count_by_level()
        coverage = uow.atlas.indicator_coverage()
        boundaries = uow.atlas.count_boundaries()
        last_build = uow.atlas.last_build()
    indicators: dict[str, dict[str, object]] = {}
    for key in [*INDICATORS, *sorted(set(coverage) - set(INDICATORS))]:
        sources = coverage.get(key, {})
        spec = INDICATORS.get(key)
        indicators[key] = {
            "counties": sum(sources.values()),
            "sources": dict(sorted(sources.items())),
            "unit": spec.unit if spec else None,
        }
    return AtlasStats(
        provinces=counts[Level.PROVINCE],
        prefectures=counts[Level.PREFECTURE],
        counties=counts[Level.COUNTY],
        townships=counts[Level.TOWNSHIP],
        county_boundaries=boundaries,
        indicators=indicators,
        last_build=last_build,
    )


def list_divisions(
    uow_factory: Callable[[], UnitOfWork],
    level: Level | None,
    parent_code: str | None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Division]:
    """Divisions by level and/or parent, ordered by code."""
    with uow_factory() as uow:
        return uow.atlas.divisions(level=level, parent_code=parent_code, limit=limit, offset=offset)


def division_detail(uow_factory: Callable[[], UnitOfWork], code: str) -> DivisionDetail | None:
    """One division in full, or ``None`` when the code is unknown."""
    with uow_factory() as uow:
        division = uow.atlas.get_division(code)
        if division is None:
            return None
        ancestors: list[Division] = []
        parent = division.parent_code
        while parent:
            above = uow.atlas.get_division(parent)
            if above is None:
                break
            ancestors.insert(0, above)
            parent = above.parent_code
        return DivisionDetail(
            division=division,
            ancestors=tuple(ancestors),
            children=uow.atlas.count_children(code),
            location_source=uow.atlas.location_sources([code]).get(code),
            indicators=tuple(uow.atlas.indicators_of(code)),
        )


def county_boundaries(
    uow_factory: Callable[[], UnitOfWork], simplified: bool, province_code: str | None
) -> list[BoundaryFeature]:
    """County boundaries to draw, nationally or for one province."""
    with uow_factory() as uow:
        return uow.atlas.boundary_features(simplified, province_code)
