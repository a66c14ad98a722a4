"""Reading linkage candidates from CSV, XLSX and JSON, and refusing bad files whole."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import openpyxl
import pytest

from nevrural.adapters.files.linkage_candidates import CandidateTable, read_linkage_candidates
from nevrural.core.atlas.imports import ImportRejected

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

GOOD_CSV = """code,name,province_code,lon,lat,themes,population,nev_share,备注
620100,兰州市,620000,103.83,36.06,logistics_hub;tourism,"4,359,446",0.031,西北枢纽
650100,乌鲁木齐市,,87.62,43.83,border_trade|logistics_hub,4054369,0.024,口岸
440100,广州市,440000,113.26,23.13,automaker_base、port,18676605,0.112,
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``tmp_path / name`` and return the path."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def refusal(path: Path) -> list[tuple[int | None, str | None, str]]:
    """The (row, column, message) of every problem of a refused file."""
    with pytest.raises(ImportRejected) as caught:
        read_linkage_candidates(path)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_reads_a_good_csv(tmp_path: Path) -> None:
    """Codes, default province, themes split on ; | 、, numeric features, text column ignored."""
    table = read_linkage_candidates(write(tmp_path, "c.csv", GOOD_CSV))
    assert table.rows == (2, 3, 4)
    assert table.codes == ("620100", "650100", "440100")
    assert table.province_codes == ("620000", "650000", "440000")
    assert table.lon_deg == (103.83, 87.62, 113.26)
    assert table.lat_deg == (36.06, 43.83, 23.13)
    assert table.themes == (
        frozenset({"logistics_hub", "tourism"}),
        frozenset({"border_trade", "logistics_hub"}),
        frozenset({"automaker_base", "port"}),
    )
    assert table.feature_names == ("population", "nev_share")
    assert table.features[0] == (4359446.0, 0.031)
    assert table.ignored_columns == ("备注",)
    problem = table.to_problem(2)
    assert (problem.n, problem.k, problem.regions[2]) == (3, 2, "south_china")


def test_reads_a_good_json(tmp_path: Path) -> None:
    """A JSON list of objects: theme lists or strings, numbers as features, no coordinates."""
    document = {
        "candidates": [
            {
                "code": "620100",
                "name": "兰州市",
                "themes": ["logistics_hub"],
                "gdp_per_capita": 8.1,
            },
            {
                "code": "650100",
                "name": "乌鲁木齐市",
                "themes": "border_trade、tourism",
                "gdp_per_capita": 9,
            },
            {"code": "440100", "name": "广州市", "themes": [], "gdp_per_capita": "15.6"},
        ]
    }
    table = read_linkage_candidates(write(tmp_path, "c.json", json.dumps(document)))
    assert table.codes == ("620100", "650100", "440100")
    assert table.themes[1] == frozenset({"border_trade", "tourism"})
    assert table.themes[2] == frozenset()
    assert table.features == ((8.1,), (9.0,), (15.6,))
    assert (table.lon_deg, table.lat_deg) == (None, None)
    with pytest.raises(ValueError, match="no lon/lat columns"):
        table.to_problem(2)
    problem = table.to_problem(2, lon_deg=[103.8, 87.6, 113.3], lat_deg=[36.1, 43.8, 23.1])
    assert problem.lon_deg == (103.8, 87.6, 113.3)


