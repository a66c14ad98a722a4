"""The stored atlas through ``SqlAtlasRepository`` and the query use cases, on both backends."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

import shapely

from nevrural.core.atlas.divisions import Level, LocationQuality
from nevrural.core.atlas.indicators import SOURCE_MODELLED
from nevrural.core.atlas.modelled import MODELLED_KEYS
from nevrural.services.atlas_query import atlas_stats, county_boundaries, division_detail

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

__all__: list[str] = []

SAMPLE_SEED = 20_260_601
SAMPLE_SIZE = 300
MAX_SIMPLIFIED_BYTES = 4 * 1024 * 1024
MIN_COVERED_COUNTIES = 2_800
# 诸福屯街道 of 正定县 (石家庄市, 河北省): a township below an ordinary prefecture.
TOWNSHIP_CODE = "130123001"


def test_counts_per_level(any_container: Container) -> None:
    """The atlas holds every level of China's divisions and a boundary per county."""
    stats = atlas_stats(any_container.uow)
    assert stats.provinces >= 31
    assert stats.prefectures >= 330
    assert stats.counties >= 2_800
    assert stats.townships >= 38_000
    assert stats.county_boundaries >= 2_800
    assert stats.last_build is not None


def test_counties_and_townships_have_coordinates(any_container: Container) -> None:
    """Every county and township has a longitude and latitude inside China's extent."""
    with any_container.uow() as uow:
        for level in (Level.COUNTY, Level.TOWNSHIP):
            divisions = uow.atlas.divisions(level=level)
            assert divisions
            missing = [d.code for d in divisions if d.lon is None or d.lat is None]
            assert missing == [], f"{len(missing)} {level.name.lower()}s lack coordinates"
            outside = [
                d.code
                for d in divisions
                if not (73.0 <= (d.lon or 0) <= 136.0 and 3.0 <= (d.lat or 0) <= 54.0)
            ]
            assert outside == []


def test_every_township_is_approximate(any_container: Container) -> None:
    """Townships are placed by the model, so each is flagged ``approximate``."""
    with any_container.uow() as uow:
        townships = uow.atlas.divisions(level=Level.TOWNSHIP)
    qualities = {d.location_quality for d in townships}
    assert qualities == {LocationQuality.APPROXIMATE}


def test_modelled_indicators_are_flagged_and_cover_counties(any_container: Container) -> None:
    """Every modelled indicator is flagged ``modelled`` only and covers ≥ 2,800 counties."""
    indicators = atlas_stats(any_container.uow).indicators
    for key in [*MODELLED_KEYS, "area_km2"]:
        counties = indicators[key]["counties"]
        assert isinstance(counties, int)
        assert counties >= MIN_COVERED_COUNTIES, key
        if key in MODELLED_KEYS:
            assert indicators[key]["sources"] == {SOURCE_MODELLED: counties}, key


def test_townships_lie_inside_their_county_boundary(any_container: Container) -> None:
    """A seeded sample of 300 townships all lie inside their county's full stored boundary."""
    with any_container.uow() as uow:
        townships = uow.atlas.divisions(level=Level.TOWNSHIP)
        features = {f.code: f for f in uow.atlas.boundary_features(False, None)}
    bounded = [t for t in townships if t.parent_code in features]
    assert len(bounded) >= 38_000
    sample = random.Random(SAMPLE_SEED).sample(bounded, SAMPLE_SIZE)
    outside = []
    for township in sample:
        assert township.parent_code is not None
        polygon = shapely.from_geojson(features[township.parent_code].geometry_json)
        if not polygon.covers(shapely.Point(township.lon, township.lat)):
            outside.append(township.code)
    assert outside == []


def test_simplified_national_boundaries_are_small(any_container: Container) -> None:
    """The simplified boundaries of the whole country fit in a 4 MB GeoJSON collection."""
    features = county_boundaries(any_container.uow, simplified=True, province_code=None)
    assert len(features) >= 2_800
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": f.code, "name": f.name, "area_km2": f.area_km2},
                "geometry": json.loads(f.geometry_json),
            }
            for f in features
        ],
    }
    size = len(json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode())
    assert size < MAX_SIMPLIFIED_BYTES
    assert all(shapely.from_geojson(f.geometry_json).is_valid for f in features[:200])


def test_province_boundaries_are_a_subset(any_container: Container) -> None:
    """Boundaries of one province are exactly the national ones whose code starts with it."""
    national = county_boundaries(any_container.uow, simplified=True, province_code=None)
    hebei = county_boundaries(any_container.uow, simplified=True, province_code="130000")
    assert hebei
    assert [f.code for f in hebei] == [f.code for f in national if f.code.startswith("13")]


def test_division_detail_lists_ancestors_in_order(any_container: Container) -> None:
    """A township's detail lists its province, prefecture and county, from the top down."""
    detail = division_detail(any_container.uow, TOWNSHIP_CODE)
    assert detail is not None
    assert detail.division.level is Level.TOWNSHIP
    assert [a.level for a in detail.ancestors] == [Level.PROVINCE, Level.PREFECTURE, Level.COUNTY]
    assert [a.code for a in detail.ancestors] == ["130000", "130100", "130123"]
    assert detail.ancestors[-1].code == detail.division.parent_code
    for upper, lower in zip(detail.ancestors, detail.ancestors[1:], strict=False):
        assert lower.parent_code == upper.code
    assert detail.children == 0
    assert detail.location_source is not None
    assert detail.location_source.startswith("modelled:")


def test_division_detail_of_a_county_has_indicators(any_container: Container) -> None:
    """A county's detail counts its townships and lists its indicator values by key."""
    detail = division_detail(any_container.uow, "130123")
    assert detail is not None
    assert [a.code for a in detail.ancestors] == ["130000", "130100"]
    assert detail.children >= 5
    keys = [v.key for v in detail.indicators]
    assert keys == sorted(keys)
    assert set(MODELLED_KEYS) <= set(keys)


def test_division_detail_of_unknown_code_is_none(any_container: Container) -> None:
    """An unknown code gives no detail rather than an error."""
    assert division_detail(any_container.uow, "999999") is None
