"""Read a user's table (CSV in UTF-8 or GBK, or XLSX) into stripped rows of strings.

Row numbers are those a spreadsheet user sees: for a CSV the physical line on which a
record starts, for a workbook the sheet's row number. Fully empty rows are dropped;
the first non-empty row is the header. Validation of the content belongs to
:mod:`nevrural.core.atlas.imports`; this module only refuses files it cannot read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from nevrural.core.atlas.imports import ImportRejected, RowProblem

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

__all__ = ["CSV_SUFFIXES", "XLSX_SUFFIXES", "Table", "TableReadError", "TableRow", "read_table"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", "\t", ";")
_ENCODING_XLSX = "xlsx"


class TableReadError(ImportRejected):
    """A file that cannot be read as a table at all: format, encoding, emptiness, shape."""

    @classmethod
    def single(cls, file_name: str, message: str, row: int | None = None) -> TableReadError:
        """The error for one problem of the whole file (or of one row)."""
        return cls(file_name, [RowProblem(row, None, message)])


class TableRow(NamedTuple):
    """One data row: its row number (header = row 1 in a normal file) and its cells."""

    row_number: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table as read from a file, cells stripped, short rows padded to the header.

    ``encoding`` is the text encoding of a CSV (``utf-8``, ``utf-8-sig`` or
    ``gb18030``, which covers GBK) or ``xlsx`` for a workbook. ``header_row`` is the
    row number of the header (1 unless the file starts with empty rows).
    """

    file_name: str
    encoding: str
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    header_row: int = 1


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """Read a CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX file.

    Parameters
    ----------
    path
        The file; its suffix chooses the reader (``.csv``/``.tsv``/``.txt`` or
        ``.xlsx``/``.xlsm``).
    sheet
        Name of the worksheet of a workbook; the first sheet when omitted.

    Returns
    -------
    Table
        Header and data rows with their row numbers.

    Raises
    ------
    TableReadError
        Unsupported suffix, unreadable file, text neither UTF-8 nor GBK (with the byte
        offset and line), broken workbook, unknown sheet, no header or no data rows,
        or rows with more cells than the header.
    """
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise TableReadError.single(path.name, f"cannot read the file: {error}") from error
        text, encoding = _decode(data, path.name)
        return _build_table(path.name, encoding, _csv_records(text, path.name))
    if suffix in XLSX_SUFFIXES:
        return _build_table(path.name, _ENCODING_XLSX, _xlsx_records(path, sheet))
    allowed = ", ".join(CSV_SUFFIXES + XLSX_SUFFIXES)
    message = f"unsupported file type {suffix or '(none)'!r}; allowed: {allowed}"
    if suffix == ".xls":
        message += " (save an .xls workbook as .xlsx)"
    raise TableReadError.single(path.name, message)


def _decode(data: bytes, file_name: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), else GB18030 (a superset of GBK)."""
    candidates: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        message = "not UTF-8 or GBK: the file is UTF-16 text; save it as UTF-8 CSV"
        raise TableReadError.single(file_name, message, row=1)
    else:
        candidates = ("utf-8", "gb18030")
    failures: list[UnicodeDecodeError] = []
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            failures.append(error)
    # The encoding that got furthest is most likely the intended one.
    furthest = max(failures, key=lambda error: error.start)
    offset = furthest.start
    line = data.count(b"\n", 0, offset) + 1
    message = (
        f"not UTF-8 or GBK: byte 0x{data[offset]:02X} at offset {offset} (line {line}) "
        "cannot be decoded; save the file as UTF-8 CSV"
    )
    raise TableReadError.single(file_name, message, row=line)


def _sniff_delimiter(text: str) -> str:
    """The most frequent of ``,`` ``\\t`` ``;`` outside quotes in the first non-empty line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = "".join(part for index, part in enumerate(first.split('"')) if index % 2 == 0)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _csv_records(text: str, file_name: str) -> list[tuple[int, Sequence[str]]]:
    """Records with the physical line each starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    records: list[tuple[int, Sequence[str]]] = []
    last_line = 0
    try:
        for cells in reader:
            records.append((last_line + 1, cells))
            last_line = reader.line_num
    except csv.Error as error:
        line = reader.line_num
        raise TableReadError.single(file_name, f"malformed CSV: {error}", row=line) from error
    return records


def _xlsx_records(path: Path, sheet: str | None) -> list[tuple[int, Sequence[str]]]:
    """Rows of one worksheet with their sheet row numbers, values as text."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        message = f"not a readable XLSX workbook: {error}"
        raise TableReadError.single(path.name, message) from error
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(workbook.sheetnames)
            raise TableReadError.single(path.name, f"no sheet {sheet!r}; sheets: {names}")
        # Some writers store wrong dimensions; read every cell that is there instead.
        worksheet.reset_dimensions()
        return [
            (number, [_xlsx_text(value) for value in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _xlsx_text(value: object) -> str:
    """A cell value as a user would type it: ``12`` not ``12.0``, empty for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _build_table(
    file_name: str, encoding: str, records: Iterable[tuple[int, Sequence[str]]]
) -> Table:
    """Strip cells, drop empty rows, take the header, and refuse rows wider than it."""
    stripped = [
        (number, tuple(cell.strip() for cell in cells))
        for number, cells in records
        if any(cell.strip() for cell in cells)
    ]
    if not stripped:
        raise TableReadError.single(file_name, "the file is empty")
    header_row, header_cells = stripped[0]
    width = max(index + 1 for index, name in enumerate(header_cells) if name)
    header = header_cells[:width]
    if len(stripped) == 1:
        message = f"the file has a header (row {header_row}) but no data rows"
        raise TableReadError.single(file_name, message)
    rows: list[TableRow] = []
    problems: list[RowProblem] = []
    for number, cells in stripped[1:]:
        used = max(index + 1 for index, cell in enumerate(cells) if cell)
        if used > width:
            message = f"{used} cells but the header has {width} columns"
            problems.append(RowProblem(number, None, message))
        rows.append(TableRow(number, cells[:width] + ("",) * (width - len(cells))))
    if problems:
        raise TableReadError(file_name, problems)
    return Table(file_name, encoding, header, tuple(rows), header_row)
