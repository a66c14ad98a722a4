"""Use cases of trade-ins: scrappage or replacement of the old car, and the subsidy claim.

A buyer (or their dealer, for an order the buyer placed there) submits the old vehicle
(fuel, first registration year, mileage, emission standard: never its plate number or
VIN) with, optionally, the offer engine's quote of the purchase. A quote must be the
buyer's (same county), must not back another live trade-in, and must describe the same
old car; if it applied a trade-in subsidy of the trade-in's kind, that amount is the
``subsidy_cny`` to claim. The dealer appraises (and, for a scrappage, records the
scrappage certificate) and submits the claim, which files it on the quote through the
offer engine (``offer_claims.add_claim``, one claim per rule and quote); an organiser
whose jurisdiction holds the county approves and pays it. Dealer or organiser may reject
before payment. Every write is audited with the change it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.principal import Role
from nevrural.core.service.trade_ins import (
    TRADE_IN_MACHINE,
    TradeInAction,
    TradeInKind,
    TradeInState,
    decide_trade_in,
    validate_trade_in_fields,
)
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.services.chain_context import audit, ensure_readable, list_filters
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_people import buyer_masked
from nevrural.services.chain_tickets import NOTE_MAX_CHARS, check_text
from nevrural.services.offer_claims import add_claim

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_aftersales_ports import TradeInRecord
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.ports import ClaimRecord, QuoteRecord

__all__ = [
    "EMISSION_STANDARDS",
    "OLD_VEHICLE_FUELS",
    "TradeInActionParams",
    "TradeInParams",
    "act_on_trade_in",
    "check_old_vehicle",
    "get_trade_in",
    "list_trade_ins",
    "quoted_subsidy_item",
    "submit_trade_in",
    "trade_in_owner",
]

OLD_VEHICLE_FUELS = ("petrol", "diesel", "nev")
# China's light-vehicle emission stages (国一 … 国六, GB 18352); an NEV has none.
EMISSION_STANDARDS = ("国一", "国二", "国三", "国四", "国五", "国六")
EARLIEST_REGISTRATION_YEAR = 1950
MAX_MILEAGE_KM = 3_000_000
# The ``trade_ins.certificate_no`` column holds 60 characters (the core allows 64).
CERTIFICATE_NO_MAX_CHARS = 60
_OLD_VEHICLE_FIELDS = frozenset(
    {"fuel", "first_registration_year", "mileage_km", "emission_standard"}
)
# The offer engine's old-car fuel types, grouped as a trade-in describes them.
_FUEL_GROUP = {"petrol": "petrol", "diesel": "diesel", "bev": "nev", "phev": "nev", "erev": "nev"}
_KIND_OF_DISPOSAL = {"scrap": TradeInKind.SCRAPPAGE, "sell": TradeInKind.REPLACEMENT}
_CLAIM_STATUS = {
    TradeInState.CLAIM_SUBMITTED: "submitted",
    TradeInState.CLAIM_APPROVED: "approved",
    TradeInState.CLAIM_PAID: "paid",
}


@dataclass(frozen=True, slots=True)
class TradeInParams:
    """A trade-in application: kind, dealer, the buyer's order and quote, the old vehicle.

    ``old_vehicle`` holds ``fuel`` (petrol, diesel, nev), ``first_registration_year``,
    ``mileage_km`` and ``emission_standard`` (国一 … 国六; none for an NEV).
    """

    kind: str
    dealer_id: int
    old_vehicle: Mapping[str, Any]
    order_id: int | None = None
    quote_id: int | None = None


@dataclass(frozen=True, slots=True)
class TradeInActionParams:
    """An action with the fields it needs: ``appraisal_cny`` (CNY) or ``certificate_no``."""

    action: str
    appraisal_cny: Decimal | None = None
    certificate_no: str | None = None
    note: str | None = field(default=None)


def trade_in_owner(trade_in: TradeInRecord) -> Ownership:
    """Who holds a trade-in: its dealer, its buyer, organisers of its county."""
    return Ownership(trade_in.county_code, frozenset({trade_in.dealer_id}), trade_in.buyer_id)


def _whole_number(data: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"old_vehicle.{name}: a whole number in [{low}, {high}], got {value!r}")
    return value


def check_old_vehicle(data: Mapping[str, Any], *, this_year: int) -> dict[str, Any]:
    """The old vehicle as stored: four checked fields; ValueError names the first bad one.

    >>> old = check_old_vehicle({"fuel": "petrol", "first_registration_year": 2011,
    ...                          "mileage_km": 182000, "emission_standard": "国三"}, this_year=2025)
    >>> old["emission_standard"], old["mileage_km"]
    ('国三', 182000)
    """
    unknown = sorted(set(data) - _OLD_VEHICLE_FIELDS)
    if unknown:
        raise ValueError(
            f"old_vehicle.{unknown[0]}: not stored (only fuel, first_registration_year,"
            " mileage_km and emission_standard; never a plate number or VIN)"
        )
    fuel = data.get("fuel")
    if fuel not in OLD_VEHICLE_FUELS:
        raise ValueError(f"old_vehicle.fuel: one of {', '.join(OLD_VEHICLE_FUELS)}, got {fuel!r}")
    year = _whole_number(data, "first_registration_year", EARLIEST_REGISTRATION_YEAR, this_year)
    mileage_km = _whole_number(data, "mileage_km", 0, MAX_MILEAGE_KM)
    standard = data.get("emission_standard")
    if fuel == "nev":
        if standard is not None:
            raise ValueError("old_vehicle.emission_standard: an NEV has none; leave it out")
    elif standard not in EMISSION_STANDARDS:
        raise ValueError(
            f"old_vehicle.emission_standard: one of {', '.join(EMISSION_STANDARDS)} for a"
            f" {fuel} car, got {standard!r}"
        )
    return {
        "fuel": fuel,
        "first_registration_year": year,
        "mileage_km": mileage_km,
        "emission_standard": standard,
    }


def quoted_subsidy_item(quote: QuoteRecord) -> tuple[TradeInKind, str] | None:
    """The quote's applied trade-in subsidy as (kind, rule id), or None.

    The kind comes from the rule id (the catalogue names them ``…-scrappage-…`` and
    ``…-replacement-…``), else from the quote's old-car disposal (scrap or sell).
    """
    old = quote.draft.request.get("old_vehicle")
    disposal = old.get("disposal") if isinstance(old, dict) else None
    for item in quote.draft.result.get("items", []):
        if item.get("category") != "trade-in":
            continue
        rule_id = str(item["rule_id"])
        if "scrappage" in rule_id:
            return TradeInKind.SCRAPPAGE, rule_id
        if "replacement" in rule_id:
            return TradeInKind.REPLACEMENT, rule_id
        if disposal in _KIND_OF_DISPOSAL:
            return _KIND_OF_DISPOSAL[disposal], rule_id
    return None


def _quoted_subsidy(
    quote: QuoteRecord, kind: TradeInKind, old_vehicle: Mapping[str, Any]
) -> Decimal | None:
    """The subsidy (CNY) the quote applied for this kind of trade-in, checking it fits."""
    old = quote.draft.request.get("old_vehicle")
    if isinstance(old, dict):
        fuel = _FUEL_GROUP.get(str(old.get("fuel_type")), str(old.get("fuel_type")))
        if fuel != old_vehicle["fuel"]:
            raise ValueError(
                f"old_vehicle.fuel: {old_vehicle['fuel']}, but quote {quote.id} priced a {fuel} car"
            )
        year = str(old.get("registration_date", ""))[:4]
        if year.isdigit() and int(year) != old_vehicle["first_registration_year"]:
            raise ValueError(
                f"old_vehicle.first_registration_year: {old_vehicle['first_registration_year']},"
                f" but quote {quote.id} priced a car first registered in {year}"
            )
    item = quoted_subsidy_item(quote)
    if item is None:
        return None
    quoted_kind, rule_id = item
    if quoted_kind is not kind:
        raise ValueError(
            f"quote_id: quote {quote.id} applied the {quoted_kind} subsidy {rule_id},"
            f" not a {kind} one"
        )
    return Decimal(quote.draft.amounts[rule_id])


def _parties(
    uow: ChainUnitOfWork, principal: Principal, params: TradeInParams
) -> tuple[int, int | None]:
    """(buyer id, order id) of an application, checking who may submit it."""
    if principal.role is Role.ENTERPRISE:
        if principal.enterprise_id != params.dealer_id:
            raise ChainForbiddenError("a dealer submits trade-ins for its own dealership only")
        if params.order_id is None:
            raise ValueError("order_id: required when a dealer submits for a buyer")
        order = uow.orders.get(params.order_id)
        if order is None or order.dealer_id != params.dealer_id:
            raise ChainNotFoundError(f"order_id: order {params.order_id} not found")
        return order.buyer_id, order.id
    if principal.role is not Role.BUYER or principal.buyer_id is None:
        raise ChainForbiddenError("only a buyer or their dealer submits a trade-in")
    if params.order_id is not None:
        order = uow.orders.get(params.order_id)
        if order is None or order.buyer_id != principal.buyer_id:
            raise ChainNotFoundError(f"order_id: order {params.order_id} not found")
        if order.dealer_id != params.dealer_id:
            raise ValueError(
                f"order_id: order {order.id} is with dealer {order.dealer_id},"
                f" not dealer {params.dealer_id}"
            )
    return principal.buyer_id, params.order_id


def _linkable_quote(uow: ChainUnitOfWork, quote_id: int, county_code: str) -> QuoteRecord:
    """The buyer's quote (same county) if no live trade-in holds it already."""
    quote = uow.quotes.get(quote_id)
    if quote is None or quote.draft.county_code != county_code:
        raise ChainNotFoundError(f"quote_id: quote {quote_id} not found")
    for other in uow.aftersales.trade_ins(quote_id=quote.id):
        if other.state != TradeInState.REJECTED:
            raise ChainConflictError(
                f"quote_id: quote {quote.id} backs trade-in {other.id} already"
            )
    return quote


