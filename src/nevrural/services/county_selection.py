"""Use case helper: the counties a plan covers, given by code or taken from a shortlist."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.atlas.divisions import Division
    from nevrural.services.ports import TabularData, UnitOfWork

__all__ = ["county_codes_of_table", "resolve_counties"]


def resolve_counties(
    uow: UnitOfWork, codes: Sequence[str], scenario_id: int | None
) -> list[Division]:
    """The counties to plan: given codes, a targeting scenario's, or the demo shortlist's."""
    if not codes:
        scenario = (
            uow.scenarios.get("targeting", scenario_id)
            if scenario_id is not None
            else uow.scenarios.latest_demo("targeting")
        )
        if scenario is None:
            which = f"targeting scenario {scenario_id}" if scenario_id else "demo shortlist"
            raise ValueError(f"no counties given and no {which} to take them from")
        codes = [row["code"] for row in scenario.result["selected"]]
    counties: list[Division] = []
    unknown: list[str] = []
    for code in codes:
        division = uow.atlas.get_division(code)
        if division is None:
            unknown.append(code)
        else:
            counties.append(division)
    if unknown:
        raise ValueError(f"unknown county codes: {', '.join(unknown[:10])}")
    return counties


_CODE_COLUMNS = ("county_code", "code", "区划代码", "县代码")


def county_codes_of_table(table: TabularData) -> tuple[str, ...]:
    """County codes from a table file: the ``county_code`` (or ``code``) column, else the first.

    A file that is a bare list of codes (no header) works too. Every code must be six
    digits; the error names the file, row and value. Repeats are dropped, order is kept.
    """
    header = [h.strip().lower() for h in table.header]
    column = next((header.index(c) for c in _CODE_COLUMNS if c in header), 0)
    codes: list[str] = []
    first = table.header[0].strip() if table.header else ""
    if column == 0 and len(first) == 6 and first.isdigit():  # a bare list, no header
        codes.append(first)
    for row_number, cells in table.rows:
        value = cells[column].strip() if column < len(cells) else ""
        if not value:
            continue
        if len(value) != 6 or not value.isdigit():
            raise ValueError(
                f"{table.file_name} row {row_number}: {value!r} is not a six-digit county code"
            )
        codes.append(value)
    if not codes:
        raise ValueError(f"{table.file_name} lists no county codes")
    return tuple(dict.fromkeys(codes))
