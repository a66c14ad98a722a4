"""Importing census tables, indicator templates and coordinates into the stored atlas.

Acceptance: malformed files of many kinds are each refused with the row number (and
column) of the problem, and the atlas is unchanged afterwards. Refusals run on both
backends; imports that succeed run on the private SQLite copy, or on PostgreSQL only
when they restore the shared atlas afterwards.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from nevrural.adapters.db.rows import AtlasImportRow, IndicatorValueRow
from nevrural.bootstrap import build_container
from nevrural.config import Settings
from nevrural.core.atlas.divisions import Division, Level, LocationQuality
from nevrural.core.atlas.imports import CENSUS_REQUIRED_COLUMNS, ImportRejected
from nevrural.core.atlas.indicators import IndicatorValue
from nevrural.services.atlas_build import build_atlas
from nevrural.services.atlas_import import AtlasNotBuiltError, ImportKind, import_atlas_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from nevrural.bootstrap import Container

__all__: list[str] = []

# 东城区 and 西城区 (Beijing), 正定县 (Hebei) and its township 诸福屯街道.
TOUCHED = ("110101", "110102", "130123", "130123001")
CENSUS_HEADER = ",".join(CENSUS_REQUIRED_COLUMNS)

AtlasState = tuple[list[IndicatorValue], list[Division | None], dict[str, str | None], int]


class _SilentProgress:
    """A ``Progress`` that reports nothing."""

    def step(self, description: str) -> None:
        """Ignore the step."""


def import_count(container: Container) -> int:
    """Number of recorded imports."""
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(AtlasImportRow)) or 0)


def atlas_state(container: Container) -> AtlasState:
    """Every indicator value, the touched divisions and their sources, and the import count."""
    with container.uow() as uow:
        snapshot = uow.atlas.indicator_snapshot()
        divisions = [uow.atlas.get_division(code) for code in TOUCHED]
        sources = uow.atlas.location_sources(TOUCHED)
    return snapshot, divisions, sources, import_count(container)


def values_by_key(values: list[IndicatorValue]) -> dict[tuple[str, str], IndicatorValue]:
    """Indicator values keyed by (county code, indicator)."""
    return {(v.county_code, v.key): v for v in values}


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """A one-sheet workbook holding ``rows``, as bytes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Malformed:
    """A malformed file, the kind it claims to be, and where its (first) problem is."""

    case_id: str
    file_name: str
    kind: ImportKind
    make: Callable[[], bytes]
    row: int | None
    column: str | None
    fragment: str


def utf8(text: str) -> Callable[[], bytes]:
    """File content: ``text`` in UTF-8."""
    return lambda: text.encode()


