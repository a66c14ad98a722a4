"""Read siting demand points and candidate sites from CSV/XLSX, or refuse the files whole.

**Demand file**, one row per demand point (column names case-insensitive)::

    id,lon,lat,weight
    T001,116.41,39.90,1250

- ``id`` (``code``, ``name``): required, unique;
- ``lon``/``lat`` (``longitude``/``经度``, ``latitude``/``纬度``): degrees, required;
- ``weight`` (``demand``, ``population``, ``需求``): demand units >= 0, required.

**Sites file**, one row per candidate site::

    id,lon,lat,cost_cny,capacity,existing,has_land
    S01,116.40,39.91,850000,120,false,true

- ``id``, ``lon``, ``lat`` as above;
- ``cost_cny`` (``cost``): opening cost, CNY, optional (all or none);
- ``capacity``: demand units the site can serve, optional (empty = unlimited);
- ``existing``, ``has_land``: ``true``/``false`` (also ``1``/``0``, ``yes``/``no``,
  ``是``/``否``), optional (defaults ``false`` and ``true``).

Distances are great-circle km times a road circuity (default
:data:`~nevrural.core.geo.DEFAULT_RURAL_CIRCUITY`); a point may use every site within
``radius_km`` road km plus its ``k_nearest`` nearest sites (see
:func:`~nevrural.core.siting.points.siting_problem_from_points`).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import numpy as np

from nevrural.adapters.files.tabular import read_table
from nevrural.core.atlas.imports import ImportRejected, RowProblem, parse_number
from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY
from nevrural.core.siting.points import PointSites, siting_problem_from_points

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from nevrural.adapters.files.tabular import Table

__all__ = ["DEMAND_COLUMNS", "SITE_COLUMNS", "read_siting_points"]

DEMAND_COLUMNS = ("id", "lon", "lat", "weight")
SITE_COLUMNS = ("id", "lon", "lat", "cost_cny", "capacity", "existing", "has_land")
_ALIASES: dict[str, str] = {
    **dict.fromkeys(("id", "code", "name", "编码", "名称"), "id"),
    **dict.fromkeys(("lon", "lng", "longitude", "经度"), "lon"),
    **dict.fromkeys(("lat", "latitude", "纬度"), "lat"),
    **dict.fromkeys(("weight", "demand", "population", "需求", "权重"), "weight"),
    **dict.fromkeys(("cost_cny", "cost", "成本"), "cost_cny"),
    **dict.fromkeys(("capacity", "容量"), "capacity"),
    **dict.fromkeys(("existing", "is_existing", "已有"), "existing"),
    **dict.fromkeys(("has_land", "land", "有地"), "has_land"),
}
_TRUE = frozenset({"true", "1", "yes", "y", "是"})
_FALSE = frozenset({"false", "0", "no", "n", "否", ""})


def _number(text: str, low: float, high: float) -> float:
    value = parse_number(text)
    if not low <= value <= high:
        raise ValueError(f"{text!r} is outside {low:g}..{high:g}")
    return value


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount of CNY") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{text!r} must be an amount >= 0")
    return value


_PARSERS: dict[str, Callable[[str], object]] = {
    "lon": lambda t: _number(t, -180.0, 180.0),
    "lat": lambda t: _number(t, -90.0, 90.0),
    "weight": lambda t: _number(t, 0.0, math.inf),
    "capacity": lambda t: math.inf if not t.strip() else _number(t, 0.0, math.inf),
    "cost_cny": _money,
    "existing": _flag,
    "has_land": lambda t: True if not t.strip() else _flag(t),
}


def _columns(table: Table, wanted: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    """Positions of the known columns; refuses missing required ones."""
    found: dict[str, int] = {}
    for position, name in enumerate(table.header):
        key = _ALIASES.get(name.strip().lower())
        if key in wanted and key not in found:
            found[key] = position
    missing = [c for c in required if c not in found]
    if missing:
        message = f"missing column(s) {', '.join(missing)}; found {', '.join(table.header)}"
        raise ImportRejected(table.file_name, [RowProblem(table.header_row, None, message)])
    return found


def _read(
    path: Path, wanted: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, list[object]]:
    """Parsed columns of one file; every bad cell is listed before refusing it."""
    table = read_table(path)
    columns = _columns(table, wanted, required)
    values: dict[str, list[object]] = {key: [] for key in columns}
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        for key, position in columns.items():
            cell = row.cells[position]
            try:
                values[key].append(cell.strip() if key == "id" else _PARSERS[key](cell))
            except ValueError as error:
                problems.append(RowProblem(row.row_number, table.header[position], str(error)))
        ident = row.cells[columns["id"]].strip()
        if not ident or ident in seen:
            reason = "empty id" if not ident else f"id {ident!r} repeats row {seen[ident]}"
            problems.append(RowProblem(row.row_number, table.header[columns["id"]], reason))
        seen.setdefault(ident, row.row_number)
    if problems:
        raise ImportRejected(table.file_name, problems)
    return values


def read_siting_points(
    demand_path: Path,
    sites_path: Path,
    *,
    radius_km: float,
    k_nearest: int = 0,
    circuity: float = DEFAULT_RURAL_CIRCUITY,
    budget_cny: Decimal | None = None,
) -> PointSites:
    """The demand and site files as a siting problem on road-km pairs.

    Raises
    ------
    ImportRejected
        Listing every problem of a file (row and column).
    """
    demand = _read(demand_path, DEMAND_COLUMNS, DEMAND_COLUMNS)
    sites = _read(sites_path, SITE_COLUMNS, ("id", "lon", "lat"))
    n_sites = len(sites["id"])
    k = min(k_nearest, n_sites)
    costs = tuple(Decimal(str(c)) for c in sites["cost_cny"]) if "cost_cny" in sites else None
    if budget_cny is not None and costs is None:
        problem = RowProblem(1, None, "a budget needs a cost_cny column")
        raise ImportRejected(sites_path.name, [problem])
    return siting_problem_from_points(
        np.array(demand["lon"], dtype=float),
        np.array(demand["lat"], dtype=float),
        np.array(demand["weight"], dtype=float),
        np.array(sites["lon"], dtype=float),
        np.array(sites["lat"], dtype=float),
        radius_km=radius_km,
        k_nearest=k,
        circuity=circuity,
        is_existing=np.array(sites.get("existing", [False] * n_sites), dtype=bool),
        has_land=np.array(sites.get("has_land", [True] * n_sites), dtype=bool),
        capacity=np.array(sites["capacity"], dtype=float) if "capacity" in sites else None,
        cost_cny=costs,
        budget_cny=budget_cny,
        demand_ids=tuple(str(v) for v in demand["id"]),
        site_ids=tuple(str(v) for v in sites["id"]),
    )
