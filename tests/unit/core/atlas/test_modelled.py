"""The modelled county indicators: hand-checkable allocations and invariants."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.atlas.indicators import INDICATORS, SOURCE_MODELLED, WINTER_CLASSES
from nevrural.core.atlas.modelled import (
    ASSUMED_URBAN_DISTRICT_BOOST,
    MODELLED_KEYS,
    CountyProfile,
    ModelledIndicatorsResult,
    model_county_indicators,
)
from nevrural.core.atlas.province_facts import (
    NATIONAL_CAR_STOCK_END_2024_VEHICLES,
    NATIONAL_NEV_STOCK_END_2024_VEHICLES,
    NATIONAL_PUBLIC_CHARGING_POINTS_END_2024,
    PROVINCE_CLIMATE,
    PROVINCE_FACTS,
)

__all__: list[str] = []

ZHEJIANG = "330000"
# Urban weights (seat 2 + subdistricts + 0.3 per town, x1.5 for a district):
# 18.0, 6.4, 3.5; rural weights (0.1 per subdistrict + towns + 0.5 per township):
# 1.0, 9.7, 10.0.
THREE_COUNTIES = (
    CountyProfile("330102", ZHEJIANG, 10, 0, 0, 30.25, 120.17, 26.0, True),
    CountyProfile("330122", ZHEJIANG, 2, 8, 3, 29.80, 119.69, 1829.0, False),
    CountyProfile("330127", ZHEJIANG, 0, 5, 10, 29.61, 119.04, 4452.0, False),
)


def profile(code: str, *, lat_deg: float = 30.0, is_urban_district: bool = False) -> CountyProfile:
    """A county with one subdistrict, four towns and two townships."""
    return CountyProfile(
        code, code[:2] + "0000", 1, 4, 2, lat_deg, 110.0, 1000.0, is_urban_district
    )


def check_invariants(result: ModelledIndicatorsResult, profiles: list[CountyProfile]) -> None:
    """Assert the invariants every modelled result must satisfy."""
    assert len(result.values) == len(profiles) * len(MODELLED_KEYS)
    assert all(value.source == SOURCE_MODELLED for value in result.values)
    for value in result.values:
        spec = INDICATORS[value.key]
        assert spec.min_value <= value.value <= spec.max_value, value
        assert value.value >= 0 or value.key == "january_mean_temp_c", value
        if spec.is_integer:
            assert value.value == int(value.value), value
    population_by_province: dict[str, float] = defaultdict(float)
    for county in profiles:
        row = result.for_county(county.code)
        assert set(row) == set(MODELLED_KEYS)
        assert row["nev_stock"] <= row["vehicle_stock"]
        assert row["car_owning_households"] <= row["households"] <= row["population"]
        assert row["rural_population"] <= row["population"]
        assert int(row["winter_temperature_class"]) in WINTER_CLASSES
        population_by_province[county.province_code] += row["population"]
    for code, total in population_by_province.items():
        assert total == PROVINCE_FACTS[code].population, code


def test_three_counties_sum_to_the_province_census_totals() -> None:
    """Population, urban and rural population and households sum to Zhejiang's census."""
    result = model_county_indicators(THREE_COUNTIES)
    rows = [result.for_county(county.code) for county in THREE_COUNTIES]
    facts = PROVINCE_FACTS[ZHEJIANG]
    assert sum(row["population"] for row in rows) == facts.population
    assert sum(row["rural_population"] for row in rows) == facts.rural_population
    assert sum(row["households"] for row in rows) == facts.family_households


def test_three_counties_urban_population_follows_the_weights() -> None:
    """Urban population is Zhejiang's urban total split 18 : 6.4 : 3.5, within a person."""
    result = model_county_indicators(THREE_COUNTIES)
    urban_total = PROVINCE_FACTS[ZHEJIANG].urban_population
    for county, weight in zip(THREE_COUNTIES, (18.0, 6.4, 3.5), strict=True):
        row = result.for_county(county.code)
        urban = row["population"] - row["rural_population"]
        assert urban == pytest.approx(urban_total * weight / 27.9, abs=1.0)


def test_three_counties_rural_population_follows_the_weights() -> None:
    """Rural population is Zhejiang's rural total split 1 : 9.7 : 10, within a person."""
    result = model_county_indicators(THREE_COUNTIES)
    rural_total = PROVINCE_FACTS[ZHEJIANG].rural_population
    for county, weight in zip(THREE_COUNTIES, (1.0, 9.7, 10.0), strict=True):
        rural = result.for_county(county.code)["rural_population"]
        assert rural == pytest.approx(rural_total * weight / 20.7, abs=1.0)


def test_three_counties_satisfy_the_invariants() -> None:
    """The hand-made province satisfies every invariant."""
    check_invariants(model_county_indicators(THREE_COUNTIES), list(THREE_COUNTIES))


def test_urban_district_gets_more_urban_population() -> None:
    """A district with the same towns as a county gets 1.5 times its urban population."""
    district = profile("370102", is_urban_district=True)
    county = profile("370123")
    result = model_county_indicators([district, county])
    urban = [
        result.for_county(code)["population"] - result.for_county(code)["rural_population"]
        for code in ("370102", "370123")
    ]
    assert urban[0] > urban[1]
    assert urban[0] / urban[1] == pytest.approx(ASSUMED_URBAN_DISTRICT_BOOST, rel=1e-6)


