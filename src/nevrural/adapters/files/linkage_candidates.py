"""Read the candidate cities of a city linkage from CSV, XLSX or JSON, or refuse the file whole.

A table (CSV in UTF-8 or GBK, or XLSX, read by :func:`read_table`) has one row per
candidate city::

    code,name,province_code,lon,lat,themes,population,nev_share
    620100,兰州市,620000,103.83,36.06,logistics_hub;tourism,4359446,0.031

A JSON file is a list of objects with the same keys (or ``{"candidates": [...]}``),
``themes`` being a list of strings or one string; its "row numbers" are the positions
of the objects in the list (1 = first).

Columns (names are case-insensitive, Chinese aliases accepted):

- ``code`` (``city_code``, ``adcode``, ``区划代码``, ``城市代码``): required, six digits, unique.
- ``name`` (``city``, ``城市``, ``名称``): required, not empty.
- ``province_code`` (``省份代码``): optional; default ``code[:2] + "0000"``.
- ``lon``/``lat`` (``longitude``/``经度``, ``latitude``/``纬度``): optional, both or
  neither; degrees within China. Without them the table's coordinates are None and the
  caller takes them from the atlas.
- ``themes`` (``theme``, ``主题``, ``特色``): keys separated by ``;`` ``,`` ``|`` or ``、``.
- Every other column whose cells are mostly numbers is a feature; a bad or empty cell
  in it refuses the file. Other text columns are ignored and listed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from nevrural.adapters.files.tabular import read_table
from nevrural.core.atlas.coordinate_import import LAT_RANGE, LON_RANGE
from nevrural.core.atlas.imports import ImportRejected, RowProblem, parse_number
from nevrural.core.linkage.problem import LinkageProblem
from nevrural.core.linkage.regions import REGION_SCHEMES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from nevrural.core.linkage.regions import RegionScheme

__all__ = ["CANDIDATE_COLUMNS", "CandidateTable", "parse_candidates", "read_linkage_candidates"]

CANDIDATE_COLUMNS = ("code", "name", "province_code", "lon", "lat", "themes")
_ALIASES: dict[str, str] = {
    **dict.fromkeys(("code", "city_code", "adcode", "区划代码", "城市代码"), "code"),
    **dict.fromkeys(("name", "city", "city_name", "城市", "名称", "城市名称"), "name"),
    **dict.fromkeys(("province_code", "省份代码", "省级代码"), "province_code"),
    **dict.fromkeys(("lon", "lng", "longitude", "经度"), "lon"),
    **dict.fromkeys(("lat", "latitude", "纬度"), "lat"),
    **dict.fromkeys(("themes", "theme", "主题", "特色"), "themes"),
}
_THEME_SEPARATORS = re.compile(r"[;,|、；，｜]")
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_PROVINCE_PREFIXES = frozenset(REGION_SCHEMES["seven"])
_ANY_NUMBER = (-1e300, 1e300)

# A cell is text, or (JSON only) a list of theme strings.
_Cell = str | tuple[str, ...]
_Rows = list[tuple[int, tuple[_Cell, ...]]]


@dataclass(frozen=True, slots=True)
class CandidateTable:
    """The candidate cities of one file, as plain columns (one value per candidate).

    Attributes
    ----------
    file_name
        Base name of the file.
    rows
        Row number of each candidate in the file.
    codes, names, province_codes
        Six-digit codes, names, province codes.
    lon_deg, lat_deg
        Coordinates, degrees; None when the file has no lon/lat columns.
    themes
        Theme keys of each candidate, as written.
    feature_names, features
        Numeric feature columns and one row of values per candidate.
    ignored_columns
        Text columns that were not used.
    """

    file_name: str
    rows: tuple[int, ...]
    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_codes: tuple[str, ...]
    lon_deg: tuple[float, ...] | None
    lat_deg: tuple[float, ...] | None
    themes: tuple[frozenset[str], ...]
    feature_names: tuple[str, ...]
    features: tuple[tuple[float, ...], ...]
    ignored_columns: tuple[str, ...]

    def to_problem(
        self,
        k: int,
        *,
        lon_deg: Sequence[float] | None = None,
        lat_deg: Sequence[float] | None = None,
        w_distinct: float = 1.0,
        w_themes: float = 1.0,
        w_regions: float = 1.0,
        w_spread: float = 1.0,
        theme_values: Mapping[str, float] | None = None,
        must_include: frozenset[str] = frozenset(),
        exclude: frozenset[str] = frozenset(),
        region_scheme: RegionScheme = "seven",
    ) -> LinkageProblem:
        """A linkage problem; coordinates from the arguments, else from the file.

        Raises
        ------
        ValueError
            When neither the file nor the arguments give coordinates, or the problem
            is invalid (see :class:`LinkageProblem`).
        """
        lon = lon_deg if lon_deg is not None else self.lon_deg
        lat = lat_deg if lat_deg is not None else self.lat_deg
        if lon is None or lat is None:
            raise ValueError(
                f"{self.file_name} has no lon/lat columns: pass the candidates' coordinates"
            )
        return LinkageProblem(
            codes=self.codes,
            names=self.names,
            province_codes=self.province_codes,
            lon_deg=tuple(lon),
            lat_deg=tuple(lat),
            themes=self.themes,
            k=k,
            features=self.features,
            feature_names=self.feature_names,
            w_distinct=w_distinct,
            w_themes=w_themes,
            w_regions=w_regions,
            w_spread=w_spread,
            theme_values=dict(theme_values or {}),
            must_include=must_include,
            exclude=exclude,
            region_scheme=region_scheme,
        )


def read_linkage_candidates(path: Path, *, sheet: str | None = None) -> CandidateTable:
    """Read a candidate file (``.json``, or CSV/XLSX via :func:`read_table`).

    Raises
    ------
    ImportRejected
        With every problem and its row number (see :func:`parse_candidates`), or
        when the file cannot be read (encoding, format, invalid JSON).
    """
    if path.suffix.lower() == ".json":
        header, rows = _json_records(path)
        return parse_candidates(path.name, header, rows)
    table = read_table(path, sheet=sheet)
    records: _Rows = [(row.row_number, row.cells) for row in table.rows]
    return parse_candidates(table.file_name, table.header, records, header_row=table.header_row)


def _json_text(value: object) -> _Cell:
    """A JSON value as a cell: numbers as typed, lists of strings kept as theme lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value)
    return json.dumps(value, ensure_ascii=False)


