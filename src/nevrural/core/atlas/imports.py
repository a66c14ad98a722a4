"""Validation and matching of imported county tables: indicator templates and the 7th census.

An import is all or nothing: every parser collects *all* the problems of a file
(each with its row number as a spreadsheet user sees it, and its column) and then
raises one :class:`ImportRejected`; otherwise it returns the complete list of values.
Reading bytes into rows is the adapters' job; this module only sees strings.

The **indicator template** is a wide table, one row per county::

    county_code,name,population,rural_population,...
    110101,东城区,"708,829",0,...

``county_code`` (aliases ``code``, ``区划代码``) is required; ``name`` (alias ``区县``)
is optional and only used in messages; every other column is an indicator named by its
catalogue key or its Chinese label (``population`` or ``常住人口``). An empty cell means
"not provided".
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeAlias

from nevrural.core.atlas.indicators import (
    INDICATORS,
    IndicatorSpec,
    IndicatorValue,
    imported_source,
)

__all__ = [
    "CENSUS_OPTIONAL_COLUMNS",
    "CENSUS_REQUIRED_COLUMNS",
    "MAX_LISTED_PROBLEMS",
    "TEMPLATE_COLUMNS",
    "CensusMatch",
    "CensusRow",
    "CountyRef",
    "ImportRejected",
    "MatchedRow",
    "RowProblem",
    "UnmatchedRow",
    "census_indicator_values",
    "indicator_template_header",
    "match_census_rows",
    "normalise_county_name",
    "parse_census_2020",
    "parse_indicator_table",
    "parse_number",
]

MAX_LISTED_PROBLEMS = 20

_CODE_ALIASES = ("county_code", "code", "区划代码")
_NAME_ALIASES = ("name", "区县")
TEMPLATE_COLUMNS: tuple[str, ...] = ("county_code", "name", *INDICATORS)

CENSUS_REQUIRED_COLUMNS = ("区划代码", "省", "市", "区县", "人口数_合计", "乡村人口", "家庭户数")
CENSUS_OPTIONAL_COLUMNS = ("家庭户户数_长表", "拥有家用汽车")
_NOT_AVAILABLE = "NA"

# Longest first, so that 自治县 is stripped before 县.
_NAME_SUFFIXES = ("自治县", "自治旗", "特区", "林区", "县", "市", "区", "旗")

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_SIX_DIGITS = re.compile(r"[0-9]{6}")

# (row number as a spreadsheet shows it, cells) per data row
_Rows: TypeAlias = Sequence[tuple[int, Sequence[str]]]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of an imported file; ``row`` is the spreadsheet row number (header = 1)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column}" if self.column is not None else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class ImportRejected(ValueError):  # noqa: N818 - the name states the outcome, not a fault
    """A file was refused whole; nothing of it may be applied.

    Parameters
    ----------
    file_name
        Base name of the refused file.
    problems
        Every problem found, in row order.
    """

    def __init__(self, file_name: str, problems: Sequence[RowProblem]) -> None:
        self.file_name = file_name
        self.problems = tuple(sorted(problems, key=lambda p: p.row or 0))
        super().__init__(self._describe())

    def _describe(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.file_name} refused, nothing imported ({count} {noun}):"]
        lines += [f"  {problem}" for problem in self.problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {count - MAX_LISTED_PROBLEMS} more ({count} in total)")
        return "\n".join(lines)


def parse_number(text: str) -> float:
    """Parse a number as people type it: plain, decimal, exponent, or ``12,345`` thousands.

    >>> parse_number("12,345")
    12345.0
    >>> parse_number("-0.5")
    -0.5
    >>> parse_number("1,2.3")
    Traceback (most recent call last):
    ...
    ValueError: '1,2.3' is not a number
    """
    cleaned = text.strip()
    if _PLAIN_NUMBER.fullmatch(cleaned):
        return float(cleaned)
    if _GROUPED_NUMBER.fullmatch(cleaned):
        return float(cleaned.replace(",", ""))
    raise ValueError(f"{text!r} is not a number")


def _indicator_value(text: str, spec: IndicatorSpec) -> float:
    """The value of a cell for ``spec``; ValueError with the reason when it is refused."""
    value = parse_number(text)
    if spec.is_integer and not value.is_integer():
        raise ValueError(f"{text!r} is not a whole number ({spec.key} counts {spec.unit})")
    if not spec.min_value <= value <= spec.max_value:
        raise ValueError(
            f"{text!r} is outside the valid range {spec.min_value:g} to "
            f"{spec.max_value:g} ({spec.unit}) for {spec.key}"
        )
    return value


def indicator_template_header() -> tuple[str, ...]:
    """Header of a blank indicator template: ``county_code``, ``name``, every indicator key.

    >>> indicator_template_header()[:3]
    ('county_code', 'name', 'population')
    """
    return TEMPLATE_COLUMNS


def _cell(cells: Sequence[str], index: int | None) -> str:
    """The stripped cell at ``index``; empty when the row is short or the column absent."""
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _template_labels() -> dict[str, str]:
    """Accepted column names (casefolded) → canonical column (key, county_code or name)."""
    labels = dict.fromkeys(_CODE_ALIASES, "county_code") | dict.fromkeys(_NAME_ALIASES, "name")
    for spec in INDICATORS.values():
        labels[spec.key] = labels[spec.label_zh.casefold()] = spec.key
    return labels


def _resolve_template_header(
    header: Sequence[str], header_row: int
) -> tuple[dict[str, int], dict[int, IndicatorSpec], list[RowProblem]]:
    """Index of each canonical column, indicator columns by index, and the header's problems."""
    labels = _template_labels()
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    indicators: dict[int, IndicatorSpec] = {}
    for index, name in enumerate(header):
        target = labels.get(name.strip().casefold())
        if not name.strip():
            problems.append(RowProblem(header_row, None, f"column {index + 1} has no name"))
        elif target is None:
            known = ", ".join(INDICATORS)
            message = f"unknown column {name!r}; known indicator columns: {known}"
            problems.append(RowProblem(header_row, name, message))
        elif target in seen:
            message = (
                f"duplicate column: columns {seen[target] + 1} and {index + 1} are both {target}"
            )
            problems.append(RowProblem(header_row, name, message))
        else:
            seen[target] = index
            if target in INDICATORS:
                indicators[index] = INDICATORS[target]
    if "county_code" not in seen:
        aliases = ", ".join(_CODE_ALIASES)
        problems.append(RowProblem(header_row, None, f"missing the county code column ({aliases})"))
    if not indicators:
        known = ", ".join(INDICATORS)
        problems.append(RowProblem(header_row, None, f"no indicator column (known: {known})"))
    return seen, indicators, problems


