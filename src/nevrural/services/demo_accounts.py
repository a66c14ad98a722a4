"""Use case: which demo accounts exist, for the sign-in page's hints.

The demo (:mod:`~nevrural.services.demo_chain`) creates a national organiser, a
provincial organiser of the first dealer's province, the first three dealers' staff
(``dealer-<county code>``) and three buyers; their password is ``DEMO_PASSWORD``. Only
accounts that exist are listed, and nothing when the demo's enterprises are absent, so a
production database never advertises an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.atlas.divisions import province_code_of

if TYPE_CHECKING:
    from nevrural.services.chain_context import ChainContext

__all__ = ["DemoAccount", "demo_accounts"]

_DEALER_ACCOUNTS = 3
_BUYER_ACCOUNTS = 3


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo login: its username, role, and scope (code and name; None for the nation)."""

    username: str
    role: str
    scope_code: str
    scope_name: str | None


def demo_accounts(ctx: ChainContext) -> list[DemoAccount]:
    """The demo's logins that exist, organisers first; empty without the demo."""
    with ctx.uow_factory() as uow:
        if uow.enterprises.count_demo() == 0:
            return []
        dealers = [e for e in uow.enterprises.list("dealer") if e.is_demo][:_DEALER_ACCOUNTS]
        names = ["organiser"]
        if dealers:
            names.append(f"organiser-{province_code_of(dealers[0].county_code)[:2]}")
        names += [f"dealer-{d.county_code}" for d in dealers]
        names += [f"buyer{n}" for n in range(1, _BUYER_ACCOUNTS + 1)]
        users = [u for u in map(uow.users.by_username, names) if u is not None and not u.disabled]
        scopes = {u.scope_code: uow.atlas.get_division(u.scope_code) for u in users}
    return [
        DemoAccount(
            user.username,
            user.role,
            user.scope_code,
            scope.name if (scope := scopes[user.scope_code]) is not None else None,
        )
        for user in users
    ]
