"""Signing in and out of the pages (``/sign-in``, ``/sign-out``).

The form posts the username and password to the service chain's ``sign_in`` use case
(argon2id, the same accounts as the API's OAuth2 flow); the token goes into an HttpOnly,
SameSite=Lax cookie for its lifetime, and the browser goes to ``next`` or the role's
home page. On the demo database the form lists the demo accounts per role.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nevrural.core.service.principal import Role
from nevrural.interfaces.api.deps import ContainerDep
from nevrural.interfaces.web.session import (
    TOKEN_COOKIE,
    USER_COOKIE,
    OptionalWebCallerDep,
    home_of,
    safe_next,
)
from nevrural.interfaces.web.templating import render
from nevrural.services.chain_auth import sign_in
from nevrural.services.chain_errors import AuthenticationError
from nevrural.services.demo_accounts import demo_accounts
from nevrural.services.demo_chain import DEMO_PASSWORD

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_MAX_FIELD_CHARS = 200


def _form_page(
    request: Request,
    container: ContainerDep,
    *,
    next_path: str | None,
    username: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    accounts = demo_accounts(container.chain)
    context = {
        "next_path": next_path or "",
        "username": username,
        "error": error,
        "demo_accounts": accounts,
        "demo_password": DEMO_PASSWORD if accounts else None,
    }
    return render(request, "sign_in.html", context, caller=None, status_code=status_code)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request,
    container: ContainerDep,
    caller: OptionalWebCallerDep,
    next: str | None = None,
) -> HTMLResponse:
    """The sign-in form (with the demo accounts when the demo is present)."""
    del caller  # resolved so the header shows who is signed in already
    return _form_page(request, container, next_path=safe_next(next))


@router.post("/sign-in", response_model=None)
def sign_in_submit(
    request: Request,
    container: ContainerDep,
    username: Annotated[str, Form(max_length=_MAX_FIELD_CHARS)] = "",
    password: Annotated[str, Form(max_length=_MAX_FIELD_CHARS)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the password; set the session cookie and go to ``next`` or the role's home."""
    target = safe_next(next)
    try:
        grant = sign_in(container.chain, username, password)
    except AuthenticationError:
        return _form_page(
            request,
            container,
            next_path=target,
            username=username.strip()[:64],
            error="sign_in.error",
            status_code=status.HTTP_401_UNAUTHORIZED,
        )
    response = RedirectResponse(
        target or home_of(Role(grant.role)), status_code=status.HTTP_303_SEE_OTHER
    )
    secure = request.url.scheme == "https"
    response.set_cookie(
        TOKEN_COOKIE,
        grant.access_token,
        max_age=grant.expires_in,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        USER_COOKIE,
        username.strip().lower(),
        max_age=grant.expires_in,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return response


@router.post("/sign-out")
def sign_out() -> RedirectResponse:
    """Forget the session cookie and show the sign-in form."""
    response = RedirectResponse("/sign-in", status_code=status.HTTP_303_SEE_OTHER)
    for name in (TOKEN_COOKIE, USER_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="lax")
    return response