MALFORMED = [
    Malformed(
        "missing-code-column",
        "no_code.csv",
        ImportKind.INDICATORS,
        utf8("name,population\n东城区,708829\n"),
        1,
        None,
        "missing the county code column",
    ),
    Malformed(
        "unknown-column",
        "unknown_column.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population,bogus\n110101,708829,1\n"),
        1,
        "bogus",
        "unknown column 'bogus'",
    ),
    Malformed(
        "unknown-county-code",
        "unknown_code.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n110101,708829\n990101,5\n"),
        3,
        "county_code",
        "unknown county code '990101'",
    ),
    Malformed(
        "code-not-six-digits",
        "short_code.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n11010,708829\n"),
        2,
        "county_code",
        "is not 6 digits",
    ),
    Malformed(
        "duplicate-row",
        "duplicate.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n110101,708829\n130123,479000\n110101,708830\n"),
        4,
        "county_code",
        "county 110101 appears twice: rows 2 and 4",
    ),
    Malformed(
        "bad-number",
        "bad_number.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n110101,708829\n130123,47x000\n"),
        3,
        "population",
        "'47x000' is not a number",
    ),
    Malformed(
        "wrong-encoding",
        "latin.csv",
        ImportKind.INDICATORS,
        lambda: b"county_code,population\n110101,708829\n130123,\xff\xfe\xff\n",
        3,
        None,
        "not UTF-8 or GBK",
    ),
    Malformed(
        "negative-value",
        "negative.csv",
        ImportKind.INDICATORS,
        utf8("county_code,households\n110101,-5\n"),
        2,
        "households",
        "outside the valid range",
    ),
    Malformed(
        "out-of-range-class",
        "winter_class.csv",
        ImportKind.INDICATORS,
        utf8("county_code,winter_temperature_class\n110101,2\n130123,7\n"),
        3,
        "winter_temperature_class",
        "outside the valid range 1 to 5",
    ),
    Malformed(
        "non-integer-count",
        "fraction.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n110101,708829.5\n"),
        2,
        "population",
        "is not a whole number",
    ),
    Malformed(
        "gbk-bad-number-chinese-column",
        "gbk_bad.csv",
        ImportKind.INDICATORS,
        lambda: "区划代码,区县,常住人口\r\n110101,东城区,708829\r\n130123,正定县,约48万\r\n".encode(
            "gbk"
        ),
        3,
        "常住人口",
        "'约48万' is not a number",
    ),
    Malformed(
        "row-wider-than-header",
        "wide.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n110101,708829\n130123,479000,12\n"),
        3,
        None,
        "3 cells but the header has 2 columns",
    ),
    Malformed(
        "many-problems-summarised",
        "many.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n" + "110101,x\n" * 25),
        2,
        "population",
        "... and 29 more (49 in total)",  # 25 bad numbers and 24 repeats of the code
    ),
    Malformed(
        "header-after-blank-lines",
        "blank_lines.csv",
        ImportKind.INDICATORS,
        utf8("\n\ncounty_code,bogus\n110101,5\n"),
        3,
        "bogus",
        "unknown column 'bogus'",
    ),
    Malformed(
        "census-missing-column",
        "census_no_rural.csv",
        ImportKind.CENSUS2020,
        utf8(
            CENSUS_HEADER.replace(",乡村人口", "")
            + "\n130123,河北省,石家庄市,正定县,479000,200000\n"
        ),
        1,
        None,
        "missing required census columns: 乡村人口",
    ),
    Malformed(
        "census-not-available",
        "census_na.csv",
        ImportKind.CENSUS2020,
        utf8(CENSUS_HEADER + "\n130123,河北省,石家庄市,正定县,NA,200000,150000\n"),
        2,
        "人口数_合计",
        "'NA' (not available)",
    ),
    Malformed(
        "census-rural-exceeds-total",
        "census_rural.csv",
        ImportKind.CENSUS2020,
        utf8(CENSUS_HEADER + "\n130123,河北省,石家庄市,正定县,479000,500000,150000\n"),
        2,
        "乡村人口",
        "rural population 500000 exceeds the population 479000",
    ),
    Malformed(
        "latitude-outside-china",
        "coords_north.csv",
        ImportKind.COORDINATES,
        utf8("code,name,lon,lat\n130123001,诸福屯街道,114.60,38.15\n130123,正定县,114.57,60.5\n"),
        3,
        "lat",
        "latitude 60.5 is outside China",
    ),
    Malformed(
        "longitude-not-a-number",
        "coords_text.csv",
        ImportKind.COORDINATES,
        utf8("code,lon,lat\n130123001,东经114度,38.15\n"),
        2,
        "lon",
        "longitude '东经114度' is not a number",
    ),
    Malformed(
        "coordinates-unknown-code",
        "coords_unknown.csv",
        ImportKind.COORDINATES,
        utf8("code,lon,lat\n130123001,114.60,38.15\n130123999,114.61,38.16\n"),
        3,
        "code",
        "unknown division code '130123999'",
    ),
    Malformed(
        "empty-file",
        "empty.csv",
        ImportKind.INDICATORS,
        lambda: b"",
        None,
        None,
        "the file is empty",
    ),
    Malformed(
        "header-only",
        "header_only.csv",
        ImportKind.INDICATORS,
        utf8("county_code,population\n"),
        None,
        None,
        "has a header (row 1) but no data rows",
    ),
    Malformed(
        "xlsx-bad-cell",
        "template.xlsx",
        ImportKind.INDICATORS,
        lambda: xlsx_bytes(
            [
                ["county_code", "name", "population"],
                ["110101", "东城区", 708829],
                ["130123", "正定县", "n/a"],
            ]
        ),
        3,
        "population",
        "'n/a' is not a number",
    ),
    Malformed(
        "xls-workbook",
        "old.xls",
        ImportKind.INDICATORS,
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        None,
        None,
        "save an .xls workbook as .xlsx",
    ),
]


