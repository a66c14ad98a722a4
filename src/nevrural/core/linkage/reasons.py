"""Plain reasons, in Chinese and English, for each city of a chosen linkage set.

A reason says what the city brings that the other chosen cities do not: the themes
only it covers, whether it is the only city from its region, the feature in which it
differs most from the others (in standard deviations of the candidate pool), how its
feature dissimilarity compares with the chosen cities' average, and how far it is from
the nearest other chosen city. Theme and feature keys are shown with the built-in labels
below when known, otherwise as given.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.geo import haversine_km
from nevrural.core.linkage.problem import (
    CityReason,
    LinkageMethod,
    LinkageProblem,
    LinkageResult,
)
from nevrural.core.linkage.regions import region_label

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.linkage.objective import IntArray, LinkageObjective

__all__ = ["FEATURE_LABELS", "THEME_LABELS", "assemble_result", "explain_selection", "theme_label"]

# Theme key -> (Chinese, English). Keys of the MOFCOM-style recommendation forms.
THEME_LABELS: dict[str, tuple[str, str]] = {
    "automaker_base": ("整车生产基地", "automaker base"),
    "battery": ("动力电池产业", "battery industry"),
    "border_trade": ("边境贸易", "border trade"),
    "charging": ("充电基础设施", "charging infrastructure"),
    "ecommerce": ("电子商务", "e-commerce"),
    "energy": ("能源基地", "energy base"),
    "new_energy": ("新能源", "new energy"),
    "ethnic_culture": ("民族文化", "ethnic culture"),
    "farming": ("农业", "farming"),
    "fishery": ("渔业", "fishery"),
    "forestry": ("林业", "forestry"),
    "ice_snow": ("冰雪经济", "ice and snow economy"),
    "logistics_hub": ("物流枢纽", "logistics hub"),
    "manufacturing": ("制造业", "manufacturing"),
    "mining": ("矿业", "mining"),
    "port": ("港口", "port"),
    "revolutionary_base": ("革命老区", "old revolutionary base area"),
    "tourism": ("文化旅游", "cultural tourism"),
}

# Feature key -> (Chinese, English).
FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "population": ("人口", "population"),
    "rural_population": ("乡村人口", "rural population"),
    "rural_share": ("乡村人口占比", "rural population share"),
    "nev_share": ("新能源汽车占比", "NEV share"),
    "gdp": ("地区生产总值", "GDP"),
    "gdp_per_capita": ("人均地区生产总值", "GDP per capita"),
    "income_per_capita": ("人均可支配收入", "disposable income per capita"),
    "car_ownership": ("汽车保有量", "car ownership"),
    "charging_points": ("充电桩数量", "charging points"),
    "charging_points_per_1000_cars": ("每千辆汽车公共充电桩", "public chargers per 1,000 cars"),
    "car_owning_share": ("有车家庭占比", "car-owning household share"),
    "winter_temperature": ("冬季气温", "winter temperature"),
}


def theme_label(theme: str) -> tuple[str, str]:
    """Chinese and English label of a theme key; the key itself for both when unknown.

    >>> theme_label("border_trade"), theme_label("茶叶")
    (('边境贸易', 'border trade'), ('茶叶', '茶叶'))
    """
    return THEME_LABELS.get(theme, (theme, theme))


def _feature_label(feature: str) -> tuple[str, str]:
    """Chinese and English label of a feature key; the key itself when unknown."""
    return FEATURE_LABELS.get(feature, (feature, feature))


def _top_feature(
    problem: LinkageProblem, objective: LinkageObjective, chosen: IntArray, member: int
) -> tuple[str | None, float | None, float | None]:
    """Most unusual feature vs the others (name, signed SD gap), dissimilarity ratio."""
    z = objective.z[chosen]
    if chosen.shape[0] < 2 or z.shape[1] == 0:
        return None, None, None
    others = np.delete(z, member, axis=0)
    gaps = z[member] - others.mean(axis=0)
    best = int(np.argmax(np.abs(gaps)))
    name = problem.feature_names[objective.used_features[best]]
    own = float(np.sum((z - z[member]) ** 2))
    average = float(np.sum((z[:, None, :] - z[None, :, :]) ** 2)) / chosen.shape[0]
    ratio = own / average if average > 0.0 else None
    return name, float(gaps[best]), ratio


def _nearest(problem: LinkageProblem, chosen: IntArray, member: int) -> tuple[float, int] | None:
    """Great-circle distance, km, and index of the nearest other chosen city."""
    if chosen.shape[0] < 2:
        return None
    others = np.delete(chosen, member)
    lon, lat = np.asarray(problem.lon_deg), np.asarray(problem.lat_deg)
    here = chosen[member]
    distance_km = np.asarray(haversine_km(lon[here], lat[here], lon[others], lat[others]))
    closest = int(np.argmin(distance_km))
    return float(distance_km[closest]), int(others[closest])


def _sentences(
    problem: LinkageProblem, reason: CityReason, nearest_index: int | None
) -> tuple[str, str]:
    """The Chinese and English reason text of one city."""
    zh: list[str] = []
    en: list[str] = []
    if reason.unique_themes:
        labels = [theme_label(theme) for theme in reason.unique_themes]
        zh.append("唯一覆盖主题：" + "、".join(label[0] for label in labels))
        en.append("only city covering: " + ", ".join(label[1] for label in labels))
    region_zh, region_en = region_label(reason.region)
    if reason.is_unique_region:
        zh.append(f"唯一来自{region_zh}")
        en.append(f"only city from {region_en}")
    if not zh:
        zh.append(f"主题与区域（{region_zh}）均有其他入选城市覆盖")
        en.append(f"its themes and region ({region_en}) are shared with other chosen cities")
    if reason.top_feature is not None and reason.top_feature_sd is not None:
        label_zh, label_en = _feature_label(reason.top_feature)
        size = abs(reason.top_feature_sd)
        side_zh, side_en = ("高于", "above") if reason.top_feature_sd >= 0 else ("低于", "below")
        zh.append(f"最突出特征：{label_zh}（{side_zh}其他入选城市均值 {size:.1f} 个标准差）")
        en.append(
            f"most distinctive feature: {label_en} ({size:.1f} SD {side_en} the others' mean)"
        )
    if reason.dissimilarity_ratio is not None:
        ratio = reason.dissimilarity_ratio
        zh.append(f"特征差异度为入选城市平均的 {ratio:.2f} 倍")
        en.append(f"feature dissimilarity {ratio:.2f}x the chosen cities' average")
    if reason.nearest_km is not None and nearest_index is not None:
        other = problem.names[nearest_index]
        zh.append(f"距最近的入选城市（{other}）{reason.nearest_km:,.0f} km")
        en.append(f"{reason.nearest_km:,.0f} km from the nearest chosen city ({other})")
    text_en = "; ".join(en)
    return "；".join(zh), text_en[:1].upper() + text_en[1:]


def explain_selection(
    problem: LinkageProblem, objective: LinkageObjective, selected: Sequence[int]
) -> tuple[CityReason, ...]:
    """One reason per chosen city (in the order given), O(K^2 (d + T)).

    Examples
    --------
    >>> from nevrural.core.linkage.objective import build_objective
    >>> problem = LinkageProblem(
    ...     codes=("620100", "650100", "440100"), names=("兰州市", "乌鲁木齐市", "广州市"),
    ...     province_codes=("620000", "650000", "440000"),
    ...     lon_deg=(103.8, 87.6, 113.3), lat_deg=(36.1, 43.8, 23.1),
    ...     themes=(frozenset({"logistics_hub"}), frozenset({"border_trade"}), frozenset()),
    ...     k=2,
    ... )
    >>> reasons = explain_selection(problem, build_objective(problem), [1, 2])
    >>> reasons[0].reason_zh
    '唯一覆盖主题：边境贸易；唯一来自西北地区；距最近的入选城市（广州市）3,288 km'
    >>> reasons[1].reason_en
    'Only city from South China; 3,288 km from the nearest chosen city (乌鲁木齐市)'
    """
    chosen = np.asarray(selected, dtype=np.int64)
    regions = problem.regions
    reasons: list[CityReason] = []
    for member, index in enumerate(chosen.tolist()):
        others = [int(other) for other in chosen if other != index]
        shared = set().union(*(problem.themes[other] for other in others))
        unique_themes = tuple(sorted(problem.themes[index] - shared))
        is_unique_region = all(regions[other] != regions[index] for other in others)
        feature, feature_sd, ratio = _top_feature(problem, objective, chosen, member)
        nearest = _nearest(problem, chosen, member)
        draft = CityReason(
            code=problem.codes[index],
            name=problem.names[index],
            region=regions[index],
            unique_themes=unique_themes,
            is_unique_region=is_unique_region,
            top_feature=feature,
            top_feature_sd=feature_sd,
            dissimilarity_ratio=ratio,
            nearest_km=None if nearest is None else nearest[0],
            reason_zh="-",
            reason_en="-",
        )
        zh, en = _sentences(problem, draft, None if nearest is None else nearest[1])
        reasons.append(replace(draft, reason_zh=zh, reason_en=en))
    return tuple(reasons)


def assemble_result(
    problem: LinkageProblem,
    objective: LinkageObjective,
    selected: Sequence[int],
    *,
    method: LinkageMethod,
    seconds: float,
    iterations: int,
    bound: float | None = None,
    is_optimal: bool = False,
) -> LinkageResult:
    """The result of a chosen set: true objective and terms, coverage, gap and reasons."""
    chosen = sorted(int(index) for index in selected)
    terms = objective.terms(chosen)
    value = objective.weigh(terms)
    themes, regions = objective.covered(chosen)
    gap = None if bound is None else max(0.0, bound - value) / max(abs(value), 1e-9)
    return LinkageResult(
        selected=tuple(chosen),
        codes=tuple(problem.codes[index] for index in chosen),
        objective=value,
        terms=terms,
        covered_themes=themes,
        covered_regions=regions,
        bound=None if bound is None else max(float(bound), value),
        gap=gap,
        is_optimal=is_optimal,
        seconds=float(seconds),
        method=method,
        iterations=iterations,
        reasons=explain_selection(problem, objective, chosen),
    )
