"""Deterministic placement of townships inside their county polygon.

Township coordinates are not published. The atlas therefore *models* them: each
county's townships are spread evenly over the county's real polygon, with urban
subdistricts (街道) nearest the county seat, then towns (镇), then rural townships
(乡). Every placed point is flagged ``approximate`` and can be replaced by an import
of real coordinates.

Notes
-----
For a county with ``n`` townships:

1. draw scrambled Halton points in the polygon's bounding box (seeded by the county
   code) and keep those inside the polygon, until at least ``max(8 n, 64)`` remain;
2. partition them into ``n`` clusters with k-means (``scipy.cluster.vq.kmeans2``,
   k-means++ start, same seed); the cluster centres approximate a centroidal Voronoi
   tessellation, i.e. an even spread;
3. snap each centre to its nearest inside sample, so that every point lies in the
   polygon even when it is not convex;
4. hand the centres to townships by distance from the seat, in the order
   subdistricts, towns, townships, others; ties broken by code.

Cost is O(n_samples × n × iterations) per county; the whole country takes seconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from nevrural.core.atlas.divisions import TownshipKind

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["place_townships"]

_KIND_ORDER = {
    TownshipKind.SUBDISTRICT: 0,
    TownshipKind.TOWN: 1,
    TownshipKind.TOWNSHIP: 2,
    TownshipKind.OTHER: 3,
}
_MIN_SAMPLES = 64
_SAMPLES_PER_TOWNSHIP = 8
_MAX_DRAW_ROUNDS = 12


def _inside_samples(
    polygon: shapely.Geometry, n_wanted: int, rng: np.random.Generator
) -> np.ndarray:
    """Quasi-random points (lon, lat degrees) inside ``polygon``, at least ``n_wanted``."""
    from scipy.stats import qmc  # scipy.stats costs ~0.8 s to import; only builds need it

    min_lon, min_lat, max_lon, max_lat = shapely.bounds(polygon)
    sampler = qmc.Halton(d=2, scramble=True, seed=rng)
    box_area = max((max_lon - min_lon) * (max_lat - min_lat), 1e-12)
    fill = max(float(shapely.area(polygon)) / box_area, 1e-3)
    kept: list[np.ndarray] = []
    n_kept = 0
    for _ in range(_MAX_DRAW_ROUNDS):
        draw = int(min(2**20, np.ceil(1.3 * (n_wanted - n_kept) / fill) + 16))
        unit = sampler.random(draw)
        lon = min_lon + unit[:, 0] * (max_lon - min_lon)
        lat = min_lat + unit[:, 1] * (max_lat - min_lat)
        inside = shapely.contains_xy(polygon, lon, lat)
        kept.append(np.column_stack([lon[inside], lat[inside]]))
        n_kept += int(inside.sum())
        if n_kept >= n_wanted:
            break
    points = np.concatenate(kept) if kept else np.empty((0, 2))
    if len(points) == 0:
        # A sliver polygon no sample falls into: use points on its surface.
        points = np.array([shapely.get_coordinates(shapely.point_on_surface(polygon))[0]])
    return points


def _spread_centres(samples: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` evenly spread points drawn from ``samples`` (k-means centres, snapped)."""
    from scipy.cluster.vq import kmeans2

    if n >= len(samples):
        reps = int(np.ceil(n / len(samples)))
        return np.tile(samples, (reps, 1))[:n]
    if n == 1:
        centre = samples.mean(axis=0, keepdims=True)
    else:
        centre, _ = kmeans2(samples, n, minit="++", seed=rng, iter=20)
    gaps = ((centre[:, None, :] - samples[None, :, :]) ** 2).sum(axis=2)
    chosen = np.empty(n, dtype=np.int64)
    taken = np.zeros(len(samples), dtype=bool)
    for i in np.argsort(gaps.min(axis=1)):  # snap, never two centres on one sample
        row = np.where(taken, np.inf, gaps[i])
        chosen[i] = int(np.argmin(row))
        taken[chosen[i]] = True
    return samples[chosen]


def place_townships(
    polygon: shapely.Geometry,
    seat_lon_lat: tuple[float, float],
    township_codes: Sequence[str],
    kinds: Sequence[TownshipKind],
    seed: int,
) -> dict[str, tuple[float, float]]:
    """Place townships inside a county polygon.

    Parameters
    ----------
    polygon
        The county's (multi)polygon, lon/lat degrees.
    seat_lon_lat
        The county seat, lon/lat degrees; subdistricts are placed nearest to it.
    township_codes, kinds
        The townships to place and their kinds, same length.
    seed
        Seed of the quasi-random draw; the county code as an integer is a good seed.

    Returns
    -------
    dict
        Township code to (lon, lat) degrees, every point inside ``polygon``.
    """
    if len(township_codes) != len(kinds):
        raise ValueError(
            f"township_codes has {len(township_codes)} entries but kinds has {len(kinds)}"
        )
    n = len(township_codes)
    if n == 0:
        return {}
    rng = np.random.default_rng(seed)
    samples = _inside_samples(polygon, max(_SAMPLES_PER_TOWNSHIP * n, _MIN_SAMPLES), rng)
    centres = _spread_centres(samples, n, rng)
    seat = np.asarray(seat_lon_lat, dtype=float)
    centre_order = np.argsort(((centres - seat) ** 2).sum(axis=1), kind="stable")
    township_order = sorted(range(n), key=lambda i: (_KIND_ORDER[kinds[i]], township_codes[i]))
    return {
        township_codes[t]: (float(centres[c, 0]), float(centres[c, 1]))
        for t, c in zip(township_order, centre_order, strict=True)
    }