def expect_refusal(
    container: Container, path: Path, kind: ImportKind, before: AtlasState | None = None
) -> ImportRejected:
    """Import ``path``, expect ``ImportRejected``, and check the atlas is still ``before``."""
    if before is None:
        before = atlas_state(container)
    with pytest.raises(ImportRejected) as excinfo:
        import_atlas_file(container.uow, container.table_reader, path, kind)
    after = atlas_state(container)
    assert after[0] == before[0], "indicator values changed"
    assert after[1:] == before[1:], "coordinates or import records changed"
    return excinfo.value


@pytest.fixture(scope="module")
def starting_states() -> dict[str, AtlasState]:
    """The state each backend's atlas starts from, captured once: every copy starts alike."""
    return {}


@pytest.mark.parametrize("case", MALFORMED, ids=[case.case_id for case in MALFORMED])
def test_malformed_file_is_refused_whole(
    any_container: Container,
    tmp_path: Path,
    case: Malformed,
    starting_states: dict[str, AtlasState],
) -> None:
    """A malformed file is refused naming the row and column, and the atlas is unchanged."""
    backend = any_container.database_backend
    if backend not in starting_states:
        starting_states[backend] = atlas_state(any_container)
    path = tmp_path / case.file_name
    path.write_bytes(case.make())
    error = expect_refusal(any_container, path, case.kind, starting_states[backend])
    message = str(error)
    assert message.startswith(f"{case.file_name} refused, nothing imported")
    assert case.fragment in message
    if case.row is not None and case.column is not None:
        assert f"row {case.row}, column {case.column}: " in message
    elif case.row is not None:
        assert f"row {case.row}: " in message
    first = error.problems[0]
    assert (first.row, first.column) == (case.row, case.column)


def census_rows(container: Container) -> list[str]:
    """One plausible census line per atlas county, with real codes and names."""
    with container.uow() as uow:
        prefectures = {d.code: d.name for d in uow.atlas.divisions(level=Level.PREFECTURE)}
        provinces = {d.code: d.name for d in uow.atlas.divisions(level=Level.PROVINCE)}
        counties = uow.atlas.divisions(level=Level.COUNTY)
    return [
        f"{d.code},{provinces[d.code[:2] + '0000']},{prefectures.get(d.parent_code or '', '')},"
        f"{d.name},{100_000 + i},{50_000 + i},{30_000 + i}"
        for i, d in enumerate(counties)
    ]


def test_census_bad_number_deep_in_file_applies_nothing(
    any_container: Container, tmp_path: Path
) -> None:
    """A census row 2,502 with a bad number refuses the 2,500 good rows before it too."""
    good = census_rows(any_container)
    assert len(good) >= 2_800
    cells = good[2_500].split(",")
    cells[5] = "20O000"  # 乡村人口, with a letter O for a zero
    lines = [CENSUS_HEADER, *good[:2_500], ",".join(cells), *good[2_501:2_600]]
    path = tmp_path / "census_deep.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = expect_refusal(any_container, path, ImportKind.CENSUS2020)
    assert [(p.row, p.column) for p in error.problems] == [(2_502, "乡村人口")]
    assert "row 2502, column 乡村人口: '20O000' is not a number" in str(error)


def test_real_census_with_one_corrupt_cell_is_refused(
    atlas_container: Container, census_2020_csv: Path, tmp_path: Path
) -> None:
    """The real census with one corrupt cell near its end is refused at that line."""
    lines = census_2020_csv.read_text(encoding="utf-8").splitlines()
    target = len(lines) - 10  # 0-based index of a county line near the end
    cells = lines[target].split(",")
    assert len(cells[0]) == 6
    assert not cells[0].endswith("00")
    cells[12] = "十万"  # 家庭户数
    lines[target] = ",".join(cells)
    path = tmp_path / census_2020_csv.name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = expect_refusal(atlas_container, path, ImportKind.CENSUS2020)
    assert f"row {target + 1}, column 家庭户数: '十万' is not a number" in str(error)


@pytest.fixture
def restoring_container(any_container: Container) -> Iterator[Container]:
    """``any_container``; on PostgreSQL its indicator values and import records are restored."""
    if any_container.database_backend != "postgresql":
        yield any_container
        return
    before, _, _, _ = atlas_state(any_container)
    with any_container.session_factory() as session:
        last_import = session.scalar(select(func.max(AtlasImportRow.id))) or 0
    try:
        yield any_container
    finally:
        restore_indicators(any_container, values_by_key(before), last_import)
        assert atlas_state(any_container)[0] == before


