"""OR-Library pmed1 and pmed6 (Beasley) solved to their published optima with gap 0."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.files.orlib import read_orlib_pmed
from nevrural.core.siting.pmedian import PMedianParams, solve_p_median

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "optimum"), [("pmed1", 5819), ("pmed6", 7824)])
def test_published_optimum_is_reached_and_proven(
    shared_data_dir: Path, name: str, optimum: int
) -> None:
    """The exact path reaches the optimum of pmedopt.txt and proves it (gap 0)."""
    folder = shared_data_dir / "benchmarks" / "pmedian"
    published = dict(
        line.split() for line in (folder / "pmedopt.txt").read_text().splitlines()[1:] if line
    )
    assert int(published[name]) == optimum
    instance = read_orlib_pmed(folder / f"{name}.txt")
    result = solve_p_median(instance.to_problem(), PMedianParams(p=instance.p, path="exact"))
    assert result.objective == optimum
    assert result.lower_bound == optimum
    assert (result.gap, result.status) == (0.0, "optimal")
    assert len(result.open_sites) == instance.p