def submit_trade_in(
    ctx: ChainContext, principal: Principal, params: TradeInParams
) -> dict[str, Any]:
    """Store a trade-in application (state ``submitted``) and return it.

    Raises ``ChainForbiddenError`` for an organiser or another dealer, ``ValueError``
    naming a bad field, ``ChainNotFoundError`` for an unknown dealer or a quote or order
    that is not the buyer's, ``ChainConflictError`` for a quote backing another trade-in.
    """
    if params.kind not in set(TradeInKind):
        raise ValueError(f"kind: one of {', '.join(TradeInKind)}, got {params.kind!r}")
    kind = TradeInKind(params.kind)
    now = ctx.clock()
    old_vehicle = check_old_vehicle(params.old_vehicle, this_year=now.year)
    with ctx.uow_factory() as uow:
        buyer_id, order_id = _parties(uow, principal, params)
        dealer = uow.enterprises.get(params.dealer_id)
        if dealer is None or dealer.kind != "dealer":
            raise ChainNotFoundError(f"dealer_id: dealer {params.dealer_id} not found")
        buyer = uow.buyers.get(buyer_id)
        if buyer is None:
            raise ChainNotFoundError(f"buyer {buyer_id} not found")
        subsidy_cny = None
        if params.quote_id is not None:
            quote = _linkable_quote(uow, params.quote_id, buyer.county_code)
            subsidy_cny = _quoted_subsidy(quote, kind, old_vehicle)
        record = uow.aftersales.add_trade_in(
            buyer_id=buyer_id,
            dealer_id=params.dealer_id,
            order_id=order_id,
            quote_id=params.quote_id,
            county_code=buyer.county_code,
            kind=kind.value,
            state=TradeInState.SUBMITTED.value,
            old_vehicle=old_vehicle,
            subsidy_cny=subsidy_cny,
            now=now,
        )
        audit(
            uow,
            principal,
            at=now,
            action="trade_in.submitted",
            record_type="trade_in",
            record_id=record.id,
            owner=trade_in_owner(record),
            kind=kind.value,
            quote_id=params.quote_id,
            subsidy_cny=None if subsidy_cny is None else f"{subsidy_cny:.2f}",
        )
        uow.commit()
        return _views(uow, ctx, principal.role, [record])[0]


