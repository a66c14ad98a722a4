"""Use case: build the atlas from the pinned data packages, keeping user imports.

A rebuild replaces divisions, boundaries and modelled indicators in one transaction;
coordinates and indicator values that users imported are carried over for every
division that still exists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.atlas.assembly import AtlasResult, assemble_atlas
from nevrural.core.atlas.divisions import (
    Level,
    LocationQuality,
    TownshipKind,
    classify_township,
    is_urban_district,
    province_code_of,
)
from nevrural.core.atlas.indicators import IndicatorValue, derived_source
from nevrural.core.atlas.modelled import CountyProfile, model_county_indicators

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import AtlasSource, Progress, UnitOfWork

__all__ = ["AtlasBuildReport", "build_atlas", "county_profiles", "ensure_atlas"]

AREA_SOURCE = derived_source("county polygon")


@dataclass(frozen=True, slots=True)
class AtlasBuildReport:
    """What a build wrote: counts per level, boundaries, values, carried-over imports."""

    counts: dict[str, int]
    indicator_values: int
    kept_locations: int
    kept_indicator_values: int


def county_profiles(atlas: AtlasResult) -> list[CountyProfile]:
    """Inputs of the indicator model for every county-level unit.

    County-level units are counties plus prefectures that govern townships directly
    (东莞, 中山, 儋州, 嘉峪关), which hold real population of their own.
    """
    kinds: dict[str, dict[TownshipKind, int]] = defaultdict(lambda: defaultdict(int))
    for d in atlas.divisions:
        if d.level is Level.TOWNSHIP and d.parent_code:
            kinds[d.parent_code][classify_township(d.code, d.name)] += 1
    areas = {b.code: b.area_km2 for b in atlas.boundaries}
    profiles = []
    for d in atlas.divisions:
        is_unit = d.level is Level.COUNTY or (d.level is Level.PREFECTURE and d.code in kinds)
        if not is_unit or d.lat is None or d.lon is None:
            continue
        k = kinds.get(d.code, {})
        profiles.append(
            CountyProfile(
                code=d.code,
                province_code=province_code_of(d.code),
                n_subdistricts=k.get(TownshipKind.SUBDISTRICT, 0),
                n_towns=k.get(TownshipKind.TOWN, 0),
                n_townships=k.get(TownshipKind.TOWNSHIP, 0) + k.get(TownshipKind.OTHER, 0),
                lat_deg=d.lat,
                lon_deg=d.lon,
                area_km2=areas.get(d.code, 0.0),
                is_urban_district=is_urban_district(d.code, d.name),
            )
        )
    return profiles


def _location_sources(source: AtlasSource) -> dict[str, str]:
    files = {f["role"]: f"{f['distribution']}=={f['version']}" for f in source.describe()}
    return {
        LocationQuality.REFERENCE.value: f"{files.get('county_points', 'package')} reference point",
        LocationQuality.APPROXIMATE.value: "modelled: placed inside the county polygon "
        f"({files.get('county_polygons', 'package')})",
    }


def build_atlas(
    uow_factory: Callable[[], UnitOfWork], source: AtlasSource, progress: Progress
) -> AtlasBuildReport:
    """Read the packages, assemble the atlas, model indicators and store it all at once."""
    progress.step("reading and checking pinned data packages")
    inputs = source.load()
    progress.step("placing townships and simplifying boundaries")
    atlas = assemble_atlas(inputs)
    progress.step("modelling county indicators")
    modelled = model_county_indicators(county_profiles(atlas)).values
    areas = [
        IndicatorValue(b.code, "area_km2", round(b.area_km2, 3), AREA_SOURCE)
        for b in atlas.boundaries
    ]
    progress.step("writing the atlas to the database")
    known = {d.code for d in atlas.divisions}
    with uow_factory() as uow:
        kept_locations = [loc for loc in uow.atlas.exact_locations() if loc.code in known]
        kept_values = [v for v in uow.atlas.imported_indicators() if v.county_code in known]
        uow.atlas.clear()
        uow.atlas.add_divisions(atlas.divisions, _location_sources(source))
        uow.atlas.add_boundaries(atlas.boundaries)
        written = uow.atlas.upsert_indicators([*modelled, *areas])
        uow.atlas.set_locations(kept_locations, LocationQuality.EXACT.value)
        uow.atlas.upsert_indicators(kept_values)
        uow.atlas.record_build(source.describe(), dict(atlas.counts))
        uow.commit()
    return AtlasBuildReport(dict(atlas.counts), written, len(kept_locations), len(kept_values))


def ensure_atlas(
    uow_factory: Callable[[], UnitOfWork], source: AtlasSource, progress: Progress
) -> AtlasBuildReport | None:
    """Build the atlas when the database has none; ``None`` when it was already there."""
    with uow_factory() as uow:
        if uow.atlas.has_atlas():
            return None
    return build_atlas(uow_factory, source, progress)
