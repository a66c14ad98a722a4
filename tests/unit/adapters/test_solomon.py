"""Solomon instance and CVRPLIB solution readers: values, convention, refusals by line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.files.solomon import (
    parse_cvrplib_solution,
    parse_solomon,
    read_cvrplib_solution,
    read_solomon,
)
from nevrural.core.atlas.imports import ImportRejected

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

# Three customers in Solomon's layout (line numbers matter for the refusals below).
TINY = """T3

VEHICLE
NUMBER     CAPACITY
  2          20

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      40         50          0          0        230          0
    1      45         68         10         10        100         10
    2      45         70          5         50        120         10
    3      42         66         10          0        200         10
"""
CUSTOMER_LINE = 11  # the line of customer 1


def refusal(text: str) -> str:
    """The message of the refusal of ``text``."""
    with pytest.raises(ImportRejected) as caught:
        parse_solomon(text, "t3.txt")
    return str(caught.value)


def replace_line(line: int, new: str) -> str:
    """TINY with its 1-based ``line`` replaced."""
    lines = TINY.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def test_instance_values_in_tenths_under_the_cvrplib_convention() -> None:
    """Name, fleet, demand, windows and service (x 10) and truncated distances."""
    problem = parse_solomon(TINY, "t3.txt")
    assert (problem.name, problem.n_customers) == ("T3", 3)
    assert (problem.vehicle_count, problem.capacity) == (2, 20)
    assert problem.demand.tolist() == [0, 10, 5, 10]
    assert problem.ready_tenths.tolist() == [0, 100, 500, 0]
    assert problem.due_tenths.tolist() == [2300, 1000, 1200, 2000]
    assert problem.service_tenths.tolist() == [0, 100, 100, 100]
    assert problem.distance_tenths[0, 1] == 186  # sqrt(25 + 324) = 18.68 -> 18.6
    assert problem.distance_tenths[1, 2] == 20
    assert problem.coordinates[3].tolist() == [42.0, 66.0]


def test_non_number_names_line_and_field() -> None:
    """A letter in DUE DATE is refused with its line and column."""
    message = refusal(replace_line(CUSTOMER_LINE, "    1      45         68   10   10   1o0   10"))
    assert f"row {CUSTOMER_LINE}, column DUE DATE: '1o0' is not a whole number" in message


def test_missing_value_names_the_line() -> None:
    """Six values instead of seven."""
    message = refusal(replace_line(CUSTOMER_LINE, "    1      45         68   10   10   100"))
    assert f"row {CUSTOMER_LINE}: expected 7 values" in message


def test_customers_must_be_numbered_in_order() -> None:
    """Customer 1 written as 5 is refused at CUST NO."""
    message = refusal(replace_line(CUSTOMER_LINE, "    5      45         68   10   10   100   10"))
    assert f"row {CUSTOMER_LINE}, column CUST NO.: expected number 1, got 5" in message


def test_every_problem_is_listed() -> None:
    """A negative demand and a window closing before it opens, on two lines."""
    text = replace_line(CUSTOMER_LINE, "    1      45         68   -1   10   100   10")
    lines = text.splitlines()
    lines[CUSTOMER_LINE] = "    2      45         70    5   150   120   10"
    message = refusal("\n".join(lines))
    assert f"row {CUSTOMER_LINE}, column DEMAND: -1 must be >= 0" in message
    assert f"row {CUSTOMER_LINE + 1}, column DUE DATE: 120 is before the ready time 150" in message
    assert "(2 problems)" in message


def test_bad_fleet_line_is_refused() -> None:
    """The capacity must be a positive whole number."""
    message = refusal(replace_line(5, "  2          0"))
    assert "row 5, column CAPACITY: capacity 0 must be >= 1" in message


def test_missing_sections_are_refused() -> None:
    """Without the fleet section and the header nothing can be read."""
    message = refusal("T3\n 0 40 50 0 0 230 0\n")
    assert "column NUMBER" in message
    assert "column CUST NO." in message


def test_unservable_customer_is_refused_with_its_numbers() -> None:
    """Customer 1 due at 5 cannot be reached (18.6 away)."""
    message = refusal(replace_line(CUSTOMER_LINE, "    1      45         68   10    0     5   10"))
    assert "customer 1: earliest arrival 186 after its due time 50" in message


def test_solution_routes_and_cost() -> None:
    """Routes in order with their customer numbers, and the cost."""
    solution = parse_cvrplib_solution("Route #1: 3 1\nRoute #2: 2\n\nCost 99.9\n", "T3.sol")
    assert (solution.name, solution.routes, solution.cost) == ("T3", ((3, 1), (2,)), 99.9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Route #1: 3 x\nCost 1\n", "row 1, column Route #1: 'x' is not a whole number"),
        ("Route #2: 3\nCost 1\n", "row 1, column Route #2: expected route number 1"),
        ("Route #1: 3\nCost abc\n", "row 2, column Cost: 'abc' is not a cost >= 0"),
        ("Route #1: 3\n", "column Cost: no 'Cost' line"),
        ("Route #1: 3\nTotal 4\nCost 1\n", "row 2: expected 'Route #k: ...' or 'Cost'"),
        ("Route #1: 0 3\nCost 1\n", "row 1, column Route #1: customer 0 must be >= 1"),
    ],
)
def test_malformed_solution_lines_are_refused(text: str, expected: str) -> None:
    """Each malformed line is named with its number and field."""
    with pytest.raises(ImportRejected, match=expected):
        parse_cvrplib_solution(text, "T3.sol")


def test_files_are_read_as_ascii(tmp_path: Path) -> None:
    """Reading from disk gives the same instance; non-ASCII bytes are refused."""
    path = tmp_path / "t3.txt"
    path.write_text(TINY, encoding="ascii")
    assert read_solomon(path).n_customers == 3
    sol = tmp_path / "t3.sol"
    sol.write_text("Route #1: 1 2 3\nCost 5.0\n", encoding="ascii")
    assert read_cvrplib_solution(sol).routes == ((1, 2, 3),)
    path.write_bytes("T3 客户\n".encode())
    with pytest.raises(ImportRejected, match="not ASCII text"):
        read_solomon(path)
