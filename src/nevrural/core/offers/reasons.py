"""Why a rule did not apply (or was reduced), in plain Chinese and English.

Each reason has a stable ``code`` (for programs and tests) and two sentences written
for a buyer at a county car fair, with the numbers that decided it.
"""

from __future__ import annotations

__all__ = ["LABELS", "AnyOf", "Reason", "label", "reason"]

# Display names of the vocabulary: (zh, en).
LABELS: dict[str, tuple[str, str]] = {
    "bev": ("纯电动", "battery-electric"),
    "phev": ("插电式混合动力", "plug-in hybrid"),
    "erev": ("增程式", "range-extended"),
    "petrol": ("汽油", "petrol"),
    "diesel": ("柴油", "diesel"),
    "gas": ("燃气", "gas"),
    "nev": ("新能源", "new-energy"),
    "micro_van": ("微型客车", "micro van"),
    "micro_truck": ("微型货车", "micro truck"),
    "light_truck": ("轻型货车", "light truck"),
    "small_car": ("小型轿车", "small car"),
    "compact_car": ("紧凑型轿车", "compact car"),
    "suv": ("SUV", "SUV"),
    "mpv": ("MPV", "MPV"),
    "scrap": ("报废", "scrap"),
    "sell": ("出售", "sell"),
    "hukou": ("本地户籍", "local household registration"),
    "residence_permit": ("本地居住证", "a local residence permit"),
    "none": ("非本地居民", "no local residence"),
}

_TEMPLATES: dict[str, tuple[str, str]] = {
    "not_in_force": (
        "该政策有效期为{start}至{end}，购车日期{on}不在其内",
        "in force from {start} to {end}; your purchase date {on} is outside it",
    ),
    "powertrain": (
        "仅适用于{need}车型，所选车型为{have}",
        "only for {need} models; yours is {have}",
    ),
    "vehicle_class": (
        "仅适用于{need}，所选车型为{have}",
        "only for {need}; yours is a {have}",
    ),
    "passenger_only": (
        "仅适用于乘用车，所选车型为{have}",
        "only for passenger cars; yours is a {have}",
    ),
    "price_below": (
        "车价须不低于{limit}元，所选车型为{price}元",
        "the price must be at least {limit} CNY; yours is {price} CNY",
    ),
    "price_above": (
        "车价须不高于{limit}元，所选车型为{price}元",
        "the price must be at most {limit} CNY; yours is {price} CNY",
    ),
    "displacement": ("排量须不超过{limit}升", "the engine must be at most {limit} L"),
    "tax_catalogue": (
        "车型须列入《减免车辆购置税的新能源汽车车型目录》",
        "the model must be listed in the catalogue of NEVs relieved of purchase tax",
    ),
    "residency": ("须为{need}，您为{have}", "you need {need}; you have {have}"),
    "yearly_limit": (
        "每人每年限享受{limit}次，您今年已享受过",
        "limited to {limit} per person per year; you have already used one this year",
    ),
    "no_old_vehicle": ("须{need}一辆旧车", "you must {need} an old car"),
    "disposal": (
        "须{need}旧车，您选择{have}",
        "you must {need} your old car; you chose to {have} it",
    ),
    "old_fuel": (
        "旧车须为{need}车，您的旧车为{have}车",
        "the old car must run on {need}; yours runs on {have}",
    ),
    "old_registered": (
        "您的{fuel}旧车于{on}注册登记，晚于{limit}",
        "your old {fuel} car was registered on {on}, after {limit}",
    ),
    "old_fuel_not_listed": ("{fuel}旧车不在适用范围内", "old {fuel} cars are not covered"),
    "old_emission": (
        "旧车排放标准须为国{limit}及以下，您的旧车为国{have}",
        "the old car must meet China {limit} or older; yours is China {have}",
    ),
    "months_owned": (
        "旧车须在您名下满{limit}个月，目前{have}个月",
        "the old car must have been yours for {limit} months; it has been {have}",
    ),
    "owned_since": (
        "旧车须在{limit}前登记在您名下（按持有{have}个月推算为{since}）",
        "the old car must have been in your name by {limit};"
        " {have} months of ownership means since {since}",
    ),
    "old_passenger_only": ("旧车须为乘用车", "the old car must be a passenger car"),
    "needs_finance": ("仅适用于贷款购车", "only for buyers who take a car loan"),
    "min_term": (
        "贷款期限须不少于{limit}个月，您为{have}个月",
        "the loan must run at least {limit} months; yours runs {have}",
    ),
    "prerequisite": (
        "须同时享受「{title}」，该项未适用",
        "only together with “{title}”, which does not apply",
    ),
    "exclusive": (
        "与「{title}」不可同时享受，已为您选择金额更高的一项",
        "cannot be combined with “{title}”, which gives you more",
    ),
    "worth_nothing": ("按您的情况金额为0元", "worth nothing in your case"),
    "capped": (
        "受「{title}」上限{limit}元约束，由{before}元减至{after}元",
        "capped by “{title}” at {limit} CNY: {before} CNY reduced to {after} CNY",
    ),
    "price_floor": (
        "优惠合计不超过车价，由{before}元减至{after}元",
        "offers never exceed the price: {before} CNY reduced to {after} CNY",
    ),
}


class AnyOf(frozenset[str]):
    """Alternatives joined with "or" (或) instead of a list separator."""


class Reason:
    """A stable code and its parameters; the sentences are rendered when read.

    Parameters hold raw values: vocabulary words (rendered by `LABELS`), sets of words
    (a list, or `AnyOf` alternatives), titles as ``(zh, en)`` pairs, numbers and
    dates. Rendering only when a sentence is read keeps quoting fast.
    """

    __slots__ = ("code", "params")

    def __init__(self, code: str, params: dict[str, object]) -> None:
        self.code = code
        self.params = params

    @property
    def zh(self) -> str:
        """The sentence in Chinese."""
        return _render(self.code, self.params, 0)

    @property
    def en(self) -> str:
        """The sentence in English."""
        return _render(self.code, self.params, 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and self.code == other.code and self.params == other.params

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.en!r})"


def label(value: str) -> tuple[str, str]:
    """The (zh, en) display name of a vocabulary word (the word itself if unknown)."""
    return LABELS.get(value, (value, value))


def _text(value: object, lang: int) -> str:
    if isinstance(value, AnyOf):
        return ("或", " or ")[lang].join(label(v)[lang] for v in sorted(value))
    if isinstance(value, frozenset):
        return ("、", ", ")[lang].join(label(v)[lang] for v in sorted(value))
    if isinstance(value, tuple):
        return str(value[lang])
    if isinstance(value, str):
        return label(value)[lang]
    return str(value)


def _render(code: str, params: dict[str, object], lang: int) -> str:
    return _TEMPLATES[code][lang].format(**{k: _text(v, lang) for k, v in params.items()})


def reason(code: str, **params: object) -> Reason:
    """The reason `code` with its parameters (rendered when read).

    >>> reason("old_registered", fuel="petrol", on="2013-05-01", limit="2012-06-30").en
    'your old petrol car was registered on 2013-05-01, after 2012-06-30'
    >>> reason("residency", need=AnyOf({"hukou", "residence_permit"}), have="none").zh
    '须为本地户籍或本地居住证，您为非本地居民'
    """
    if code not in _TEMPLATES:
        raise KeyError(f"unknown reason code {code!r}")
    return Reason(code, params)
