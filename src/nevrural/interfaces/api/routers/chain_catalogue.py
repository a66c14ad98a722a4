"""``/api/v1/enterprises``, ``/models``, ``/dealers/{id}/stock``, ``/audit``, ``/retention``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status

from nevrural.interfaces.api.chain_deps import CallerDep, ChainDep, chain_errors
from nevrural.interfaces.api.chain_schemas import (
    AuditRead,
    EnterpriseCreate,
    EnterpriseRead,
    ModelCreate,
    ModelRead,
    RetentionRead,
    StockRead,
    StockSet,
)
from nevrural.interfaces.api.deps import MAX_ID, PathId
from nevrural.services.chain_catalogue import (
    add_enterprise,
    add_model,
    get_enterprise,
    list_audit,
    list_enterprises,
    list_models,
    list_stock,
    set_stock,
)
from nevrural.services.chain_retention import run_retention

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["service chain"])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token or API key"},
    403: {"description": "The caller's role may not do this"},
    404: {"description": "No such record"},
}
_WRITE: dict[int | str, dict[str, Any]] = {
    **_AUTH,
    422: {"description": "A field is malformed (named in detail)"},
}
Kind = Literal["automaker", "dealer", "finance", "charging", "after_sales"]


@router.get("/enterprises", response_model=list[EnterpriseRead], responses=_AUTH)
def enterprises(
    caller: CallerDep,
    chain: ChainDep,
    kind: Kind | None = None,
    county_prefix: Annotated[str, Query(pattern="^[0-9]{0,6}$")] = "",
) -> Any:
    """Enterprises located in or serving counties under a code prefix."""
    del caller  # any signed-in caller: business facts
    with chain_errors():
        return list_enterprises(chain, kind, county_prefix)


@router.post(
    "/enterprises",
    response_model=EnterpriseRead,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
def create_enterprise(body: EnterpriseCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """Register an enterprise in the organiser's jurisdiction."""
    with chain_errors():
        return add_enterprise(chain, caller.principal, **body.model_dump())


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseRead, responses=_AUTH)
def enterprise(enterprise_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """One enterprise."""
    del caller
    with chain_errors():
        return get_enterprise(chain, enterprise_id)


@router.get("/models", response_model=list[ModelRead], responses=_AUTH)
def models(
    caller: CallerDep,
    chain: ChainDep,
    automaker_id: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
) -> Any:
    """Vehicle models with their rural-fit attributes."""
    del caller
    with chain_errors():
        return list_models(chain, automaker_id)


@router.post(
    "/models", response_model=ModelRead, status_code=status.HTTP_201_CREATED, responses=_WRITE
)
def create_model(body: ModelCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """Register a model of the caller's automaker."""
    with chain_errors():
        data = body.model_dump()
        data["price_cny"] = str(body.price_cny)
        return add_model(chain, caller.principal, **data)


@router.get("/dealers/{dealer_id}/stock", response_model=list[StockRead], responses=_AUTH)
def stock(dealer_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """A dealer's stock: units free; counts for the dealer and organisers."""
    with chain_errors():
        return list_stock(chain, caller.principal, dealer_id)


@router.put("/dealers/{dealer_id}/stock/{model_id}", response_model=StockRead, responses=_WRITE)
def put_stock(
    dealer_id: PathId, model_id: PathId, body: StockSet, caller: CallerDep, chain: ChainDep
) -> Any:
    """Set a model's units on hand (never below the units reserved by open orders)."""
    with chain_errors():
        return set_stock(chain, caller.principal, dealer_id, model_id, body.on_hand_units)


@router.get("/audit", response_model=list[AuditRead], responses=_AUTH)
def audit_log(
    caller: CallerDep,
    chain: ChainDep,
    action: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """Audit lines of the organiser's jurisdiction or the enterprise's own, newest first."""
    with chain_errors():
        return list_audit(chain, caller.principal, action=action, limit=limit)


@router.post("/retention/run", response_model=RetentionRead, responses=_WRITE)
def retention(
    caller: CallerDep,
    chain: ChainDep,
    inactive_days: Annotated[int, Query(ge=30, le=3650)] = 1095,
) -> Any:
    """Erase personal fields of buyers whose records are all finished (national organisers)."""
    with chain_errors():
        return run_retention(chain, inactive_days=inactive_days, principal=caller.principal)
