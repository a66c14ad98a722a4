"""Read a Solomon VRPTW instance and a CVRPLIB solution file.

**Solomon instance** (as published by Solomon, 1987, and mirrored by CVRPLIB)::

    C101

    VEHICLE
    NUMBER     CAPACITY
      25         200

    CUSTOMER
    CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

        0      40         50          0          0       1236          0
        1      45         68         10        912        967         90

The first non-blank line is the name; the line after ``NUMBER CAPACITY`` holds the
vehicle count and capacity; every line after the ``CUST NO.`` header is one location of
seven whole numbers, the depot (number 0) first and the customers numbered 1, 2, ...
in order. The instance is built under the CVRPLIB convention (distances truncated to
one decimal, see :mod:`nevrural.core.routing.vrptw`).

**CVRPLIB solution**: lines ``Route #k: c1 c2 ...`` (customer numbers, routes numbered
1, 2, ...) and one ``Cost value`` line.

A file with any problem is refused whole, every problem named with its line number and
field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from nevrural.core.atlas.imports import ImportRejected, RowProblem
from nevrural.core.routing.vrptw import VrptwProblem, build_vrptw_problem

__all__ = [
    "CUSTOMER_FIELDS",
    "CvrplibSolution",
    "parse_cvrplib_solution",
    "parse_solomon",
    "read_cvrplib_solution",
    "read_solomon",
]

CUSTOMER_FIELDS = (
    "CUST NO.",
    "XCOORD.",
    "YCOORD.",
    "DEMAND",
    "READY TIME",
    "DUE DATE",
    "SERVICE TIME",
)
_VEHICLE_FIELDS = ("NUMBER", "CAPACITY")
_ROUTE = re.compile(r"Route\s*#\s*(\S+?)\s*:(.*)", re.IGNORECASE)
_COST = re.compile(r"Cost\s+(.*)", re.IGNORECASE)


@dataclass(frozen=True)
class CvrplibSolution:
    """Routes (customer numbers per vehicle) and the stated cost, the instance's unit."""

    name: str
    routes: tuple[tuple[int, ...], ...]
    cost: float


def _whole(token: str, line: int, field: str) -> int | RowProblem:
    """``token`` as a whole number, or the problem naming its line and field."""
    try:
        return int(token)
    except ValueError:
        return RowProblem(line, field, f"{token!r} is not a whole number")


def _values(
    tokens: list[str], line: int, fields: tuple[str, ...]
) -> tuple[list[int], list[RowProblem]]:
    """One line of whole numbers, one per field; the values, or else every problem."""
    if len(tokens) != len(fields):
        expected = ", ".join(fields)
        message = f"expected {len(fields)} values ({expected}), got {len(tokens)}: {tokens}"
        return [], [RowProblem(line, None, message)]
    parsed = [_whole(t, line, f) for t, f in zip(tokens, fields, strict=True)]
    problems = [v for v in parsed if isinstance(v, RowProblem)]
    return ([], problems) if problems else ([v for v in parsed if isinstance(v, int)], [])


def _find(lines: list[tuple[int, str]], words: str) -> int | None:
    """Position in ``lines`` of the first line starting with ``words`` (any case, any spacing)."""
    wanted = words.split()
    for position, (_, text) in enumerate(lines):
        if text.upper().split()[: len(wanted)] == wanted:
            return position
    return None


def _fleet(lines: list[tuple[int, str]]) -> tuple[int, int] | RowProblem:
    """Vehicle count and capacity from the line after ``NUMBER CAPACITY``."""
    header = _find(lines, "NUMBER")
    if header is None or header + 1 >= len(lines):
        return RowProblem(None, "NUMBER", "no 'NUMBER CAPACITY' section with its values")
    line, text = lines[header + 1]
    values, problems = _values(text.split(), line, _VEHICLE_FIELDS)
    if problems:
        return problems[0]
    count, capacity = values
    if count < 1:
        return RowProblem(line, "NUMBER", f"vehicle count {count} must be >= 1")
    if capacity < 1:
        return RowProblem(line, "CAPACITY", f"capacity {capacity} must be >= 1")
    return count, capacity


def _location(tokens: list[str], line: int, expected: int) -> tuple[list[int], list[RowProblem]]:
    """One location line, checked (its number, signs and window); values or problems."""
    values, problems = _values(tokens, line, CUSTOMER_FIELDS)
    if problems:
        return [], problems
    number, _, _, demand, ready, due, service = values
    if number != expected:
        problems.append(RowProblem(line, "CUST NO.", f"expected number {expected}, got {number}"))
    for field, value in (("DEMAND", demand), ("READY TIME", ready), ("SERVICE TIME", service)):
        if value < 0:
            problems.append(RowProblem(line, field, f"{value} must be >= 0"))
    if due < ready:
        problems.append(RowProblem(line, "DUE DATE", f"{due} is before the ready time {ready}"))
    if expected == 0 and (demand, service) != (0, 0):
        problems.append(RowProblem(line, None, "the depot (number 0) needs demand and service 0"))
    return ([], problems) if problems else (values, [])