def restore_indicators(
    container: Container, before: dict[tuple[str, str], IndicatorValue], last_import: int
) -> None:
    """Put back the indicator values in ``before`` and forget imports after ``last_import``."""
    with container.uow() as uow:
        now = values_by_key(uow.atlas.indicator_snapshot())
        uow.atlas.upsert_indicators(v for key, v in before.items() if now.get(key) != v)
        uow.commit()
    with container.session_factory() as session, session.begin():
        for code, key in set(now) - set(before):
            session.execute(
                delete(IndicatorValueRow).where(
                    IndicatorValueRow.county_code == code, IndicatorValueRow.indicator == key
                )
            )
        session.execute(delete(AtlasImportRow).where(AtlasImportRow.id > last_import))


def check_template_import(
    container: Container, path: Path, expected: dict[tuple[str, str], float]
) -> None:
    """Import ``path`` as a template and check exactly ``expected`` changed, flagged imported."""
    before, divisions, sources, imports = atlas_state(container)
    report = import_atlas_file(container.uow, container.table_reader, path, ImportKind.INDICATORS)
    source = f"imported:{path.name}"
    assert report.values_applied == len(expected)
    assert report.divisions_updated == len({code for code, _ in expected})
    after, divisions_after, sources_after, imports_after = atlas_state(container)
    changed = values_by_key(after)
    for (code, key), value in expected.items():
        assert changed.pop((code, key)) == IndicatorValue(code, key, value, source)
    unchanged = {pair: v for pair, v in values_by_key(before).items() if pair not in expected}
    assert changed == unchanged
    assert (divisions_after, sources_after, imports_after) == (divisions, sources, imports + 1)
    with container.session_factory() as session:
        record = session.get(AtlasImportRow, report.import_id)
    assert record is not None
    assert (record.kind, record.file_name, record.values_applied) == (
        "indicators",
        path.name,
        len(expected),
    )
    assert record.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_good_utf8_template_is_applied(restoring_container: Container, tmp_path: Path) -> None:
    """A good UTF-8 template sets exactly its values, each flagged ``imported:<file>``."""
    path = tmp_path / "good_utf8.csv"
    path.write_text(
        "county_code,name,population,vehicle_stock,january_mean_temp_c\n"
        '110101,东城区,"708,829",123456,-3.1\n'
        "130123,正定县,479000,,-2.5\n",
        encoding="utf-8",
    )
    expected = {
        ("110101", "population"): 708_829.0,
        ("110101", "vehicle_stock"): 123_456.0,
        ("110101", "january_mean_temp_c"): -3.1,
        ("130123", "population"): 479_000.0,
        ("130123", "january_mean_temp_c"): -2.5,
    }
    check_template_import(restoring_container, path, expected)


def test_good_gbk_template_is_applied(restoring_container: Container, tmp_path: Path) -> None:
    """A GBK template with Chinese column labels, as Excel saves it, is applied."""
    path = tmp_path / "good_gbk.csv"
    text = "区划代码,区县,常住人口,公共充电桩\r\n110102,西城区,1106214,2500\r\n"
    text += '130123,正定县,"479,000",310\r\n'
    path.write_bytes(text.encode("gbk"))
    expected = {
        ("110102", "population"): 1_106_214.0,
        ("110102", "public_charging_points"): 2_500.0,
        ("130123", "population"): 479_000.0,
        ("130123", "public_charging_points"): 310.0,
    }
    check_template_import(restoring_container, path, expected)


def write_coordinates(tmp_path: Path) -> Path:
    """A coordinate file for 诸福屯街道 and 正定县 (degrees)."""
    path = tmp_path / "coords.csv"
    path.write_text(
        "code,name,lon,lat\n130123001,诸福屯街道,114.6123,38.1501\n130123,正定县,114.5701,38.1466\n",
        encoding="utf-8",
    )
    return path


