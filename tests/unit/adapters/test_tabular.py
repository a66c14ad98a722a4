"""Reading users' CSV (UTF-8, UTF-8 BOM, GBK) and XLSX tables into rows of strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import openpyxl
import pytest

from nevrural.adapters.files.tabular import Table, TableReadError, TableRow, read_table
from nevrural.core.atlas.imports import ImportRejected, parse_census_2020

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

# 0xFF is never a valid byte in UTF-8, nor a lead or trail byte in GB18030/GBK.
UNDECODABLE = b"\xff\xff\xfe"


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to ``tmp_path / name`` and return the path."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def numbers_and_cells(table: Table) -> list[tuple[int, tuple[str, ...]]]:
    """Row numbers with cells, for compact assertions."""
    return [(row.row_number, row.cells) for row in table.rows]


def test_reads_utf8_csv(tmp_path: Path) -> None:
    """A plain UTF-8 CSV gives its header, its rows and row numbers from 2."""
    path = write_bytes(
        tmp_path, "t.csv", "county_code,name\n110101,东城区\n110102,西城区\n".encode()
    )
    table = read_table(path)
    assert table == Table(
        "t.csv",
        "utf-8",
        ("county_code", "name"),
        (TableRow(2, ("110101", "东城区")), TableRow(3, ("110102", "西城区"))),
    )


def test_reads_utf8_bom_csv(tmp_path: Path) -> None:
    """The UTF-8 byte-order mark Excel writes is not part of the first header name."""
    path = write_bytes(tmp_path, "bom.csv", "\ufeffcounty_code,population\r\n110101,5\r\n".encode())
    table = read_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.header == ("county_code", "population")
    assert numbers_and_cells(table) == [(2, ("110101", "5"))]


def test_reads_gbk_csv_with_chinese_header(tmp_path: Path) -> None:
    """A GBK CSV (as saved by Chinese Excel) is decoded, Chinese headers intact."""
    text = '区划代码,区县,常住人口\n130123,正定县,"479,000"\n'
    path = write_bytes(tmp_path, "gbk.csv", text.encode("gbk"))
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert table.header == ("区划代码", "区县", "常住人口")
    assert numbers_and_cells(table) == [(2, ("130123", "正定县", "479,000"))]


@pytest.mark.parametrize(("name", "delimiter"), [("t.tsv", "\t"), ("t.csv", "\t"), ("t.csv", ";")])
def test_sniffs_tab_and_semicolon_delimiters(tmp_path: Path, name: str, delimiter: str) -> None:
    """Tab- and semicolon-delimited files are split on their delimiter."""
    text = delimiter.join(["county_code", "population", "area_km2"]) + "\n"
    text += delimiter.join(["110101", "708,829", "41.84"]) + "\n"
    table = read_table(write_bytes(tmp_path, name, text.encode()))
    assert table.header == ("county_code", "population", "area_km2")
    assert numbers_and_cells(table) == [(2, ("110101", "708,829", "41.84"))]


def test_row_numbers_are_physical_lines(tmp_path: Path) -> None:
    """Blank lines are dropped but counted, and a quoted line break spans two lines."""
    text = 'code,note\n\n110101,"two\nlines"\n  ,  \n110102, x \n'
    table = read_table(write_bytes(tmp_path, "t.csv", text.encode()))
    assert numbers_and_cells(table) == [(3, ("110101", "two\nlines")), (6, ("110102", "x"))]


def test_short_rows_are_padded_and_wide_rows_refused(tmp_path: Path) -> None:
    """A short row gets empty cells; a row with more values than the header is refused."""
    short = read_table(write_bytes(tmp_path, "short.csv", b"a,b,c\n1\n"))
    assert numbers_and_cells(short) == [(2, ("1", "", ""))]
    with pytest.raises(TableReadError, match=r"row 3: 3 cells but the header has 2 columns"):
        read_table(write_bytes(tmp_path, "wide.csv", b"a,b\n1,2\n1,2,3\n"))


def test_reads_xlsx_first_sheet_with_values_as_text(tmp_path: Path) -> None:
    """XLSX numbers read as typed (no '.0'), None as empty, row numbers as in the sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([" county_code ", "population", "january_mean_temp_c", "note"])
    sheet.append([110101, 708829.0, -3.5, None])
    sheet.append([None, None, None, None])
    sheet.append(["110102", 1106214, 0.25, True])
    workbook.create_sheet("other").append(["x"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.encoding == "xlsx"
    assert table.header == ("county_code", "population", "january_mean_temp_c", "note")
    assert numbers_and_cells(table) == [
        (2, ("110101", "708829", "-3.5", "")),
        (4, ("110102", "1106214", "0.25", "TRUE")),
    ]


def test_reads_named_xlsx_sheet_and_refuses_unknown_sheet(tmp_path: Path) -> None:
    """A sheet can be chosen by name; an unknown sheet name lists the sheets."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "readme"
    data = workbook.create_sheet("data")
    data.append(["code", "population"])
    data.append([110101, 5])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    assert numbers_and_cells(read_table(path, sheet="data")) == [(2, ("110101", "5"))]
    with pytest.raises(TableReadError, match=r"no sheet 'missing'; sheets: readme, data"):
        read_table(path, sheet="missing")


def test_refuses_broken_xlsx(tmp_path: Path) -> None:
    """A file named .xlsx that is not a workbook is refused, not crashed on."""
    with pytest.raises(TableReadError, match=r"not a readable XLSX workbook"):
        read_table(write_bytes(tmp_path, "fake.xlsx", b"county_code\n110101\n"))


def test_gb18030_really_rejects_the_test_bytes() -> None:
    """The bytes used for a wrong encoding are invalid in both UTF-8 and GB18030."""
    for encoding in ("utf-8", "gb18030", "gbk"):
        with pytest.raises(UnicodeDecodeError):
            UNDECODABLE.decode(encoding)


def test_refuses_text_neither_utf8_nor_gbk(tmp_path: Path) -> None:
    """Undecodable bytes are refused with the file name, byte offset and line."""
    path = write_bytes(tmp_path, "bad.csv", b"county_code,population\n110101," + UNDECODABLE)
    with pytest.raises(TableReadError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "bad.csv" in message
    assert "not UTF-8 or GBK" in message
    assert "byte 0xFF at offset 30 (line 2)" in message
    assert caught.value.problems[0].row == 2


def test_refuses_utf16_text(tmp_path: Path) -> None:
    """UTF-16 text (Excel's 'Unicode text') is refused with advice to save as UTF-8."""
    path = write_bytes(tmp_path, "u16.txt", "county_code\n110101\n".encode("utf-16"))
    with pytest.raises(TableReadError, match=r"not UTF-8 or GBK: the file is UTF-16"):
        read_table(path)


@pytest.mark.parametrize("data", [b"", b"\n\n", b" , \n"])
def test_refuses_empty_file(tmp_path: Path, data: bytes) -> None:
    """A file without any non-empty cell is refused as empty."""
    with pytest.raises(TableReadError, match=r"empty\.csv refused.*\n  the file is empty"):
        read_table(write_bytes(tmp_path, "empty.csv", data))


def test_refuses_header_only_file(tmp_path: Path) -> None:
    """A header without data rows is refused."""
    with pytest.raises(TableReadError, match=r"header \(row 1\) but no data rows"):
        read_table(write_bytes(tmp_path, "h.csv", b"county_code,population\n"))


@pytest.mark.parametrize("name", ["t.xls", "t.json", "noext"])
def test_refuses_unsupported_extension(tmp_path: Path, name: str) -> None:
    """Only CSV-like and XLSX files are read; the error names the allowed suffixes."""
    with pytest.raises(TableReadError, match=r"unsupported file type.*\.csv.*\.xlsx"):
        read_table(write_bytes(tmp_path, name, b"a\n1\n"))


def test_missing_file_is_a_table_read_error(tmp_path: Path) -> None:
    """A missing file is reported through the same error type as every import problem."""
    with pytest.raises(ImportRejected, match=r"cannot read the file"):
        read_table(tmp_path / "absent.csv")


def test_table_read_error_is_an_import_rejection() -> None:
    """Services catch one type: a read error is an ImportRejected."""
    assert issubclass(TableReadError, ImportRejected)


@pytest.mark.shared_data
def test_real_census_2020_csv_parses_without_problems(census_2020_csv: Path) -> None:
    """The shared 7th-census county CSV reads and parses whole: ~2,943 county rows."""
    table = read_table(census_2020_csv)
    assert table.encoding == "utf-8"
    assert len(table.rows) == 3358
    rows = parse_census_2020(table.file_name, table.header, table.rows)
    assert len(rows) >= 2850
    dongcheng = next(row for row in rows if row.code == "110101")
    assert (dongcheng.row, dongcheng.county, dongcheng.population) == (5, "东城区", 708829)
    # 12,882 of 27,524 sampled households own a car; scaled to 285,543 households.
    assert dongcheng.car_owning_households == round(12882 / 27524 * 285543) == 133642
    assert all(row.car_owning_households is not None for row in rows)
