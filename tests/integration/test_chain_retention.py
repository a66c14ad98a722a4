"""The retention job on SQLite and PostgreSQL: finished, inactive buyers lose their fields."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

import pytest

from nevrural.core.service.principal import Principal, Role
from nevrural.services.chain_errors import ChainForbiddenError
from nevrural.services.chain_orders import OrderActionRequest, act_on_order, place_order
from nevrural.services.chain_retention import run_retention
from tests.chain_seed import seed_small_chain

if TYPE_CHECKING:
    from nevrural.bootstrap import Container


def test_retention_erases_only_finished_inactive_buyers(chain_container: Container) -> None:
    """A buyer with a cancelled order is erased 4 years on; one with an open order is not."""
    chain = seed_small_chain(chain_container)
    ctx = chain_container.chain
    body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
    mine = chain.principal(chain_container, "buyer")
    theirs = chain.principal(chain_container, "other_buyer")
    place_order(ctx, mine, "open-order", body, buyer_county_code=None)
    done = place_order(ctx, theirs, "done-order", body, buyer_county_code=None)
    act_on_order(ctx, theirs, int(done.body["id"]), OrderActionRequest(action="cancel"))

    assert run_retention(ctx).erased_buyers == 0  # both active just now
    later = dataclasses.replace(ctx, clock=lambda: ctx.clock() + dt.timedelta(days=4 * 365))
    report = run_retention(later)
    assert report.erased_buyers == 1
    with chain_container.uow() as uow:
        erased = uow.buyers.get(chain.other_buyer_id)
        kept = uow.buyers.get(chain.buyer_id)
        log = uow.audit.list(action="retention.erased")
    assert erased is not None
    assert erased.phone_sealed is None
    assert erased.name_sealed is None
    assert erased.erased_at is not None
    assert kept is not None
    assert kept.phone_sealed is not None
    assert [entry.detail["buyers"] for entry in log] == [1, 0]
    assert run_retention(later).erased_buyers == 0  # idempotent


def test_retention_is_for_national_organisers(chain_container: Container) -> None:
    """A provincial organiser or a dealer may not run it; the window is bounded."""
    ctx = chain_container.chain
    for who in (
        Principal(role=Role.ORGANISER, scope_code="410000"),
        Principal(role=Role.ENTERPRISE, enterprise_id=1),
    ):
        with pytest.raises(ChainForbiddenError):
            run_retention(ctx, principal=who)
    with pytest.raises(ValueError, match="inactive_days"):
        run_retention(ctx, inactive_days=1)