def test_county_at_the_anchor_latitude_gets_the_anchor_climate() -> None:
    """A county at the capital's latitude gets the anchor temperature and class."""
    anchor = PROVINCE_CLIMATE["350000"]
    result = model_county_indicators([profile("350102", lat_deg=anchor.anchor_lat_deg)])
    row = result.for_county("350102")
    assert row["january_mean_temp_c"] == anchor.january_mean_temp_c
    assert row["winter_temperature_class"] == anchor.winter_class


def test_further_south_is_warmer_and_changes_class() -> None:
    """Dalian's latitude (39.0°N) in Liaoning: -11.5 + 1.5 × 2.8 = -7.3 °C, class 2 (cold)."""
    result = model_county_indicators([profile("210201", lat_deg=39.0), profile("210102")])
    assert result.for_county("210201")["january_mean_temp_c"] == pytest.approx(-7.3)
    assert result.for_county("210201")["winter_temperature_class"] == 2
    # 30°N, far south of Shenyang, is warmer still.
    assert result.for_county("210102")["january_mean_temp_c"] > -7.3


def test_one_county_per_province_reproduces_the_national_totals() -> None:
    """With every province present, car, NEV and charger stock sum to the national figures."""
    profiles = [
        profile(code[:2] + "0101", lat_deg=PROVINCE_CLIMATE[code].anchor_lat_deg)
        for code in PROVINCE_FACTS
    ]
    result = model_county_indicators(profiles)
    totals: dict[str, float] = defaultdict(float)
    for value in result.values:
        totals[value.key] += value.value
    assert totals["vehicle_stock"] == pytest.approx(NATIONAL_CAR_STOCK_END_2024_VEHICLES, abs=31)
    assert totals["nev_stock"] == pytest.approx(NATIONAL_NEV_STOCK_END_2024_VEHICLES, abs=31)
    assert totals["public_charging_points"] == pytest.approx(
        NATIONAL_PUBLIC_CHARGING_POINTS_END_2024, abs=31
    )
    check_invariants(result, profiles)


def test_unknown_province_is_named_in_the_error() -> None:
    """A profile in Hong Kong (81) raises a ValueError naming 810000."""
    with pytest.raises(ValueError, match="810000"):
        model_county_indicators([profile("810001", lat_deg=22.3)])


def test_repeated_code_is_rejected() -> None:
    """The same county code twice raises a ValueError naming it."""
    with pytest.raises(ValueError, match="330102"):
        model_county_indicators([THREE_COUNTIES[0], THREE_COUNTIES[0]])


def test_empty_input_gives_empty_result() -> None:
    """No profiles give no values."""
    assert model_county_indicators([]).values == ()


def test_profile_rejects_wrong_province_code() -> None:
    """A province code that does not match the county code is rejected."""
    with pytest.raises(ValueError, match="'330000'"):
        CountyProfile("330102", "110000", 1, 0, 0, 30.0, 120.0, 10.0, True)


def test_profile_rejects_swapped_coordinates() -> None:
    """Latitude 120° (lon and lat swapped) is rejected."""
    with pytest.raises(ValueError, match="lat_deg"):
        CountyProfile("330102", ZHEJIANG, 1, 0, 0, 120.0, 30.0, 10.0, True)


def test_same_input_gives_the_same_result() -> None:
    """The model is deterministic."""
    assert model_county_indicators(THREE_COUNTIES) == model_county_indicators(THREE_COUNTIES)


def test_for_county_rejects_unknown_code() -> None:
    """Asking for a county not in the result raises a KeyError naming it."""
    with pytest.raises(KeyError, match="999999"):
        model_county_indicators(THREE_COUNTIES).for_county("999999")


def test_national_scale_keeps_the_invariants() -> None:
    """2,845 counties spread over all provinces keep every invariant."""
    provinces = sorted(PROVINCE_FACTS)
    profiles = [
        CountyProfile(
            f"{provinces[i % 31][:2]}{i // 31 + 1:04d}",
            provinces[i % 31],
            i % 7,
            i % 11,
            i % 5,
            20.0 + (i % 30),
            100.0 + (i % 20),
            500.0 + i,
            i % 3 == 0,
        )
        for i in range(2845)
    ]
    check_invariants(model_county_indicators(profiles), profiles)


county_rows = st.tuples(
    st.sampled_from(sorted(PROVINCE_FACTS)),
    st.integers(0, 60),
    st.integers(0, 60),
    st.integers(0, 60),
    st.floats(15.0, 55.0),
    st.floats(75.0, 135.0),
    st.booleans(),
)


@settings(deadline=None, max_examples=100)
@given(rows=st.lists(county_rows, min_size=1, max_size=40))
def test_random_profiles_satisfy_the_invariants(
    rows: list[tuple[str, int, int, int, float, float, bool]],
) -> None:
    """Random counties in random provinces satisfy every invariant, deterministically."""
    profiles = [
        CountyProfile(
            f"{province[:2]}{index + 1:04d}", province, sub, town, tship, lat, lon, 100.0, urban
        )
        for index, (province, sub, town, tship, lat, lon, urban) in enumerate(rows)
    ]
    result = model_county_indicators(profiles)
    check_invariants(result, profiles)
    assert model_county_indicators(profiles) == result
