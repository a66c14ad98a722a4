"""Use cases of the catalogue: enterprises, vehicle models, dealer stock, the audit log.

Business facts (enterprise names and places, models and their prices, whether a dealer
has a unit free) are visible to every signed-in caller; writes belong to the owner:
organisers register enterprises in their jurisdiction, automakers their models, dealers
their stock. Stock counts beyond "units free" are for the dealer and organisers only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from nevrural.core.service.principal import Role, scope_prefix
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import ChainForbiddenError, ChainNotFoundError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_catalogue_ports import StockRecord, VehicleModelRecord
    from nevrural.services.chain_context import ChainContext
    from nevrural.services.chain_ports import AuditEntry, EnterpriseRecord

__all__ = [
    "ENTERPRISE_KINDS",
    "POWERTRAINS",
    "VEHICLE_CLASSES",
    "add_enterprise",
    "add_model",
    "enterprise_view",
    "get_enterprise",
    "list_audit",
    "list_enterprises",
    "list_models",
    "list_stock",
    "model_view",
    "set_stock",
]

ENTERPRISE_KINDS = ("automaker", "dealer", "finance", "charging", "after_sales")
VEHICLE_CLASSES = ("micro_van", "micro_truck", "light_truck", "small_car", "compact_suv")
POWERTRAINS = ("bev", "phev", "erev")


def enterprise_view(record: EnterpriseRecord) -> dict[str, Any]:
    """An enterprise as JSON (public business facts)."""
    return {
        "id": record.id,
        "kind": record.kind,
        "name_zh": record.name_zh,
        "name_en": record.name_en,
        "county_code": record.county_code,
        "lon": record.lon,
        "lat": record.lat,
        "lead_capacity": record.lead_capacity,
        "service_counties": list(record.service_counties),
        "brand_ids": list(record.brand_ids),
        "is_demo": record.is_demo,
    }


def model_view(record: VehicleModelRecord) -> dict[str, Any]:
    """A vehicle model as JSON (price as CNY text)."""
    return {
        "id": record.id,
        "automaker_id": record.automaker_id,
        "code": record.code,
        "name_zh": record.name_zh,
        "name_en": record.name_en,
        "vehicle_class": record.vehicle_class,
        "powertrain": record.powertrain,
        "seats": record.seats,
        "payload_kg": record.payload_kg,
        "winter_range_km": record.winter_range_km,
        "price_cny": f"{record.price_cny:.2f}",
        "is_demo": record.is_demo,
    }


def list_enterprises(
    ctx: ChainContext, kind: str | None = None, county_prefix: str = ""
) -> list[dict[str, Any]]:
    """Enterprises (of a kind) located in or serving counties under the prefix."""
    if kind is not None and kind not in ENTERPRISE_KINDS:
        raise ValueError(f"kind: one of {', '.join(ENTERPRISE_KINDS)}")
    with ctx.uow_factory() as uow:
        return [enterprise_view(e) for e in uow.enterprises.list(kind, county_prefix)]


def get_enterprise(ctx: ChainContext, enterprise_id: int) -> dict[str, Any]:
    """One enterprise."""
    with ctx.uow_factory() as uow:
        record = uow.enterprises.get(enterprise_id)
    if record is None:
        raise ChainNotFoundError(f"enterprise {enterprise_id} not found")
    return enterprise_view(record)


def add_enterprise(
    ctx: ChainContext,
    principal: Principal,
    *,
    kind: str,
    name_zh: str,
    name_en: str,
    county_code: str,
    lead_capacity: int,
    service_counties: Sequence[str],
    brand_ids: Sequence[int],
) -> dict[str, Any]:
    """Register an enterprise at a county seat (organisers, inside their jurisdiction)."""
    if principal.role is not Role.ORGANISER:
        raise ChainForbiddenError("only organisers register enterprises")
    if kind not in ENTERPRISE_KINDS:
        raise ValueError(f"kind: one of {', '.join(ENTERPRISE_KINDS)}")
    prefix = scope_prefix(principal.scope_code)
    counties = [county_code, *service_counties]
    outside = [c for c in counties if not c.startswith(prefix)]
    if outside:
        raise ChainForbiddenError(f"service_counties: {outside[0]} is outside your scope")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        seat = None
        for code in dict.fromkeys(counties):
            division = uow.atlas.get_division(code)
            if division is None or division.level != 3:
                raise ValueError(f"service_counties: no county {code!r}")
            seat = seat or division
        assert seat is not None
        if seat.lon is None or seat.lat is None:
            raise ValueError(f"county_code: {county_code} has no position")
        for brand_id in brand_ids:
            brand = uow.enterprises.get(brand_id)
            if brand is None or brand.kind != "automaker":
                raise ValueError(f"brand_ids: {brand_id} is not an automaker")
        record = uow.enterprises.add(
            kind=kind,
            name_zh=name_zh,
            name_en=name_en,
            county_code=county_code,
            lon=seat.lon,
            lat=seat.lat,
            lead_capacity=lead_capacity,
            service_counties=sorted(set(service_counties) | {county_code}),
            brand_ids=sorted(set(brand_ids)),
            is_demo=False,
            now=now,
        )
        audit(
            uow,
            principal,
            at=now,
            action="enterprise.added",
            record_type="enterprise",
            record_id=record.id,
            kind=kind,
        )
        uow.commit()
    return enterprise_view(record)


def list_models(ctx: ChainContext, automaker_id: int | None = None) -> list[dict[str, Any]]:
    """The catalogue of vehicle models (of one automaker)."""
    with ctx.uow_factory() as uow:
        return [model_view(m) for m in uow.catalogue.models(automaker_id)]


def add_model(
    ctx: ChainContext,
    principal: Principal,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    vehicle_class: str,
    powertrain: str,
    seats: int,
    payload_kg: int,
    winter_range_km: int,
    price_cny: str,
) -> dict[str, Any]:
    """Register a model of the caller's automaker."""
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id is None:
        raise ChainForbiddenError("only automakers register models")
    if vehicle_class not in VEHICLE_CLASSES:
        raise ValueError(f"vehicle_class: one of {', '.join(VEHICLE_CLASSES)}")
    if powertrain not in POWERTRAINS:
        raise ValueError(f"powertrain: one of {', '.join(POWERTRAINS)}")
    try:
        price = Decimal(price_cny)
    except InvalidOperation:
        raise ValueError("price_cny: a number of CNY") from None
    if not (Decimal(1000) <= price <= Decimal(10_000_000)) or price != price.quantize(
        Decimal("0.01")
    ):
        raise ValueError("price_cny: 1,000 to 10,000,000 CNY with at most 2 decimals")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        maker = uow.enterprises.get(principal.enterprise_id)
        if maker is None or maker.kind != "automaker":
            raise ChainForbiddenError("only automakers register models")
        if any(m.code == code for m in uow.catalogue.models()):
            raise ValueError(f"code: model {code!r} exists")
        record = uow.catalogue.add_model(
            automaker_id=maker.id,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            vehicle_class=vehicle_class,
            powertrain=powertrain,
            seats=seats,
            payload_kg=payload_kg,
            winter_range_km=winter_range_km,
            price_cny=price,
            is_demo=False,
        )
        audit(
            uow,
            principal,
            at=now,
            action="model.added",
            record_type="model",
            record_id=record.id,
            code=code,
        )
        uow.commit()
    return model_view(record)