def _json_records(path: Path) -> tuple[tuple[str, ...], _Rows]:
    """Header (keys in order of first use) and one row per object of a JSON list."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportRejected(name, [RowProblem(None, None, f"cannot read: {error}")]) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8: byte 0x{data[error.start]:02X} at offset {error.start} (line {line})"
        raise ImportRejected(name, [RowProblem(line, None, message)]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise ImportRejected(name, [RowProblem(error.lineno, None, message)]) from None
    if isinstance(document, dict) and isinstance(document.get("candidates"), list):
        document = document["candidates"]
    if not isinstance(document, list) or not document:
        message = "expected a non-empty list of candidate objects (or {'candidates': [...]})"
        raise ImportRejected(name, [RowProblem(None, None, message)])
    not_objects = [
        RowProblem(number, None, f"item {number} is not an object")
        for number, item in enumerate(document, start=1)
        if not isinstance(item, dict)
    ]
    if not_objects:
        raise ImportRejected(name, not_objects)
    header = tuple(dict.fromkeys(str(key) for item in document for key in item))
    rows: _Rows = [
        (number, tuple(_json_text(item.get(key)) for key in header))
        for number, item in enumerate(document, start=1)
    ]
    return header, rows


def _resolve_columns(
    header: Sequence[str], rows: _Rows, header_row: int
) -> tuple[dict[str, int], list[int], list[RowProblem]]:
    """Canonical column positions, the other columns, and the header's problems."""
    found: dict[str, int] = {}
    others: list[int] = []
    problems: list[RowProblem] = []
    for index, raw in enumerate(header):
        name = raw.strip()
        target = _ALIASES.get(name.casefold())
        if not name:
            if any(_text(cells[index]) for _, cells in rows):
                problems.append(RowProblem(header_row, None, f"column {index + 1} has no name"))
        elif target is None:
            others.append(index)
        elif target in found:
            message = f"duplicate column: columns {found[target] + 1} and {index + 1} are {target}"
            problems.append(RowProblem(header_row, name, message))
        else:
            found[target] = index
    for required in ("code", "name"):
        if required not in found:
            message = f"missing the {required} column (header: {', '.join(header)})"
            problems.append(RowProblem(header_row, None, message))
    if ("lon" in found) != ("lat" in found):
        message = "lon and lat must come together (or both be left out to use the atlas)"
        problems.append(RowProblem(header_row, None, message))
    return found, others, problems


def _text(cell: _Cell) -> str:
    """A cell as one string (theme lists joined with ';')."""
    return cell if isinstance(cell, str) else ";".join(cell)


def _is_number(text: str) -> bool:
    """Whether a cell parses as a number."""
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


def _feature_columns(others: list[int], rows: _Rows) -> tuple[list[int], list[int]]:
    """Split the other columns: numeric (at least half the filled cells numbers) vs text."""
    features: list[int] = []
    ignored: list[int] = []
    for index in others:
        filled = [_text(cells[index]) for _, cells in rows if _text(cells[index])]
        numeric = sum(_is_number(text) for text in filled)
        (features if filled and 2 * numeric >= len(filled) else ignored).append(index)
    return features, ignored


def _themes(cell: _Cell) -> frozenset[str]:
    """Theme keys of a cell: a JSON list, or text split on ; , | 、 (and full-width forms)."""
    parts = cell if isinstance(cell, tuple) else _THEME_SEPARATORS.split(cell)
    return frozenset(part.strip() for part in parts if part.strip())


