"""Invariants of the service chain: orders never over-release stock and move only through
their machine, terminal states are final, masks hide enough, lead routing picks the
nearest qualified dealer, and ID-card check characters round-trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.geo import haversine_km
from nevrural.core.service.leads import DealerCandidate, LeadNeed, choose_dealer, qualified
from nevrural.core.service.orders import (
    ORDER_MACHINE,
    PLACEMENT_STOCK,
    OrderAction,
    OrderFacts,
    OrderState,
    decide_order,
)
from nevrural.core.service.personal import (
    id_card_check_char,
    mask_id_card,
    mask_name,
    mask_phone,
    normalise_id_card,
)
from nevrural.core.service.principal import Principal, Role
from nevrural.core.service.transitions import (
    ActionForbiddenError,
    IllegalTransitionError,
    allowed_actions,
)

__all__: list[str] = []

TERMINAL = frozenset({OrderState.CLOSED, OrderState.REFUNDED})
NO_RESERVATION = frozenset(
    {OrderState.DELIVERED, OrderState.CLOSED, OrderState.CANCELLED, OrderState.REFUNDED}
)
FOLLOW_UP_DONE = "follow_up_done"  # not an order action: one follow-up visit completed

deposits = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
ANY_STEP = st.tuples(st.sampled_from([*OrderAction, FOLLOW_UP_DONE]), st.sampled_from(Role))


def draw_step(data: st.DataObject, state: OrderState) -> tuple[str, Role]:
    """Mostly a forward step the machine allows (so walks reach delivery), else any step."""
    role = data.draw(st.sampled_from(Role))
    legal = allowed_actions(ORDER_MACHINE, state, role)
    forward = [a for a in legal if a != OrderAction.CANCEL] or list(legal)
    if forward and data.draw(st.integers(0, 3)) > 0:
        return data.draw(st.sampled_from([*forward, FOLLOW_UP_DONE])), role
    return data.draw(ANY_STEP)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), n_steps=st.integers(0, 30), deposit_cny=deposits)
def test_order_sequences_keep_stock_and_machine(
    data: st.DataObject, n_steps: int, deposit_cny: Decimal
) -> None:
    """Any actions by any roles: reserved stock stays 0 or 1 and moves only by the machine."""
    facts = OrderFacts(OrderState.PLACED, Decimal("0"), 0)
    reserved, on_hand = PLACEMENT_STOCK.reserved_units, PLACEMENT_STOCK.on_hand_units
    for _ in range(n_steps):
        action, role = draw_step(data, facts.state)
        if action == FOLLOW_UP_DONE:
            facts = replace(facts, open_follow_ups=max(facts.open_follow_ups - 1, 0))
            continue
        before = facts.state
        transition = ORDER_MACHINE[action]
        try:
            decision = decide_order(facts, action, role)
        except (ActionForbiddenError, IllegalTransitionError):
            assert (
                role not in transition.roles
                or before not in transition.sources
                or (action == OrderAction.CLOSE and facts.open_follow_ups > 0)
                or (action == OrderAction.REFUND and facts.deposit_paid_cny == 0)
            )
            continue
        assert before not in TERMINAL
        assert role in transition.roles
        assert before in transition.sources
        assert decision.state is transition.target
        reserved += decision.stock.reserved_units
        on_hand += decision.stock.on_hand_units
        assert reserved in (0, 1)
        assert on_hand in (0, -1)
        assert (reserved == 0) is (decision.state in NO_RESERVATION)
        paid = deposit_cny if action == OrderAction.PAY_DEPOSIT else facts.deposit_paid_cny
        follow_ups = facts.open_follow_ups + len(decision.follow_up_offsets_days)
        facts = OrderFacts(decision.state, paid, follow_ups)


@settings(max_examples=100, deadline=None)
@given(
    state=st.sampled_from(sorted(TERMINAL)),
    action=st.sampled_from(OrderAction),
    role=st.sampled_from(Role),
    deposit_cny=deposits,
    follow_ups=st.integers(0, 3),
)
def test_terminal_order_states_accept_nothing(
    state: OrderState, action: OrderAction, role: Role, deposit_cny: Decimal, follow_ups: int
) -> None:
    """Closed and refunded orders refuse every action by every role."""
    facts = OrderFacts(state, deposit_cny, follow_ups)
    try:
        decide_order(facts, action.value, role)
    except (ActionForbiddenError, IllegalTransitionError):
        return
    raise AssertionError(f"{state} accepted {action} by {role}")


phones = st.from_regex(r"(\+86 ?|86)?1[3-9][0-9]{9}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(phones, st.text(max_size=30), st.text("0123456789 -+", max_size=20)))
def test_phone_mask_reveals_at_most_seven_digits(text: str) -> None:
    """Whatever the input, a masked phone shows no more than 7 digits (3 first, 4 last)."""
    masked = mask_phone(text)
    assert sum(c.isdigit() for c in masked) <= 7
    assert len(masked) == 11


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_id_card_and_name_masks_hide_the_middle(text: str) -> None:
    """A masked ID card shows at most 8 characters, a masked name at most its first."""
    assert sum(c != "*" for c in mask_id_card(text)) <= 8
    masked_name = mask_name(text)
    assert sum(c != "*" for c in masked_name) <= 1
    assert masked_name.count("*") >= 1


@settings(max_examples=200, deadline=None)
@given(
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    born_on=st.dates(date(1900, 1, 1), date(2025, 12, 31)),
    serial=st.integers(0, 999),
    wrong=st.sampled_from("0123456789X"),
)
def test_id_card_check_char_round_trips(
    region: str, born_on: date, serial: int, wrong: str
) -> None:
    """A number with its computed check character passes; any other check character fails."""
    first_17 = f"{region}{born_on:%Y%m%d}{serial:03d}"
    check = id_card_check_char(first_17)
    assert normalise_id_card(first_17 + check.lower()) == first_17 + check
    if wrong != check:
        try:
            normalise_id_card(first_17 + wrong)
        except ValueError:
            return
        raise AssertionError("a wrong check character was accepted")


COUNTIES = ("410102", "410103", "410104")
# Coarse grid (0.01 degree) so that equal distances, and therefore ties, do occur.
grid_lon = st.integers(11300, 11320).map(lambda v: v / 100)
grid_lat = st.integers(3470, 3490).map(lambda v: v / 100)


@st.composite
def dealer_lists(draw: st.DrawFn) -> list[DealerCandidate]:
    """Up to 12 dealers with distinct ids, random brands, areas, stock and capacity."""
    ids = draw(st.lists(st.integers(1, 50), unique=True, max_size=12))
    return [
        DealerCandidate(
            dealer_id=dealer_id,
            enterprise_id=draw(st.integers(1, 5)),
            lon_deg=draw(grid_lon),
            lat_deg=draw(grid_lat),
            brand_ids=draw(st.frozensets(st.integers(1, 3), max_size=3)),
            service_counties=draw(st.frozensets(st.sampled_from(COUNTIES), max_size=3)),
            stock_units=draw(st.integers(0, 2)),
            open_leads=draw(st.integers(0, 3)),
            lead_capacity=draw(st.integers(0, 3)),
        )
        for dealer_id in ids
    ]


needs = st.builds(
    LeadNeed,
    county_code=st.sampled_from(COUNTIES),
    lon_deg=grid_lon,
    lat_deg=grid_lat,
    brand_id=st.none() | st.integers(1, 3),
    model_id=st.none() | st.integers(1, 3),
)


@settings(max_examples=300, deadline=None)
@given(
    need=needs,
    dealers=dealer_lists(),
    excluded=st.frozensets(st.integers(1, 50), max_size=10),
    reverse=st.booleans(),
)
def test_choose_dealer_is_the_nearest_qualified(
    need: LeadNeed, dealers: list[DealerCandidate], excluded: frozenset[int], reverse: bool
) -> None:
    """Never unqualified or excluded; the nearest qualified, ties to the lower id, any order."""
    order = dealers[::-1] if reverse else dealers
    choice = choose_dealer(need, order, excluded)
    eligible = [
        (haversine_km(need.lon_deg, need.lat_deg, d.lon_deg, d.lat_deg), d.dealer_id, d)
        for d in dealers
        if d.dealer_id not in excluded and qualified(need, d) is None
    ]
    if not eligible:
        assert choice is None
        return
    assert choice is not None
    distance_km, dealer_id, dealer = min(eligible, key=lambda e: (e[0], e[1]))
    assert choice.dealer_id not in excluded
    assert (choice.dealer_id, choice.enterprise_id) == (dealer_id, dealer.enterprise_id)
    assert choice.distance_km == distance_km


@settings(max_examples=200, deadline=None)
@given(
    scope=st.from_regex(r"[1-6][0-9](0000|[0-9]{2}00|[0-9]{4})", fullmatch=True),
    county=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
)
def test_organiser_scope_is_a_prefix(scope: str, county: str) -> None:
    """An organiser covers a county exactly when the county lies inside its division."""
    organiser = Principal(Role.ORGANISER, scope_code=scope)
    if scope.endswith("0000"):
        inside = county[:2] == scope[:2]
    elif scope.endswith("00"):
        inside = county[:4] == scope[:4]
    else:
        inside = county == scope
    assert organiser.covers_county(county) is inside
