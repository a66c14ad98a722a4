"""Use cases of livestream sessions: an enterprise announces one, anyone signed in lists them.

A session is public campaign information (title, county, start and end), with no
personal data; leads from it name it (``channel = livestream``) for attribution.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.principal import Role
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import ChainForbiddenError
from nevrural.services.chain_lead_fields import check_moment, clean_text, county_division

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_catalogue_ports import LivestreamRecord
    from nevrural.services.chain_context import ChainContext

__all__ = ["MAX_SESSION", "create_livestream", "list_livestreams", "livestream_view"]

# The longest session accepted: a modelled bound (a long campaign broadcast day).
MAX_SESSION = dt.timedelta(hours=24)
TITLE_MAX_CHARS = 120


def livestream_view(session: LivestreamRecord) -> dict[str, Any]:
    """A livestream session as JSON."""
    return {
        "id": session.id,
        "enterprise_id": session.enterprise_id,
        "title_zh": session.title_zh,
        "county_code": session.county_code,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
    }


def create_livestream(
    ctx: ChainContext,
    principal: Principal,
    *,
    title_zh: str,
    county_code: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> dict[str, Any]:
    """An enterprise announces a session; it must end after it starts, within 24 hours."""
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id is None:
        raise ChainForbiddenError("only enterprises host livestream sessions")
    title = clean_text(title_zh, "title_zh", TITLE_MAX_CHARS)
    check_moment(starts_at, "starts_at")
    check_moment(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise ValueError("ends_at: must be after starts_at")
    if ends_at - starts_at > MAX_SESSION:
        raise ValueError(
            f"ends_at: a session lasts at most {MAX_SESSION.total_seconds() / 3600:g} h"
        )
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        county_division(uow, county_code)
        session = uow.catalogue.add_livestream(
            enterprise_id=principal.enterprise_id,
            title_zh=title,
            county_code=county_code,
            starts_at=starts_at.astimezone(dt.UTC),
            ends_at=ends_at.astimezone(dt.UTC),
        )
        owner = Ownership(county_code, frozenset({principal.enterprise_id}))
        audit(
            uow,
            principal,
            at=now,
            action="livestream.created",
            record_type="livestream",
            record_id=session.id,
            owner=owner,
            title_zh=title,
        )
        uow.commit()
    return livestream_view(session)


def list_livestreams(
    ctx: ChainContext, principal: Principal, *, enterprise_id: int | None = None
) -> list[dict[str, Any]]:
    """Every session (of one enterprise), by start: public to anyone signed in."""
    del principal  # any signed-in caller; kept for the uniform use-case signature
    with ctx.uow_factory() as uow:
        return [livestream_view(s) for s in uow.catalogue.livestreams(enterprise_id)]