def test_coordinates_import_sets_exact_location(atlas_container: Container, tmp_path: Path) -> None:
    """Imported coordinates replace the modelled ones and are flagged ``exact``."""
    path = write_coordinates(tmp_path)
    report = import_atlas_file(
        atlas_container.uow, atlas_container.table_reader, path, ImportKind.COORDINATES
    )
    assert (report.kind, report.values_applied, report.divisions_updated) == (
        ImportKind.COORDINATES,
        2,
        2,
    )
    with atlas_container.uow() as uow:
        township = uow.atlas.get_division("130123001")
        sources = uow.atlas.location_sources(["130123001", "130123", "130123002"])
        exact = uow.atlas.exact_locations()
        neighbour = uow.atlas.get_division("130123002")
    assert township is not None
    assert (township.lon, township.lat) == (114.6123, 38.1501)
    assert township.location_quality is LocationQuality.EXACT
    assert sources["130123001"] == sources["130123"] == "imported:coords.csv"
    assert {loc.code for loc in exact} == {"130123001", "130123"}
    assert neighbour is not None
    assert neighbour.location_quality is LocationQuality.APPROXIMATE


@pytest.mark.slow
def test_rebuild_keeps_imported_values_and_coordinates(
    atlas_container: Container, tmp_path: Path
) -> None:
    """Rebuilding the atlas keeps imported indicator values and exact coordinates."""
    template = tmp_path / "kept.csv"
    template.write_text("county_code,population,nev_stock\n130123,479000,5321\n", encoding="utf-8")
    uow, reader = atlas_container.uow, atlas_container.table_reader
    import_atlas_file(uow, reader, template, ImportKind.INDICATORS)
    import_atlas_file(uow, reader, write_coordinates(tmp_path), ImportKind.COORDINATES)
    report = build_atlas(uow, atlas_container.atlas_source, _SilentProgress())
    assert (report.kept_locations, report.kept_indicator_values) == (2, 2)
    with atlas_container.uow() as repo:
        township = repo.atlas.get_division("130123001")
        values = values_by_key(repo.atlas.indicators_of("130123"))
        other = values_by_key(repo.atlas.indicators_of("110101"))
        source = repo.atlas.location_sources(["130123001"])["130123001"]
    assert township is not None
    assert (township.lon, township.lat, township.location_quality) == (
        114.6123,
        38.1501,
        LocationQuality.EXACT,
    )
    assert source == "imported:coords.csv"
    assert values["130123", "population"] == IndicatorValue(
        "130123", "population", 479_000.0, "imported:kept.csv"
    )
    assert values["130123", "nev_stock"].source == "imported:kept.csv"
    assert values["130123", "vehicle_stock"].source == "modelled"
    assert other["110101", "population"].source == "modelled"


def test_real_census_sets_population_and_reports_unmatched(
    atlas_container: Container, census_2020_csv: Path
) -> None:
    """The 7th census sets population for ≥ 2,700 counties and lists the rows it could not use."""
    report = import_atlas_file(
        atlas_container.uow, atlas_container.table_reader, census_2020_csv, ImportKind.CENSUS2020
    )
    source = f"imported:{census_2020_csv.name}"
    assert report.divisions_updated >= 2_700
    assert report.matched_by_code + report.matched_by_name == report.divisions_updated
    with atlas_container.uow() as uow:
        coverage = uow.atlas.indicator_coverage()
    assert coverage["population"][source] >= 2_700
    assert coverage["rural_population"][source] >= 2_700
    assert report.unmatched
    lines = census_2020_csv.read_text(encoding="utf-8").splitlines()
    for miss in report.unmatched:
        row, code, reason = miss["row"], miss["code"], miss["reason"]
        assert isinstance(row, int)
        assert isinstance(code, str)
        assert isinstance(reason, str)
        assert reason
        assert lines[row - 1].startswith(f"{code},"), f"row {row} does not hold {code}"
    with atlas_container.session_factory() as session:
        record = session.get(AtlasImportRow, report.import_id)
    assert record is not None
    assert record.kind == "census2020"
    assert record.report["unmatched"] == report.unmatched


def test_import_before_build_is_refused(tmp_path: Path) -> None:
    """An import into a migrated but empty database asks for an atlas build first."""
    container = build_container(Settings(var_dir=tmp_path / "var"))
    try:
        container.migrate()
        path = tmp_path / "t.csv"
        path.write_text("county_code,population\n110101,5\n", encoding="utf-8")
        with pytest.raises(AtlasNotBuiltError, match="atlas build"):
            import_atlas_file(container.uow, container.table_reader, path, ImportKind.INDICATORS)
        assert import_count(container) == 0
    finally:
        container.dispose()
