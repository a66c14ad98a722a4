"""``/offers``: the buyer's offer calculator, and placing an order from a quote.

The form describes a purchase (a demo model, the county, the old car, the date, a
loan); the page turns it into the quote request of ``docs/offers.md`` and asks
``quote_offer`` (which stores the quote), then redirects to ``/offers?…&quote_id=N`` so
the result can be reloaded and shared without quoting again. A signed-in buyer gets an
order form under the result: the dealers serving their county with a unit of the model
free, and an ``Idempotency-Key`` made when the page was drawn, so a second press of the
button replays the first order instead of placing another.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nevrural.core.service.principal import Role
from nevrural.interfaces.web.pages_service_forms import (
    FORM_FIELD,
    REFUSALS,
    FormError,
    FormErrors,
    chain_of,
    container_of,
    error_of,
    fresh_key,
    id_field,
    redirect,
    refusal_status,
    values_of,
)
from nevrural.interfaces.web.session import BuyerDep, OptionalWebCallerDep
from nevrural.interfaces.web.templating import render
from nevrural.services.chain_catalogue import list_enterprises, list_models, list_stock
from nevrural.services.chain_orders import place_order
from nevrural.services.offer_quotes import OfferNotFoundError, get_offer_quote, quote_offer
from nevrural.services.targeting import latest_demo_shortlist

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nevrural.interfaces.web.session import WebCaller

__all__ = ["QUOTE_FIELDS", "quote_request_of", "router"]

router = APIRouter(include_in_schema=False)

# Energy use of the demo's generic models by class (battery kWh, kWh/100 km): modelled,
# typical of rural NEVs of the class; used when the buyer leaves the fields empty.
MODELLED_ENERGY = {
    "micro_van": ("41.9", "13.5"),
    "micro_truck": ("41.86", "16"),
    "light_truck": ("81", "22"),
    "small_car": ("31", "11"),
    "compact_suv": ("18.3", "14.5"),
}
# The service chain's class of a model, in the offer engine's vocabulary.
_OFFER_CLASS = {"compact_suv": "suv"}
_NEW_VEHICLE = ("model", "price_cny", "class", "powertrain", "in_tax_catalogue")
# Fields of the form, and the request paths (``docs/offers.md``) that land on each.
QUOTE_FIELDS: dict[str, str] = {
    "model_id": "model_id",
    **{f"new_vehicle.{name}": "model_id" for name in _NEW_VEHICLE},
    "county_code": "county_code",
    "county_other": "county_other",
    "residency": "residency",
    "has_used_subsidy_this_year": "has_used_subsidy_this_year",
    "disposal": "disposal",
    "fuel_type": "fuel_type",
    "registration_date": "registration_date",
    "emission_standard": "emission_standard",
    "months_owned": "months_owned",
    "purchase_date": "purchase_date",
    "has_loan": "has_loan",
    "down_payment_pct": "down_payment_pct",
    "term_months": "term_months",
    "apr_pct": "apr_pct",
    "km_per_year": "km_per_year",
    "battery_kwh": "battery_kwh",
    "consumption_kwh_per_100km": "consumption_kwh_per_100km",
    "electricity_cny_per_kwh": "electricity_cny_per_kwh",
    "petrol_cny_per_l": "petrol_cny_per_l",
}
_ORDER_FIELDS = ("dealer_id", "model_id", "quote_id")
# The fields folded away under "usage and energy" (opened when one of them is refused).
_USAGE_FIELDS = (
    "km_per_year",
    "battery_kwh",
    "consumption_kwh_per_100km",
    "electricity_cny_per_kwh",
    "petrol_cny_per_l",
)
_DEFAULTS = {
    "residency": "hukou",
    "disposal": "none",
    "fuel_type": "petrol",
    "emission_standard": "3",
    "down_payment_pct": "30",
    "term_months": "36",
    "apr_pct": "4.5",
    "km_per_year": "15000",
    "electricity_cny_per_kwh": "0.56",
    "petrol_cny_per_l": "7.60",
}


def _whole(text: str | None) -> int | str | None:
    """A whole number typed in a form, as a number; anything else as typed (refused by name)."""
    value = (text or "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() else value


def _text(values: Mapping[str, str], name: str) -> str | None:
    return (values.get(name) or "").strip() or None


def _old_vehicle(values: Mapping[str, str]) -> dict[str, Any] | None:
    disposal = values.get("disposal", "none")
    if disposal in ("", "none"):
        return None
    return {
        "fuel_type": _text(values, "fuel_type"),
        "registration_date": _text(values, "registration_date"),
        "emission_standard": _whole(values.get("emission_standard")),
        "months_owned": _whole(values.get("months_owned")),
        "disposal": disposal,
    }


def quote_request_of(
    values: Mapping[str, str], model: Mapping[str, Any], buyer_ref: str | None
) -> dict[str, Any]:
    """The quote request (``docs/offers.md``) of the form's ``values`` for ``model``.

    Only turns form text into the request's types; every check is the parser's, which
    names the request path of the first bad field (see ``QUOTE_FIELDS``).
    """
    battery, consumption = MODELLED_ENERGY.get(str(model["vehicle_class"]), ("0", "0"))
    buyer: dict[str, Any] = {
        "county_code": _text(values, "county_other") or _text(values, "county_code"),
        "residency": values.get("residency") or "hukou",
        "has_used_subsidy_this_year": values.get("has_used_subsidy_this_year") == "on",
    }
    if buyer_ref:
        buyer["ref"] = buyer_ref
    data: dict[str, Any] = {
        "buyer": buyer,
        "new_vehicle": {
            "model": model["name_zh"],
            "price_cny": model["price_cny"],
            "class": _OFFER_CLASS.get(model["vehicle_class"], model["vehicle_class"]),
            "powertrain": model["powertrain"],
            "battery_kwh": _text(values, "battery_kwh") or battery,
            "consumption_kwh_per_100km": _text(values, "consumption_kwh_per_100km") or consumption,
        },
        "purchase_date": _text(values, "purchase_date"),
        "usage": {"km_per_year": _whole(values.get("km_per_year"))},
        "energy_prices": {
            "electricity_cny_per_kwh": _text(values, "electricity_cny_per_kwh"),
            "petrol_cny_per_l": _text(values, "petrol_cny_per_l"),
        },
    }
    old = _old_vehicle(values)
    if old is not None:
        data["old_vehicle"] = old
    if values.get("has_loan") == "on":
        data["finance"] = {
            "down_payment_pct": _text(values, "down_payment_pct"),
            "term_months": _whole(values.get("term_months")),
            "apr_pct": _text(values, "apr_pct"),
        }
    return data


def _counties(request: Request, caller: WebCaller | None) -> list[dict[str, str]]:
    """The demo's shortlisted counties (code, name, province), the buyer's first."""
    shortlist = latest_demo_shortlist(container_of(request).uow)
    rows = shortlist.result["selected"] if shortlist is not None else []
    counties = [{"code": r["code"], "name": r["name"], "province": r["province"]} for r in rows]
    counties.sort(key=lambda c: (c["province"], c["code"]))
    own = caller.buyer_county_code if caller is not None else None
    if own:
        mine = [c for c in counties if c["code"] == own] or [{"code": own, "name": own}]
        counties = mine + [c for c in counties if c["code"] != own]
    return counties


def _defaults(caller: WebCaller | None, models: list[dict[str, Any]]) -> dict[str, str]:
    """The form's starting values: the first model, the buyer's county, today, no loan."""
    values = dict(_DEFAULTS)
    values["purchase_date"] = dt.date.today().isoformat()
    if models:
        values["model_id"] = str(models[0]["id"])
    if caller is not None and caller.buyer_county_code:
        values["county_code"] = caller.buyer_county_code
    return values


def _form_values(
    query: Mapping[str, str], caller: WebCaller | None, models: list[dict[str, Any]]
) -> dict[str, str]:
    """The form as drawn: the defaults, then what the query holds."""
    return _defaults(caller, models) | {k: v for k, v in query.items() if k in QUOTE_FIELDS}


def _dealers_for(
    request: Request, caller: WebCaller, model_id: int, county_code: str
) -> list[dict[str, Any]]:
    """Dealers serving the county with a unit of the model free (its own county first)."""
    ctx = chain_of(request)
    dealers = []
    for dealer in list_enterprises(ctx, "dealer", county_code):
        if county_code not in dealer["service_counties"]:
            continue
        stock = {s["model_id"]: s for s in list_stock(ctx, caller.principal, dealer["id"])}
        free = stock.get(model_id, {}).get("available_units", 0)
        if free > 0:
            dealers.append(dealer | {"available_units": free})
    dealers.sort(key=lambda d: (d["county_code"] != county_code, d["id"]))
    return dealers


def _maybe_id(text: str | None) -> int | None:
    """A record id from a query, None when absent or malformed (a link, not a form)."""
    try:
        return id_field(text, "id")
    except ValueError:
        return None


def _model_of(models: list[dict[str, Any]], model_id: str | None) -> dict[str, Any]:
    """The chosen model; ValueError names ``model_id`` when it is not in the catalogue."""
    wanted = id_field(model_id, "model_id")
    for model in models:
        if model["id"] == wanted:
            return model
    raise ValueError(f"model_id: choose one of the models, got {model_id!r}")


def _is_quote_of(quote: Mapping[str, Any], model: Mapping[str, Any]) -> bool:
    """Whether the stored quote priced ``model`` (so an order can cite it)."""
    vehicle = quote["request"].get("new_vehicle", {})
    return bool(
        vehicle.get("model") == model["name_zh"] and vehicle.get("price_cny") == model["price_cny"]
    )


def _order_form(
    request: Request,
    caller: WebCaller | None,
    quote: dict[str, Any] | None,
    model_id: str | None,
    models: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """The order form under a quote, for a signed-in buyer: dealers, ids, a fresh key."""
    if caller is None or caller.principal.role is not Role.BUYER or quote is None:
        return None
    chosen = _maybe_id(model_id)
    model = next((m for m in models if m["id"] == chosen), None)
    if model is None or not _is_quote_of(quote, model):
        return None
    county = caller.buyer_county_code or str(quote["county_code"])
    return {
        "model_id": model["id"],
        "quote_id": quote["quote_id"],
        "dealers": _dealers_for(request, caller, model["id"], county),
        "idempotency_key": fresh_key(),
        "county_code": county,
    }


def _page(
    request: Request,
    caller: WebCaller | None,
    query: Mapping[str, str],
    *,
    errors: FormErrors | None = None,
    order_values: Mapping[str, str] | None = None,
) -> HTMLResponse:
    ctx = chain_of(request)
    models = list_models(ctx)
    values = _form_values(query, caller, models)
    quote = None
    quote_id = _maybe_id(query.get("quote_id"))
    if quote_id is not None:
        try:
            quote = get_offer_quote(container_of(request).uow, quote_id)
        except OfferNotFoundError:
            quote = None
    errors = errors or {}
    counties = _counties(request, caller)
    chosen = [m for m in models if str(m["id"]) == values.get("model_id")]
    context = {
        "models": models,
        "chosen_model": chosen[0] if chosen else None,
        "counties": counties,
        "county_names": {c["code"]: c["name"] for c in counties},
        "values": values,
        "quote": quote,
        "order": _order_form(request, caller, quote, values.get("model_id"), models),
        "order_values": order_values or {},
        "errors": errors,
        "query": urlencode(
            {k: v for k, v in query.items() if k in QUOTE_FIELDS or k == "quote_id"}
        ),
        "shown_fields": sorted(set(QUOTE_FIELDS.values())),
        "usage_open": bool(set(errors.get("quote", {})) & set(_USAGE_FIELDS)),
    }
    return render(
        request, "offers.html", context, caller=caller, status_code=refusal_status(errors)
    )


@router.get("/offers", response_class=HTMLResponse)
def offers_page(request: Request, caller: OptionalWebCallerDep) -> HTMLResponse:
    """The calculator; with ``quote_id`` the stored quote under it (and an order form)."""
    return _page(request, caller, dict(request.query_params))


@router.post("/offers", response_class=HTMLResponse)
async def compute_quote(request: Request, caller: OptionalWebCallerDep) -> Response:
    """Quote the form (stored), then show it at ``/offers?…&quote_id=N``."""
    ctx = chain_of(request)
    models = list_models(ctx)
    # A field the browser did not send keeps its default (an emptied one stays empty).
    values = _defaults(caller, models) | values_of(await request.form())
    container = container_of(request)
    is_buyer = caller is not None and caller.principal.role is Role.BUYER
    buyer_ref = f"buyer-{caller.principal.buyer_id}" if caller is not None and is_buyer else None
    try:
        model = _model_of(models, values.get("model_id"))
        data = quote_request_of(values, model, buyer_ref)
        quote = quote_offer(container.uow, container.offers, data)
    except ValueError as refused:
        error = error_of(refused, "quote", QUOTE_FIELDS)
        if error.field == "county_code" and _text(values, "county_other"):
            error = FormError(error.form, "county_other", error.kind, error.detail)
        return _page(request, caller, values, errors={"quote": {error.field: error}})
    kept = {k: v for k, v in values.items() if k in QUOTE_FIELDS and v}
    return redirect(f"/offers?{urlencode(kept | {'quote_id': quote['quote_id']})}#quote")


@router.post("/offers/order", response_class=HTMLResponse)
async def order_from_quote(request: Request, caller: BuyerDep) -> Response:
    """Place the order (``place_order``, idempotent by the form's key), then ``/my/orders``."""
    form = values_of(await request.form())
    query = dict(parse_qsl(form.get("back", "")))
    try:
        body: dict[str, Any] = {}
        for name in _ORDER_FIELDS:
            value = id_field(form.get(name), name)
            if value is None:
                raise ValueError(f"{name}: required")
            body[name] = value
        placed = place_order(
            chain_of(request),
            caller.principal,
            form.get("idempotency_key", ""),
            body,
            buyer_county_code=caller.buyer_county_code,
        )
    except REFUSALS as refused:
        error = error_of(refused, "order", _ORDER_FIELDS, default_field=FORM_FIELD)
        if error.kind == "conflict" and error.field == FORM_FIELD:
            error = FormError(error.form, "dealer_id", error.kind, error.detail)
        return _page(
            request, caller, query, errors={"order": {error.field: error}}, order_values=form
        )
    return redirect(
        f"/my/orders?done=placed&order_id={placed.body['id']}#order-{placed.body['id']}"
    )
