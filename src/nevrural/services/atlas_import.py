"""Use case: import a census table, an indicator template or real coordinates.

All or nothing: the file is read and validated completely before anything is
written, and the values are applied in one transaction together with the import
record. A refused file raises :class:`ImportRejected` with row numbers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from nevrural.core.atlas.coordinate_import import parse_coordinate_table
from nevrural.core.atlas.divisions import Level, LocationQuality, prefecture_code_of
from nevrural.core.atlas.imports import (
    CountyRef,
    census_indicator_values,
    match_census_rows,
    parse_census_2020,
    parse_indicator_table,
)
from nevrural.core.atlas.indicators import IndicatorValue, imported_source
from nevrural.services.ports import Located, TableReader, TabularData, UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["AtlasNotBuiltError", "ImportKind", "ImportReport", "import_atlas_file"]


class AtlasNotBuiltError(RuntimeError):
    """An import was asked for before the atlas exists."""


class ImportKind(StrEnum):
    """What a file holds."""

    CENSUS2020 = "census2020"
    INDICATORS = "indicators"
    COORDINATES = "coordinates"


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import applied, and what it could not match."""

    import_id: int
    kind: ImportKind
    file_name: str
    sha256: str
    values_applied: int
    divisions_updated: int
    matched_by_code: int = 0
    matched_by_name: int = 0
    unmatched: list[dict[str, object]] = field(default_factory=list)
    atlas_counties_without_row: int = 0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "import_id": self.import_id,
            "kind": self.kind.value,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "values_applied": self.values_applied,
            "divisions_updated": self.divisions_updated,
            "matched_by_code": self.matched_by_code,
            "matched_by_name": self.matched_by_name,
            "unmatched": self.unmatched,
            "atlas_counties_without_row": self.atlas_counties_without_row,
        }


def _county_refs(uow: UnitOfWork) -> list[CountyRef]:
    """Counties (and prefectures governing townships directly) with their prefecture."""
    prefectures = {d.code: d for d in uow.atlas.divisions(level=Level.PREFECTURE)}
    units = uow.atlas.divisions(level=Level.COUNTY)
    refs = []
    for d in units:
        parent = prefectures.get(d.parent_code or "") or prefectures.get(prefecture_code_of(d.code))
        refs.append(
            CountyRef(
                d.code,
                d.name,
                parent.code if parent else prefecture_code_of(d.code),
                parent.name if parent else "",
            )
        )
    return refs


def _apply_values(
    uow: UnitOfWork,
    kind: ImportKind,
    file_name: str,
    digest: str,
    values: tuple[IndicatorValue, ...],
    report: dict[str, object],
) -> int:
    written = uow.atlas.upsert_indicators(values)
    import_id = uow.atlas.record_import(kind.value, file_name, digest, written, report)
    uow.commit()
    return import_id


def _import_census(uow: UnitOfWork, table: TabularData, digest: str) -> ImportReport:
    file_name = table.file_name
    header_row = table.header_row
    rows = parse_census_2020(file_name, table.header, table.rows, header_row=header_row)
    match = match_census_rows(rows, _county_refs(uow))
    values = census_indicator_values(match, file_name)
    unmatched = [
        {
            "row": u.row.row,
            "code": u.row.code,
            "name": f"{u.row.prefecture}{u.row.county}",
            "reason": u.reason,
        }
        for u in match.unmatched
    ]
    by_name = sum(m.how == "name" for m in match.matched)
    summary: dict[str, object] = {
        "matched_by_code": len(match.matched) - by_name,
        "matched_by_name": by_name,
        "unmatched": unmatched,
        "atlas_counties_without_row": list(match.atlas_counties_without_row),
    }
    import_id = _apply_values(uow, ImportKind.CENSUS2020, file_name, digest, values, summary)
    return ImportReport(
        import_id,
        ImportKind.CENSUS2020,
        file_name,
        digest,
        len(values),
        len({v.county_code for v in values}),
        len(match.matched) - by_name,
        by_name,
        unmatched,
        len(match.atlas_counties_without_row),
    )


def _import_indicators(uow: UnitOfWork, table: TabularData, digest: str) -> ImportReport:
    file_name = table.file_name
    known = {d.code for d in uow.atlas.divisions(level=Level.COUNTY)}
    header_row = table.header_row
    rows = table.rows
    values = parse_indicator_table(file_name, table.header, rows, known, header_row=header_row)
    import_id = _apply_values(uow, ImportKind.INDICATORS, file_name, digest, values, {})
    return ImportReport(
        import_id,
        ImportKind.INDICATORS,
        file_name,
        digest,
        len(values),
        len({v.county_code for v in values}),
        matched_by_code=len(values),
    )


def _import_coordinates(uow: UnitOfWork, table: TabularData, digest: str) -> ImportReport:
    file_name = table.file_name
    known = {d.code for d in uow.atlas.divisions()}
    located = parse_coordinate_table(
        file_name, table.header, table.rows, known, header_row=table.header_row
    )
    source = imported_source(file_name)
    uow.atlas.set_locations(
        [Located(p.code, p.lon, p.lat, source) for p in located], LocationQuality.EXACT.value
    )
    import_id = uow.atlas.record_import(
        ImportKind.COORDINATES.value, file_name, digest, len(located), {}
    )
    uow.commit()
    return ImportReport(
        import_id,
        ImportKind.COORDINATES,
        file_name,
        digest,
        len(located),
        len(located),
        matched_by_code=len(located),
    )


_IMPORTERS = {
    ImportKind.CENSUS2020: _import_census,
    ImportKind.INDICATORS: _import_indicators,
    ImportKind.COORDINATES: _import_coordinates,
}


def import_atlas_file(
    uow_factory: Callable[[], UnitOfWork], reader: TableReader, path: Path, kind: ImportKind
) -> ImportReport:
    """Read, validate and apply one file; raises ``ImportRejected`` and applies nothing."""
    table = reader.read(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with uow_factory() as uow:
        if not uow.atlas.has_atlas():
            raise AtlasNotBuiltError(
                "the atlas is empty: run `nevrural atlas build` before importing"
            )
        return _IMPORTERS[kind](uow, table, digest)