def parse_solomon(text: str, file_name: str) -> VrptwProblem:
    """Parse the text of the Solomon file `file_name`; refuses it whole on any problem.

    Examples
    --------
    >>> text = "T1\\nVEHICLE\\nNUMBER CAPACITY\\n 2 10\\nCUSTOMER\\nCUST NO. XCOORD.\\n"
    >>> text += " 0 0 0 0 0 100 0\\n 1 3 4 5 0 50 10\\n"
    >>> problem = parse_solomon(text, "t1.txt")
    >>> problem.name, problem.n_customers, int(problem.distance_tenths[0, 1])
    ('T1', 1, 50)
    """
    lines = [(k, raw.strip()) for k, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not lines:
        raise ImportRejected(file_name, [RowProblem(None, None, "the file is empty")])
    problems: list[RowProblem] = []
    fleet = _fleet(lines)
    if isinstance(fleet, RowProblem):
        problems.append(fleet)
    if lines[0][1].upper().split()[0] in {"VEHICLE", "NUMBER", "CUSTOMER", "CUST"}:
        problems.append(RowProblem(lines[0][0], None, "the first line must be the instance name"))
    header = _find(lines, "CUST NO.")
    if header is None:
        problems.append(RowProblem(None, "CUST NO.", "no 'CUST NO.' header before the locations"))
        header = len(lines)
    rows: list[list[int]] = []
    for line, raw in lines[header + 1 :]:
        row, row_problems = _location(raw.split(), line, len(rows))
        problems.extend(row_problems)
        rows.append(row)  # empty when refused: the lines that follow keep their numbers
    if header < len(lines) and len(rows) < 2:
        problems.append(RowProblem(None, "CUST NO.", "need the depot and at least one customer"))
    if problems or isinstance(fleet, RowProblem):
        raise ImportRejected(file_name, problems)
    vehicle_count, capacity = fleet
    columns = list(zip(*rows, strict=True))
    try:
        return build_vrptw_problem(
            list(zip(columns[1], columns[2], strict=True)),
            columns[3],
            (columns[4], columns[5]),
            columns[6],
            capacity=capacity,
            vehicle_count=vehicle_count,
            name=lines[0][1],
        )
    except ValueError as error:  # a customer no route can serve, or too little capacity
        raise ImportRejected(file_name, [RowProblem(None, None, str(error))]) from None


def _route(match: re.Match[str], line: int, expected: int) -> tuple[int, ...] | RowProblem:
    """The customers of one ``Route #k:`` line."""
    field = f"Route #{match.group(1)}"
    if match.group(1) != str(expected):
        return RowProblem(line, field, f"expected route number {expected}")
    customers: list[int] = []
    for token in match.group(2).split():
        value = _whole(token, line, field)
        if isinstance(value, RowProblem):
            return value
        if value < 1:
            return RowProblem(line, field, f"customer {value} must be >= 1")
        customers.append(value)
    return tuple(customers)


def parse_cvrplib_solution(text: str, file_name: str) -> CvrplibSolution:
    """Parse the text of the CVRPLIB solution `file_name`; refuses it whole on any problem.

    >>> parse_cvrplib_solution("Route #1: 2 1\\nRoute #2: 3\\nCost 12.5\\n", "x.sol").routes
    ((2, 1), (3,))
    """
    problems: list[RowProblem] = []
    routes: list[tuple[int, ...]] = []
    cost: float | None = None
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if (route := _ROUTE.fullmatch(raw.strip())) is not None:
            parsed = _route(route, line, len(routes) + 1)
            routes.append(() if isinstance(parsed, RowProblem) else parsed)
            if isinstance(parsed, RowProblem):
                problems.append(parsed)
        elif (stated := _COST.fullmatch(raw.strip())) is not None:
            try:
                cost = float(stated.group(1))
            except ValueError:
                cost = math.nan
            if not (math.isfinite(cost) and cost >= 0):
                problems.append(RowProblem(line, "Cost", f"{stated.group(1)!r} is not a cost >= 0"))
        else:
            problems.append(
                RowProblem(line, None, f"expected 'Route #k: ...' or 'Cost', got {raw!r}")
            )
    if cost is None:
        problems.append(RowProblem(None, "Cost", "no 'Cost' line"))
    if not routes:
        problems.append(RowProblem(None, "Route #1", "no route"))
    if problems or cost is None:
        raise ImportRejected(file_name, problems)
    return CvrplibSolution(name=Path(file_name).stem, routes=tuple(routes), cost=cost)


def _text(path: Path) -> str:
    """The ASCII text of ``path``, or the file refused."""
    try:
        return Path(path).read_text(encoding="ascii")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            path.name, [RowProblem(None, None, f"not ASCII text: {error}")]
        ) from None


def read_solomon(path: Path) -> VrptwProblem:
    """Read the Solomon instance at `path`; refuses it whole on any problem."""
    return parse_solomon(_text(path), Path(path).name)


def read_cvrplib_solution(path: Path) -> CvrplibSolution:
    """Read the CVRPLIB solution at `path`; refuses it whole on any problem."""
    return parse_cvrplib_solution(_text(path), Path(path).name)
