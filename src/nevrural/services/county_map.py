"""Use case: the values an atlas map colours every county by.

For each county-level unit with the indicators the market model needs: its NEV
penetration (share of the vehicle stock, 0–1), its NEV potential and its targeting score
(both NEV buyers over the horizon, vehicles), as the targeting model computes them with
default parameters, and whether the demo shortlist holds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.targeting.market import MarketParams
from nevrural.core.targeting.scoring import ScoreParams, score_counties
from nevrural.services.county_table import load_county_table, market_inputs
from nevrural.services.targeting import KIND as TARGETING_KIND

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import UnitOfWork

__all__ = ["MAP_HORIZON_YEARS", "county_map_values"]

MAP_HORIZON_YEARS = 3.0  # the demo shortlist's horizon, years


def county_map_values(
    uow_factory: Callable[[], UnitOfWork], horizon_years: float = MAP_HORIZON_YEARS
) -> dict[str, Any]:
    """Penetration, potential and score of every county-level unit, by code.

    Returns
    -------
    dict
        ``horizon_years``; ``counties``: code to ``{"name", "province_code",
        "penetration" (0–1), "potential" (vehicles), "score" (vehicles), "is_eligible",
        "is_shortlisted"}`` with values rounded for display; ``shortlist_id`` (None
        without the demo).
    """
    with uow_factory() as uow:
        table = load_county_table(uow)
        shortlist = uow.scenarios.latest_demo(TARGETING_KIND)
    params = ScoreParams(market=MarketParams(horizon_years=horizon_years))
    scores = score_counties(market_inputs(table), params)
    chosen = {str(r["code"]) for r in shortlist.result.get("selected", [])} if shortlist else set()
    counties = {
        code: {
            "name": table.names[i],
            "province_code": table.province_codes[i],
            "penetration": round(float(scores.penetration[i]), 5),
            "potential": round(float(scores.potential[i])),
            "score": round(float(scores.score[i])),
            "is_eligible": bool(scores.is_eligible[i]),
            "is_shortlisted": code in chosen,
        }
        for i, code in enumerate(table.codes)
    }
    return {
        "horizon_years": horizon_years,
        "counties": counties,
        "shortlist_id": shortlist.id if shortlist is not None else None,
    }
