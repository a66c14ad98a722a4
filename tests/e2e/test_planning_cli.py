"""``nevrural target`` and ``nevrural linkage`` through Typer's CliRunner, on the full atlas."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from nevrural.core.geo import haversine_km

if TYPE_CHECKING:
    from pathlib import Path

    from typer.testing import Result

    from tests.e2e.cli_runner import Run

__all__: list[str] = []

COUNTY_KEYS = {"code", "name", "province", "score", "penetration", "potential", "contributions"}
CITY_KEYS = {"code", "name", "reason_zh", "reason_en"}

CANDIDATES_CSV = """code,name,themes,population,lon,lat
440300,深圳市,automaker_base;logistics_hub,17560000,114.06,22.54
520100,贵阳市,tourism,6400000,106.63,26.65
653100,喀什地区,border_trade;farming,4500000,75.99,39.47
231100,黑河市,border_trade;farming,1290000,127.53,50.25
620200,嘉峪关市,energy,310000,98.29,39.77
"""


def json_of(result: Result) -> dict[str, Any]:
    """The whole of stdout as one JSON object."""
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_target_json_is_one_object(run: Run) -> None:
    """``target --json`` prints one object: 50 spaced counties with their score parts."""
    args = ("target", "--counties", "50", "--per-province-min", "1", "--min-spacing-km", "30")
    result = json_of(run(*args, "--json"))
    assert {"selected", "objective", "bound", "gap", "seconds"} <= set(result)
    assert result["gap"] <= 1e-6
    assert result["objective"] <= result["bound"] * (1 + 1e-9)
    assert result["seconds"] >= 0.0
    selected = result["selected"]
    assert len(selected) == len({row["code"] for row in selected}) == 50
    for row in selected:
        assert set(row) >= COUNTY_KEYS, row
        assert sum(row["contributions"].values()) == pytest.approx(row["score"], rel=1e-9)
    lon = np.array([row["lon"] for row in selected])
    lat = np.array([row["lat"] for row in selected])
    distance_km = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    np.fill_diagonal(distance_km, np.inf)
    assert float(np.min(distance_km)) >= 30.0


def test_target_text_prints_a_table(run: Run) -> None:
    """Without ``--json`` the counties are printed as a table with the gap."""
    output = run("target", "--counties", "5").stdout
    assert "selected 5 counties" in output
    assert "penetration" in output


def test_target_budget_too_small_exits_2(run: Run) -> None:
    """A budget below the cheapest events exits 2 naming the cost and the budget."""
    result = run("target", "--counties", "50", "--budget-cny", "1000", "--json", exit_code=2)
    message = " ".join(result.output.split())
    assert "infeasible" in message
    assert re.search(r"the 50 cheapest events cost [\d,]+\.\d\d CNY", message), message
    assert "budget 1,000.00 CNY" in message
    assert result.stdout.strip() == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--budget-cny", "lots"), "lots"),
        (("--type-min", "arctic=1"), "arctic"),
        (("--type-min", "cold"), "TYPE=COUNT"),
        (("--horizon-years", "7"), "horizon-years"),
        (("--min-spacing-km", "-5"), "min_spacing_km"),
        (("--per-province-min", "-1"), "per_province_min"),
        (("--penetration-threshold", "2"), "penetration_threshold"),
    ],
)
def test_target_bad_options_exit_2(run: Run, args: tuple[str, ...], words: str) -> None:
    """A bad amount, quota, horizon or model option is a usage error (exit 2) naming it."""
    result = run("target", "--counties", "5", *args, exit_code=2)
    assert words in result.output


def test_linkage_demo_json(run: Run) -> None:
    """``linkage --k 6 --json`` chooses 6 demo cities, each with reasons in zh and en."""
    result = json_of(run("linkage", "--k", "6", "--json"))
    assert {"selected", "objective", "seconds"} <= set(result)
    assert result["candidate_source"] == "demo candidates (example)"
    selected = result["selected"]
    assert len(selected) == len({row["code"] for row in selected}) == 6
    for row in selected:
        assert set(row) >= CITY_KEYS, row
        assert row["reason_zh"]
        assert row["reason_en"]


def test_linkage_candidates_csv_json(run: Run, tmp_path: Path) -> None:
    """A small candidate CSV with lon/lat gives 3 cities of the file, placed where it says."""
    path = tmp_path / "cities.csv"
    path.write_text(CANDIDATES_CSV, encoding="utf-8")
    result = json_of(run("linkage", "--candidates", str(path), "--k", "3", "--json"))
    assert result["candidate_source"] == "cities.csv"
    assert result["candidates"] == 5
    selected = result["selected"]
    assert len(selected) == 3
    points = {
        line.split(",")[0]: (float(line.split(",")[4]), float(line.split(",")[5]))
        for line in CANDIDATES_CSV.splitlines()[1:]
    }
    for row in selected:
        assert set(row) >= CITY_KEYS, row
        assert row["reason_zh"]
        assert row["reason_en"]
        assert (row["lon"], row["lat"]) == points[row["code"]]


def test_linkage_text_prints_reasons(run: Run, tmp_path: Path) -> None:
    """Without ``--json`` each chosen city is printed with its reasons."""
    path = tmp_path / "cities.csv"
    path.write_text(CANDIDATES_CSV, encoding="utf-8")
    output = run("linkage", "--candidates", str(path), "--k", "2").stdout
    assert "2 linked cities" in output
    assert "objective" in output


def test_linkage_malformed_file_exits_2_with_the_row(run: Run, tmp_path: Path) -> None:
    """A candidate file with a bad number is refused (exit 2) naming its row."""
    path = tmp_path / "bad.csv"
    lines = CANDIDATES_CSV.splitlines()
    lines[2] = lines[2].replace("6400000", "many")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("linkage", "--candidates", str(path), "--k", "2", "--json", exit_code=2)
    assert "refused" in result.output
    assert "bad.csv" in result.output
    assert "row 3" in result.output
    assert result.stdout.strip() == ""


def test_linkage_bad_method_exits_2(run: Run) -> None:
    """An unknown ``--method`` is a usage error naming the choices."""
    result = run("linkage", "--k", "2", "--method", "random", exit_code=2)
    assert "auto, exact or greedy" in result.output