def _identity(
    row: int, code: str, province: str, first_row: dict[str, int], problems: list[RowProblem]
) -> str:
    """Check code and province code of a row; the province code (default from the code)."""
    if not _SIX_DIGITS.fullmatch(code):
        problems.append(RowProblem(row, "code", f"code {code!r} is not 6 digits"))
        return province
    if code in first_row:
        message = f"code {code} appears twice: rows {first_row[code]} and {row}"
        problems.append(RowProblem(row, "code", message))
    first_row.setdefault(code, row)
    province = province or code[:2] + "0000"
    if not (_SIX_DIGITS.fullmatch(province) and province.endswith("0000")):
        problems.append(RowProblem(row, "province_code", f"{province!r} is not a PP0000 code"))
    elif province[:2] not in _PROVINCE_PREFIXES:
        message = f"{province[:2]} (of {province}) is not a province code prefix"
        problems.append(RowProblem(row, "province_code", message))
    elif province[:2] != code[:2]:
        message = f"province {province} does not contain city {code}"
        problems.append(RowProblem(row, "province_code", message))
    return province


def _number(
    row: int, column: str, text: str, problems: list[RowProblem], bounds: tuple[float, float]
) -> float:
    """A required number of a row within bounds; 0.0 with a problem appended otherwise."""
    if not text:
        problems.append(RowProblem(row, column, "empty: every candidate needs a value"))
        return 0.0
    try:
        value = parse_number(text)
    except ValueError as error:
        problems.append(RowProblem(row, column, str(error)))
        return 0.0
    if not bounds[0] <= value <= bounds[1]:
        message = f"{value:g} is outside {bounds[0]:g} to {bounds[1]:g}"
        problems.append(RowProblem(row, column, message))
    return value


class _Candidate(NamedTuple):
    """One parsed row."""

    code: str
    name: str
    province_code: str
    lon: float | None
    lat: float | None
    themes: frozenset[str]
    values: tuple[float, ...]


def _parse_row(
    row: int,
    cells: tuple[_Cell, ...],
    layout: tuple[dict[str, int], list[int], Sequence[str]],
    first_row: dict[str, int],
    problems: list[RowProblem],
) -> _Candidate:
    """One row's candidate; its problems appended (values are placeholders then)."""
    found, features, header = layout
    get = {key: _text(cells[index]).strip() for key, index in found.items()}
    code, name = get["code"], get["name"]
    if not name:
        problems.append(RowProblem(row, "name", f"the name of {code or 'the city'} is empty"))
    province = _identity(row, code, get.get("province_code", ""), first_row, problems)
    themes = _themes(cells[found["themes"]]) if "themes" in found else frozenset()
    if not themes and not features:
        message = "no themes, and the file has no feature columns: nothing describes it"
        problems.append(RowProblem(row, "themes", message))
    values = tuple(
        _number(row, header[i].strip(), _text(cells[i]).strip(), problems, _ANY_NUMBER)
        for i in features
    )
    lon = lat = None
    if "lon" in found:
        lon = _number(row, "lon", get["lon"], problems, LON_RANGE)
        lat = _number(row, "lat", get["lat"], problems, LAT_RANGE)
    return _Candidate(code, name, province, lon, lat, themes, values)


def parse_candidates(
    file_name: str, header: Sequence[str], rows: _Rows, *, header_row: int = 1
) -> CandidateTable:
    """Validate candidate rows (cells as text) and return the table, or refuse it whole.

    Raises
    ------
    ImportRejected
        Every problem with its row: missing code or name column, lon without lat,
        bad or duplicate codes, empty names, bad province codes, coordinates outside
        China, bad or empty numbers in a feature column, a candidate without themes
        when the file has no feature columns.

    Examples
    --------
    >>> table = parse_candidates(
    ...     "c.csv", ["code", "name", "themes", "population"],
    ...     [(2, ("620100", "兰州市", "logistics_hub;tourism", "4,359,446"))],
    ... )
    >>> table.province_codes, sorted(table.themes[0]), table.features, table.lon_deg
    (('620000',), ['logistics_hub', 'tourism'], ((4359446.0,),), None)
    """
    found, others, problems = _resolve_columns(header, rows, header_row)
    if problems:
        raise ImportRejected(file_name, problems)
    features, ignored = _feature_columns(others, rows)
    if not features and "themes" not in found:
        message = "no themes column and no numeric feature columns: nothing to compare"
        raise ImportRejected(file_name, [RowProblem(header_row, None, message)])
    first_row: dict[str, int] = {}
    parsed = [
        _parse_row(row, cells, (found, features, header), first_row, problems)
        for row, cells in rows
    ]
    if problems:
        raise ImportRejected(file_name, problems)
    has_coordinates = "lon" in found
    return CandidateTable(
        file_name=file_name,
        rows=tuple(row for row, _ in rows),
        codes=tuple(item.code for item in parsed),
        names=tuple(item.name for item in parsed),
        province_codes=tuple(item.province_code for item in parsed),
        lon_deg=tuple(item.lon or 0.0 for item in parsed) if has_coordinates else None,
        lat_deg=tuple(item.lat or 0.0 for item in parsed) if has_coordinates else None,
        themes=tuple(item.themes for item in parsed),
        feature_names=tuple(header[i].strip() for i in features),
        features=tuple(item.values for item in parsed),
        ignored_columns=tuple(header[i].strip() for i in ignored),
    )