def _check_county_code(code: str, known: Collection[str]) -> str | None:
    """Why ``code`` cannot be used, or None."""
    if not code:
        return "the county code is empty"
    if not _SIX_DIGITS.fullmatch(code):
        return f"county code {code!r} is not 6 digits"
    if code not in known:
        return f"unknown county code {code!r} (not a county of the atlas)"
    return None


def parse_indicator_table(
    file_name: str,
    header: Sequence[str],
    rows: _Rows,
    known_county_codes: Collection[str],
    *,
    header_row: int = 1,
) -> tuple[IndicatorValue, ...]:
    """Validate an indicator template and return all its values, or refuse it whole.

    Parameters
    ----------
    file_name
        Base name of the file; the values' source becomes ``imported:<file_name>``.
    header
        Column names as in the file.
    rows
        ``(row number, cells)`` per data row; row numbers as a spreadsheet shows them.
    known_county_codes
        Six-digit codes of the atlas's counties.
    header_row
        Row number of the header, for header problems.

    Returns
    -------
    tuple[IndicatorValue, ...]
        One value per non-empty indicator cell, in row then column order.

    Raises
    ------
    ImportRejected
        With every problem found (header, codes, duplicates, numbers, ranges).

    Examples
    --------
    >>> values = parse_indicator_table(
    ...     "t.csv", ["code", "population", "面积"], [(2, ["110101", "708,829", ""])], {"110101"}
    ... )
    >>> [(v.county_code, v.key, v.value, v.source) for v in values]
    [('110101', 'population', 708829.0, 'imported:t.csv')]
    """
    columns, indicators, problems = _resolve_template_header(header, header_row)
    code_index, name_index = columns.get("county_code"), columns.get("name")
    source = imported_source(file_name)
    known = frozenset(known_county_codes)
    first_row_of: dict[str, int] = {}
    values: list[IndicatorValue] = []
    for row_number, cells in rows:
        code, name = _cell(cells, code_index), _cell(cells, name_index)
        if code_index is not None:
            reason = _check_county_code(code, known)
            if reason is None and code in first_row_of:
                reason = f"county {code} appears twice: rows {first_row_of[code]} and {row_number}"
            if reason is not None:
                named = f" ({name})" if name else ""
                problems.append(RowProblem(row_number, header[code_index], reason + named))
            first_row_of.setdefault(code, row_number)
        for index, spec in indicators.items():
            text = _cell(cells, index)
            if not text:
                continue
            try:
                value = _indicator_value(text, spec)
            except ValueError as error:
                problems.append(RowProblem(row_number, header[index], str(error)))
            else:
                values.append(IndicatorValue(code, spec.key, value, source))
    if not problems and not values:
        problems.append(RowProblem(None, None, "the file holds no indicator values"))
    if problems:
        raise ImportRejected(file_name, problems)
    return tuple(values)


