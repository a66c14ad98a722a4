"""Use case helper: one county's siting problem from the atlas (townships and the seat).

Demand points are the county's townships; candidate sites are the same township seats
plus the county seat (site 0). Distances are road km: great-circle × the rural
circuity factor, between every pair in the county (a county has at most a few dozen
townships, so the matrix is small and exact).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from nevrural.core.atlas.divisions import Division, Level, classify_township
from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, haversine_km
from nevrural.core.siting.rural import township_demand_shares

if TYPE_CHECKING:
    from nevrural.services.ports import UnitOfWork

__all__ = ["CountySites", "load_county_sites"]


@dataclass(frozen=True)
class CountySites:
    """A county's townships (demand) and candidate sites (seat first, then townships)."""

    county_code: str
    county_name: str
    township_codes: tuple[str, ...]
    township_names: tuple[str, ...]
    township_kinds: tuple[str, ...]
    township_lon: np.ndarray
    township_lat: np.ndarray
    demand_share: np.ndarray  # share of the county's NEVs per township (modelled)
    site_ids: tuple[str, ...]
    site_names: tuple[str, ...]
    site_kinds: tuple[str, ...]  # "county_seat" or the township kind
    site_lon: np.ndarray
    site_lat: np.ndarray
    road_km: sparse.csr_matrix  # townships × sites

    @property
    def n_townships(self) -> int:
        """Number of townships (demand points)."""
        return len(self.township_codes)


def _road_km(
    lon_a: np.ndarray, lat_a: np.ndarray, lon_b: np.ndarray, lat_b: np.ndarray, circuity: float
) -> sparse.csr_matrix:
    """Dense road-km matrix stored as CSR with explicit zeros kept."""
    km = np.asarray(haversine_km(lon_a[:, None], lat_a[:, None], lon_b[None, :], lat_b[None, :]))
    km = km * circuity
    rows, cols = np.indices(km.shape)
    return sparse.csr_matrix((km.ravel(), (rows.ravel(), cols.ravel())), shape=km.shape)


def load_county_sites(
    uow: UnitOfWork, county: Division, circuity: float = DEFAULT_RURAL_CIRCUITY
) -> CountySites:
    """The siting inputs of one county (raises ``ValueError`` without townships)."""
    towns = [
        t
        for t in uow.atlas.divisions(level=Level.TOWNSHIP, parent_code=county.code)
        if t.lon is not None and t.lat is not None
    ]
    if not towns or county.lon is None or county.lat is None:
        raise ValueError(f"county {county.code} {county.name} has no placed townships")
    kinds = tuple(classify_township(t.code, t.name).value for t in towns)
    t_lon = np.array([t.lon for t in towns], dtype=float)
    t_lat = np.array([t.lat for t in towns], dtype=float)
    s_lon = np.concatenate([[county.lon], t_lon])
    s_lat = np.concatenate([[county.lat], t_lat])
    return CountySites(
        county_code=county.code,
        county_name=county.name,
        township_codes=tuple(t.code for t in towns),
        township_names=tuple(t.name for t in towns),
        township_kinds=kinds,
        township_lon=t_lon,
        township_lat=t_lat,
        demand_share=np.array(township_demand_shares(kinds)),
        site_ids=(county.code, *(t.code for t in towns)),
        site_names=(f"{county.name}驻地", *(t.name for t in towns)),
        site_kinds=("county_seat", *kinds),
        site_lon=s_lon,
        site_lat=s_lat,
        road_km=_road_km(t_lon, t_lat, s_lon, s_lat, circuity),
    )