def _stock_view(record: StockRecord, full: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "dealer_id": record.dealer_id,
        "model_id": record.model_id,
        "available_units": record.available_units,
    }
    if full:
        view |= {"on_hand_units": record.on_hand_units, "reserved_units": record.reserved_units}
    return view


def _sees_stock_counts(principal: Principal, dealer: EnterpriseRecord) -> bool:
    if principal.role is Role.ENTERPRISE:
        return principal.enterprise_id == dealer.id
    if principal.role is Role.ORGANISER:
        return principal.covers_county(dealer.county_code)
    return False


def list_stock(ctx: ChainContext, principal: Principal, dealer_id: int) -> list[dict[str, Any]]:
    """A dealer's stock: units free for everyone, counts for the dealer and organisers."""
    with ctx.uow_factory() as uow:
        dealer = uow.enterprises.get(dealer_id)
        if dealer is None or dealer.kind != "dealer":
            raise ChainNotFoundError(f"dealer {dealer_id} not found")
        full = _sees_stock_counts(principal, dealer)
        return [_stock_view(s, full) for s in uow.catalogue.stock_of(dealer_id)]


def set_stock(
    ctx: ChainContext, principal: Principal, dealer_id: int, model_id: int, on_hand_units: int
) -> dict[str, Any]:
    """Set a model's units on hand at the caller's own dealership."""
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id != dealer_id:
        raise ChainForbiddenError("only the dealer sets its stock")
    if not 0 <= on_hand_units <= 100_000:
        raise ValueError("on_hand_units: 0 to 100,000")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        if uow.catalogue.model(model_id) is None:
            raise ChainNotFoundError(f"model {model_id} not found")
        record = uow.catalogue.set_stock(dealer_id, model_id, on_hand_units)
        audit(
            uow,
            principal,
            at=now,
            action="stock.set",
            record_type="stock",
            record_id=None,
            model_id=model_id,
            on_hand_units=on_hand_units,
        )
        uow.commit()
    return _stock_view(record, full=True)


def _audit_view(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "county_code": entry.county_code,
        "enterprise_id": entry.enterprise_id,
        "detail": entry.detail,
    }


def list_audit(
    ctx: ChainContext, principal: Principal, *, action: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Audit lines: an organiser's jurisdiction, or an enterprise's own."""
    if principal.role is Role.BUYER:
        raise ChainForbiddenError("the audit log is for organisers and enterprises")
    with ctx.uow_factory() as uow:
        if principal.role is Role.ORGANISER:
            entries = uow.audit.list(
                county_prefix=scope_prefix(principal.scope_code), action=action, limit=limit
            )
        else:
            entries = uow.audit.list(
                enterprise_id=principal.enterprise_id, action=action, limit=limit
            )
    return [_audit_view(e) for e in entries]
