"""``nevrural route solve`` through Typer's CliRunner: a Solomon file, as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.e2e.cli_runner import make_runner

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

# Depot and four customers; the capacity of 20 allows two customers per vehicle.
FOUR = """FOUR

VEHICLE
NUMBER     CAPACITY
  3          20

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0       0          0          0          0        500          0
    1       0         10         10          0        200         10
    2      10          0         10          0        200         10
    3      10         10         10          0        200         10
    4       0         20         10          0        200         10
"""


def test_solomon_file_prints_one_json_object(tmp_path: Path) -> None:
    """Every customer once, feasible, the cost the routes add up to, 2 vehicles."""
    instance = tmp_path / "four.txt"
    instance.write_text(FOUR, encoding="ascii")
    run = make_runner(tmp_path)
    args = ("route", "solve", str(instance), "--format", "solomon", "--time-limit", "0.5")
    out = json.loads(run(*args, "--seed", "3", "--json").stdout)
    assert {"cost", "routes", "vehicles", "seconds", "feasible"} <= set(out)
    assert sorted(c for route in out["routes"] for c in route) == [1, 2, 3, 4]
    assert out["feasible"] is True
    assert out["vehicles"] == len(out["routes"]) == 2
    assert out["cost"] == 74.1  # {1, 4}: 10 + 10 + 20, {2, 3}: 10 + 10 + 14.1 (optimal)
    assert 0 < out["seconds"] < 5


def test_plain_output_lists_the_routes(tmp_path: Path) -> None:
    """Without --json the summary and one line per route are printed."""
    instance = tmp_path / "four.txt"
    instance.write_text(FOUR, encoding="ascii")
    out = make_runner(tmp_path)("route", "solve", str(instance), "--time-limit", "0.2").stdout
    assert "FOUR: cost" in out
    assert "feasible" in out
    assert "route 2:" in out


def test_malformed_file_is_refused_with_its_line(tmp_path: Path) -> None:
    """A bad customer line exits with code 2 and names the row and field."""
    instance = tmp_path / "bad.txt"
    instance.write_text(
        FOUR.replace("   10          0        200", "   1O          0        200", 1)
    )
    result = make_runner(tmp_path)("route", "solve", str(instance), "--json", exit_code=2)
    assert "row 11, column DEMAND" in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    """Only solomon is read."""
    instance = tmp_path / "four.txt"
    instance.write_text(FOUR, encoding="ascii")
    make_runner(tmp_path)("route", "solve", str(instance), "--format", "vrplib", exit_code=2)
