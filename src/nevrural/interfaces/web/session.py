"""Who is looking at a page: the signed-in caller from the session cookie.

Signing in (``POST /sign-in``, :mod:`~nevrural.interfaces.web.sign_in`) stores the
service chain's bearer token in the HttpOnly, SameSite=Lax cookie ``nevrural_token``
for the token's lifetime, and the username (shown in the header) in ``nevrural_user``.
A page takes one of the dependencies:

- ``OptionalWebCallerDep``: the caller or None (pages open to everyone);
- ``WebCallerDep``: the caller, else ``SignInRequired`` (handled by a redirect to
  ``/sign-in?next=<path>``; expired tokens too);
- ``Annotated[WebCaller, Depends(require_role(Role.ORGANISER))]`` (or ``OrganiserDep``,
  ``EnterpriseDep``, ``BuyerDep``): also ``WebForbidden`` (a 403 page) for other roles.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from nevrural.core.service.principal import Principal, Role
from nevrural.interfaces.api.deps import get_container
from nevrural.services.chain_auth import principal_from_token
from nevrural.services.chain_errors import AuthenticationError

__all__ = [
    "ROLE_HOME",
    "TOKEN_COOKIE",
    "USER_COOKIE",
    "BuyerDep",
    "EnterpriseDep",
    "OptionalWebCallerDep",
    "OrganiserDep",
    "SignInRequired",
    "WebCaller",
    "WebCallerDep",
    "WebForbidden",
    "caller_from_request",
    "home_of",
    "require_role",
    "safe_next",
]

TOKEN_COOKIE = "nevrural_token"
USER_COOKIE = "nevrural_user"
ROLE_HOME = {Role.ORGANISER: "/", Role.ENTERPRISE: "/dealer", Role.BUYER: "/offers"}
_STATE_KEY = "web_caller"
_USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-@")
_MAX_NEXT_CHARS = 2000


@dataclass(frozen=True, slots=True)
class WebCaller:
    """The signed-in person: principal, a buyer's county, and the username shown."""

    principal: Principal
    buyer_county_code: str | None
    username: str | None

    @property
    def role(self) -> Role:
        """The caller's role."""
        return self.principal.role


class SignInRequired(Exception):  # noqa: N818 - a signal, handled by a redirect
    """The page needs a signed-in caller; ``next_path`` is where to come back to."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class WebForbidden(Exception):  # noqa: N818 - a signal, handled by the 403 page
    """The caller's role may not see the page."""


def home_of(role: Role) -> str:
    """The page a role lands on after signing in."""
    return ROLE_HOME[role]


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (no scheme, host or ``//``), else None."""
    if not target or len(target) > _MAX_NEXT_CHARS:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 0x20 for ch in target):
        return None
    return target


def _username(request: Request) -> str | None:
    name = request.cookies.get(USER_COOKIE, "")
    return name if name and set(name) <= _USERNAME_CHARS and len(name) <= 64 else None


def caller_from_request(request: Request) -> WebCaller | None:
    """The caller of the session cookie, or None (absent, expired or forged token).

    The token is checked without a database read (pure CPU); the result is kept on the
    request so the page and its template check it once.
    """
    if hasattr(request.state, _STATE_KEY):
        cached: WebCaller | None = getattr(request.state, _STATE_KEY)
        return cached
    caller = None
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        try:
            principal, county = principal_from_token(get_container(request).chain, token)
        except AuthenticationError:
            pass
        else:
            caller = WebCaller(principal, county, _username(request))
    setattr(request.state, _STATE_KEY, caller)
    return caller


def _path_of(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def get_optional_web_caller(request: Request) -> WebCaller | None:
    """The signed-in caller, or None."""
    return caller_from_request(request)


async def get_web_caller(request: Request) -> WebCaller:
    """The signed-in caller; ``SignInRequired`` (redirect to the sign-in page) otherwise."""
    caller = caller_from_request(request)
    if caller is None:
        raise SignInRequired(_path_of(request))
    return caller


OptionalWebCallerDep = Annotated[WebCaller | None, Depends(get_optional_web_caller)]
WebCallerDep = Annotated[WebCaller, Depends(get_web_caller)]


def require_role(*roles: Role | str) -> Callable[..., Awaitable[WebCaller]]:
    """A dependency: the signed-in caller when their role is one of ``roles``.

    Not signed in: ``SignInRequired``; another role: ``WebForbidden`` (a 403 page).
    """
    allowed = frozenset(Role(r) for r in roles)
    if not allowed:
        raise ValueError("require_role: name at least one role")

    async def caller_with_role(caller: WebCallerDep) -> WebCaller:
        if caller.principal.role not in allowed:
            raise WebForbidden(f"{caller.principal.role.value} may not see this page")
        return caller

    return caller_with_role


OrganiserDep = Annotated[WebCaller, Depends(require_role(Role.ORGANISER))]
EnterpriseDep = Annotated[WebCaller, Depends(require_role(Role.ENTERPRISE))]
BuyerDep = Annotated[WebCaller, Depends(require_role(Role.BUYER))]
