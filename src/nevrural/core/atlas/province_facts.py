"""Province-level public figures that nevrural's modelled county indicators start from.

Three kinds of constant live here, and each says which kind it is:

- **Cited census figures** (:data:`PROVINCE_FACTS`): the 31 mainland province rows of
  the 7th national population census, census date 2020-11-01.
- **Cited national figures** (``NATIONAL_*``): car, NEV and public charging stock at
  the end of 2024, each with the document it comes from.
- **Modelling assumptions** (``ASSUMED_*`` and :data:`PROVINCE_CLIMATE`): defaults that
  nevrural chose, *not* citations. Users replace them by importing real tables.

Nothing here reads a file: the figures are embedded as literals.

>>> facts = PROVINCE_FACTS["110000"]
>>> facts.name_zh, facts.population
('北京市', 21893095)
>>> round(facts.car_ownership_rate, 3)
0.486
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nevrural.core.atlas.indicators import WINTER_CLASSES

__all__ = [
    "ASSUMED_SERVICE_POINTS_PER_10K_NEV",
    "CENSUS_2020_DATE",
    "CITATION_CENSUS_2020",
    "CITATION_EVCIPA_2024_12",
    "CITATION_MPS_2025_01_17",
    "NATIONAL_CAR_STOCK_END_2024_VEHICLES",
    "NATIONAL_NEV_STOCK_END_2024_VEHICLES",
    "NATIONAL_PUBLIC_CHARGING_POINTS_END_2024",
    "PROVINCE_CLIMATE",
    "PROVINCE_FACTS",
    "ProvinceClimate",
    "ProvinceFacts",
]

CENSUS_2020_DATE = date(2020, 11, 1)

CITATION_CENSUS_2020 = (
    "National Bureau of Statistics / Office of the Leading Group of the State Council for "
    "the Seventh National Population Census (NBS/OPCSC), China Population Census Yearbook "
    "2020 / Tabulation on the 2020 Population Census of the People's Republic of China by "
    "County, province rows; census date 2020-11-01; as compiled by Dong, Du & Liu (2022), "
    "'Mapping Evolving Population Geography in China', github.com/leiii/census (MIT)"
)
CITATION_MPS_2025_01_17 = (
    "Ministry of Public Security, Traffic Management Bureau, press release of 2025-01-17 "
    "on national motor vehicle and driver statistics for 2024"
)
CITATION_EVCIPA_2024_12 = (
    "China Electric Vehicle Charging Infrastructure Promotion Alliance (EVCIPA), monthly "
    "bulletin on charging infrastructure for 2024-12, published 2025-01"
)

# Cited: MPS press release 2025-01-17 — car stock (汽车保有量) 353 million and NEV stock
# (新能源汽车保有量) 31.40 million at the end of 2024.
NATIONAL_CAR_STOCK_END_2024_VEHICLES = 353_000_000
NATIONAL_NEV_STOCK_END_2024_VEHICLES = 31_400_000
# Cited: EVCIPA bulletin for 2024-12 — public charging points (公共充电桩) 3.579 million.
NATIONAL_PUBLIC_CHARGING_POINTS_END_2024 = 3_579_000
# ASSUMPTION, not a citation: NEV after-sales service points (repair and maintenance
# outlets able to service NEVs) per 10,000 NEVs in stock. No official national count was
# found; 15 is a planning default chosen by nevrural. Replace it with imported data.
ASSUMED_SERVICE_POINTS_PER_10K_NEV = 15.0


@dataclass(frozen=True, slots=True)
class ProvinceFacts:
    """One province's 7th-census figures (census date 2020-11-01).

    Attributes
    ----------
    code
        Six-digit province code (``PP0000``).
    name_zh
        Chinese name.
    population
        Resident population (人口数_合计), persons.
    urban_population
        Urban population (城镇人口), persons.
    rural_population
        Rural population (乡村人口), persons.
    family_households
        Family households (家庭户数, short form, full count), households.
    long_form_households
        Family households in the 10 % long-form sample (家庭户户数_长表), households.
    long_form_car_owning_households
        Long-form households that own a family car (拥有家用汽车), households.
    """

    code: str
    name_zh: str
    population: int
    urban_population: int
    rural_population: int
    family_households: int
    long_form_households: int
    long_form_car_owning_households: int

    def __post_init__(self) -> None:
        if len(self.code) != 6 or not self.code.isdigit() or not self.code.endswith("0000"):
            raise ValueError(f"province code must look like 'PP0000', got {self.code!r}")
        if not self.name_zh:
            raise ValueError(f"province {self.code}: name_zh is empty")
        if self.urban_population < 0 or self.rural_population < 0:
            raise ValueError(
                f"province {self.code}: urban {self.urban_population} and rural "
                f"{self.rural_population} persons must be >= 0"
            )
        if self.urban_population + self.rural_population != self.population:
            raise ValueError(
                f"province {self.code}: urban {self.urban_population} + rural "
                f"{self.rural_population} persons != population {self.population}"
            )
        if not 0 < self.family_households <= self.population:
            raise ValueError(
                f"province {self.code}: family households {self.family_households} must be "
                f"in (0, population {self.population}]"
            )
        if not 0 <= self.long_form_car_owning_households <= self.long_form_households:
            raise ValueError(
                f"province {self.code}: car-owning {self.long_form_car_owning_households} "
                f"must be in [0, long-form households {self.long_form_households}]"
            )
        if not 0 < self.long_form_households <= self.family_households:
            raise ValueError(
                f"province {self.code}: long-form households {self.long_form_households} "
                f"must be in (0, family households {self.family_households}]"
            )

    @property
    def car_ownership_rate(self) -> float:
        """Share of family households owning a car (long-form sample), fraction 0-1."""
        return self.long_form_car_owning_households / self.long_form_households

    @property
    def urban_share(self) -> float:
        """Urban population over population, fraction 0-1."""
        return self.urban_population / self.population


# Cited: CITATION_CENSUS_2020 (province rows, census date 2020-11-01). Columns:
# code, name, 人口数_合计, 城镇人口, 乡村人口, 家庭户数, 家庭户户数_长表, 拥有家用汽车.
# The 31 rows sum to the census mainland total of 1,409,778,724 persons (the census's
# 1,411,778,724 also counts 2 million active servicemen, not assigned to a province).
_CENSUS_ROWS: tuple[tuple[str, str, int, int, int, int, int, int], ...] = (
    ("110000", "北京市", 21_893_095, 19_166_433, 2_726_662, 8_230_792, 772_865, 375_491),
    ("120000", "天津市", 13_866_009, 11_744_440, 2_121_569, 4_867_116, 448_523, 221_644),
    ("130000", "河北省", 74_610_235, 44_816_486, 29_793_749, 25_429_609, 2_416_146, 1_199_624),
    ("140000", "山西省", 34_915_616, 21_831_494, 13_084_122, 12_746_142, 1_188_728, 496_938),
    ("150000", "内蒙古自治区", 24_049_155, 16_227_475, 7_821_680, 9_483_957, 868_558, 386_507),
    ("210000", "辽宁省", 42_591_407, 30_725_976, 11_865_431, 17_467_111, 1_628_448, 559_891),
    ("220000", "吉林省", 24_073_453, 15_079_014, 8_994_439, 9_426_822, 857_737, 293_470),
    ("230000", "黑龙江省", 31_850_088, 20_897_694, 10_952_394, 13_024_687, 1_172_755, 319_229),
    ("310000", "上海市", 24_870_895, 22_209_380, 2_661_515, 9_644_628, 901_732, 388_433),
    ("320000", "江苏省", 84_748_016, 62_242_383, 22_505_633, 29_910_849, 2_743_393, 1_401_037),
    ("330000", "浙江省", 64_567_588, 46_598_465, 17_969_123, 25_008_606, 2_279_907, 1_138_918),
    ("340000", "安徽省", 61_027_171, 35_595_103, 25_432_068, 21_910_377, 2_005_193, 802_874),
    ("350000", "福建省", 41_540_086, 28_557_247, 12_982_839, 14_371_078, 1_266_971, 496_161),
    ("360000", "江西省", 45_188_635, 27_310_611, 17_878_024, 14_072_847, 1_340_608, 563_263),
    ("370000", "山东省", 101_527_453, 64_014_254, 37_513_199, 35_184_241, 3_465_782, 1_753_310),
    ("410000", "河南省", 99_365_519, 55_078_554, 44_286_965, 31_782_693, 2_975_955, 1_329_155),
    ("420000", "湖北省", 57_752_557, 36_320_374, 21_432_183, 19_931_045, 1_894_974, 751_500),
    ("430000", "湖南省", 66_444_864, 39_046_176, 27_398_688, 22_878_336, 2_162_386, 786_314),
    ("440000", "广东省", 126_012_510, 93_436_072, 32_576_438, 42_469_178, 3_752_057, 1_457_735),
    (
        "450000",
        "广西壮族自治区",
        50_126_804,
        27_170_956,
        22_955_848,
        16_215_014,
        1_445_879,
        495_034,
    ),
    ("460000", "海南省", 10_081_232, 6_075_981, 4_005_251, 2_961_646, 264_959, 82_019),
    ("500000", "重庆市", 32_054_159, 22_264_028, 9_790_131, 12_040_234, 1_136_063, 419_514),
    ("510000", "四川省", 83_674_866, 47_465_912, 36_208_954, 30_756_120, 2_947_695, 1_123_863),
    ("520000", "贵州省", 38_562_148, 20_495_946, 18_066_202, 12_696_585, 1_145_420, 420_956),
    ("530000", "云南省", 47_209_277, 23_628_564, 23_580_713, 15_146_831, 1_413_050, 558_646),
    ("540000", "西藏自治区", 3_648_100, 1_303_443, 2_344_657, 1_014_090, 76_553, 32_410),
    ("610000", "陕西省", 39_528_999, 24_769_730, 14_759_269, 14_211_344, 1_275_990, 488_947),
    ("620000", "甘肃省", 25_019_831, 13_067_332, 11_952_499, 8_422_836, 764_771, 254_012),
    ("630000", "青海省", 5_923_957, 3_559_363, 2_364_594, 1_965_893, 174_934, 82_723),
    ("640000", "宁夏回族自治区", 7_202_654, 4_678_654, 2_524_000, 2_535_074, 233_945, 99_140),
    ("650000", "新疆维吾尔自治区", 25_852_345, 14_613_622, 11_238_723, 8_351_642, 769_328, 303_646),
)

PROVINCE_FACTS: dict[str, ProvinceFacts] = {row[0]: ProvinceFacts(*row) for row in _CENSUS_ROWS}


@dataclass(frozen=True, slots=True)
class ProvinceClimate:
    """A province's winter climate anchor: a modelled default, not a cited figure.

    Attributes
    ----------
    code
        Six-digit province code (``PP0000``).
    january_mean_temp_c
        Approximate January mean air temperature at the anchor (the provincial
        capital), °C, rounded to 0.5 °C.
    anchor_lat_deg
        Latitude of the anchor (the provincial capital), degrees north.
    winter_class
        GB 50176-2016 thermal climate zone of the anchor, 1 (severe cold) … 5 (hot
        summer, warm winter); see ``WINTER_CLASSES``.
    """

    code: str
    january_mean_temp_c: float
    anchor_lat_deg: float
    winter_class: int

    def __post_init__(self) -> None:
        if len(self.code) != 6 or not self.code.isdigit() or not self.code.endswith("0000"):
            raise ValueError(f"province code must look like 'PP0000', got {self.code!r}")
        if not -60.0 <= self.january_mean_temp_c <= 40.0:
            raise ValueError(
                f"province {self.code}: January mean {self.january_mean_temp_c} °C "
                "is outside [-60, 40] °C"
            )
        if not 0.0 <= self.anchor_lat_deg <= 60.0:
            raise ValueError(
                f"province {self.code}: anchor latitude {self.anchor_lat_deg}° is outside [0, 60]°"
            )
        if self.winter_class not in WINTER_CLASSES:
            raise ValueError(
                f"province {self.code}: winter class {self.winter_class} is not one of "
                f"{sorted(WINTER_CLASSES)}"
            )


# MODELLED APPROXIMATIONS, not citations: the January mean is a rounded (0.5 °C)
# approximation of the provincial capital's climate normal, and the class is the
# capital's GB 50176-2016 zone as nevrural reads the zoning map. They are defaults for
# the latitude model in ``modelled.py`` only; import real station normals to replace them.
# Columns: code, January mean °C, capital latitude °N, winter class.
_CLIMATE_ROWS: tuple[tuple[str, float, float, int], ...] = (
    ("110000", -3.0, 39.9, 2),  # Beijing
    ("120000", -3.5, 39.1, 2),  # Tianjin
    ("130000", -2.0, 38.0, 2),  # Shijiazhuang
    ("140000", -5.5, 37.9, 2),  # Taiyuan
    ("150000", -11.5, 40.8, 1),  # Hohhot
    ("210000", -11.5, 41.8, 1),  # Shenyang
    ("220000", -15.0, 43.9, 1),  # Changchun
    ("230000", -17.5, 45.8, 1),  # Harbin
    ("310000", 4.5, 31.2, 3),  # Shanghai
    ("320000", 2.5, 32.1, 3),  # Nanjing
    ("330000", 4.5, 30.3, 3),  # Hangzhou
    ("340000", 3.0, 31.9, 3),  # Hefei
    ("350000", 11.0, 26.1, 5),  # Fuzhou
    ("360000", 5.5, 28.7, 3),  # Nanchang
    ("370000", -0.5, 36.7, 2),  # Jinan
    ("410000", 0.5, 34.8, 2),  # Zhengzhou
    ("420000", 4.0, 30.6, 3),  # Wuhan
    ("430000", 5.0, 28.2, 3),  # Changsha
    ("440000", 13.5, 23.1, 5),  # Guangzhou
    ("450000", 13.0, 22.8, 5),  # Nanning
    ("460000", 18.0, 20.0, 5),  # Haikou
    ("500000", 8.0, 29.6, 3),  # Chongqing
    ("510000", 5.5, 30.7, 3),  # Chengdu
    ("520000", 5.0, 26.6, 4),  # Guiyang
    ("530000", 9.0, 25.0, 4),  # Kunming
    ("540000", -1.0, 29.7, 2),  # Lhasa
    ("610000", 0.5, 34.3, 2),  # Xi'an
    ("620000", -5.0, 36.1, 2),  # Lanzhou
    ("630000", -7.0, 36.6, 1),  # Xining
    ("640000", -7.5, 38.5, 2),  # Yinchuan
    ("650000", -12.5, 43.8, 1),  # Urumqi
)

PROVINCE_CLIMATE: dict[str, ProvinceClimate] = {
    row[0]: ProvinceClimate(*row) for row in _CLIMATE_ROWS
}
