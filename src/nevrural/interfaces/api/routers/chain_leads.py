"""``/api/v1/leads``, ``/api/v1/test-drives``, ``/api/v1/livestreams``: the lead side of the chain.

Thin handlers: authenticate (``CallerDep``), call one use case inside ``chain_errors()``
(refusals become 401/403/404/409/422), return its JSON.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from nevrural.core.service.leads import LeadState
from nevrural.interfaces.api.chain_deps import CallerDep, ChainDep, chain_errors
from nevrural.interfaces.api.chain_lead_schemas import (
    LeadClose,
    LeadContactRead,
    LeadCreate,
    LeadDecline,
    LeadOfferRead,
    LeadRead,
    LivestreamCreate,
    LivestreamRead,
    TestDriveCancel,
    TestDriveCreate,
    TestDriveRead,
    TestDriveStateName,
)
from nevrural.interfaces.api.deps import MAX_ID
from nevrural.services.chain_lead_fields import MAX_PAGE
from nevrural.services.chain_lead_reads import get_lead, lead_contact, list_leads
from nevrural.services.chain_leads import (
    LeadSubmitParams,
    accept_lead,
    close_lead,
    decline_lead,
    submit_lead,
)
from nevrural.services.chain_livestreams import create_livestream, list_livestreams
from nevrural.services.chain_test_drives import (
    TestDriveParams,
    act_on_test_drive,
    book_test_drive,
    list_test_drives,
)

__all__ = ["router"]

router = APIRouter(tags=["service chain"])

LeadId = Annotated[int, Path(gt=0, le=MAX_ID, description="lead id")]
TestDriveId = Annotated[int, Path(gt=0, le=MAX_ID, description="test drive id")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]

_401: dict[int | str, dict[str, Any]] = {401: {"description": "No valid token or API key"}}
_403: dict[int | str, dict[str, Any]] = {403: {"description": "The caller's role may not"}}
_404: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such record, or not one the caller may see"}
}
_409: dict[int | str, dict[str, Any]] = {
    409: {"description": "The record's state does not allow it (e.g. the offer expired)"}
}
_422: dict[int | str, dict[str, Any]] = {
    422: {"description": "A field is missing or malformed (named in detail)"}
}
_READ = {**_401, **_404, **_422}
_WRITE = {**_401, **_403, **_404, **_409, **_422}


@router.post(
    "/api/v1/leads",
    response_model=LeadRead,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
def post_lead(body: LeadCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """Submit a consented lead (a buyer's own, or staff for a buyer) and route it."""
    params = LeadSubmitParams(**body.model_dump())
    with chain_errors():
        return submit_lead(chain, caller.principal, params)


@router.get("/api/v1/leads", response_model=list[LeadRead], responses={**_401, **_422})
def get_leads(
    caller: CallerDep,
    chain: ChainDep,
    state: LeadState | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Leads the caller may see, newest first (buyer masked)."""
    with chain_errors():
        return list_leads(
            chain,
            caller.principal,
            state=state.value if state is not None else None,
            limit=limit,
            offset=offset,
        )


@router.get("/api/v1/leads/{lead_id}", response_model=LeadRead, responses=_READ)
def get_one_lead(lead_id: LeadId, caller: CallerDep, chain: ChainDep) -> Any:
    """One lead with its offer history (a dealer sees only its own offers)."""
    with chain_errors():
        return get_lead(chain, caller.principal, lead_id)


@router.post("/api/v1/leads/{lead_id}/accept", response_model=LeadRead, responses=_WRITE)
def post_accept(lead_id: LeadId, caller: CallerDep, chain: ChainDep) -> Any:
    """The dealer accepts the lead offered to it, before the deadline."""
    with chain_errors():
        return accept_lead(chain, caller.principal, lead_id)


@router.post("/api/v1/leads/{lead_id}/decline", response_model=LeadOfferRead, responses=_WRITE)
def post_decline(lead_id: LeadId, body: LeadDecline, caller: CallerDep, chain: ChainDep) -> Any:
    """The dealer declines (saying why); the lead moves on to the next dealer."""
    with chain_errors():
        return decline_lead(chain, caller.principal, lead_id, note=body.note)


@router.post("/api/v1/leads/{lead_id}/close", response_model=LeadRead, responses=_WRITE)
def post_close(
    lead_id: LeadId, caller: CallerDep, chain: ChainDep, body: LeadClose | None = None
) -> Any:
    """Close the lead: its buyer, or the dealer that accepted it."""
    with chain_errors():
        reason = body.reason if body is not None else None
        return close_lead(chain, caller.principal, lead_id, reason=reason)


@router.get(
    "/api/v1/leads/{lead_id}/contact",
    response_model=LeadContactRead,
    responses={**_READ, **_403},
)
def get_contact(lead_id: LeadId, caller: CallerDep, chain: ChainDep) -> Any:
    """The buyer's unmasked name and phone, for the dealer that accepted the lead (audited)."""
    with chain_errors():
        return lead_contact(chain, caller.principal, lead_id)


@router.post(
    "/api/v1/test-drives",
    response_model=TestDriveRead,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
def post_test_drive(body: TestDriveCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """A buyer books a test drive of a model the dealer has on hand."""
    params = TestDriveParams(**body.model_dump())
    with chain_errors():
        return book_test_drive(chain, caller.principal, params)


@router.get("/api/v1/test-drives", response_model=list[TestDriveRead], responses={**_401, **_422})
def get_test_drives(
    caller: CallerDep,
    chain: ChainDep,
    state: TestDriveStateName | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Test drives the caller may see, by slot."""
    with chain_errors():
        return list_test_drives(chain, caller.principal, state=state, limit=limit, offset=offset)


@router.post(
    "/api/v1/test-drives/{test_drive_id}/cancel", response_model=TestDriveRead, responses=_WRITE
)
def post_cancel_test_drive(
    test_drive_id: TestDriveId,
    caller: CallerDep,
    chain: ChainDep,
    body: TestDriveCancel | None = None,
) -> Any:
    """The buyer or the dealer cancels a booked test drive."""
    with chain_errors():
        reason = body.reason if body is not None else None
        return act_on_test_drive(chain, caller.principal, test_drive_id, "cancel", reason=reason)


@router.post(
    "/api/v1/test-drives/{test_drive_id}/done", response_model=TestDriveRead, responses=_WRITE
)
def post_test_drive_done(test_drive_id: TestDriveId, caller: CallerDep, chain: ChainDep) -> Any:
    """The dealer marks a booked test drive as done."""
    with chain_errors():
        return act_on_test_drive(chain, caller.principal, test_drive_id, "done")


@router.post(
    "/api/v1/livestreams",
    response_model=LivestreamRead,
    status_code=status.HTTP_201_CREATED,
    responses={**_401, **_403, **_422},
)
def post_livestream(body: LivestreamCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """An enterprise announces a livestream session."""
    with chain_errors():
        return create_livestream(
            chain,
            caller.principal,
            title_zh=body.title_zh,
            county_code=body.county_code,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
        )


@router.get("/api/v1/livestreams", response_model=list[LivestreamRead], responses={**_401, **_422})
def get_livestreams(
    caller: CallerDep,
    chain: ChainDep,
    enterprise_id: Annotated[int | None, Query(gt=0, le=MAX_ID)] = None,
) -> Any:
    """Livestream sessions (of one enterprise), by start."""
    with chain_errors():
        return list_livestreams(chain, caller.principal, enterprise_id=enterprise_id)