@dataclass(frozen=True, slots=True)
class CensusRow:
    """One county of the 7th (2020) census county tabulation.

    ``population`` and ``rural_population`` are persons, ``households`` and
    ``car_owning_households`` are family households. ``car_owning_households`` is an
    estimate: the census asked about car ownership only in the long form, a 10 %
    sample of households, so it is ``拥有家用汽车 / 家庭户户数_长表 × 家庭户数``
    (rounded half up), or None when the long-form columns are absent or ``NA``.
    """

    row: int
    code: str
    province: str
    prefecture: str
    county: str
    population: int
    rural_population: int
    households: int
    car_owning_households: int | None


def _is_census_aggregate(code: str, county: str) -> bool:
    """Whether a census row is the nation, a province, a prefecture or a 市辖区 subtotal."""
    return code == _NOT_AVAILABLE or code.endswith("00") or county == "市辖区"


def _census_count(text: str) -> int:
    """A non-negative whole count from a census cell, or ValueError with the reason."""
    if text == _NOT_AVAILABLE:
        raise ValueError("'NA' (not available) in a required column")
    value = parse_number(text)
    if not value.is_integer() or value < 0:
        raise ValueError(f"{text!r} is not a non-negative whole number")
    return int(value)


def _census_car_households(
    cells: dict[str, str], households: int, row: int, problems: list[RowProblem]
) -> int | None:
    """Car-owning households scaled from the long-form sample, None when unavailable."""
    texts = [cells.get(column, "") for column in CENSUS_OPTIONAL_COLUMNS]
    if any(text in ("", _NOT_AVAILABLE) for text in texts):
        return None
    counts: list[int] = []
    for column, text in zip(CENSUS_OPTIONAL_COLUMNS, texts, strict=True):
        try:
            counts.append(_census_count(text))
        except ValueError as error:
            problems.append(RowProblem(row, column, str(error)))
    if len(counts) < 2:
        return None
    sampled, owning = counts
    if owning > sampled:
        message = f"{owning} car-owning households exceed the {sampled} sampled households"
        problems.append(RowProblem(row, "拥有家用汽车", message))
        return None
    if sampled == 0:
        return None
    return math.floor(owning / sampled * households + 0.5)


def _parse_census_row(
    row: int, cells: dict[str, str], problems: list[RowProblem]
) -> CensusRow | None:
    """One county row, or None (with problems appended) when it is unusable."""
    counts: dict[str, int] = {}
    for column in CENSUS_REQUIRED_COLUMNS[4:]:
        try:
            counts[column] = _census_count(cells[column])
        except ValueError as error:
            problems.append(RowProblem(row, column, str(error)))
    if len(counts) < 3:
        return None
    population, rural, households = counts["人口数_合计"], counts["乡村人口"], counts["家庭户数"]
    if rural > population:
        message = f"rural population {rural} exceeds the population {population}"
        problems.append(RowProblem(row, "乡村人口", message))
        return None
    car = _census_car_households(cells, households, row, problems)
    return CensusRow(
        row=row,
        code=cells["区划代码"],
        province=cells["省"],
        prefecture=cells["市"],
        county=cells["区县"],
        population=population,
        rural_population=rural,
        households=households,
        car_owning_households=car,
    )


