"""Read an OR-Library p-median instance (Beasley's ``pmed1`` ... ``pmed40``).

Format: the first non-blank line is ``n m p`` (vertices, edges, medians); then ``m``
lines ``i j cost`` (1-based vertices, an undirected edge). Distances are the shortest
paths over that graph. When an edge appears more than once **the last occurrence
wins** (OR-Library's rule; the instances contain such repeats). Self-loops never
shorten a path and are ignored. A file with any problem is refused whole, with the
line number of every problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import shortest_path

from nevrural.core.atlas.imports import ImportRejected, RowProblem
from nevrural.core.siting.problem import SitingProblem

__all__ = ["OrlibPMedian", "parse_orlib_pmed", "read_orlib_pmed"]


@dataclass(frozen=True, eq=False)
class OrlibPMedian:
    """One OR-Library p-median instance.

    Attributes
    ----------
    name
        File name without its suffix (``pmed1``).
    n, p
        Vertices and medians.
    distance
        Shortest-path distances, ``(n, n)``, in the file's cost unit (``inf`` between
        vertices of different components).
    """

    name: str
    n: int
    p: int
    distance: npt.NDArray[np.float64]

    def to_problem(self) -> SitingProblem:
        """Every vertex a demand point of weight 1 and a candidate site; all finite pairs.

        The diagonal (distance 0) is stored explicitly; pairs between components are not.
        """
        rows, cols = np.nonzero(np.isfinite(self.distance))
        matrix = sparse.csr_matrix(
            (self.distance[rows, cols], (rows, cols)), shape=(self.n, self.n)
        )
        ids = tuple(str(v) for v in range(1, self.n + 1))
        return SitingProblem(
            demand_weight=np.ones(self.n), distance_km=matrix, demand_ids=ids, site_ids=ids
        )


def _ints(tokens: list[str], line: int, names: tuple[str, ...]) -> list[int] | RowProblem:
    """The tokens as integers, or the problem with them."""
    if len(tokens) != len(names):
        expected = " ".join(names)
        return RowProblem(line, None, f"expected {len(names)} numbers '{expected}', got {tokens}")
    try:
        return [int(t) for t in tokens]
    except ValueError:
        return RowProblem(line, None, f"{' '.join(tokens)!r} are not whole numbers")


def _edge(tokens: list[str], line: int, n: int) -> tuple[int, int, float] | RowProblem:
    """One ``i j cost`` edge (0-based vertices), or its problem."""
    if len(tokens) != 3:
        return RowProblem(line, None, f"expected 3 values 'i j cost', got {len(tokens)}")
    try:
        i, j = int(tokens[0]), int(tokens[1])
        cost = float(tokens[2])
    except ValueError:
        return RowProblem(line, None, f"{' '.join(tokens)!r} is not 'i j cost'")
    if not (1 <= i <= n and 1 <= j <= n):
        return RowProblem(line, None, f"vertex {i if not 1 <= i <= n else j} outside 1..{n}")
    if not (math.isfinite(cost) and cost >= 0):
        return RowProblem(line, None, f"cost {tokens[2]} must be finite and >= 0")
    return i - 1, j - 1, cost


def _header(lines: list[tuple[int, list[str]]]) -> tuple[int, int, int] | RowProblem:
    """``n m p`` from the first line, or the problem with it."""
    if not lines:
        return RowProblem(None, None, "the file is empty")
    line, tokens = lines[0]
    values = _ints(tokens, line, ("n", "m", "p"))
    if isinstance(values, RowProblem):
        return values
    n, m, p = values
    if n < 1 or m < 0 or not 1 <= p <= n:
        return RowProblem(line, None, f"need n >= 1, m >= 0 and 1 <= p <= n, got {n} {m} {p}")
    return n, m, p


def parse_orlib_pmed(text: str, file_name: str) -> OrlibPMedian:
    """Parse the text of the file `file_name`; refuses it whole on any problem.

    Examples
    --------
    >>> instance = parse_orlib_pmed("3 3 1\\n1 2 5\\n2 3 1\\n1 2 2\\n", "tiny.txt")
    >>> instance.distance.tolist()
    [[0.0, 2.0, 3.0], [2.0, 0.0, 1.0], [3.0, 1.0, 0.0]]
    """
    lines = [(k, raw.split()) for k, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    header = _header(lines)
    if isinstance(header, RowProblem):
        raise ImportRejected(file_name, [header])
    n, m, p = header
    problems: list[RowProblem] = []
    if len(lines) - 1 != m:
        where = lines[m + 1][0] if len(lines) - 1 > m else None
        problems.append(RowProblem(where, None, f"header says {m} edges, found {len(lines) - 1}"))
    graph = np.full((n, n), math.inf)
    for line, tokens in lines[1:]:
        edge = _edge(tokens, line, n)
        if isinstance(edge, RowProblem):
            problems.append(edge)
        elif edge[0] != edge[1]:
            i, j, cost = edge
            graph[i, j] = graph[j, i] = cost  # the last occurrence wins
    if problems:
        raise ImportRejected(file_name, problems)
    np.fill_diagonal(graph, math.inf)
    edges = sparse.csgraph.csgraph_from_dense(graph, null_value=math.inf)
    distance = shortest_path(edges, method="D", directed=False)
    return OrlibPMedian(
        name=Path(file_name).stem, n=n, p=p, distance=np.asarray(distance, dtype=np.float64)
    )


def read_orlib_pmed(path: Path) -> OrlibPMedian:
    """Read the instance at `path` (ASCII text); refuses it whole on any problem."""
    try:
        text = Path(path).read_text(encoding="ascii")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            path.name, [RowProblem(None, None, f"not ASCII text: {error}")]
        ) from None
    return parse_orlib_pmed(text, Path(path).name)
