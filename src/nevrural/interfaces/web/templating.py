"""Rendering a page: Jinja2 templates with the caller, language and navigation.

Every page calls ``render(request, "name.html", {...}, caller=caller)``. Templates
extend ``base.html`` (blocks ``title``, ``content``, ``scripts``) and find these
globals:

``t(key, **values)``
    The text of a message in the page's language (:mod:`~nevrural.interfaces.web.i18n`).
``lang``, ``other_lang``, ``lang_switch_url``
    The page's language (``zh-CN`` or ``en``), the other one, and this page in it.
``caller``
    The signed-in ``WebCaller`` or None (found from the cookie when not passed).
``nav``
    The caller's navigation links: ``NavLink(href, key, is_current)``.
``vendor(name)``, ``static(path)``
    URLs of an npm library file (``echarts.min.js``, ``htmx.min.js``) and of our own
    static files (with a content fingerprint).

Filters: ``num`` (thousands separators, optional decimals), ``cny`` (yuan with two
decimals), ``pct`` (a 0–1 share as a percentage).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from nevrural import __version__
from nevrural.core.service.principal import Role
from nevrural.interfaces.web.assets import static_url, vendor_url
from nevrural.interfaces.web.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    is_strict,
    language_of,
    requested_language,
    translator,
)
from nevrural.interfaces.web.session import WebCaller, caller_from_request

__all__ = ["TEMPLATES_DIR", "NavLink", "nav_links", "render"]

TEMPLATES_DIR = Path(__file__).with_name("templates")
_LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600

# (href, message key) per role; the offer calculator is open to everyone.
_NAV: dict[Role | None, tuple[tuple[str, str], ...]] = {
    Role.ORGANISER: (
        ("/", "nav.overview"),
        ("/atlas", "nav.atlas"),
        ("/targeting", "nav.targeting"),
        ("/siting", "nav.siting"),
        ("/events", "nav.events"),
        ("/offers", "nav.offers"),
    ),
    Role.ENTERPRISE: (("/dealer", "nav.dealer"), ("/offers", "nav.offers")),
    Role.BUYER: (
        ("/offers", "nav.offers"),
        ("/my/orders", "nav.my_orders"),
        ("/my/tickets", "nav.my_tickets"),
    ),
    None: (("/offers", "nav.offers"),),
}


@dataclass(frozen=True, slots=True)
class NavLink:
    """A navigation link: where it goes, its message key, whether it is this page."""

    href: str
    key: str
    is_current: bool


def nav_links(caller: WebCaller | None, path: str) -> list[NavLink]:
    """The navigation of the caller's role (everyone's when signed out)."""
    links = _NAV[caller.principal.role if caller is not None else None]
    current = max(
        (href for href, _ in links if path == href or (href != "/" and path.startswith(href))),
        key=len,
        default=None,
    )
    return [NavLink(href, key, href == current) for href, key in links]


def _num(value: Any, digits: int = 0) -> str:
    """``12,345`` (or with ``digits`` decimals); empty for None."""
    if value is None:
        return ""
    return f"{float(value):,.{digits}f}" if digits or not isinstance(value, int) else f"{value:,}"


def _cny(value: Any) -> str:
    """Yuan with thousands separators and two decimals (``12,345.60``)."""
    if value is None:
        return ""
    return f"{Decimal(str(value)):,.2f}"


def _pct(value: Any, digits: int = 1) -> str:
    """A share (0–1) as a percentage (``8.7%``)."""
    if value is None:
        return ""
    return f"{100 * float(value):.{digits}f}%"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    env.filters.update(num=_num, cny=_cny, pct=_pct)
    env.globals.update(vendor=vendor_url, static=static_url, version=__version__)
    return env


def _lang_switch_url(request: Request, lang: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{request.url.path}?{urlencode([*query, ('lang', lang)])}"


def render(
    request: Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    caller: WebCaller | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The page ``template_name`` in the request's language, for the caller.

    A ``?lang=`` choice is kept in the ``lang`` cookie for the next pages.
    """
    lang = language_of(request)
    other = next(code for code in LANGUAGES if code != lang)
    who = caller if caller is not None else caller_from_request(request)
    values = {
        "request": request,
        "t": translator(lang, strict=is_strict(request)),
        "lang": lang,
        "other_lang": other,
        "lang_switch_url": _lang_switch_url(request, other),
        "caller": who,
        "nav": nav_links(who, request.url.path),
        "current_path": request.url.path,
        **(context or {}),
    }
    body = _environment().get_template(template_name).render(values)
    response = HTMLResponse(body, status_code=status_code)
    chosen = requested_language(request)
    if chosen is not None and request.cookies.get(LANG_COOKIE) != chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=_LANG_COOKIE_MAX_AGE_S, samesite="lax", path="/"
        )
    return response
