"""City linkage as a use case on the full atlas, on SQLite and PostgreSQL.

On PostgreSQL the scenarios stay in the shared database, so the tests look only at the
scenarios they created (by id).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import pytest

from nevrural.services.linkage import (
    LinkageRequest,
    UnknownCandidateError,
    get_linkage_scenario,
    list_linkage_scenarios,
    load_demo_candidates,
    run_linkage,
)

if TYPE_CHECKING:
    from pathlib import Path

    from nevrural.bootstrap import Container

__all__: list[str] = []

# Eight prefecture-level cities of the demo list, with their themes and example features.
CSV_TEXT = """code,name,themes,population,nev_share
440300,深圳市,automaker_base;logistics_hub,17560000,0.21
610100,西安市,automaker_base;tourism,12950000,0.12
520100,贵阳市,tourism,6400000,0.07
653100,喀什地区,border_trade;farming,4500000,0.02
231100,黑河市,border_trade;farming,1290000,0.01
620200,嘉峪关市,energy,310000,0.03
411600,周口市,farming,9020000,0.04
350200,厦门市,tourism;logistics_hub,5160000,0.15
"""


def write_csv(tmp_path: Path) -> Path:
    """The example candidate file (no lon/lat: the atlas places the cities)."""
    path = tmp_path / "candidates.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    return path


def stored_ids(container: Container) -> list[int]:
    """Ids of the newest stored linkage scenarios."""
    return [s.id for s in list_linkage_scenarios(container.uow)]


def test_demo_candidates_choose_twelve_exactly(any_container: Container) -> None:
    """k = 12 of the demo candidates: exact, proven optimal, every city with a reason."""
    candidates = load_demo_candidates(any_container.uow)
    scenario = run_linkage(any_container.uow, candidates, LinkageRequest(k=12))
    result = scenario.result
    assert result["method"] == "exact"
    assert result["is_optimal"] is True
    assert 0.0 <= result["gap"] <= 1e-6
    assert result["candidates"] == len(candidates.codes)
    rows = result["selected"]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 12
    assert set(codes) <= set(candidates.codes)
    for row in rows:
        assert row["name"]
        assert row["reason_zh"].strip(), row["code"]
        assert row["reason_en"].strip(), row["code"]
    assert sorted(result["covered_themes"]) == sorted({t for row in rows for t in row["themes"]})
    assert set(result["covered_regions"]) == {row["region"] for row in rows}
    terms = result["terms"]
    assert math.fsum(terms.values()) == pytest.approx(result["objective"], rel=1e-9)
    assert get_linkage_scenario(any_container.uow, scenario.id) == scenario


def test_candidates_without_coordinates_take_the_atlas_points(any_container: Container) -> None:
    """Candidates without lon/lat are placed at their atlas division's point."""
    demo = load_demo_candidates(any_container.uow)
    candidates = dataclasses.replace(demo, lon_deg=None, lat_deg=None)
    rows = run_linkage(any_container.uow, candidates, LinkageRequest(k=6)).result["selected"]
    assert len(rows) == 6
    with any_container.uow() as uow:
        for row in rows:
            division = uow.atlas.get_division(row["code"])
            assert division is not None
            assert (row["lon"], row["lat"]) == (division.lon, division.lat), row["code"]


def test_unknown_code_without_coordinates_is_refused(any_container: Container) -> None:
    """A code the atlas lacks, without lon/lat, is named in the error; nothing is stored."""
    demo = load_demo_candidates(any_container.uow)
    codes = (*demo.codes[:-1], "659999")
    candidates = dataclasses.replace(demo, codes=codes, lon_deg=None, lat_deg=None)
    before = stored_ids(any_container)
    with pytest.raises(UnknownCandidateError, match="659999"):
        run_linkage(any_container.uow, candidates, LinkageRequest(k=6))
    assert stored_ids(any_container) == before


def test_csv_candidates_end_to_end(any_container: Container, tmp_path: Path) -> None:
    """A CSV read by the container is solved, placed by the atlas and stored with its name."""
    candidates = any_container.read_linkage_candidates(write_csv(tmp_path))
    assert candidates.feature_names == ("population", "nev_share")
    assert candidates.lon_deg is None
    scenario = run_linkage(any_container.uow, candidates, LinkageRequest(k=3, name="csv test"))
    result = scenario.result
    assert result["candidate_source"] == "candidates.csv"
    assert scenario.params["candidate_source"] == "candidates.csv"
    assert result["candidates"] == 8
    assert result["method"] == "exact"
    assert result["gap"] <= 1e-6
    rows = result["selected"]
    assert len(rows) == 3
    assert {row["code"] for row in rows} <= set(candidates.codes)
    assert all(row["reason_zh"] and row["reason_en"] for row in rows)
    assert all(row["lon"] is not None and row["lat"] is not None for row in rows)
    assert scenario.id in stored_ids(any_container)


def test_must_include_and_exclude_hold(any_container: Container, tmp_path: Path) -> None:
    """A city that must be in is chosen, and an excluded one never is."""
    candidates = any_container.read_linkage_candidates(write_csv(tmp_path))
    request = LinkageRequest(k=4, must_include=("620200",), exclude=("440300", "610100"))
    codes = [
        row["code"]
        for row in run_linkage(any_container.uow, candidates, request).result["selected"]
    ]
    assert "620200" in codes
    assert not {"440300", "610100"} & set(codes)


def test_same_input_gives_the_same_cities(any_container: Container, tmp_path: Path) -> None:
    """Two runs on the same candidates and request choose the same cities, in order."""
    candidates = any_container.read_linkage_candidates(write_csv(tmp_path))
    request = LinkageRequest(k=4, method="greedy")
    first, second = (run_linkage(any_container.uow, candidates, request).result for _ in range(2))
    assert [r["code"] for r in first["selected"]] == [r["code"] for r in second["selected"]]
    assert first["objective"] == second["objective"]
