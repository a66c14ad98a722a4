"""``nevrural site charging`` and ``nevrural site repair`` through Typer's CliRunner."""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.cli_runner import Run

__all__: list[str] = []

COUNTIES = "130123,530521"  # 正定县, 施甸县


def test_charging_writes_geojson_and_csv(run: Run, tmp_path: Path) -> None:
    """The summary names both files; they hold the same sites."""
    out = tmp_path / "out"
    args = ("site", "charging", "--counties", COUNTIES, "--stations-per-county", "2")
    summary = json.loads(run(*args, "--out", str(out), "--json").stdout)
    assert summary["totals"]["new_stations"] == 4
    features = json.loads((out / f"charging-{summary['scenario_id']}.geojson").read_text())
    sites = [f for f in features["features"] if f["properties"]["layer"] == "site"]
    with (out / f"charging-{summary['scenario_id']}.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(sites) == len(rows) == 4 + 2  # new stations and the two county seats


def test_repair_prints_totals_in_text(run: Run, tmp_path: Path) -> None:
    """Without --json the totals are printed one per line with the file names."""
    args = ("site", "repair", "--counties", COUNTIES, "--technicians-total", "10")
    result = run(*args, "--out", str(tmp_path))
    assert "townships_within_response" in result.stdout
    assert "technicians" in result.stdout
    assert ".geojson" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("site", "charging", "--counties", "999999"), "999999"),
        (("site", "charging", "--counties", COUNTIES, "--model", "dense"), "model"),
        (("site", "repair", "--counties", COUNTIES, "--rural-speed-kmh", "0"), "rural_speed"),
    ],
)
def test_bad_input_exits_2_naming_it(
    run: Run, tmp_path: Path, args: tuple[str, ...], words: str
) -> None:
    """Refused requests exit with status 2 and say what was wrong; no file is written."""
    result = run(*args, "--out", str(tmp_path / "out"), exit_code=2)
    assert words in result.output
    assert not (tmp_path / "out").exists()
