"""A six-month caravan campaign: 100 counties, 5 caravans, against a nearest-neighbour plan.

The instance: the first 100 rural counties (not urban districts, with at least three
placed townships) of Henan in code order, from the pinned atlas; township population is
**modelled** (seeded log-normal, median 25,000 persons: the atlas holds no township
population); each county's events are its main venue and up to six township sub-events
chosen by the hub-and-spoke plan. Five caravans start from the five county seats of a
k-centre spread (``spread_depots``, farthest-first). Window 2026-06-01..2026-12-31;
blackouts (modelled): the wheat harvest 2026-06-01..06-10 and the autumn harvest
2026-09-25..10-08 in Henan; weekends preferred for main venues; working hours
08:00-18:00, at most two events a day, 40 km/h.

Compared in one run, on the same events and rules: **ours** (``plan_caravans``: PyVRP
county tours + PyVRP day plans) and the **nearest-neighbour** baseline. Both plans are
verified by the independent checker. Reported: persons reached, caravan-days deployed,
persons per caravan-day, km driven, events held, seconds. Exit status 1 when a plan
breaks a rule or ours reaches fewer persons per caravan-day than the baseline.
"""

from __future__ import annotations

import sys
import time
from datetime import date

import numpy as np

from nevrural.adapters.packages.atlas_source import PackageAtlasSource
from nevrural.core.atlas.assembly import assemble_atlas
from nevrural.core.atlas.divisions import Level, is_urban_district
from nevrural.core.events.calendar import Blackout, CalendarParams, CampaignWindow
from nevrural.core.events.campaign_events import (
    CampaignInputs,
    CountyTownships,
    build_campaign,
    spread_depots,
)
from nevrural.core.routing.caravan import plan_caravans
from nevrural.core.routing.caravan_baseline import plan_nearest_neighbour
from nevrural.core.routing.caravan_check import check_caravan_result

PROVINCE_PREFIX = "41"  # Henan
N_COUNTIES = 100
N_CARAVANS = 5
WINDOW = CampaignWindow(date(2026, 6, 1), date(2026, 12, 31))
BLACKOUTS = (
    Blackout(date(2026, 6, 1), date(2026, 6, 10), "三夏麦收 wheat harvest", "410000"),
    Blackout(date(2026, 9, 25), date(2026, 10, 8), "秋收 autumn harvest", "410000"),
)


def select_counties(seed: int = 0) -> list[CountyTownships]:
    """The benchmark's counties with modelled township population."""
    atlas = assemble_atlas(PackageAtlasSource().load())
    towns: dict[str, list] = {}
    for d in atlas.divisions:
        if d.level == Level.TOWNSHIP and d.lon is not None and d.parent_code:
            towns.setdefault(d.parent_code, []).append(d)
    rng = np.random.default_rng(seed)
    counties = []
    for d in sorted(atlas.divisions, key=lambda d: d.code):
        if (
            d.level != Level.COUNTY
            or not d.code.startswith(PROVINCE_PREFIX)
            or d.lon is None
            or d.lat is None
            or is_urban_district(d.code, d.name)
            or len(towns.get(d.code, [])) < 3
        ):
            continue
        ts = sorted(towns[d.code], key=lambda t: t.code)
        counties.append(
            CountyTownships(
                county_code=d.code,
                county_name=d.name,
                seat_lon_deg=d.lon,
                seat_lat_deg=d.lat,
                township_codes=tuple(t.code for t in ts),
                township_names=tuple(t.name for t in ts),
                township_lon_deg=np.array([t.lon for t in ts]),
                township_lat_deg=np.array([t.lat for t in ts]),
                population_persons=np.round(rng.lognormal(np.log(25_000), 0.5, len(ts))),
            )
        )
        if len(counties) == N_COUNTIES:
            break
    return counties


def build() -> CampaignInputs:
    """The benchmark instance."""
    counties = select_counties()
    calendar = CalendarParams(
        window=WINDOW, blackouts=BLACKOUTS, preferred_weekdays=frozenset({5, 6})
    )
    return build_campaign(counties, spread_depots(counties, N_CARAVANS), calendar)


def main() -> int:
    """Run both plans, check them and print the comparison."""
    started = time.perf_counter()
    inputs = build()
    problem = inputs.problem
    print(
        f"instance: {len({e.county_code for e in problem.events})} counties, "
        f"{len(problem.events)} events, {problem.n_venues} venues, {len(problem.caravans)} "
        f"caravans, {WINDOW.start}..{WINDOW.end}, built in {time.perf_counter() - started:.1f} s"
    )
    rows = []
    failed = False
    for name, plan in (
        ("ours (PyVRP)", plan_caravans),
        ("nearest neighbour", plan_nearest_neighbour),
    ):
        t0 = time.perf_counter()
        result = plan(problem)
        seconds = time.perf_counter() - t0
        violations = check_caravan_result(problem, result)
        failed |= bool(violations)
        for v in violations[:5]:
            print(f"  {name}: {v}")
        rows.append((name, result, seconds, len(violations)))
    print(
        f"{'plan':<20}{'persons':>12}{'car-days':>10}{'per day':>10}{'km':>10}"
        f"{'events':>8}{'unheld':>8}{'s':>8}{'viol.':>7}"
    )
    for name, r, s, nv in rows:
        print(
            f"{name:<20}{r.persons_reached:>12,.0f}{r.caravan_days:>10}"
            f"{r.persons_per_caravan_day:>10,.0f}{r.drive_km:>10,.0f}"
            f"{len(r.held_event_ids):>8}{len(r.unheld):>8}{s:>8.1f}{nv:>7}"
        )
    ours, base = rows[0][1], rows[1][1]
    ratio = ours.persons_per_caravan_day / max(base.persons_per_caravan_day, 1e-9)
    print(f"persons per caravan-day, ours / nearest neighbour: {ratio:.3f}")
    if ratio <= 1.0:
        print("MISSED: ours does not reach more persons per caravan-day")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