def _allowed(trade_in: TradeInRecord, role: Role) -> list[str]:
    """The actions ``role`` may take now, the kind's guards applied, sorted."""
    kind, state = TradeInKind(trade_in.kind), TradeInState(trade_in.state)
    allowed = []
    for action in TRADE_IN_MACHINE:
        try:
            decide_trade_in(kind, state, action, role)
        except (ActionForbiddenError, IllegalTransitionError):
            continue
        allowed.append(action)
    return sorted(allowed)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _views(
    uow: ChainUnitOfWork, ctx: ChainContext, role: Role, trade_ins: Sequence[TradeInRecord]
) -> list[dict[str, Any]]:
    """Trade-ins as JSON (buyer masked, money as CNY text), reading each buyer once."""
    buyers = {b: uow.buyers.get(b) for b in {t.buyer_id for t in trade_ins}}
    views = []
    for t in trade_ins:
        buyer = buyers[t.buyer_id]
        state = TradeInState(t.state)
        claim_status = _CLAIM_STATUS.get(state)
        if state is TradeInState.REJECTED and t.claim_id is not None:
            claim_status = "rejected"
        views.append(
            {
                "id": t.id,
                "state": t.state,
                "kind": t.kind,
                "buyer": buyer_masked(ctx.vault, buyer) if buyer is not None else None,
                "dealer_id": t.dealer_id,
                "order_id": t.order_id,
                "quote_id": t.quote_id,
                "claim_id": t.claim_id,
                "claim_status": claim_status,
                "county_code": t.county_code,
                "old_vehicle": dict(t.old_vehicle),
                "appraisal_cny": _money(t.appraisal_cny),
                "certificate_no": t.certificate_no,
                "subsidy_cny": _money(t.subsidy_cny),
                "created_at": t.created_at.isoformat(),
                "updated_at": t.updated_at.isoformat(),
                "allowed_actions": _allowed(t, role),
            }
        )
    return views


