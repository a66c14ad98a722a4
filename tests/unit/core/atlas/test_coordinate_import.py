"""Validation of imported real coordinates."""

from __future__ import annotations

import pytest

from nevrural.core.atlas.coordinate_import import ImportedLocation, parse_coordinate_table
from nevrural.core.atlas.imports import ImportRejected

KNOWN = {"110101001", "110101002", "130123"}


def test_good_table_with_chinese_headers() -> None:
    """经度/纬度 headers are accepted and every row becomes a location."""
    located = parse_coordinate_table(
        "c.csv",
        ["区划代码", "名称", "经度", "纬度"],
        [
            (2, ["110101001", "东华门街道", "116.407", "39.917"]),
            (3, ["130123", "正定县", "114.570", "38.146"]),
        ],
        KNOWN,
    )
    assert located == (
        ImportedLocation("110101001", 116.407, 39.917),
        ImportedLocation("130123", 114.570, 38.146),
    )


def test_problems_name_the_file_column_and_row() -> None:
    """A latitude outside China is reported at its row under the file's own column name."""
    with pytest.raises(ImportRejected) as refused:
        parse_coordinate_table(
            "c.csv", ["code", "经度", "纬度"], [(5, ["110101001", "116.4", "60.0"])], KNOWN
        )
    assert "row 5, column 纬度: latitude 60 is outside China" in str(refused.value)


def test_header_problems_use_the_real_header_row() -> None:
    """When the header sits on row 3 (blank lines above), a missing column is row 3."""
    with pytest.raises(ImportRejected) as refused:
        parse_coordinate_table(
            "c.csv", ["code", "lon"], [(4, ["110101001", "116.4"])], KNOWN, header_row=3
        )
    assert "row 3: missing the lat column" in str(refused.value)


def test_every_problem_is_collected() -> None:
    """Unknown code, duplicate and a bad number are all reported at once."""
    rows = [
        (2, ["999999", "116.4", "39.9"]),
        (3, ["110101001", "116.4", "39.9"]),
        (4, ["110101001", "116.5", "39.9"]),
        (5, ["110101002", "east", "39.9"]),
    ]
    with pytest.raises(ImportRejected) as refused:
        parse_coordinate_table("c.csv", ["code", "lon", "lat"], rows, KNOWN)
    message = str(refused.value)
    assert "row 2, column code: unknown division code '999999'" in message
    assert "row 4, column code: 110101001 appears twice: rows 3 and 4" in message
    assert "row 5, column lon: longitude 'east' is not a number" in message


def test_empty_table_is_refused() -> None:
    """A header without rows holds no coordinates."""
    with pytest.raises(ImportRejected, match="no coordinates"):
        parse_coordinate_table("c.csv", ["code", "lon", "lat"], [], KNOWN)
