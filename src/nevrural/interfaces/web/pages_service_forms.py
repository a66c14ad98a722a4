"""What the service pages share: the context, form values, refusals shown beside their field.

The use cases name the field a refusal is about at the start of their message
(``vin must be 17 characters …``, ``satisfaction: 1 to 5``,
``old_vehicle.registration_date: is after the purchase date``); a page re-renders its
form with the refusal next to that field, or at the top of the form when the field is
not one of the form's. The page shows the catalogue's sentence for the kind of refusal
and the use case's own message beneath it as the detail.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from fastapi import status
from fastapi.responses import RedirectResponse

from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.interfaces.api.deps import get_container
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_lead_fields import MAX_PAGE

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from fastapi import Request

    from nevrural.bootstrap import Container
    from nevrural.services.chain_context import ChainContext

__all__ = [
    "FORM_FIELD",
    "LIST_LIMIT",
    "REFUSALS",
    "FormError",
    "FormErrors",
    "chain_of",
    "container_of",
    "date_field",
    "decimal_field",
    "error_of",
    "fresh_key",
    "id_field",
    "local_moment",
    "redirect",
    "refusal_status",
    "values_of",
]

FORM_FIELD = "_form"  # a refusal about the whole form, shown at its top
LIST_LIMIT = MAX_PAGE  # one page of records is everything a workspace shows
_FIELD = re.compile(r"([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)(?=[: ]|$)")
# What a use case raises to refuse a request (anything else is a fault, not shown).
REFUSALS = (
    ValueError,
    ChainForbiddenError,
    ActionForbiddenError,
    ChainNotFoundError,
    ChainConflictError,
)
# Moments are stored in UTC and shown on China Standard Time, where the campaigns run.
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
_STATUS = {
    "invalid": status.HTTP_422_UNPROCESSABLE_CONTENT,
    "conflict": status.HTTP_409_CONFLICT,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
}


@dataclass(frozen=True, slots=True)
class FormError:
    """A refusal to show: the form and field it belongs to, its kind and the detail."""

    form: str
    field: str
    kind: str  # invalid | conflict | forbidden | not_found (a catalogue key)
    detail: str

    @property
    def status_code(self) -> int:
        """The HTTP status of the page that shows it."""
        return _STATUS[self.kind]


# form id -> field -> refusal; the templates look an error up by both.
FormErrors = dict[str, dict[str, FormError]]


def container_of(request: Request) -> Container:
    """The process's container."""
    return get_container(request)


def chain_of(request: Request) -> ChainContext:
    """The process's service-chain context."""
    return get_container(request).chain


def _kind_of(error: Exception) -> str | None:
    if isinstance(error, ChainForbiddenError | ActionForbiddenError):
        return "forbidden"
    if isinstance(error, ChainNotFoundError):
        return "not_found"
    if isinstance(error, ChainConflictError | IllegalTransitionError):
        return "conflict"
    if isinstance(error, ValueError):
        return "invalid"
    return None


def _field_of(message: str, fields: Mapping[str, str], default: str) -> str:
    """The form field a message names first (through ``fields``: path -> form field)."""
    match = _FIELD.match(message.strip("'\" "))
    if match is None:
        return default
    path = match.group(1)
    for candidate in (path, path.rsplit(".", 1)[-1]):
        if candidate in fields:
            return fields[candidate]
    return default


def error_of(
    error: Exception,
    form: str,
    fields: Iterable[str] | Mapping[str, str],
    default_field: str = FORM_FIELD,
) -> FormError:
    """The refusal ``error`` of a use case as a form error; re-raises anything else.

    ``fields`` are the form's fields, or a mapping from the names the use case uses
    (``old_vehicle.fuel_type``, ``deposit_cny``) to the form's fields.
    """
    kind = _kind_of(error)
    if kind is None:
        raise error
    names = dict(fields) if isinstance(fields, dict) else {f: f for f in fields}
    detail = str(error).strip("'\"")
    return FormError(form, _field_of(detail, names, default_field), kind, detail)


def refusal_status(errors: FormErrors) -> int:
    """The status of a page showing ``errors``: the first refusal's."""
    for fields in errors.values():
        for error in fields.values():
            return error.status_code
    return status.HTTP_200_OK


def redirect(url: str) -> RedirectResponse:
    """See other (303): the browser GETs ``url`` after a form's POST."""
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def fresh_key() -> str:
    """A new idempotency key for a form (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(32)


def decimal_field(value: str | None, name: str) -> Decimal | None:
    """A form's number (CNY, %), None when left empty; ValueError names ``name``."""
    text = (value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{name}: a number, got {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name}: a number, got {text!r}")
    return number


def date_field(value: str | None, name: str) -> dt.date | None:
    """A form's date (YYYY-MM-DD), None when left empty; ValueError names ``name``."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: a date YYYY-MM-DD, got {text!r}") from None


def id_field(value: str | None, name: str) -> int | None:
    """A form's record id, None when left empty; ValueError names ``name``."""
    text = (value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        raise ValueError(f"{name}: a record id, got {text!r}")
    return int(text)


def local_moment(iso: str | None) -> str:
    """An ISO moment as ``YYYY-MM-DD HH:MM`` China Standard Time (empty for None).

    >>> local_moment("2026-05-01T02:30:00+00:00")
    '2026-05-01 10:30'
    """
    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA_STANDARD_TIME).strftime("%Y-%m-%d %H:%M")


def values_of(form: Mapping[str, Any]) -> dict[str, str]:
    """A submitted form as text values (to fill the form again after a refusal)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}
