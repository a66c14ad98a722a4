"""Who is calling, and how service-chain errors become HTTP statuses.

Every service-chain endpoint takes ``CallerDep``: a bearer token (OAuth2 password flow,
``/api/v1/auth/token``) or an ``X-API-Key`` header; neither gives 401. Handlers wrap their
use case in ``chain_errors()`` so a refusal maps to one status: 401, 403, 404 (also for
records of another tenant: their existence is not disclosed), 409 or 422.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from nevrural.core.service.principal import Principal
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.interfaces.api.deps import get_container
from nevrural.services.chain_auth import principal_from_api_key, principal_from_token
from nevrural.services.chain_context import ChainContext
from nevrural.services.chain_errors import (
    AuthenticationError,
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)

__all__ = ["Caller", "CallerDep", "ChainDep", "chain_errors"]

_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False)


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated principal and, for a buyer, their county (from the token)."""

    principal: Principal
    buyer_county_code: str | None = None


async def get_chain(request: Request) -> ChainContext:
    """The process's service-chain context (async: no thread hop for a lookup)."""
    return get_container(request).chain


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def get_caller(
    request: Request,
    token: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Caller:
    """The caller of a bearer token or API key; 401 without valid credentials.

    A token is checked in the event loop (pure CPU, no I/O); an API key needs a
    database read, which runs in the thread pool.
    """
    container = get_container(request)
    try:
        if token:
            principal, county = principal_from_token(container.chain, token)
            return Caller(principal, county)
        if api_key:
            principal = await run_in_threadpool(
                principal_from_api_key,
                container.chain,
                api_key,
                container.parse_api_key,
                container.api_key_matches,
            )
            return Caller(principal)
    except AuthenticationError as error:
        raise _unauthorised(str(error)) from None
    raise _unauthorised("sign in: bearer token or X-API-Key required")


@contextmanager
def chain_errors() -> Iterator[None]:
    """Map the use cases' refusals to HTTP statuses (the message names the field or id)."""
    try:
        yield
    except AuthenticationError as error:
        raise _unauthorised(str(error)) from None
    except (ChainForbiddenError, ActionForbiddenError) as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(error)) from None
    except ChainNotFoundError as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error).strip("'\"")) from None
    except (ChainConflictError, IllegalTransitionError) as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


CallerDep = Annotated[Caller, Depends(get_caller)]
ChainDep = Annotated[ChainContext, Depends(get_chain)]