def parse_census_2020(
    file_name: str, header: Sequence[str], rows: _Rows, *, header_row: int = 1
) -> tuple[CensusRow, ...]:
    """Validate the 7th-census county table and return its county rows, or refuse it whole.

    Aggregate rows (the nation and development zones with code ``NA``, provinces
    ``PP0000``, prefectures ``PPCC00``, ``市辖区`` subtotals) are skipped, not refused.
    Other columns of the 153-column table are ignored.

    Raises
    ------
    ImportRejected
        Missing required columns (all named), or county rows with a bad or ``NA``
        number, a code that is not 6 digits, or a duplicate code.
    """
    wanted = CENSUS_REQUIRED_COLUMNS + CENSUS_OPTIONAL_COLUMNS
    positions: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, name in enumerate(header):
        if name in wanted and name in positions:
            message = f"duplicate column: columns {positions[name] + 1} and {index + 1}"
            problems.append(RowProblem(header_row, name, message))
        positions.setdefault(name, index)
    missing = [column for column in CENSUS_REQUIRED_COLUMNS if column not in positions]
    if missing:
        message = f"missing required census columns: {', '.join(missing)}"
        problems.append(RowProblem(header_row, None, message))
    if problems:
        raise ImportRejected(file_name, problems)
    parsed: list[CensusRow] = []
    first_row_of: dict[str, int] = {}
    for row_number, cells in rows:
        values = {column: _cell(cells, positions.get(column)) for column in wanted}
        code = values["区划代码"]
        if _is_census_aggregate(code, values["区县"]):
            continue
        if not _SIX_DIGITS.fullmatch(code):
            problems.append(RowProblem(row_number, "区划代码", f"code {code!r} is not 6 digits"))
            continue
        if code in first_row_of:
            message = f"code {code} appears twice: rows {first_row_of[code]} and {row_number}"
            problems.append(RowProblem(row_number, "区划代码", message))
            continue
        first_row_of[code] = row_number
        census_row = _parse_census_row(row_number, values, problems)
        if census_row is not None:
            parsed.append(census_row)
    if problems:
        raise ImportRejected(file_name, problems)
    return tuple(parsed)


@dataclass(frozen=True, slots=True)
class CountyRef:
    """A county of the atlas (current codes) as the census matcher needs it."""

    code: str
    name: str
    prefecture_code: str
    prefecture_name: str


class MatchedRow(NamedTuple):
    """A census row assigned to an atlas county, by ``code`` or by ``name``."""

    county_code: str
    row: CensusRow
    how: Literal["code", "name"]


class UnmatchedRow(NamedTuple):
    """A census row that was not assigned, and why."""

    row: CensusRow
    reason: str


@dataclass(frozen=True, slots=True)
class CensusMatch:
    """Result of matching census rows to the atlas's counties."""

    matched: tuple[MatchedRow, ...]
    unmatched: tuple[UnmatchedRow, ...]
    atlas_counties_without_row: tuple[str, ...]


def normalise_county_name(name: str) -> str:
    """Name stem without the county-level suffix, for matching across renames.

    >>> normalise_county_name("长阳土家族自治县"), normalise_county_name("简阳市")
    ('长阳土家族', '简阳')
    >>> normalise_county_name("城区")
    '城'
    """
    stem = name.strip()
    for suffix in _NAME_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def _name_candidates(row: CensusRow, counties: Sequence[CountyRef]) -> list[CountyRef] | str:
    """Atlas counties of the row's prefecture with the same name, or why there are none."""
    prefix = row.code[:4]
    parent = [
        county
        for county in counties
        if county.prefecture_name == row.prefecture or county.prefecture_code[:4] == prefix
    ]
    exact = [county for county in parent if county.name == row.county]
    if exact:
        return exact
    # Stem against stem (X县 → X市) or against the full name (沙县 → 沙县区).
    keys = {row.county, normalise_county_name(row.county)}
    similar = [
        county for county in parent if keys & {county.name, normalise_county_name(county.name)}
    ]
    if similar:
        return similar
    return f"no atlas county with code {row.code} or name {row.county} in {row.prefecture}"


