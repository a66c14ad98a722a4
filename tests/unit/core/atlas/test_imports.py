"""Validation of indicator templates and census tables, and census-to-atlas matching."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nevrural.core.atlas.imports import (
    MAX_LISTED_PROBLEMS,
    CensusRow,
    CountyRef,
    ImportRejected,
    MatchedRow,
    RowProblem,
    census_indicator_values,
    indicator_template_header,
    match_census_rows,
    normalise_county_name,
    parse_census_2020,
    parse_indicator_table,
    parse_number,
)
from nevrural.core.atlas.indicators import INDICATORS, IndicatorValue

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__: list[str] = []

KNOWN = {"110101", "110102", "130123"}
Rows = list[tuple[int, list[str]]]


def rows_of(*lines: str, first: int = 2) -> Rows:
    """Semicolon-split lines numbered from ``first`` (the row after the header)."""
    return [(first + offset, line.split(";")) for offset, line in enumerate(lines)]


def refuse_template(header: Sequence[str], rows: Rows) -> ImportRejected:
    """The rejection of an indicator template that must be refused."""
    with pytest.raises(ImportRejected) as caught:
        parse_indicator_table("t.csv", header, rows, KNOWN)
    return caught.value


# ---------------------------------------------------------------- indicator template


def test_row_problem_reads_like_a_sentence() -> None:
    """A problem says row, column and message in that order."""
    problem = RowProblem(7, "population", "'abc' is not a number")
    assert str(problem) == "row 7, column population: 'abc' is not a number"
    assert str(RowProblem(None, None, "the file is empty")) == "the file is empty"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,345", 12345.0), ("1,234,567.5", 1234567.5), ("-3.5", -3.5), (".5", 0.5), ("1e3", 1e3)],
)
def test_parse_number_accepts_usual_forms(text: str, expected: float) -> None:
    """Plain, decimal, exponent and thousands-separated numbers are read."""
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2.3", "12,34", "1.2.3", "nan", "inf", "１２", "1 000"])
def test_parse_number_refuses_the_rest(text: str) -> None:
    """Anything that is not clearly one number is refused."""
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


def test_good_template_gives_every_value_with_its_source() -> None:
    """Aliases, Chinese labels, thousands separators, decimals and empty cells all work."""
    header = ["区划代码", "区县", "常住人口", "january_mean_temp_c", "Winter_Temperature_Class"]
    rows = rows_of("110101;东城区;708,829;-3.5;2", "130123;正定县;;-2.9;")
    values = parse_indicator_table("stats 2024.xlsx", header, rows, KNOWN)
    source = "imported:stats 2024.xlsx"
    assert values == (
        IndicatorValue("110101", "population", 708829.0, source),
        IndicatorValue("110101", "january_mean_temp_c", -3.5, source),
        IndicatorValue("110101", "winter_temperature_class", 2.0, source),
        IndicatorValue("130123", "january_mean_temp_c", -2.9, source),
    )


def test_template_header_lists_code_name_and_every_indicator() -> None:
    """The blank template header is county_code, name, then every catalogue key, and parses."""
    header = indicator_template_header()
    assert header == ("county_code", "name", *INDICATORS)
    cells = ["110101", "东城区"] + ["1"] * len(INDICATORS)
    values = parse_indicator_table("blank.csv", header, [(2, cells)], KNOWN)
    assert {value.key for value in values} == set(INDICATORS)


@pytest.mark.parametrize(
    ("header", "lines", "expected"),
    [
        (["code", "population"], ["110101;abc"], "row 2, column population: 'abc' is not a number"),
        (["code", "population"], ["110101;1,2.3"], "row 2, column population: '1,2.3' is not"),
        (["code", "households"], ["110101;5", "110102;12.5"], "row 3, column households: '12.5'"),
        (["code", "population"], ["110101;-5"], "row 2, column population: '-5' is outside"),
        (
            ["code", "winter_temperature_class"],
            ["110101;6"],
            "row 2, column winter_temperature_class: '6' is outside the valid range 1 to 5",
        ),
        (["code", "population"], ["110101;1", "999999;2"], "row 3, column code: unknown county"),
        (["code", "population"], ["11010;1"], "row 2, column code: county code '11010' is not 6"),
        (["code", "population"], ["1101010;1"], "row 2, column code: county code '1101010' is"),
        (["code", "population"], [";1"], "row 2, column code: the county code is empty"),
        (
            ["county_code", "name", "population"],
            ["110101;东城区;1", "110102;西城区;2", "110101;东城区;3"],
            "row 4, column county_code: county 110101 appears twice: rows 2 and 4 (东城区)",
        ),
        (
            ["code", "population", "cars"],
            ["110101;1;2"],
            "row 1, column cars: unknown column 'cars'; known indicator columns: population,",
        ),
        (
            ["code", "population", "常住人口"],
            ["110101;1;1"],
            "row 1, column 常住人口: duplicate column: columns 2 and 3 are both population",
        ),
        (["name", "population"], ["东城区;1"], "row 1: missing the county code column"),
        (["code", "name"], ["110101;东城区"], "row 1: no indicator column (known: population"),
    ],
)
def test_malformed_template_is_refused_with_row_and_column(
    header: list[str], lines: list[str], expected: str
) -> None:
    """Each kind of malformed template is refused, naming the row and the column."""
    error = refuse_template(header, rows_of(*lines))
    assert expected in str(error)
    assert "t.csv refused, nothing imported" in str(error)


def test_all_template_problems_are_collected_before_refusing() -> None:
    """Every problem of the file is reported at once, in row order."""
    rows = rows_of("110101;abc;1", "999999;2;1.5", "110101;3;9")
    error = refuse_template(["code", "population", "winter_temperature_class"], rows)
    assert [(problem.row, problem.column) for problem in error.problems] == [
        (2, "population"),
        (3, "code"),
        (3, "winter_temperature_class"),
        (4, "code"),
        (4, "winter_temperature_class"),
    ]
    assert "(5 problems)" in str(error)


def test_long_problem_lists_are_cut_with_the_total() -> None:
    """The message lists the first problems and says how many there are in all."""
    rows = [(number, ["110101", "x"]) for number in range(2, 32)]
    error = refuse_template(["code", "population"], rows)
    message = str(error)
    assert len(error.problems) == 59  # 30 bad numbers + 29 duplicate rows
    assert message.count("\n  row ") == MAX_LISTED_PROBLEMS
    assert "and 39 more (59 in total)" in message


def test_template_without_any_value_is_refused() -> None:
    """A template whose indicator cells are all empty imports nothing, so it is refused."""
    error = refuse_template(["code", "population"], rows_of("110101;", "110102;"))
    assert "holds no indicator values" in str(error)


# ---------------------------------------------------------------- census 2020

CENSUS_HEADER = [
    "区划代码", "省", "市", "区县", "人口数_合计", "城镇人口", "乡村人口", "家庭户数",
    "家庭户户数_长表", "拥有家用汽车",
]  # fmt: skip


def census_rows(*lines: str) -> Rows:
    """Census data rows from semicolon-separated lines, numbered from row 2."""
    return rows_of(*lines)


AGGREGATES = (
    "NA;全国;全国;全国;1409778724;899991162;509787562;494157423;45791305;19082404",
    "130000;河北省;河北省;河北省;74610235;44816036;29794199;24541613;2343003;1055178",
    "130100;河北省;石家庄市;石家庄市;11235086;7548458;3686628;3712413;351498;182209",
    "130201;河北省;唐山市;市辖区;NA;NA;NA;NA;NA;NA",
    "NA;河北省;石家庄市;石家庄高新区;1000;1000;0;400;40;20",
)


def test_census_skips_aggregates_and_scales_car_ownership() -> None:
    """Aggregate rows are skipped; car households = sample share × all households."""
    lines = (
        *AGGREGATES,
        # 37 of 100 sampled households own a car: 0.37 × 1,000 = 370.
        "130123;河北省;石家庄市;正定县;479000;200000;279000;1000;100;37",
        # 100 / 300 × 2,000 = 666.67 → 667.
        "130124;河北省;石家庄市;栾城区;350000;150000;200000;2000;300;100",
        # No long-form figures: no estimate.
        "130125;河北省;石家庄市;行唐县;400000;100000;300000;1500;NA;NA",
    )
    parsed = parse_census_2020("census.csv", CENSUS_HEADER, census_rows(*lines))
    assert [(row.row, row.code, row.car_owning_households) for row in parsed] == [
        (7, "130123", 370),
        (8, "130124", 667),
        (9, "130125", None),
    ]
    assert parsed[0] == CensusRow(
        7, "130123", "河北省", "石家庄市", "正定县", 479000, 279000, 1000, 370
    )


def test_census_without_long_form_columns_has_no_car_estimate() -> None:
    """Without the long-form columns the table still parses, without car households."""
    header = CENSUS_HEADER[:8]
    line = "130123;河北省;石家庄市;正定县;479000;200000;279000;1000"
    (row,) = parse_census_2020("c.csv", header, census_rows(line))
    assert (row.households, row.car_owning_households) == (1000, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("130123;河北省;石家庄市;正定县;NA;1;1;1;NA;NA", "row 2, column 人口数_合计: 'NA'"),
        ("130123;河北省;石家庄市;正定县;5;1;1;1,2;NA;NA", "row 2, column 家庭户数: '1,2' is not"),
        ("130123;河北省;石家庄市;正定县;5;1;1.5;1;NA;NA", "row 2, column 乡村人口: '1.5' is not"),
        (
            "130123;河北省;石家庄市;正定县;5;1;9;1;NA;NA",
            "row 2, column 乡村人口: rural population 9",
        ),
        ("13012;河北省;石家庄市;正定县;5;1;1;1;NA;NA", "row 2, column 区划代码: code '13012' is"),
        ("130123;河北省;石家庄市;正定县;5;1;1;1;10;x", "row 2, column 拥有家用汽车: 'x' is not a"),
        (
            "130123;河北省;石家庄市;正定县;5;1;1;1;10;11",
            "row 2, column 拥有家用汽车: 11 car-owning",
        ),
    ],
)
def test_malformed_census_row_is_refused_with_row_and_column(line: str, expected: str) -> None:
    """A county row with a bad, missing or inconsistent number refuses the whole file."""
    with pytest.raises(ImportRejected) as caught:
        parse_census_2020("census.csv", CENSUS_HEADER, census_rows(*AGGREGATES[:2], line))
    assert expected.replace("row 2", "row 4") in str(caught.value)


def test_duplicate_census_code_names_both_rows() -> None:
    """The same county code twice is refused with both row numbers."""
    line = "130123;河北省;石家庄市;正定县;5;1;1;1;NA;NA"
    with pytest.raises(ImportRejected, match=r"row 3, column 区划代码: code 130123 appears twice"):
        parse_census_2020("census.csv", CENSUS_HEADER, census_rows(line, line))


def test_census_without_required_columns_names_them_all() -> None:
    """A table missing required columns is refused at once, naming every missing column."""
    header = ["区划代码", "省", "区县", "人口数_合计", "家庭户数"]
    with pytest.raises(
        ImportRejected, match=r"row 1: missing required census columns: 市, 乡村人口"
    ):
        parse_census_2020("census.csv", header, census_rows("130123;河北省;正定县;5;1"))


# ---------------------------------------------------------------- matching


def census_row(row: int, code: str, county: str, prefecture: str = "石家庄市") -> CensusRow:
    """A census row with small round figures."""
    return CensusRow(row, code, "河北省", prefecture, county, 1000, 600, 300, 90)


def county(code: str, name: str, prefecture: str = "石家庄市") -> CountyRef:
    """An atlas county in the given prefecture (code ``PPCC00`` from its own code)."""
    return CountyRef(code, name, code[:4] + "00", prefecture)


def test_normalise_county_name_strips_one_suffix() -> None:
    """Suffixes go, longest first, but a name is never stripped to nothing."""
    names = ["长阳土家族自治县", "鄂温克族自治旗", "神农架林区", "辛集市", "正定县", "市"]
    assert [normalise_county_name(name) for name in names] == [
        "长阳土家族", "鄂温克族", "神农架", "辛集", "正定", "市",
    ]  # fmt: skip


def test_match_by_code_and_by_renamed_name() -> None:
    """Same code matches by code; a county renamed 县→市 with a new code matches by name."""
    rows = [census_row(5, "130123", "正定县"), census_row(6, "130183", "晋州县")]
    atlas = [county("130123", "正定县"), county("130184", "晋州市"), county("130185", "鹿泉区")]
    match = match_census_rows(rows, atlas)
    assert match.matched == (
        MatchedRow("130123", rows[0], "code"),
        MatchedRow("130184", rows[1], "name"),
    )
    assert match.unmatched == ()
    assert match.atlas_counties_without_row == ("130185",)


def test_name_match_stays_within_the_prefecture() -> None:
    """A same-named county in another prefecture is neither a match nor an ambiguity."""
    atlas = [county("130105", "新华区"), county("130902", "新华区", "沧州市")]
    inside = census_row(5, "130108", "新华区")
    elsewhere = census_row(6, "130208", "新华区", "唐山市")
    match = match_census_rows([inside, elsewhere], atlas)
    assert match.matched == (MatchedRow("130105", inside, "name"),)
    assert match.unmatched[0].row == elsewhere
    assert match.unmatched[0].reason.startswith("no atlas county with code 130208")


def test_ambiguous_name_is_refused() -> None:
    """A stem that fits several counties (X县 against X市 and X区) is left unmatched."""
    rows = [census_row(5, "130199", "藁城县")]
    atlas = [county("130109", "藁城区"), county("130182", "藁城市")]
    match = match_census_rows(rows, atlas)
    assert match.matched == ()
    ((row, reason),) = match.unmatched
    assert row == rows[0]
    assert reason == "name 藁城县 matches several: 藁城区 (130109), 藁城市 (130182)"
    assert match.atlas_counties_without_row == ("130109", "130182")


def test_full_name_beats_stem_and_stem_may_equal_full_name() -> None:
    """An exact name wins over stems; 沙县 → 沙县区 is found through the stem."""
    rows = [census_row(5, "130199", "藁城区"), census_row(6, "130198", "沙县")]
    atlas = [county("130109", "藁城区"), county("130182", "藁城市"), county("130107", "沙县区")]
    match = match_census_rows(rows, atlas)
    assert [(m.county_code, m.how) for m in match.matched] == [
        ("130109", "name"),
        ("130107", "name"),
    ]


def test_county_matched_twice_is_reported() -> None:
    """Two rows claiming one county by name both stay unmatched; a code claim keeps it."""
    atlas = [county("130184", "晋州市")]
    twice = match_census_rows(
        [census_row(5, "130183", "晋州县"), census_row(6, "130186", "晋州")], atlas
    )
    assert twice.matched == ()
    assert [reason for _, reason in twice.unmatched] == [
        "atlas county 晋州市 (130184) is matched twice, by rows 5, 6"
    ] * 2
    kept = match_census_rows(
        [census_row(5, "130184", "晋州市"), census_row(6, "130183", "晋州县")], atlas
    )
    assert [(m.county_code, m.how) for m in kept.matched] == [("130184", "code")]
    assert kept.unmatched[0].reason.endswith("already matched by code to row 5")


def test_unknown_row_is_unmatched_with_reason() -> None:
    """A development zone without an atlas county is reported, not dropped silently."""
    match = match_census_rows(
        [census_row(9, "130171", "石家庄高新区")], [county("130123", "正定县")]
    )
    assert match.unmatched[0].reason == (
        "no atlas county with code 130171 or name 石家庄高新区 in 石家庄市"
    )


def test_census_indicator_values_use_atlas_codes() -> None:
    """Matched rows give four values each under the atlas code; no car value when unknown."""
    renamed = census_row(6, "130183", "晋州县")
    no_car = CensusRow(7, "130123", "河北省", "石家庄市", "正定县", 10, 5, 4, None)
    match = match_census_rows(
        [renamed, no_car], [county("130184", "晋州市"), county("130123", "正定县")]
    )
    values = census_indicator_values(match, "census.xlsx")
    assert [(value.county_code, value.key, value.value) for value in values] == [
        ("130184", "population", 1000.0),
        ("130184", "rural_population", 600.0),
        ("130184", "households", 300.0),
        ("130184", "car_owning_households", 90.0),
        ("130123", "population", 10.0),
        ("130123", "rural_population", 5.0),
        ("130123", "households", 4.0),
    ]
    assert {value.source for value in values} == {"imported:census.xlsx"}
