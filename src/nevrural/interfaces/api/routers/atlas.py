"""``/api/v1/atlas``: statistics and county boundaries for maps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from nevrural.interfaces.api.deps import UowFactoryDep
from nevrural.interfaces.api.schemas import AtlasStatsRead
from nevrural.services.atlas_query import atlas_stats, county_boundaries

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/atlas", tags=["atlas"])


@router.get("/stats", response_model=AtlasStatsRead)
def get_stats(uow_factory: UowFactoryDep) -> AtlasStatsRead:
    """Counts per level, boundaries, and per indicator the counties covered by source."""
    return AtlasStatsRead.model_validate(atlas_stats(uow_factory).as_dict())


@router.get(
    "/boundaries",
    response_class=Response,
    responses={
        200: {
            "content": {"application/geo+json": {}},
            "description": "GeoJSON FeatureCollection of county boundaries",
        }
    },
)
def get_boundaries(
    uow_factory: UowFactoryDep,
    province: Annotated[str | None, Query(pattern=r"^[0-9]{2}0000$")] = None,
    simplified: bool = True,
) -> Response:
    """County boundaries as GeoJSON (simplified for web maps unless ``simplified=false``)."""
    features = county_boundaries(uow_factory, simplified, province)
    # Geometry text is stored as GeoJSON already; splice it rather than re-encode 2.5 MB.
    parts = [
        '{{"type":"Feature","properties":{{"code":"{}","name":"{}","area_km2":{:.3f}}},'
        '"geometry":{}}}'.format(f.code, f.name.replace('"', ""), f.area_km2, f.geometry_json)
        for f in features
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
    return Response(content=body.encode("utf-8"), media_type="application/geo+json")