def test_reads_a_good_xlsx(tmp_path: Path) -> None:
    """A workbook with Chinese headers and numeric code cells reads like the CSV."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["区划代码", "城市", "经度", "纬度", "主题", "人口"])
    sheet.append([620100, "兰州市", 103.83, 36.06, "tourism", 4359446])
    sheet.append([650100, "乌鲁木齐市", 87.62, 43.83, "border_trade", 4054369])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    table = read_linkage_candidates(path)
    assert isinstance(table, CandidateTable)
    assert table.codes == ("620100", "650100")
    assert table.feature_names == ("人口",)
    assert table.lon_deg == (103.83, 87.62)


def test_refuses_missing_code_and_name_columns(tmp_path: Path) -> None:
    """Without code and name columns the header row is refused, naming both."""
    problems = refusal(write(tmp_path, "c.csv", "city_id,title,themes\n1,兰州,tourism\n"))
    assert [(row, message.split(" (")[0]) for row, _, message in problems] == [
        (1, "missing the code column"),
        (1, "missing the name column"),
    ]


def test_refuses_duplicate_code_with_both_rows(tmp_path: Path) -> None:
    """A code given twice names its first and second rows."""
    text = "code,name,themes\n620100,兰州市,tourism\n650100,乌鲁木齐市,farming\n620100,兰州,port\n"
    assert refusal(write(tmp_path, "c.csv", text)) == [
        (4, "code", "code 620100 appears twice: rows 2 and 4")
    ]


def test_refuses_a_bad_number_in_a_feature_column(tmp_path: Path) -> None:
    """A text or empty cell in a numeric column is refused with its row and column."""
    text = "code,name,population\n620100,兰州市,4359446\n650100,乌鲁木齐市,lots\n440100,广州市,\n"
    assert refusal(write(tmp_path, "c.csv", text)) == [
        (3, "population", "'lots' is not a number"),
        (4, "population", "empty: every candidate needs a value"),
    ]


def test_refuses_empty_themes_when_there_are_no_features(tmp_path: Path) -> None:
    """Without feature columns, a candidate without themes is refused by row."""
    text = "code,name,themes,备注\n620100,兰州市,tourism,a\n650100,乌鲁木齐市,,b\n"
    problems = refusal(write(tmp_path, "c.csv", text))
    assert [(row, column) for row, column, _ in problems] == [(3, "themes")]
    assert "nothing describes it" in problems[0][2]


def test_refuses_a_file_with_neither_themes_nor_features(tmp_path: Path) -> None:
    """Only code, name and text columns: nothing to compare, refused at the header."""
    problems = refusal(write(tmp_path, "c.csv", "code,name,备注\n620100,兰州市,x\n"))
    assert problems == [
        (1, None, "no themes column and no numeric feature columns: nothing to compare")
    ]


def test_refuses_bad_codes_coordinates_and_provinces(tmp_path: Path) -> None:
    """Bad code, province not containing the city, lon outside China: each by row."""
    text = (
        "code,name,province_code,lon,lat,themes\n"
        "6201,兰州市,,103.8,36.1,tourism\n"
        "650100,乌鲁木齐市,620000,87.6,43.8,farming\n"
        "440100,广州市,,13.3,23.1,port\n"
    )
    assert refusal(write(tmp_path, "c.csv", text)) == [
        (2, "code", "code '6201' is not 6 digits"),
        (3, "province_code", "province 620000 does not contain city 650100"),
        (4, "lon", "13.3 is outside 73 to 136"),
    ]


def test_refuses_lon_without_lat(tmp_path: Path) -> None:
    """A lon column needs a lat column."""
    problems = refusal(write(tmp_path, "c.csv", "code,name,lon,themes\n620100,兰州,103.8,a\n"))
    assert problems == [
        (1, None, "lon and lat must come together (or both be left out to use the atlas)")
    ]


def test_refuses_wrong_encoding(tmp_path: Path) -> None:
    """UTF-16 text (neither UTF-8 nor GBK) is refused at row 1 by the table reader."""
    path = write(tmp_path, "c.csv", "code,name,themes\n620100,兰州市,tourism\n", "utf-16")
    problems = refusal(path)
    assert problems[0][0] == 1
    assert "not UTF-8 or GBK" in problems[0][2]


def test_refuses_invalid_json_with_its_line(tmp_path: Path) -> None:
    """Broken JSON is refused with the line of the error."""
    path = write(tmp_path, "c.json", '[\n{"code": "620100",\n "name": }\n]')
    problems = refusal(path)
    assert problems[0][0] == 3
    assert problems[0][2].startswith("invalid JSON")


def test_refuses_json_items_that_are_not_objects(tmp_path: Path) -> None:
    """Every item of the JSON list must be an object; others are named by position."""
    path = write(tmp_path, "c.json", json.dumps([{"code": "620100", "name": "兰州"}, 5]))
    assert refusal(path) == [(2, None, "item 2 is not an object")]
