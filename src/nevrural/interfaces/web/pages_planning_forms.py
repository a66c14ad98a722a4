"""The targeting form: its fields, reading what was typed, refusals beside their field.

The form asks for what ``POST /api/v1/targeting/scenarios`` accepts, in the units an
organiser thinks in: the budget in 10,000 CNY (万元) and the penetration threshold in
percent. The API's own schema (``TargetingScenarioCreate``) checks the values, so the
page and the API accept the same runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from nevrural.interfaces.api.schemas import LinkageScenarioCreate, TargetingScenarioCreate
from nevrural.services.linkage import LinkageRequest
from nevrural.services.targeting import COUNTY_TYPES, TargetingRequest

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "COUNTY_TYPE_NAMES",
    "FORM_FIELD",
    "LINKAGE_FIELDS",
    "LINKAGE_METHODS",
    "NUMBER_FIELDS",
    "LinkageForm",
    "TargetingForm",
    "form_values_of",
    "linkage_values_of",
    "read_linkage_form",
    "read_targeting_form",
]

FORM_FIELD = "_form"  # a refusal about the whole form
COUNTY_TYPE_NAMES = tuple(COUNTY_TYPES.values())
_WAN_CNY = Decimal(10_000)  # 万元 → CNY
_PERCENT = 100.0


@dataclass(frozen=True, slots=True)
class NumberField:
    """A number input: its form name, the API field it fills, and its HTML limits."""

    name: str
    api_name: str
    is_integer: bool
    minimum: float | None = None
    maximum: float | None = None
    step: str = "1"
    is_required: bool = False


NUMBER_FIELDS = (
    NumberField("n_counties", "n_counties", True, 1, 3000, is_required=True),
    NumberField("per_province_min", "per_province_min", True, 0, 100),
    NumberField("per_province_max", "per_province_max", True, 1, 3000),
    NumberField("min_spacing_km", "min_spacing_km", False, 0, 1000, "any"),
    NumberField("budget_wan_cny", "budget_cny", False, 0, 1e10, "any"),
    NumberField("horizon_years", "horizon_years", False, 1, 5, "0.5"),
    NumberField("penetration_pct", "penetration_threshold", False, 0.1, 100, "0.1"),
    NumberField("time_limit_s", "time_limit_s", False, 1, 120, "any"),
)
_SCALED = frozenset({"budget_wan_cny", "penetration_pct"})  # limits in other units
LINKAGE_FIELDS = (
    NumberField("k", "k", True, 1, 500, is_required=True),
    NumberField("w_distinct", "w_distinct", False, 0, 100, "any"),
    NumberField("w_themes", "w_themes", False, 0, 100, "any"),
    NumberField("w_regions", "w_regions", False, 0, 100, "any"),
    NumberField("w_spread", "w_spread", False, 0, 100, "any"),
    NumberField("time_limit_s", "time_limit_s", False, 1, 300, "any"),
)
LINKAGE_METHODS = ("auto", "exact", "greedy")


@dataclass(frozen=True, slots=True)
class LinkageForm:
    """What was typed, and the linkage request (on the demo candidates) when valid."""

    values: dict[str, str]
    request: LinkageRequest | None = None
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TargetingForm:
    """What was typed (text per field), and the request when it is valid.

    ``errors`` maps a form field (or ``FORM_FIELD``) to ``(message key, values)``.
    """

    values: dict[str, str]
    request: TargetingRequest | None = None
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def _text(value: Any) -> str:
    """A stored number as the form shows it (no trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_values_of(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The form filled with a stored scenario's parameters (or the defaults)."""
    p = params or {}
    budget = p.get("budget_cny")
    threshold = p.get("penetration_threshold")
    values = {
        "name": "",
        "n_counties": _text(p.get("n_counties", 100)),
        "per_province_min": _text(p.get("per_province_min", 0)),
        "per_province_max": _text(p.get("per_province_max")),
        "min_spacing_km": _text(p.get("min_spacing_km", 0.0)),
        "budget_wan_cny": "" if budget is None else _text(Decimal(str(budget)) / _WAN_CNY),
        "horizon_years": _text(p.get("horizon_years", 3.0)),
        "penetration_pct": ""
        if threshold is None
        else _text(round(float(threshold) * _PERCENT, 2)),
        "time_limit_s": _text(p.get("time_limit_s", 10.0)),
    }
    for bound in ("type_min", "type_max"):
        for kind in COUNTY_TYPE_NAMES:
            values[f"{bound}.{kind}"] = _text((p.get(bound) or {}).get(kind))
    return values


def _number(spec: NumberField, text: str) -> int | float | Decimal:
    if spec.is_integer:
        return int(text)
    if spec.name == "budget_wan_cny":
        return (Decimal(text) * _WAN_CNY).quantize(Decimal("0.01"))
    number = float(text)
    if number != number or number in {float("inf"), float("-inf")}:
        raise ValueError(text)
    return number / _PERCENT if spec.name == "penetration_pct" else number


def _read_numbers(
    typed: Mapping[str, str],
    specs: tuple[NumberField, ...],
    errors: dict[str, tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    """The numbers of ``specs`` that were typed, by API name; unreadable ones as refusals."""
    fields: dict[str, Any] = {}
    for spec in specs:
        text = typed.get(spec.name, "").strip().replace(",", "")
        if not text:
            if spec.is_required:
                errors[spec.name] = ("planning.form.error.required", {})
            continue
        try:
            fields[spec.api_name] = _number(spec, text)
        except (ValueError, InvalidOperation):
            key = "planning.form.error.integer" if spec.is_integer else "planning.form.error.number"
            errors[spec.name] = (key, {})
    return fields


def _read_quotas(
    typed: Mapping[str, str], errors: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """``type_min`` and ``type_max``: counties per county type (empty = no rule)."""
    fields: dict[str, Any] = {}
    for bound in ("type_min", "type_max"):
        quota: dict[str, int] = {}
        for kind in COUNTY_TYPE_NAMES:
            name = f"{bound}.{kind}"
            text = typed.get(name, "").strip()
            if not text:
                continue
            try:
                quota[kind] = int(text)
            except ValueError:
                errors[name] = ("planning.form.error.integer", {})
                continue
            if quota[kind] < 0:
                errors[name] = ("planning.form.error.min", {"limit": 0})
        if quota:
            fields[bound] = quota
    return fields


def _schema_errors(
    error: ValidationError,
    errors: dict[str, tuple[str, dict[str, Any]]],
    specs: tuple[NumberField, ...],
) -> None:
    """The schema's refusals beside their form field (limits shown in the form's units)."""
    by_api = {f.api_name: f.name for f in specs}
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        api_name = loc[0] if loc else ""
        name = by_api.get(api_name, FORM_FIELD)
        if api_name in {"type_min", "type_max"} and len(loc) > 1:
            name = f"{api_name}.{loc[1]}"
        ctx = item.get("ctx") or {}
        is_scaled = name in _SCALED
        if not is_scaled and "ge" in ctx:
            errors.setdefault(name, ("planning.form.error.min", {"limit": ctx["ge"]}))
        elif not is_scaled and "le" in ctx:
            errors.setdefault(name, ("planning.form.error.max", {"limit": ctx["le"]}))
        else:
            errors.setdefault(name, ("planning.form.error.range", {}))


def read_targeting_form(typed: Mapping[str, str]) -> TargetingForm:
    """Read the posted form; the request when every field is valid, else the refusals."""
    values = {k: str(v)[:200] for k, v in typed.items()}
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    fields = _read_numbers(values, NUMBER_FIELDS, errors) | _read_quotas(values, errors)
    name = values.get("name", "").strip()
    if name:
        fields["name"] = name
    try:
        body = TargetingScenarioCreate.model_validate(fields)
    except ValidationError as error:
        _schema_errors(error, errors, NUMBER_FIELDS)  # beside the unreadable numbers' ones
        return TargetingForm(values, None, errors)
    if errors:
        return TargetingForm(values, None, errors)
    params = body.model_dump(exclude_none=True)
    if body.per_province_max is not None and body.per_province_max < body.per_province_min:
        errors["per_province_max"] = (
            "planning.form.error.min",
            {"limit": body.per_province_min},
        )
        return TargetingForm(values, None, errors)
    try:
        request = TargetingRequest(**params)
    except ValueError as error:
        errors[FORM_FIELD] = ("planning.form.error.detail", {"detail": str(error)})
        return TargetingForm(values, None, errors)
    return TargetingForm(values, request)


def linkage_values_of(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The linkage form filled with a stored scenario's parameters (or the defaults)."""
    p = params or {}
    values = {"name": "", "method": str(p.get("method", "auto"))}
    defaults = {"k": 12, "time_limit_s": 60.0} | dict.fromkeys(
        ("w_distinct", "w_themes", "w_regions", "w_spread"), 1.0
    )
    for spec in LINKAGE_FIELDS:
        values[spec.name] = _text(p.get(spec.api_name, defaults[spec.api_name]))
    return values


def read_linkage_form(typed: Mapping[str, str]) -> LinkageForm:
    """Read the posted linkage form (the demo's example candidates are used)."""
    values = {k: str(v)[:200] for k, v in typed.items()}
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    fields = _read_numbers(values, LINKAGE_FIELDS, errors)
    method = values.get("method", "auto")
    if method not in LINKAGE_METHODS:
        errors["method"] = ("planning.form.error.range", {})
    fields["method"] = method if method in LINKAGE_METHODS else "auto"
    name = values.get("name", "").strip()
    if name:
        fields["name"] = name
    try:
        body = LinkageScenarioCreate.model_validate(fields | {"use_demo_candidates": True})
    except ValidationError as error:
        _schema_errors(error, errors, LINKAGE_FIELDS)
        return LinkageForm(values, None, errors)
    if errors:
        return LinkageForm(values, None, errors)
    request = LinkageRequest(
        k=body.k,
        w_distinct=body.w_distinct,
        w_themes=body.w_themes,
        w_regions=body.w_regions,
        w_spread=body.w_spread,
        method=body.method,
        time_limit_s=body.time_limit_s,
        name=body.name,
    )
    return LinkageForm(values, request)
