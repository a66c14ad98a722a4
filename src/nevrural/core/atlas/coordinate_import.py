"""Validation of imported real coordinates (township or county positions).

The template is one row per division::

    code,name,lon,lat
    110101001,东华门街道,116.4070,39.9170

``code`` (aliases ``区划代码``) is any six- or nine-digit code of the atlas; ``lon``
and ``lat`` (aliases ``longitude``/``经度``, ``latitude``/``纬度``) are decimal degrees
in WGS-84 or CGCS2000 (GCJ-02 "Mars" coordinates of web maps are off by up to ~500 m
and should be converted first). The file is refused whole on any problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.atlas.imports import ImportRejected, RowProblem, parse_number

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

__all__ = ["COORDINATE_COLUMNS", "ImportedLocation", "parse_coordinate_table"]

COORDINATE_COLUMNS = ("code", "name", "lon", "lat")
_ALIASES = {
    "code": "code",
    "区划代码": "code",
    "county_code": "code",
    "township_code": "code",
    "name": "name",
    "名称": "name",
    "lon": "lon",
    "longitude": "lon",
    "经度": "lon",
    "lat": "lat",
    "latitude": "lat",
    "纬度": "lat",
}
# China's extent with a margin (degrees): Nansha islands to Mohe, Pamirs to Fuyuan.
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)


@dataclass(frozen=True, slots=True)
class ImportedLocation:
    """A real position for a division, degrees."""

    code: str
    lon: float
    lat: float


def _columns(header: Sequence[str], header_row: int) -> tuple[dict[str, int], list[RowProblem]]:
    """Index of each known column and the header's problems (at ``header_row``)."""
    found: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        target = _ALIASES.get(name.strip().casefold())
        if target is None:
            problems.append(
                RowProblem(header_row, name, f"unknown column {name!r}; expected code, lon, lat")
            )
        elif target in found:
            problems.append(RowProblem(header_row, name, f"duplicate column {target}"))
        else:
            found[target] = index
    for required in ("code", "lon", "lat"):
        if required not in found:
            problems.append(RowProblem(header_row, None, f"missing the {required} column"))
    return found, problems


def _coordinate(text: str, bounds: tuple[float, float], what: str) -> float:
    try:
        value = parse_number(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"{what} {value:g} is outside China ({bounds[0]:g} to {bounds[1]:g})")
    return value


def parse_coordinate_table(
    file_name: str,
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str]]],
    known_codes: Collection[str],
    *,
    header_row: int = 1,
) -> tuple[ImportedLocation, ...]:
    """Validate a coordinate table and return every location, or refuse it whole.

    >>> parse_coordinate_table("c.csv", ["code", "lon", "lat"],
    ...                        [(2, ["110101001", "116.407", "39.917"])], {"110101001"})
    (ImportedLocation(code='110101001', lon=116.407, lat=39.917),)
    """
    columns, problems = _columns(header, header_row)
    first_row: dict[str, int] = {}
    located: list[ImportedLocation] = []
    if not problems:
        for row, cells in rows:
            get = {k: (cells[i].strip() if i < len(cells) else "") for k, i in columns.items()}
            code = get["code"]
            if code not in known_codes:
                problems.append(RowProblem(row, "code", f"unknown division code {code!r}"))
                continue
            if code in first_row:
                problems.append(
                    RowProblem(
                        row, "code", f"{code} appears twice: rows {first_row[code]} and {row}"
                    )
                )
                continue
            first_row[code] = row
            try:
                lon = _coordinate(get["lon"], LON_RANGE, "longitude")
                lat = _coordinate(get["lat"], LAT_RANGE, "latitude")
            except ValueError as error:
                column = header[columns["lon" if "longitude" in str(error) else "lat"]]
                problems.append(RowProblem(row, column, str(error)))
                continue
            located.append(ImportedLocation(code, lon, lat))
    if not problems and not located:
        problems.append(RowProblem(None, None, "the file holds no coordinates"))
    if problems:
        raise ImportRejected(file_name, problems)
    return tuple(located)