def _readable_trade_in(
    uow: ChainUnitOfWork, principal: Principal, trade_in_id: int
) -> TradeInRecord:
    trade_in = uow.aftersales.trade_in(trade_in_id)
    if trade_in is None:
        raise ChainNotFoundError(f"trade-in {trade_in_id} not found")
    ensure_readable(principal, trade_in_owner(trade_in), "trade-in", trade_in_id)
    return trade_in


def get_trade_in(ctx: ChainContext, principal: Principal, trade_in_id: int) -> dict[str, Any]:
    """One trade-in as the caller may see it (404 when it is not theirs to see)."""
    with ctx.uow_factory() as uow:
        trade_in = _readable_trade_in(uow, principal, trade_in_id)
        return _views(uow, ctx, principal.role, [trade_in])[0]


def list_trade_ins(
    ctx: ChainContext,
    principal: Principal,
    *,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Trade-ins the caller may see, newest first: own, its dealership's, its jurisdiction's."""
    filters = list_filters(
        principal,
        enterprise_field="dealer_id",
        state=state,
        states=TradeInState,
        limit=limit,
        offset=offset,
    )
    with ctx.uow_factory() as uow:
        return _views(uow, ctx, principal.role, uow.aftersales.trade_ins(**filters))


def _file_claim(uow: ChainUnitOfWork, trade_in: TradeInRecord) -> ClaimRecord:
    """File the subsidy claim on the trade-in's quote (409 when there is nothing to claim)."""
    quote = None if trade_in.quote_id is None else uow.quotes.get(trade_in.quote_id)
    if quote is None:
        raise ChainConflictError(f"trade-in {trade_in.id} has no quote: no subsidy to claim")
    item = quoted_subsidy_item(quote)
    if item is None or item[0] != trade_in.kind:
        raise ChainConflictError(
            f"quote {quote.id} applied no {trade_in.kind} subsidy: nothing to claim"
        )
    try:
        return add_claim(uow, quote, item[1])
    except ValueError as refused:  # claimed already (one claim per rule and quote)
        raise ChainConflictError(str(refused)) from None


def act_on_trade_in(
    ctx: ChainContext, principal: Principal, trade_in_id: int, params: TradeInActionParams
) -> dict[str, Any]:
    """Appraise, certify, submit, approve or pay the claim, or reject; 403/409 as refused.

    ``submit_claim`` files the claim on the quote and stores its id; approving and paying
    are recorded on the trade-in (the offer engine's claim keeps its filing status).
    """
    validate_trade_in_fields(
        params.action, appraisal_cny=params.appraisal_cny, certificate_no=params.certificate_no
    )
    certificate = (params.certificate_no or "").strip()
    if params.action == TradeInAction.CERTIFY and len(certificate) > CERTIFICATE_NO_MAX_CHARS:
        raise ValueError(f"certificate_no: at most {CERTIFICATE_NO_MAX_CHARS} characters")
    note = check_text(params.note, "note", NOTE_MAX_CHARS, required=False)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        trade_in = _readable_trade_in(uow, principal, trade_in_id)
        target = decide_trade_in(
            TradeInKind(trade_in.kind), TradeInState(trade_in.state), params.action, principal.role
        )
        changes: dict[str, Any] = {}
        if params.action == TradeInAction.APPRAISE:
            changes["appraisal_cny"] = params.appraisal_cny
        elif params.action == TradeInAction.CERTIFY:
            assert params.certificate_no is not None
            changes["certificate_no"] = params.certificate_no.strip()
        elif params.action == TradeInAction.SUBMIT_CLAIM:
            claim = _file_claim(uow, trade_in)
            changes.update(claim_id=claim.id, subsidy_cny=claim.amount_cny)
        if not uow.aftersales.move_trade_in(
            trade_in_id, from_state=trade_in.state, to_state=target.value, now=now, **changes
        ):
            raise ChainConflictError(f"trade-in {trade_in_id} changed meanwhile; read it and retry")
        audit(
            uow,
            principal,
            at=now,
            action=f"trade_in.{params.action}",
            record_type="trade_in",
            record_id=trade_in_id,
            owner=trade_in_owner(trade_in),
            from_state=trade_in.state,
            to_state=target.value,
            note=note,
            **{k: v if isinstance(v, int | str) else _money(v) for k, v in changes.items()},
        )
        uow.commit()
    return get_trade_in(ctx, principal, trade_in_id)
