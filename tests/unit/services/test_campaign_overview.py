"""The organiser's overview figures on fake storage: scope, states, sums, refusals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.atlas.divisions import Division, Level
from nevrural.core.service.principal import Principal, Role
from nevrural.services.campaign_overview import campaign_overview
from nevrural.services.chain_context import ChainContext
from nevrural.services.chain_errors import ChainForbiddenError
from nevrural.services.ports import Scenario

TODAY = dt.date(2026, 7, 1)
ORDERS = {  # county -> state -> count
    "410122": {"placed": 2, "delivered": 1, "closed": 1},
    "420102": {"cancelled": 1},
}
LEADS = {"410122": {"offered": 3}, "420102": {"accepted": 1}}
FOLLOW_UPS = {  # county -> (done, open and due by TODAY)
    "410122": (3, 1),
    "420102": (0, 2),
}
QUOTES = {"410122": [{"scrappage": "20000.00", "tax": "3000.50"}], "420102": [{"x": "1.00"}]}


def _scenario(kind: str, result: dict[str, Any]) -> Scenario:
    return Scenario(1, kind, kind, dt.datetime(2026, 6, 1, tzinfo=dt.UTC), {}, result, 0.1, True)


def _in(county: str, prefix: str | None) -> bool:
    return county.startswith(prefix or "")


@dataclass
class FakeScenarios:
    """Only the demo shortlist and event plan (none when not seeded)."""

    is_seeded: bool = True

    def latest_demo(self, kind: str) -> Scenario | None:
        """The fake demo scenario of a kind."""
        if not self.is_seeded:
            return None
        if kind == "targeting":
            selected = [
                {"code": "410122", "rank": 1, "name": "中牟县"},
                {"code": "410184", "rank": 2, "name": "新郑市"},
                {"code": "420102", "rank": 3, "name": "江岸区"},
            ]
            return _scenario(kind, {"selected": selected})
        if kind == "events":
            counties = [
                {"county_code": "410122", "events_held": 4, "persons_reached": 1000},
                {"county_code": "410184", "events_held": 0, "persons_reached": 0},
                {"county_code": "420102", "events_held": 5, "persons_reached": 2000},
            ]
            return _scenario(kind, {"counties": counties})
        return None


@dataclass
class FakeOrders:
    """Order counts by county, with the overview's two queries."""

    due_by: list[dt.date] = field(default_factory=list)

    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """States under the prefix."""
        assert dealer_id is None
        counts: dict[str, int] = {}
        for county, states in ORDERS.items():
            if _in(county, county_prefix):
                for state, n in states.items():
                    counts[state] = counts.get(state, 0) + n
        return counts

    def follow_up_counts(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None, due_by: dt.date
    ) -> dict[str, int]:
        """Done and due under the prefix."""
        assert dealer_id is None
        self.due_by.append(due_by)
        rows = [v for c, v in FOLLOW_UPS.items() if _in(c, county_prefix)]
        return {"done": sum(d for d, _ in rows), "due": sum(u for _, u in rows)}


class FakeLeads:
    """Lead counts by county."""

    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """States under the prefix."""
        del dealer_id
        counts: dict[str, int] = {}
        for county, states in LEADS.items():
            if _in(county, county_prefix):
                for state, n in states.items():
                    counts[state] = counts.get(state, 0) + n
        return counts


class FakeQuotes:
    """Stored quotes' amounts by county."""

    def amounts_in_scope(self, county_prefix: str) -> list[dict[str, str]]:
        """Amounts under the prefix."""
        return [a for c, amounts in QUOTES.items() if _in(c, county_prefix) for a in amounts]


class FakeAtlas:
    """One province."""

    def get_division(self, code: str) -> Division | None:
        """Henan only."""
        if code == "410000":
            return Division("410000", "河南省", Level.PROVINCE, None, 113.6, 34.8, None)
        return None


@dataclass
class FakeUow:
    """The repositories the overview reads."""

    scenarios: FakeScenarios = field(default_factory=FakeScenarios)
    orders: FakeOrders = field(default_factory=FakeOrders)
    leads: FakeLeads = field(default_factory=FakeLeads)
    quotes: FakeQuotes = field(default_factory=FakeQuotes)
    atlas: FakeAtlas = field(default_factory=FakeAtlas)

    def __enter__(self) -> FakeUow:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def context(uow: FakeUow) -> ChainContext:
    """A chain context on the fake unit of work, its clock at noon of TODAY."""
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    return ChainContext(
        uow_factory=lambda: uow,  # type: ignore[arg-type,return-value]
        vault=None,  # type: ignore[arg-type]
        passwords=None,  # type: ignore[arg-type]
        tokens=None,  # type: ignore[arg-type]
        clock=lambda: now,
    )


def test_the_nation_counts_everything() -> None:
    """A national organiser's figures sum every county; states come in machine order."""
    uow = FakeUow()
    o = campaign_overview(context(uow), Principal(Role.ORGANISER, user_id=1))
    assert o["scope_name"] is None
    assert o["counties_shortlisted"] == 3
    assert o["events"] == {"id": 1, "held": 9, "persons_reached": 3000, "counties": 2}
    assert o["orders"] == 5
    assert list(o["orders_by_state"])[:3] == ["placed", "deposit_paid", "allocated"]
    assert o["orders_by_state"]["deposit_paid"] == 0
    assert o["deliveries_done"] == 2
    assert (o["leads"], o["leads_by_state"]["offered"]) == (4, 3)
    assert (o["follow_ups_done"], o["follow_ups_due"]) == (3, 3)
    assert (o["quotes"], o["subsidy_quoted_cny"]) == (2, Decimal("23001.50"))
    assert uow.orders.due_by == [TODAY]


def test_a_province_counts_only_its_counties() -> None:
    """Henan's organiser sees Henan's two shortlisted counties and nothing of Hubei."""
    o = campaign_overview(context(FakeUow()), Principal(Role.ORGANISER, scope_code="410000"))
    assert o["scope_name"] == "河南省"
    assert o["counties_shortlisted"] == 2
    assert [row["code"] for row in o["shortlist"]["counties"]] == ["410122", "410184"]
    assert o["shortlist"]["total"] == 3
    assert o["events"]["held"] == 4
    assert (o["orders"], o["deliveries_done"], o["orders_by_state"]["cancelled"]) == (4, 2, 0)
    assert (o["leads"], o["follow_ups_done"], o["follow_ups_due"]) == (3, 3, 1)
    assert o["subsidy_quoted_cny"] == Decimal("23000.50")


def test_without_the_demo_the_planning_figures_are_zero() -> None:
    """No shortlist or event plan stored: zero counties and events, no error."""
    uow = FakeUow()
    uow.scenarios.is_seeded = False
    o = campaign_overview(context(uow), Principal(Role.ORGANISER))
    assert (o["counties_shortlisted"], o["events"]["held"], o["shortlist"]["id"]) == (0, 0, None)


@pytest.mark.parametrize(
    "principal", [Principal(Role.BUYER, buyer_id=1), Principal(Role.ENTERPRISE, enterprise_id=2)]
)
def test_only_organisers_get_an_overview(principal: Principal) -> None:
    """Buyers and enterprises are refused."""
    with pytest.raises(ChainForbiddenError):
        campaign_overview(context(FakeUow()), principal)
