"""OR-Library p-median reader: shortest paths, last duplicate edge wins, refusals by line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from nevrural.adapters.files.orlib import parse_orlib_pmed, read_orlib_pmed
from nevrural.core.atlas.imports import ImportRejected

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

# A square 1-2-3-4 with a diagonal; edge 1-2 appears twice (10, then 2: the 2 wins).
SQUARE = """ 4 6 2
 1 2 10
 2 3 1
 3 4 1
 4 1 5
 1 3 7
 1 2 2
"""


def test_distances_are_shortest_paths_and_the_last_duplicate_wins() -> None:
    """1-2 is 2 (last occurrence), 1-3 goes through 2 (3 < 7), 1-4 through 2, 3 (4 < 5)."""
    instance = parse_orlib_pmed(SQUARE, "square.txt")
    assert (instance.name, instance.n, instance.p) == ("square", 4, 2)
    assert instance.distance.tolist() == [
        [0.0, 2.0, 3.0, 4.0],
        [2.0, 0.0, 1.0, 2.0],
        [3.0, 1.0, 0.0, 1.0],
        [4.0, 2.0, 1.0, 0.0],
    ]


def test_first_occurrence_would_give_other_distances() -> None:
    """Swapping the two 1-2 lines makes 10 the last: 1-2 then goes round (1-4-3-2 = 7)."""
    swapped = SQUARE.replace(" 1 2 10\n", " 1 2 TMP\n").replace(" 1 2 2\n", " 1 2 10\n")
    instance = parse_orlib_pmed(swapped.replace(" 1 2 TMP\n", " 1 2 2\n"), "square.txt")
    assert instance.distance[0, 1] == 7.0


def test_problem_stores_every_pair_with_the_zero_diagonal(tmp_path: Path) -> None:
    """Every vertex is a demand point of weight 1 and a site; 16 pairs incl. 4 zeros."""
    path = tmp_path / "square.txt"
    path.write_text(SQUARE, encoding="ascii")
    problem = read_orlib_pmed(path).to_problem()
    assert problem.distance_km.nnz == 16
    assert np.all(problem.demand_weight == 1.0)
    assert problem.distance_km.diagonal().tolist() == [0.0, 0.0, 0.0, 0.0]
    assert problem.site_ids == ("1", "2", "3", "4")


def test_unreachable_pairs_are_not_stored() -> None:
    """Two components: only the pairs inside each are allowed."""
    instance = parse_orlib_pmed("4 2 2\n1 2 3\n3 4 5\n", "two.txt")
    assert np.isinf(instance.distance[0, 2])
    assert instance.to_problem().distance_km.nnz == 8


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("4 1\n1 2 3\n", "row 1: expected 3 numbers"),
        ("4 x 2\n", "row 1: '4 x 2' are not whole numbers"),
        ("4 1 5\n1 2 3\n", "row 1: need n >= 1, m >= 0 and 1 <= p <= n"),
        ("3 2 1\n1 2 3\n2 9 1\n", "row 3: vertex 9 outside 1..3"),
        ("3 2 1\n1 2 3\n2 3 -1\n", "row 3: cost -1 must be finite and >= 0"),
        ("3 2 1\n1 2\n2 3 1\n", "row 2: expected 3 values"),
        ("3 2 1\n1 2 a\n2 3 1\n", "row 2: '1 2 a' is not 'i j cost'"),
        ("3 2 1\n1 2 1\n", "header says 2 edges, found 1"),
        ("3 1 1\n1 2 1\n2 3 1\n", "row 3: header says 1 edges, found 2"),
    ],
)
def test_malformed_files_are_refused_with_line_numbers(text: str, expected: str) -> None:
    """Each problem is reported with its line (row) number; nothing is returned."""
    with pytest.raises(ImportRejected, match=r"bad\.txt refused") as caught:
        parse_orlib_pmed(text, "bad.txt")
    assert expected in str(caught.value)


def test_every_problem_of_a_file_is_listed() -> None:
    """Two bad edge lines give two problems, in line order."""
    with pytest.raises(ImportRejected) as caught:
        parse_orlib_pmed("3 3 1\n1 2 x\n1 3 1\n3 7 1\n", "bad.txt")
    assert [p.row for p in caught.value.problems] == [2, 4]


def test_non_ascii_file_is_refused(tmp_path: Path) -> None:
    """Bytes that are not ASCII text refuse the file."""
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\xff\xfe3 1 1\n")
    with pytest.raises(ImportRejected, match="not ASCII text"):
        read_orlib_pmed(path)
