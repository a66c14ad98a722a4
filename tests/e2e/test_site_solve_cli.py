"""``nevrural site solve`` through Typer's CliRunner: OR-Library and CSV points, as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.e2e.cli_runner import make_runner

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

# Path 1-2-3-4-5 of unit edges plus a heavy duplicate 2-3 that the last line resets to 1.
PATH_GRAPH = "5 5 2\n1 2 1\n2 3 9\n3 4 1\n4 5 1\n2 3 1\n"

DEMAND_CSV = """id,lon,lat,weight
T1,116.40,39.90,100
T2,116.45,39.92,80
T3,117.20,39.10,120
T4,117.25,39.12,60
"""
SITES_CSV = """id,lon,lat,cost_cny,existing,has_land
S1,116.42,39.91,100000,false,true
S2,117.22,39.11,100000,false,true
S3,116.80,39.50,50000,false,false
"""


def test_orlib_file_prints_one_json_object(tmp_path: Path) -> None:
    """Two medians on a 5-vertex path: vertices 2 and 4 (1-based), cost 3, proven."""
    instance = tmp_path / "path.txt"
    instance.write_text(PATH_GRAPH, encoding="ascii")
    run = make_runner(tmp_path)
    out = json.loads(run("site", "solve", str(instance), "--format", "orlib-pmed", "--json").stdout)
    assert out["objective"] == 3.0
    assert out["lower_bound"] == 3.0
    assert out["gap"] == 0.0
    assert out["status"] == "optimal"
    assert out["path"] == "exact"
    assert sorted(out["open_sites"]) in ([1, 4], [2, 4], [2, 5])
    assert out["seconds"] >= 0


def test_orlib_p_option_overrides_the_file(tmp_path: Path) -> None:
    """--p 5 opens every vertex: cost 0."""
    instance = tmp_path / "path.txt"
    instance.write_text(PATH_GRAPH, encoding="ascii")
    out = json.loads(
        make_runner(tmp_path)("site", "solve", str(instance), "--p", "5", "--json").stdout
    )
    assert (out["objective"], len(out["open_sites"])) == (0.0, 5)


def test_csv_points_open_one_site_per_cluster(tmp_path: Path) -> None:
    """Two clusters, p = 2: both clustered sites open, the site without land never."""
    demand, sites = tmp_path / "demand.csv", tmp_path / "sites.csv"
    demand.write_text(DEMAND_CSV, encoding="utf-8")
    sites.write_text(SITES_CSV, encoding="utf-8")
    args = ("site", "solve", str(demand), "--format", "csv", "--sites", str(sites))
    out = json.loads(make_runner(tmp_path)(*args, "--p", "2", "--radius-km", "60", "--json").stdout)
    assert sorted(out["open_sites"]) == ["S1", "S2"]
    assert out["status"] == "optimal"
    assert out["beyond_points"] == 0


def test_malformed_file_is_refused_with_its_line(tmp_path: Path) -> None:
    """A bad edge line exits with code 2 and names the row."""
    instance = tmp_path / "bad.txt"
    instance.write_text("3 2 1\n1 2 1\n2 x 1\n", encoding="ascii")
    result = make_runner(tmp_path)("site", "solve", str(instance), "--json", exit_code=2)
    assert "row 3" in result.output


def test_csv_without_sites_is_a_usage_error(tmp_path: Path) -> None:
    """csv needs --sites and --p."""
    demand = tmp_path / "demand.csv"
    demand.write_text(DEMAND_CSV, encoding="utf-8")
    make_runner(tmp_path)("site", "solve", str(demand), "--format", "csv", exit_code=2)
