"""The retention job: erase the personal fields of buyers whose records are all finished.

A buyer is erased when none of their records is open (orders closed, refunded or
cancelled; leads converted, closed or unrouted; tickets closed; trade-ins paid or
rejected) and they have been inactive for ``inactive_days``. Their sealed name, phone and
ID card number and the blind indexes are set to NULL; ids, counties, orders and amounts
stay for the campaign's statistics. The default of three years is modelled (the Personal
Information Protection Law, 2021-08-20, art. 19, asks for the shortest period needed;
the sales, warranty and subsidy-audit records set the need), and is a setting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.service.principal import Principal, Role
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import ChainForbiddenError

if TYPE_CHECKING:
    from nevrural.services.chain_context import ChainContext

__all__ = ["DEFAULT_INACTIVE_DAYS", "RetentionReport", "run_retention"]

DEFAULT_INACTIVE_DAYS = 3 * 365  # modelled, see the module docstring

_SYSTEM = Principal(role=Role.ORGANISER)


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """How many buyers were erased, and the cut-off of inactivity."""

    erased_buyers: int
    inactive_since: dt.datetime


def run_retention(
    ctx: ChainContext,
    *,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    principal: Principal | None = None,
) -> RetentionReport:
    """Erase finished buyers' personal fields in one transaction; audited.

    ``principal`` None is the scheduled job; a person must be a national organiser.
    """
    if principal is not None and not (
        principal.role is Role.ORGANISER and principal.scope_code == "000000"
    ):
        raise ChainForbiddenError("only national organisers run the retention job")
    if not 30 <= inactive_days <= 3650:
        raise ValueError("inactive_days: 30 to 3650")
    now = ctx.clock()
    cutoff = now - dt.timedelta(days=inactive_days)
    with ctx.uow_factory() as uow:
        ids = uow.buyers.erasable(cutoff)
        erased = uow.buyers.erase(ids, now) if ids else 0
        audit(
            uow,
            principal or _SYSTEM,
            at=now,
            action="retention.erased",
            record_type="buyer",
            record_id=None,
            buyers=len(ids),
            inactive_since=cutoff.isoformat(),
        )
        uow.commit()
    return RetentionReport(erased_buyers=erased, inactive_since=cutoff)
