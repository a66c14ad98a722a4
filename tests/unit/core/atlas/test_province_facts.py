"""The embedded province figures against the 7th-census county table in ``../shared``."""

from __future__ import annotations

import csv
from dataclasses import astuple, replace
from typing import TYPE_CHECKING

import pytest

from nevrural.core.atlas.indicators import WINTER_CLASSES
from nevrural.core.atlas.province_facts import (
    PROVINCE_CLIMATE,
    PROVINCE_FACTS,
    ProvinceClimate,
    ProvinceFacts,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

MAINLAND_POPULATION_2020 = 1_409_778_724
CENSUS_COLUMNS = (
    "人口数_合计",
    "城镇人口",
    "乡村人口",
    "家庭户数",
    "家庭户户数_长表",
    "拥有家用汽车",
)


def read_census_rows(path: Path) -> list[dict[str, str]]:
    """Rows of the census CSV as dicts by column name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_thirty_one_mainland_provinces() -> None:
    """There are facts and a climate anchor for exactly the 31 mainland provinces."""
    assert len(PROVINCE_FACTS) == 31
    assert set(PROVINCE_CLIMATE) == set(PROVINCE_FACTS)
    assert all(code == facts.code for code, facts in PROVINCE_FACTS.items())


@pytest.mark.shared_data
def test_facts_equal_census_province_rows(census_2020_csv: Path) -> None:
    """Every embedded figure equals the census CSV's province row exactly."""
    rows = read_census_rows(census_2020_csv)
    province_rows = {row["区划代码"]: row for row in rows if row["区划代码"].endswith("0000")}
    assert set(province_rows) == set(PROVINCE_FACTS)
    for code, facts in PROVINCE_FACTS.items():
        row = province_rows[code]
        expected = (code, row["省"], *(int(row[column]) for column in CENSUS_COLUMNS))
        assert astuple(facts) == expected, code


@pytest.mark.shared_data
def test_national_population_equals_census_mainland_total(census_2020_csv: Path) -> None:
    """The 31 provinces sum to the census mainland total, as the nation row says."""
    (nation,) = [row for row in read_census_rows(census_2020_csv) if row["省"] == "全国"]
    total = sum(facts.population for facts in PROVINCE_FACTS.values())
    assert total == MAINLAND_POPULATION_2020 == int(nation["人口数_合计"])


def test_national_population_total_without_shared_data() -> None:
    """The embedded populations sum to 1,409,778,724 persons."""
    assert sum(facts.population for facts in PROVINCE_FACTS.values()) == MAINLAND_POPULATION_2020


def test_car_ownership_rate_is_long_form_ratio() -> None:
    """Beijing's car-ownership rate is 375,491 / 772,865 long-form households."""
    assert PROVINCE_FACTS["110000"].car_ownership_rate == pytest.approx(375_491 / 772_865)


def test_urban_share_is_urban_over_population() -> None:
    """Shanghai's urban share is 22,209,380 / 24,870,895 persons."""
    assert PROVINCE_FACTS["310000"].urban_share == pytest.approx(22_209_380 / 24_870_895)


def test_facts_reject_urban_plus_rural_mismatch() -> None:
    """Urban plus rural population must equal the population."""
    facts = PROVINCE_FACTS["110000"]
    with pytest.raises(ValueError, match="!= population"):
        replace(facts, rural_population=facts.rural_population + 1)


def test_facts_reject_more_car_owners_than_households() -> None:
    """Car-owning long-form households cannot exceed long-form households."""
    with pytest.raises(ValueError, match="car-owning"):
        ProvinceFacts("990000", "测试省", 10, 5, 5, 4, 2, 3)


def test_climate_anchor_classes_are_known() -> None:
    """Every anchor's winter class is one of GB 50176's five classes."""
    assert {climate.winter_class for climate in PROVINCE_CLIMATE.values()} <= set(WINTER_CLASSES)


def test_climate_rejects_unknown_class() -> None:
    """A winter class outside 1-5 is rejected."""
    with pytest.raises(ValueError, match="winter class 6"):
        ProvinceClimate("990000", 0.0, 30.0, 6)
