"""Siting points from CSV: columns, flags, road-km pairs, and refusals by row."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pytest

from nevrural.adapters.files.siting_points import read_siting_points
from nevrural.core.atlas.imports import ImportRejected

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

DEMAND = "id,lon,lat,weight\nA,116.40,39.90,10\nB,116.50,39.90,5\n"
SITES = (
    "id,longitude,纬度,cost_cny,capacity,existing,has_land\n"
    "S1,116.40,39.90,1000,,true,true\n"
    "S2,116.50,39.90,2000,50,no,\n"
    "S3,118.00,39.00,500,,0,否\n"
)


def write(tmp_path: Path, demand: str = DEMAND, sites: str = SITES) -> tuple[Path, Path]:
    """The two files in `tmp_path`."""
    (tmp_path / "d.csv").write_text(demand, encoding="utf-8")
    (tmp_path / "s.csv").write_text(sites, encoding="utf-8")
    return tmp_path / "d.csv", tmp_path / "s.csv"


def test_columns_flags_and_pairs(tmp_path: Path) -> None:
    """Aliases, flags and defaults are read; pairs are road km within the radius."""
    points = read_siting_points(*write(tmp_path), radius_km=20.0, budget_cny=Decimal("2500"))
    problem = points.problem
    assert problem.existing.tolist() == [True, False, False]
    assert problem.can_open.tolist() == [False, True, False]
    assert problem.site_capacity[1] == 50.0
    assert np.isinf(problem.site_capacity[0])
    assert problem.cost_fen.tolist() == [100000, 200000, 50000]
    assert problem.budget_fen == 250000
    assert problem.site_ids == ("S1", "S2", "S3")
    dense = problem.distance_km.toarray()
    assert dense[0, 1] == pytest.approx(8.53 * 1.35, rel=0.01)  # 0.1 degree of longitude
    assert problem.distance_km.nnz == 4  # S3 is 150 km away


def test_k_nearest_adds_far_sites(tmp_path: Path) -> None:
    """With k_nearest = 3 every site is kept for every point."""
    points = read_siting_points(*write(tmp_path), radius_km=20.0, k_nearest=3)
    assert points.problem.distance_km.nnz == 6


def test_every_bad_cell_is_listed(tmp_path: Path) -> None:
    """A bad weight, a repeated id and a latitude out of range: three problems by row."""
    demand = "id,lon,lat,weight\nA,116.4,39.9,x\nA,116.5,39.9,1\nC,116.5,99,1\n"
    with pytest.raises(ImportRejected) as caught:
        read_siting_points(*write(tmp_path, demand=demand), radius_km=20.0)
    assert [p.row for p in caught.value.problems] == [2, 3, 4]
    assert "repeats row 2" in str(caught.value)


def test_missing_column_is_refused(tmp_path: Path) -> None:
    """A demand file without weights is refused at its header."""
    with pytest.raises(ImportRejected, match="missing column"):
        read_siting_points(*write(tmp_path, demand="id,lon,lat\nA,116,39\n"), radius_km=20.0)


def test_bad_flag_is_refused(tmp_path: Path) -> None:
    """'maybe' is not a flag."""
    sites = "id,lon,lat,existing\nS1,116.4,39.9,maybe\n"
    with pytest.raises(ImportRejected, match="'maybe' is not true or false"):
        read_siting_points(*write(tmp_path, sites=sites), radius_km=20.0)
