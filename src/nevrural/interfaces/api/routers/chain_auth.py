"""``/api/v1/auth``: OAuth2 password sign-in, buyer sign-up, who am I, API keys."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, status
from fastapi.security import OAuth2PasswordRequestForm

from nevrural.core.service.principal import Role
from nevrural.interfaces.api.chain_deps import CallerDep, ChainDep, chain_errors
from nevrural.interfaces.api.chain_schemas import (
    ApiKeyCreate,
    ApiKeyRead,
    BuyerRegister,
    MeRead,
    TokenRead,
)
from nevrural.interfaces.api.deps import ContainerDep
from nevrural.services.chain_auth import issue_api_key, register_buyer, sign_in
from nevrural.services.chain_identity import describe_caller, list_api_keys, revoke_api_key

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/auth", tags=["service chain"])

_AUTH: dict[int | str, dict[str, Any]] = {401: {"description": "No valid bearer token or API key"}}


@router.post(
    "/token",
    response_model=TokenRead,
    responses={401: {"description": "Wrong username or password"}},
)
def token(form: Annotated[OAuth2PasswordRequestForm, Depends()], chain: ChainDep) -> Any:
    """Sign in with username and password; a bearer token valid for 15 minutes."""
    with chain_errors():
        return sign_in(chain, form.username, form.password)


@router.post(
    "/register",
    response_model=TokenRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"description": "Username taken or phone already registered"},
        422: {"description": "A field is malformed (named in detail)"},
    },
)
def register(body: BuyerRegister, chain: ChainDep, container: ContainerDep) -> Any:
    """A buyer signs up with a phone number and is signed in."""
    with chain_errors():
        register_buyer(
            chain,
            username=body.username,
            password=body.password,
            phone=body.phone,
            name=body.name,
            county_code=body.county_code,
            check_strength=container.check_password_strength,
        )
        return sign_in(chain, body.username, body.password)


@router.get("/me", response_model=MeRead, responses=_AUTH)
def me(caller: CallerDep, chain: ChainDep) -> Any:
    """The caller's role and tenancy (a buyer's own fields masked)."""
    with chain_errors():
        return describe_caller(chain, caller.principal)


@router.post(
    "/api-keys",
    response_model=ApiKeyRead,
    status_code=status.HTTP_201_CREATED,
    responses={**_AUTH, 403: {"description": "Not enterprise staff signed in by password"}},
)
def create_api_key(
    body: ApiKeyCreate, caller: CallerDep, chain: ChainDep, container: ContainerDep
) -> Any:
    """A new API key for the caller's enterprise; its token is shown only here."""
    with chain_errors():
        return issue_api_key(chain, caller.principal, body.name, container.new_api_key)


@router.get(
    "/api-keys",
    response_model=list[ApiKeyRead],
    responses={**_AUTH, 403: {"description": "Not enterprise staff"}},
)
def api_keys(caller: CallerDep, chain: ChainDep) -> Any:
    """The API keys of the caller's enterprise (never their secrets)."""
    with chain_errors():
        return list_api_keys(chain, caller.principal)


@router.delete(
    "/api-keys/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_AUTH, 403: {"description": "Not enterprise staff"}, 404: {}},
)
def delete_api_key(
    key_id: Annotated[str, Path(max_length=16)], caller: CallerDep, chain: ChainDep
) -> None:
    """Revoke one of the enterprise's API keys."""
    if caller.principal.role is not Role.ENTERPRISE:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only enterprise staff")
    with chain_errors():
        revoke_api_key(chain, caller.principal, key_id)
