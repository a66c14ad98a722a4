"""``SqlAtlasRepository``: divisions, boundaries and indicators in SQL. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import shapely
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from nevrural.adapters.db.rows import (
    AtlasBuildRow,
    AtlasImportRow,
    CountyBoundaryRow,
    DivisionRow,
    IndicatorValueRow,
    as_utc,
)
from nevrural.core.atlas.divisions import Division, Level, LocationQuality, province_code_of
from nevrural.core.atlas.indicators import IndicatorValue
from nevrural.services.ports import BoundaryFeature, Located

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.orm import Session

    from nevrural.core.atlas.assembly import CountyBoundary

__all__ = ["SqlAtlasRepository"]

_CHUNK = 5_000


def _division(row: DivisionRow) -> Division:
    quality = LocationQuality(row.location_quality) if row.location_quality else None
    return Division(
        row.code, row.name, Level(row.level), row.parent_code, row.lon, row.lat, quality
    )


def _chunks(items: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class SqlAtlasRepository:
    """The atlas tables through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- writes ---------------------------------------------------------------------------
    def has_atlas(self) -> bool:
        """Whether any division is stored."""
        return self._session.scalar(select(DivisionRow.code).limit(1)) is not None

    def clear(self) -> None:
        """Delete every division, boundary and indicator value."""
        for table in (IndicatorValueRow, CountyBoundaryRow, DivisionRow):
            self._session.execute(delete(table))

    def add_divisions(self, divisions: Sequence[Division], sources: Mapping[str, str]) -> None:
        """Insert divisions; ``sources`` maps location quality to its source label."""
        rows = [
            {
                "code": d.code,
                "name": d.name,
                "level": int(d.level),
                "parent_code": d.parent_code,
                "province_code": province_code_of(d.code),
                "lon": d.lon,
                "lat": d.lat,
                "location_quality": d.location_quality.value if d.location_quality else None,
                "location_source": sources.get(d.location_quality.value)
                if d.location_quality
                else None,
            }
            for d in divisions
        ]
        for chunk in _chunks(rows):
            self._session.execute(insert(DivisionRow), chunk)

    def add_boundaries(self, boundaries: Sequence[CountyBoundary]) -> None:
        """Insert county boundaries as GeoJSON geometry text."""
        rows = [
            {
                "code": b.code,
                "geojson": shapely.to_geojson(b.geometry),
                "geojson_simplified": shapely.to_geojson(b.simplified),
                "area_km2": b.area_km2,
            }
            for b in boundaries
        ]
        for chunk in _chunks(rows):
            self._session.execute(insert(CountyBoundaryRow), chunk)

    def upsert_indicators(self, values: Iterable[IndicatorValue]) -> int:
        """Insert or replace indicator values; returns how many were written."""
        rows = [
            {"county_code": v.county_code, "indicator": v.key, "value": v.value, "source": v.source}
            for v in values
        ]
        dialect = self._session.get_bind().dialect.name
        make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
        for chunk in _chunks(rows):
            stmt = make_insert(IndicatorValueRow)
            stmt = stmt.on_conflict_do_update(
                index_elements=["county_code", "indicator"],
                set_={"value": stmt.excluded.value, "source": stmt.excluded.source},
            )
            self._session.execute(stmt, chunk)
        return len(rows)

    def record_build(self, sources: list[dict[str, str]], counts: dict[str, int]) -> None:
        """Remember a build with the files it used."""
        self._session.add(
            AtlasBuildRow(built_at=dt.datetime.now(dt.UTC), sources=sources, counts=counts)
        )

    def record_import(
        self, kind: str, file_name: str, sha256: str, applied: int, report: dict[str, Any]
    ) -> int:
        """Remember an applied import; returns its id."""
        row = AtlasImportRow(
            imported_at=dt.datetime.now(dt.UTC),
            kind=kind,
            file_name=file_name,
            sha256=sha256,
            values_applied=applied,
            report=report,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def set_locations(self, located: Sequence[Located], quality: str) -> None:
        """Overwrite coordinates of existing divisions."""
        for loc in located:
            self._session.execute(
                update(DivisionRow)
                .where(DivisionRow.code == loc.code)
                .values(
                    lon=loc.lon, lat=loc.lat, location_quality=quality, location_source=loc.source
                )
            )

    # --- reads ----------------------------------------------------------------------------
    def exact_locations(self) -> list[Located]:
        """Coordinates that came from imports (to keep across rebuilds)."""
        rows = self._session.execute(
            select(
                DivisionRow.code, DivisionRow.lon, DivisionRow.lat, DivisionRow.location_source
            ).where(
                DivisionRow.location_quality == LocationQuality.EXACT.value,
            )
        )
        return [
            Located(c, lon, lat, src or "")
            for c, lon, lat, src in rows
            if lon is not None and lat is not None
        ]

    def imported_indicators(self) -> list[IndicatorValue]:
        """Indicator values that did not come from the model or geometry."""
        rows = self._session.execute(
            select(IndicatorValueRow).where(IndicatorValueRow.source.like("imported:%"))
        ).scalars()
        return [IndicatorValue(r.county_code, r.indicator, r.value, r.source) for r in rows]

    def divisions(
        self,
        level: Level | None = None,
        parent_code: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Division]:
        """Divisions filtered by level and parent, ordered by code."""
        query = select(DivisionRow).order_by(DivisionRow.code)
        if level is not None:
            query = query.where(DivisionRow.level == int(level))
        if parent_code is not None:
            query = query.where(DivisionRow.parent_code == parent_code)
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [_division(r) for r in self._session.execute(query).scalars()]

    def get_division(self, code: str) -> Division | None:
        """One division by code."""
        row = self._session.get(DivisionRow, code)
        return _division(row) if row else None

    def location_sources(self, codes: Sequence[str]) -> dict[str, str | None]:
        """Where each division's coordinates came from."""
        rows = self._session.execute(
            select(DivisionRow.code, DivisionRow.location_source).where(
                DivisionRow.code.in_(list(codes))
            )
        )
        return dict(rows.all())

    def count_by_level(self) -> dict[Level, int]:
        """Number of divisions per level."""
        rows = self._session.execute(
            select(DivisionRow.level, func.count()).group_by(DivisionRow.level)
        )
        counts = dict.fromkeys(Level, 0)
        counts.update({Level(level): int(n) for level, n in rows})
        return counts

    def count_children(self, code: str) -> int:
        """Number of divisions directly under ``code``."""
        return int(
            self._session.scalar(
                select(func.count()).select_from(DivisionRow).where(DivisionRow.parent_code == code)
            )
            or 0
        )

    def child_counts(self, level: Level) -> dict[str, int]:
        """Number of children of each parent, counting divisions of ``level``."""
        rows = self._session.execute(
            select(DivisionRow.parent_code, func.count())
            .where(DivisionRow.level == int(level), DivisionRow.parent_code.is_not(None))
            .group_by(DivisionRow.parent_code)
        )
        return {str(parent): int(n) for parent, n in rows}

    def count_boundaries(self) -> int:
        """Number of stored county boundaries."""
        return int(self._session.scalar(select(func.count()).select_from(CountyBoundaryRow)) or 0)

    def boundary_areas_km2(self) -> dict[str, float]:
        """Area of every stored boundary, km²."""
        rows = self._session.execute(select(CountyBoundaryRow.code, CountyBoundaryRow.area_km2))
        return {code: float(area) for code, area in rows}

    def boundary_features(
        self, simplified: bool, province_code: str | None
    ) -> list[BoundaryFeature]:
        """Boundaries with names, optionally of one province only."""
        geometry = CountyBoundaryRow.geojson_simplified if simplified else CountyBoundaryRow.geojson
        query = (
            select(CountyBoundaryRow.code, DivisionRow.name, geometry, CountyBoundaryRow.area_km2)
            .join(DivisionRow, DivisionRow.code == CountyBoundaryRow.code)
            .order_by(CountyBoundaryRow.code)
        )
        if province_code is not None:
            query = query.where(DivisionRow.province_code == province_code)
        return [BoundaryFeature(c, n, g, float(a)) for c, n, g, a in self._session.execute(query)]

    def indicators_of(self, county_code: str) -> list[IndicatorValue]:
        """Every indicator value of one county."""
        rows = self._session.execute(
            select(IndicatorValueRow)
            .where(IndicatorValueRow.county_code == county_code)
            .order_by(IndicatorValueRow.indicator)
        ).scalars()
        return [IndicatorValue(r.county_code, r.indicator, r.value, r.source) for r in rows]

    def indicator_coverage(self) -> dict[str, dict[str, int]]:
        """Per indicator: number of counties per source flag."""
        rows = self._session.execute(
            select(IndicatorValueRow.indicator, IndicatorValueRow.source, func.count()).group_by(
                IndicatorValueRow.indicator, IndicatorValueRow.source
            )
        )
        coverage: dict[str, dict[str, int]] = {}
        for indicator, source, n in rows:
            coverage.setdefault(indicator, {})[source] = int(n)
        return coverage

    def indicator_snapshot(self) -> list[IndicatorValue]:
        """Every stored indicator value, ordered (used to prove imports change nothing)."""
        rows = self._session.execute(
            select(IndicatorValueRow).order_by(
                IndicatorValueRow.county_code, IndicatorValueRow.indicator
            )
        ).scalars()
        return [IndicatorValue(r.county_code, r.indicator, r.value, r.source) for r in rows]

    def last_build(self) -> dict[str, Any] | None:
        """The latest build record."""
        row = self._session.scalars(
            select(AtlasBuildRow).order_by(AtlasBuildRow.id.desc()).limit(1)
        ).first()
        if row is None:
            return None
        return {
            "built_at": as_utc(row.built_at).isoformat(),
            "sources": row.sources,
            "counts": row.counts,
        }