def _claim_winner(claimants: Sequence[MatchedRow]) -> MatchedRow | None:
    """The one claim that keeps a county: the only claim, or the only one by code."""
    if len(claimants) == 1:
        return claimants[0]
    by_code = [claim for claim in claimants if claim.how == "code"]
    return by_code[0] if len(by_code) == 1 else None


def match_census_rows(rows: Sequence[CensusRow], counties: Sequence[CountyRef]) -> CensusMatch:
    """Assign census rows (2020 codes) to the atlas's counties (current codes).

    An exact code match comes first. Otherwise the row is matched by name within its
    prefecture (same prefecture name, or same ``PPCC`` code prefix): the full name
    first, then the name stem without 县/市/区/旗/自治县/... (renames such as
    X县 → X市, or 沙县 → 沙县区). Nothing is guessed: a name matching several counties, or a county
    claimed by several rows, leaves the rows unmatched with the reason (a code match
    keeps its county against name matches).

    Examples
    --------
    >>> def census(row, code, county):
    ...     return CensusRow(row, code, "四川省", "成都市", county, 100, 50, 30, None)
    >>> atlas = [
    ...     CountyRef("510104", "锦江区", "510100", "成都市"),
    ...     CountyRef("510185", "简阳市", "510100", "成都市"),
    ...     CountyRef("510121", "金堂县", "510100", "成都市"),
    ... ]
    >>> rows = [census(2, "510104", "锦江区"), census(3, "512081", "简阳县")]
    >>> result = match_census_rows(rows, atlas)
    >>> [(m.county_code, m.how) for m in result.matched], result.atlas_counties_without_row
    ([('510104', 'code'), ('510185', 'name')], ('510121',))
    """
    by_code = {county.code: county for county in counties}
    claims: dict[str, list[MatchedRow]] = {}
    unmatched: list[UnmatchedRow] = []
    for row in rows:
        if row.code in by_code:
            claims.setdefault(row.code, []).append(MatchedRow(row.code, row, "code"))
            continue
        found = _name_candidates(row, counties)
        if isinstance(found, str):
            unmatched.append(UnmatchedRow(row, found))
        elif len(found) > 1:
            names = ", ".join(f"{county.name} ({county.code})" for county in found)
            unmatched.append(UnmatchedRow(row, f"name {row.county} matches several: {names}"))
        else:
            claims.setdefault(found[0].code, []).append(MatchedRow(found[0].code, row, "name"))
    matched: list[MatchedRow] = []
    for code, claimants in claims.items():
        winner = _claim_winner(claimants)
        if winner is not None:
            matched.append(winner)
        county = f"{by_code[code].name} ({code})"
        for claim in claimants:
            if winner is not None and claim is not winner:
                reason = f"atlas county {county} is already matched by code to row {winner.row.row}"
            elif winner is None:
                rows_text = ", ".join(str(other.row.row) for other in claimants)
                reason = f"atlas county {county} is matched twice, by rows {rows_text}"
            else:
                continue
            unmatched.append(UnmatchedRow(claim.row, reason))
    matched.sort(key=lambda match: match.row.row)
    unmatched.sort(key=lambda miss: miss.row.row)
    taken = {match.county_code for match in matched}
    without = tuple(sorted(county.code for county in counties if county.code not in taken))
    return CensusMatch(tuple(matched), tuple(unmatched), without)


def census_indicator_values(match: CensusMatch, file_name: str) -> tuple[IndicatorValue, ...]:
    """Indicator values of the matched census rows, keyed by the atlas's county codes.

    Gives ``population``, ``rural_population``, ``households`` and, where the row has
    it, ``car_owning_households``; the source is ``imported:<file_name>``.
    """
    source = imported_source(file_name)
    values: list[IndicatorValue] = []
    for code, row, _how in match.matched:
        figures = {
            "population": row.population,
            "rural_population": row.rural_population,
            "households": row.households,
            "car_owning_households": row.car_owning_households,
        }
        values += [
            IndicatorValue(code, key, float(value), source)
            for key, value in figures.items()
            if value is not None
        ]
    return tuple(values)
