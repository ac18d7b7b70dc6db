"""Per-process caches of the agents: values shared by runs must depend on their key alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

import pytest

import parktwin
from parktwin.agents import base, enterprise
from parktwin.agents.base import Change, state_cache
from parktwin.agents.enterprise import NO_MEASURES, FirmState, fold_firm_state
from parktwin.agents.heat_bands import KWH_PER_GJ
from parktwin.data import constant, overriding
from parktwin.energy.calendar import HOURS_PER_YEAR
from parktwin.kernel.model import ParkModel


def test_a_state_cache_is_shared_by_equal_inputs_and_bounded(monkeypatch):
    monkeypatch.setattr(base, "_STATE_CACHES", {})
    monkeypatch.setattr(base, "STATE_CACHE_MAX", 2)
    monkeypatch.setattr(base, "STATE_CACHES_MAX", 3)
    a = state_cache("terms", (1.0, (0.2, 0.3, 0.5)))
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) is a  # equal inputs: the same dict
    assert state_cache("terms", (2.0, (0.2, 0.3, 0.5))) is not a  # other inputs: another
    assert state_cache("room", (1.0, (0.2, 0.3, 0.5))) is not a  # another quantity: another
    a.update({"x": 1, "y": 2})
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) == {}  # a full dict is emptied
    state_cache("other", ())  # a fourth dict: all three are dropped first
    assert state_cache("terms", (1.0, (0.2, 0.3, 0.5))) is not a


def test_a_firm_state_is_folded_once_per_process():
    # Two runs commissioning the same 10 % efficiency measure on the same state share one object;
    # the fold's value is the hand-computed one: factor 1 × (1 - 0.1) = 0.9.
    first = fold_firm_state(NO_MEASURES, Change(100.0, "efficiency", 0.1, "run 1"))
    again = fold_firm_state(FirmState(), Change(9000.0, "efficiency", 0.1, "run 2"))
    assert again is first
    assert first.efficiency_factor == 0.9 and first.own_eb == (0.0, 0.0, 0.0)
    boiler = fold_firm_state(first, Change(200.0, "electric_boiler", (0.5, False)))
    assert boiler.own_eb == (0.5, 0.5, 0.5) and boiler.bought_eb == (0.0, 0.0, 0.0) and boiler.efficiency_factor == 0.9


def test_a_firm_state_hashes_as_its_fields_and_equal_states_match():
    # the hash is computed once, when the state is made: equal states (other objects) hash alike and find each other
    a = FirmState(efficiency_factor=0.9, own_eb=(0.5, 0.5, 0.5))
    b = FirmState(efficiency_factor=0.9, own_eb=(0.5, 0.5, 0.5))
    assert a is not b and a == b and hash(a) == hash(b) and {a: 1}[b] == 1
    assert hash(a) == hash((0.9, (0.5, 0.5, 0.5), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), 0.0, True, 0.0, 1.0))
    assert fold_firm_state(a, Change(1.0, "efficiency", 0.5)).efficiency_factor == 0.45  # 0.9 × (1 − 0.5)


def _add(total: float, change: Change) -> float:
    return total + change.value


def _segments_oracle(
    changes: Iterable[Change], year_start: int, initial: Any, fold: Callable[[Any, Change], Any]
) -> list[tuple[int, Any]]:
    """[(start hour within the year, state)] for the year beginning at global hour ``year_start``, computed
    the plain way as an independent oracle of ``fold_since``: sort all changes by hour, fold those
    before the year into the initial state, and open a segment for each inside it."""
    state = initial
    inside: list[Change] = []
    for ch in sorted(changes, key=lambda c: c.hour):
        if ch.hour <= year_start:
            state = fold(state, ch)
        elif ch.hour < year_start + HOURS_PER_YEAR:
            inside.append(ch)
    out = [(0, state)]
    for ch in inside:
        state = fold(state, ch)
        h = int(ch.hour - year_start)
        if out[-1][0] == h:
            out[-1] = (h, state)
        else:
            out.append((h, state))
    return out


def test_a_year_s_segments_fold_in_clock_order_and_are_kept_while_nothing_arrives():
    # changes at hours 10 (before the year), 8,770 and 9,000 (inside year 1: hours 10 and 240 of it) and 20,000 (after it)
    changes = [Change(10.0, "x", 1.0), Change(8770.0, "x", 2.0), Change(9000.0, "x", 4.0), Change(20000.0, "x", 8.0)]
    folded, segs = base.fold_since(changes, (0, 0.0), 8760, _add)
    assert folded == (1, 1.0) and segs == [(0, 1.0), (10, 3.0), (240, 7.0)]
    assert segs == _segments_oracle(changes, 8760, 0.0, _add)  # the same as folding the sorted list from the start
    agent = type("A", (), {})()  # an agent's state without a model: ``year_segments`` reads only these
    agent.changes, agent._folded, agent._year_segments = changes[:1], None, None
    first = base.ParkAgent.year_segments(agent, 8760, 0.0, _add)
    assert first == [(0, 1.0)]
    assert base.ParkAgent.year_segments(agent, 2 * 8760, 0.0, _add) is first  # nothing new: last year's one segment
    agent.changes.append(Change(2 * 8760 + 5.0, "x", 2.0))
    assert base.ParkAgent.year_segments(agent, 2 * 8760, 0.0, _add) == [(0, 1.0), (5, 3.0)]  # a change arrived: folded again


def test_agents_with_the_same_state_and_changes_share_one_fold_of_the_year():
    # Two firms given the same 10 % efficiency measure at hour 100 of the year 8,760 (the year's second)
    # and one given it at hour 200: the first two share one fold (the same segments list, the same state
    # after), equal to ``fold_since``'s; the third folds on its own. By hand: segments [(0, the state
    # before), (100, factor 0.9)]; nothing folded before the year's start.
    year_start = HOURS_PER_YEAR
    a = [Change(year_start + 100.0, "efficiency", 0.1, "item")]
    b = [Change(year_start + 100.0, "efficiency", 0.1, "item")]
    c = [Change(year_start + 200.0, "efficiency", 0.1, "item")]
    shared: dict = {}
    folded_a, segs_a = base.fold_shared(a, (0, NO_MEASURES), year_start, fold_firm_state, shared)
    folded_b, segs_b = base.fold_shared(b, (0, NO_MEASURES), year_start, fold_firm_state, shared)
    _, segs_c = base.fold_shared(c, (0, NO_MEASURES), year_start, fold_firm_state, shared)
    assert segs_b is segs_a and folded_b == folded_a == (0, NO_MEASURES)
    assert (folded_a, segs_a) == base.fold_since(a, (0, NO_MEASURES), year_start, fold_firm_state)
    assert [h for h, _ in segs_a] == [0, 100] and segs_a[1][1].efficiency_factor == 0.9
    assert segs_c is not segs_a and [h for h, _ in segs_c] == [0, 200]
    # next year the change is folded before the start: one segment, one change folded
    assert base.fold_shared(a, folded_a, 2 * year_start, fold_firm_state, shared) == ((1, segs_a[1][1]), [(0, segs_a[1][1])])


def test_a_firm_s_basis_is_shared_by_the_runs_of_a_scenario_and_follows_the_constants(monkeypatch):
    # What a firm derives from its spec and the constants is computed once per loaded scenario: two
    # models of one scenario read the same read-only object; a constant overridden gives another.
    monkeypatch.setattr(enterprise, "_BASES", {})
    sc = parktwin.load("scenarios/bau.yaml").scenario
    first, second = ParkModel(sc, seed=0), ParkModel(sc, seed=1)
    firm = next(f for f in first.enterprises.values() if f.spec.energy.coal_t > 0)
    other = second.enterprises[firm.entity_id]
    assert other.basis() is firm.basis()
    with pytest.raises(dataclasses.FrozenInstanceError):
        firm.basis().boiler_heat_kwh = 0.0
    e, s = firm.spec.energy, firm.spec.fuel_heat_share
    # boiler heat = (coal × share × NCV × efficiency + gas × share × NCV × efficiency) × 277.78 kWh/GJ
    hand = (e.coal_t * s * constant("coal_ncv_gj_per_t") * constant("coal_boiler_efficiency")
            + e.natural_gas_km3 * s * constant("natural_gas_ncv_gj_per_km3") * constant("gas_boiler_efficiency")) * KWH_PER_GJ
    assert firm.boiler_heat_kwh() == hand
    with overriding({"coal_boiler_efficiency": constant("coal_boiler_efficiency") / 2}):
        third = ParkModel(sc, seed=0).enterprises[firm.entity_id]
        assert third.basis() is not firm.basis() and third.boiler_heat_kwh() < hand
    assert ParkModel(sc, seed=2).enterprises[firm.entity_id].boiler_heat_kwh() == hand  # shipped constants again
    firm.use_measured("flat", 1234.0)  # a measured series replaces the base-year electricity
    assert firm.basis().terms_inputs[0] == 1234.0 and other.basis().terms_inputs[0] != 1234.0


def test_firms_bases_are_bounded(monkeypatch):
    monkeypatch.setattr(enterprise, "_BASES", {})
    monkeypatch.setattr(enterprise, "BASES_MAX", 2)
    model = ParkModel(parktwin.load("scenarios/bau.yaml").scenario, seed=0)
    for firm in list(model.enterprises.values())[:5]:
        firm.basis()
        assert len(enterprise._BASES) <= 2
